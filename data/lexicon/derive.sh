#!/usr/bin/env bash
# Regenerates the lexicon files derived from Debian packages (see README.md).
# Needs: apt-get install -y wordnet-base wamerican wbritish
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
WN=/usr/share/wordnet
DICTS=(/usr/share/dict/american-english /usr/share/dict/british-english)
[[ -d $WN && -f ${DICTS[0]} && -f ${DICTS[1]} ]] || { echo "install wordnet-base, wamerican and wbritish first" >&2; exit 1; }
export LC_ALL=C

# Irregular inflections, as WordNet ships them.
cp "$WN/verb.exc" "$WN/noun.exc" "$WN/adj.exc" .

# SCOWL (size 50) American and British word lists, merged: lower-cased, possessives dropped,
# ASCII letters, apostrophes and hyphens only. Used to tell words from non-words.
cat "${DICTS[@]}" | grep -v "'s$" | tr 'A-Z' 'a-z' | grep -E "^[a-z]+(['-][a-z]+)*$" | sort -u > words.txt

# Part-of-speech flags (n noun, v verb, a adjective, r adverb) for WordNet's single-word
# lemmas that are also in the word list.
for p in noun verb adj adv; do
  grep -v '^ ' "$WN/index.$p" | cut -d' ' -f1 | grep -E '^[a-z]+$' | sort -u > "/tmp/wn.$p"
done
join -a1 -a2 -e '' -o 0,1.2,2.2 <(sed 's/$/ n/' /tmp/wn.noun) <(sed 's/$/ v/' /tmp/wn.verb) \
  | sed 's/ *$//' | tr -s ' ' | sort > /tmp/wn.nv
join -a1 -a2 -o auto -e '' <(awk '{print $1, ($2$3)}' /tmp/wn.nv) <(sed 's/$/ a/' /tmp/wn.adj) \
  | awk '{print $1, ($2$3)}' | sort > /tmp/wn.nva
join -a1 -a2 -o auto -e '' /tmp/wn.nva <(sed 's/$/ r/' /tmp/wn.adv) \
  | awk '{print $1 "\t" ($2$3)}' | sort > /tmp/wn.pos
join -t $'\t' /tmp/wn.pos <(cat words.txt) > wordnet-pos.tsv
wc -l words.txt wordnet-pos.tsv verb.exc noun.exc adj.exc
