#!/usr/bin/python3
"""OpenBLAS SGEMM GFLOP/s on this machine, for the shapes the JMH matmul benchmarks use.

Runs numpy's float32 matmul (Debian's python3-numpy; it calls whatever libblas.so.3 the
system provides, so install libopenblas0-pthread to make that OpenBLAS) and prints one
tab-separated line per (shape, threads):

    sgemm  M  K  N  threads  GFLOP/s(median)  library
    sgemm_tb  ...            (x·wᵀ with w stored [N, K], as the tied LM head)

Usage: /usr/bin/python3 bench/openblas_sgemm.py [--threads 1,2] [--shape M,K,N ...] [--tb-shape M,K,N ...]
The environment variables OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE are removed for this
process (it re-executes itself without them) so OpenBLAS picks its kernels for the real CPU.
"""
import os
import sys

_OVERRIDES = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "GOTO_NUM_THREADS")
if any(v in os.environ for v in _OVERRIDES):
    env = {k: v for k, v in os.environ.items() if k not in _OVERRIDES}
    os.execve(sys.executable, [sys.executable] + sys.argv, env)

import argparse
import ctypes
import statistics
import time

try:
    import numpy as np
except ImportError:
    sys.exit("openblas_sgemm.py: numpy is missing; install it with 'apt-get install -y python3-numpy libopenblas0-pthread'")

DEFAULT_SHAPES = [(m, k, n) for m in (1, 8, 32, 64)
                  for k, n in ((768, 2304), (768, 768), (768, 3072), (3072, 768),
                               (256, 768), (256, 256), (256, 1024), (1024, 256))]


def blas_library():
    """The BLAS shared libraries numpy has loaded (after a first matmul), OpenBLAS's own first."""
    a = np.ones((4, 4), np.float32)
    a @ a
    with open("/proc/self/maps") as maps:
        paths = {line.split()[-1] for line in maps if "blas" in line.lower() and line.split()[-1].startswith("/")}
    return sorted(paths, key=lambda p: ("libopenblas" not in p, p))


def set_threads(libs, n):
    for path in libs:
        lib = ctypes.CDLL(path)
        for name in ("openblas_set_num_threads", "openblas_set_num_threads64_"):
            fn = getattr(lib, name, None)
            if fn is not None:
                fn(ctypes.c_int(n))
                return True
    return False


def gflops(m, k, n, transposed_b, min_seconds=0.15, repeats=7):
    rng = np.random.default_rng(1)
    x = rng.standard_normal((m, k), dtype=np.float32)
    w = rng.standard_normal((n, k) if transposed_b else (k, n), dtype=np.float32)
    rhs = w.T if transposed_b else w  # a transposed view: sgemm reads it with TransB, no copy
    out = np.empty((m, n), np.float32)
    np.matmul(x, rhs, out=out)
    calls = 1
    while True:  # calls per sample so one sample lasts at least min_seconds
        t = time.perf_counter()
        for _ in range(calls):
            np.matmul(x, rhs, out=out)
        if time.perf_counter() - t >= min_seconds:
            break
        calls *= 2
    samples = []
    for _ in range(repeats):
        t = time.perf_counter()
        for _ in range(calls):
            np.matmul(x, rhs, out=out)
        samples.append((time.perf_counter() - t) / calls)
    return 2.0 * m * k * n / statistics.median(samples) / 1e9


def shape(text):
    parts = [int(p) for p in text.split(",")]
    if len(parts) != 3 or min(parts) < 1:
        raise argparse.ArgumentTypeError(f"shape must be M,K,N with positive integers, got {text!r}")
    return tuple(parts)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--threads", default="1,2", help="comma-separated thread counts (default 1,2)")
    ap.add_argument("--shape", type=shape, action="append", help="M,K,N of x[M,K]·w[K,N] (repeatable; default: the JMH set)")
    ap.add_argument("--tb-shape", type=shape, action="append", default=[], help="M,K,N of x[M,K]·w[N,K]ᵀ (repeatable)")
    args = ap.parse_args()
    threads = [int(t) for t in args.threads.split(",")]
    libs = blas_library()
    lib_name = os.path.basename(libs[0]) if libs else "unknown"
    if not any("openblas" in p for p in libs):
        print(f"openblas_sgemm.py: numpy uses {lib_name}, not OpenBLAS; install libopenblas0-pthread", file=sys.stderr)
    for t in threads:
        if not set_threads(libs, t) and t != 1:
            print(f"openblas_sgemm.py: cannot set the thread count on {lib_name}", file=sys.stderr)
        for kind, shapes in (("sgemm", args.shape or DEFAULT_SHAPES), ("sgemm_tb", args.tb_shape)):
            for m, k, n in shapes:
                g = gflops(m, k, n, kind == "sgemm_tb")
                print(f"{kind}\t{m}\t{k}\t{n}\t{t}\t{g:.2f}\t{lib_name}", flush=True)


if __name__ == "__main__":
    main()
