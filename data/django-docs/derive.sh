#!/usr/bin/env bash
# Rebuilds sentences.txt.gz from the Django 3.2 documentation as Debian's `python-django-doc` ships
# it (3:3.2.25-0+deb12u7, HTML; the indexes, module sources and release notes left out; see
# ../README.md). Needs apt-get (the package is only downloaded and unpacked) and python3.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
source ../fetch.sh  # and a temporary directory $work
fetch_deb python-django-doc 3:3.2.25-0+deb12u7 "$work"
cp "$work/usr/share/doc/python-django-doc/copyright" LICENSE-django-docs.txt
html="$work/usr/share/doc/python-django-doc/html"
find "$html" -name '*.html' ! -path '*/_modules/*' ! -path "$html/releases/*" ! -name 'genindex*' \
    ! -name py-modindex.html ! -name search.html | LC_ALL=C sort \
  | python3 ../sentences.py html | gzip -9n > sentences.txt.gz
