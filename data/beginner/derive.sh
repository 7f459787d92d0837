#!/usr/bin/env bash
# Rebuilds sentences.txt.gz: 30,000 clean sentences of the kinds beginners write, made by the
# project's own grammar (src/main/java/miniserve/synth/BeginnerSentences.java) with a fixed seed;
# the held-out sentences (UD dev and test, JFLEG) are left out. See ../README.md.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
./miniserve synth beginner --n 30000 --seed 1 --out data/beginner/sentences.txt.gz
