#!/usr/bin/env bash
# Rebuilds sentences.txt.gz from the Python 3.11 documentation as Debian's `python3.11-doc` ships it
# (3.11.2-6+deb12u9, HTML; the indexes and the changelog left out; see ../README.md). Needs apt-get
# (the package is only downloaded and unpacked) and python3.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
source ../fetch.sh  # and a temporary directory $work
fetch_deb python3.11-doc 3.11.2-6+deb12u9 "$work"
cp "$work/usr/share/doc/python3.11-doc/copyright" LICENSE-python-docs.txt
html="$work/usr/share/doc/python3.11/html"
find "$html" -name '*.html' ! -name 'genindex*' ! -name py-modindex.html ! -name search.html \
    ! -path "$html/whatsnew/changelog.html" | LC_ALL=C sort \
  | python3 ../sentences.py html | gzip -9n > sentences.txt.gz
