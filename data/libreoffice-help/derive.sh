#!/usr/bin/env bash
# Rebuilds sentences.txt.gz from the LibreOffice help as Debian's `libreoffice-help-en-us` ships it
# (4:7.4.7-1+deb12u14, HTML; see ../README.md). Needs apt-get (the package is only downloaded and
# unpacked) and python3.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
source ../fetch.sh  # and a temporary directory $work
fetch_deb libreoffice-help-en-us 4:7.4.7-1+deb12u14 "$work"
{ cat "$work/usr/share/doc/libreoffice-help-en-us/copyright"
  printf '\n\n===== /usr/share/common-licenses/MPL-2.0 =====\n\n'; cat /usr/share/common-licenses/MPL-2.0
  printf '\n\n===== /usr/share/common-licenses/Apache-2.0 =====\n\n'; cat /usr/share/common-licenses/Apache-2.0
} > LICENSE-libreoffice-help.txt
find "$work/usr/share/libreoffice/help/en-US" -name '*.html' | LC_ALL=C sort \
  | python3 ../sentences.py html | gzip -9n > sentences.txt.gz
