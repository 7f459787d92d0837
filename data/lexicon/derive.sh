#!/usr/bin/env bash
# Regenerates the lexicon files derived from Debian packages (see README.md).
# Needs: apt-get install -y wordnet-base wamerican wbritish codespell
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
WN=/usr/share/wordnet
DICTS=(/usr/share/dict/american-english /usr/share/dict/british-english)
CODESPELL=/usr/lib/python3/dist-packages/codespell_lib/data/dictionary.txt
[[ -d $WN && -f ${DICTS[0]} && -f ${DICTS[1]} && -f $CODESPELL ]] || { echo "install wordnet-base, wamerican, wbritish and codespell first" >&2; exit 1; }
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

# Real misspellings (codespell's dictionary, collected from misspellings seen in real text):
# misspelling, tab, correction, kept where the correction is in the word list and the misspelling
# is not; entries with several possible corrections are left out (the correction must be certain).
# Only the kinds learners make, not slips of the keyboard ("thgat", "borad"): corrections of five
# letters or more, misspelt by changing vowels, doubling or undoubling letters ("recieved",
# "untill", "definately") or leaving out a consonant of a cluster ("goverment", "wich").
grep -E '^[a-z]+->[a-z]+$' "$CODESPELL" | awk -F'->' 'NR == FNR { w[$1] = 1; next } ($2 in w) && !($1 in w) { print $1 "\t" $2 }' words.txt - \
  | python3 -c '
import re, sys
def shape(w):  # doubled letters once, each run of vowels as one "V"
    w = "".join(c for i, c in enumerate(w) if i == 0 or c != w[i - 1])
    return re.sub("[aeiouy]+", "V", w)
def learner_like(wrong, right):
    a, b = shape(wrong), shape(right)
    if len(right) < 5: return False
    if a == b: return True
    return any(b[i] != "V" and (b[i - 1] != "V" or (i + 1 < len(b) and b[i + 1] != "V")) and b[:i] + b[i + 1:] == a
               for i in range(1, len(b)))
for line in sys.stdin:
    wrong, right = line.rstrip("\n").split("\t")
    if learner_like(wrong, right): print(wrong + "\t" + right)
' | sort -u > misspellings.tsv
wc -l words.txt wordnet-pos.tsv verb.exc noun.exc adj.exc misspellings.tsv
