#!/usr/bin/env bash
# Regenerates examples.txt from WordNet's glosses (see README.md).
# Needs: apt-get install -y wordnet-base
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
WN=/usr/share/wordnet
[[ -f $WN/data.noun ]] || { echo "install wordnet-base first" >&2; exit 1; }
export LC_ALL=C

# A synset's gloss follows '|'; its usage examples are the quoted parts of the gloss.
# Keep examples of four words or more, give each a capital and a full stop, drop repeats.
cat "$WN"/data.{noun,verb,adj,adv} | grep -v '^  ' | sed 's/^[^|]*| //' \
  | grep -o '"[^"]*"' | sed 's/^" *//; s/ *"$//' \
  | awk 'NF >= 4' \
  | sed -E 's/^(.)/\U\1/; s/([^.!?])$/\1./' \
  | awk '!seen[$0]++' > examples.txt
wc -l examples.txt
