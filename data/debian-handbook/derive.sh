#!/usr/bin/env bash
# Rebuilds sentences.txt.gz from The Debian Administrator's Handbook as Debian's `debian-handbook`
# package ships it (11.20220922, English HTML; see ../README.md). Needs apt-get (the package is only
# downloaded and unpacked) and python3.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
source ../fetch.sh  # and a temporary directory $work
fetch_deb debian-handbook 11.20220922 "$work"
cp "$work/usr/share/doc/debian-handbook/copyright" LICENSE-debian-handbook.txt
find "$work/usr/share/doc/debian-handbook/html/en-US" -maxdepth 1 -name '*.html' | LC_ALL=C sort \
  | python3 ../sentences.py html | gzip -9n > sentences.txt.gz
