#!/usr/bin/env bash
# Writes word-counts.tsv: each lower-cased run of letters in the project's clean training text (the
# prose files of data/, UD English train, the WordNet examples; never a held-out set) and how often it
# occurs. The spelling stage ranks its candidates by these counts and leaves alone any word seen here.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
python3 - <<'PY' > lexicon/word-counts.tsv
import collections, glob, gzip, re
files = sorted(glob.glob("*/sentences.txt.gz")) + ["ud-ewt/train.txt", "wordnet-examples/examples.txt"]
counts = collections.Counter()
for f in files:
    with (gzip.open(f, "rt", encoding="utf-8") if f.endswith(".gz") else open(f, encoding="utf-8")) as lines:
        for line in lines:
            counts.update(w.lower() for w in re.findall(r"[A-Za-z]+", line))
for w in sorted(counts):
    print(f"{w}\t{counts[w]}")
PY
wc -l lexicon/word-counts.tsv
