#!/usr/bin/env bash
# Rebuilds sentences.txt.gz from the GNOME desktop help (the English Mallard pages of Debian's
# `gnome-user-docs` 43.0-2: the user help and the system administrator's guide; see ../README.md).
# Needs apt-get (the package is only downloaded and unpacked) and python3.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
source ../fetch.sh  # and a temporary directory $work
fetch_deb gnome-user-docs 43.0-2 "$work"
cp "$work/usr/share/doc/gnome-user-docs/copyright" LICENSE-gnome-user-docs.txt
find "$work/usr/share/help/C" -name '*.page' | LC_ALL=C sort \
  | python3 ../sentences.py mallard | gzip -9n > sentences.txt.gz
