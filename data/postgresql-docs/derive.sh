#!/usr/bin/env bash
# Rebuilds sentences.txt.gz from the PostgreSQL 15 manual as Debian's `postgresql-doc-15` ships it
# (15.20-0+deb12u1, HTML; the release notes left out; see ../README.md). Needs apt-get (the package
# is only downloaded and unpacked) and python3.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
source ../fetch.sh  # and a temporary directory $work
fetch_deb postgresql-doc-15 15.20-0+deb12u1 "$work"
cp "$work/usr/share/doc/postgresql-doc-15/copyright" LICENSE-postgresql-docs.txt
find "$work/usr/share/doc/postgresql-doc-15/html" -name '*.html' ! -name 'release-*' | LC_ALL=C sort \
  | python3 ../sentences.py html | gzip -9n > sentences.txt.gz
