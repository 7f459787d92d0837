"""Writes python_random.json: draws of CPython 3's random module, for GleuRandomTest.

    python3 make_python_random.py > python_random.json

The draws do not depend on the Python 3 version (checked with 3.6 to 3.13). JFLEG's scorer
(eval/gleu.py) seeds with random.seed(j * 101) for iteration j = 0..499 and then draws
random.randint(0, 3) once per sentence (754 sentences in dev); "jfleg_draws" holds those draws for
the first three iterations and a SHA-256 over all 500 (each iteration's draws as a string of
digits, iterations joined by newlines).
"""
import hashlib
import json
import random

seeds = [0, 1, 101, 202, 50399, 2**31 - 1, 2**32 - 1, 2**32, 2**32 + 5, 2**64 + 12345, -7,
         123456789012345678901234567890]
cases = []
for s in seeds:
    random.seed(s)
    bits32 = [random.getrandbits(32) for _ in range(5)]
    bits_small = [random.getrandbits(k) for k in (1, 2, 3, 7, 31)]
    bits_large = [random.getrandbits(k) for k in (33, 48, 63)]
    floats = [repr(random.random()) for _ in range(5)]
    randints = [random.randint(0, 3) for _ in range(20)]
    choices = [random.choice(range(n)) for n in (1, 2, 3, 5, 1000, 2**31 - 1)]
    randint_wide = [random.randint(-5, 2**40) for _ in range(3)]
    cases.append({"seed": str(s), "getrandbits32": bits32, "getrandbits_1_2_3_7_31": bits_small,
                  "getrandbits_33_48_63": bits_large, "random": floats, "randint_0_3": randints,
                  "choice_1_2_3_5_1000_2pow31m1": choices, "randint_m5_2pow40": randint_wide})

lines = []
for j in range(500):
    random.seed(j * 101)
    lines.append("".join(str(random.randint(0, 3)) for _ in range(754)))
print(json.dumps({"cases": cases,
                  "jfleg_draws": {"iterations": 500, "sentences": 754, "first": lines[:3],
                                  "sha256": hashlib.sha256("\n".join(lines).encode()).hexdigest()}},
                 indent=1))
