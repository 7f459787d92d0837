#!/usr/bin/env bash
# Rebuilds sentences.txt.gz from the GIMP 2.10 user manual as Debian's `gimp-help-en` ships it
# (2.10.34-2, HTML; its licence is in `gimp-help-common`; see ../README.md). Needs apt-get (the
# packages are only downloaded and unpacked) and python3.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
source ../fetch.sh  # and a temporary directory $work
fetch_deb gimp-help-en 2.10.34-2 "$work"
fetch_deb gimp-help-common 2.10.34-2 "$work"
{ cat "$work/usr/share/doc/gimp-help-common/copyright"
  printf '\n\n===== /usr/share/common-licenses/GFDL-1.2 =====\n\n'; cat /usr/share/common-licenses/GFDL-1.2
} > LICENSE-gimp-help.txt
find "$work/usr/share/gimp/2.0/help/en" -name '*.html' | LC_ALL=C sort \
  | python3 ../sentences.py html | gzip -9n > sentences.txt.gz
