#!/usr/bin/env python3
"""Times numpy's einsum on bench/network.cpp's cases (three or more operands), float32, one thread,
with optimize=True (numpy's greedy path) and optimize='optimal', and prints numpy's chosen path.

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 bench/numpy_network.py
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 bench/numpy_network.py \
        --compare build/bench/bench_network --repetitions 10

Debian's numpy calls whatever libblas.so.3 the system selects (netlib's reference BLAS unless an
OpenBLAS package is installed); the first line printed names the library actually loaded. To time
numpy with OpenBLAS without changing the system, prefix LD_LIBRARY_PATH=<dir of OpenBLAS's
libblas.so.3> (bench/README.md, "Three or more operands").

Arrays are Fortran-ordered, the memory layout of bench_network's ColMajor tensors (--order C for
numpy's default). Each figure is the median over --repeats timeit runs (and the minimum beside it).
With --compare, bench_network's einsum and hand-written rows (median CPU time over --repetitions)
are printed beside numpy's, from a run made right after numpy's, in the same shell.
"""
import os

# One BLAS thread, like the single-threaded Eigen benchmarks; must precede `import numpy`.
for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")

import argparse  # noqa: E402
import json  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import timeit  # noqa: E402

import numpy as np  # noqa: E402

# (bench_network case name, subscript, operand shapes), as in bench/network.cpp.
CASES = [
    ("ij,jk,kl->il", "ij,jk,kl->il", [(1000, 10), (10, 1000), (1000, 10)]),
    ("abc,bcd,cde->ae", "abc,bcd,cde->ae", [(64, 64, 64)] * 3),
    ("bn,anm,bm->ba", "bn,anm,bm->ba", [(128, 128), (64, 128, 128), (128, 128)]),
    ("ea,fb,abcd,gc,hd->efgh", "ea,fb,abcd,gc,hd->efgh",
     [(32, 32), (32, 32), (32, 32, 32, 32), (32, 32), (32, 32)]),
    ("ij,jk,kl->il:4x4", "ij,jk,kl->il", [(4, 4)] * 3),
]
OPTIMIZE = [("optimize=True", True), ("optimize='optimal'", "optimal")]


def blas_library():
    """The BLAS shared library numpy loaded (Linux): Debian's default is netlib's reference BLAS,
    some 20x slower than OpenBLAS; see bench/README.md for running against OpenBLAS."""
    try:
        with open("/proc/self/maps") as f:
            libs = {line.split()[-1] for line in f if "blas" in line.lower() and "/" in line}
        return ", ".join(sorted(libs)) or "unknown"
    except OSError:
        return "unknown"


def operands(shapes, order):
    rng = np.random.default_rng(0)
    return [np.asarray(rng.uniform(-1, 1, s).astype(np.float32), order=order) for s in shapes]


def time_case(subscript, ops, optimize, repeats):
    """(median, minimum) ms per call over `repeats` timeit runs, each long enough to measure."""
    timer = timeit.Timer(lambda: np.einsum(subscript, *ops, optimize=optimize))
    number, _ = timer.autorange()
    runs = [t / number * 1e3 for t in timer.repeat(repeat=repeats, number=number)]
    return statistics.median(runs), min(runs)


def bench_network(binary, repetitions):
    """{(variant, case): median CPU ms} from bench_network's per-repetition rows."""
    cmd = [binary, "--benchmark_format=json", f"--benchmark_repetitions={repetitions}",
           "--benchmark_enable_random_interleaving=true"]
    report = json.loads(subprocess.run(cmd, check=True, stdout=subprocess.PIPE, text=True).stdout)
    scale = {"ns": 1e-6, "us": 1e-3, "ms": 1.0, "s": 1e3}
    samples = {}
    for b in report["benchmarks"]:
        if b.get("run_type") != "iteration":
            continue
        variant, rest = b["run_name"].split("/", 1)
        case = rest.rsplit("/", 1)[0]
        samples.setdefault((variant[len("BM_"):], case), []).append(b["cpu_time"] * scale[b["time_unit"]])
    return {k: statistics.median(v) for k, v in samples.items()}


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--repeats", type=int, default=7, help="timeit repeats")
    p.add_argument("--order", default="F", choices=["C", "F"], help="numpy memory order")
    p.add_argument("--compare", metavar="BENCH_NETWORK", help="also run bench_network")
    p.add_argument("--repetitions", type=int, default=10, help="bench_network repetitions")
    args = p.parse_args()

    np.dot(np.ones((2, 2), np.float32), np.ones((2, 2), np.float32))  # loads the BLAS
    print(f"# BLAS: {blas_library()}")
    print(f"# numpy {np.__version__}, float32, {args.order} order, median (min) of {args.repeats} timeit repeats, ms")
    times = {}
    for name, subscript, shapes in CASES:
        ops = operands(shapes, args.order)
        for label, optimize in OPTIMIZE:
            path = np.einsum_path(subscript, *ops, optimize=optimize)[0][1:]
            times[(name, label)] = time_case(subscript, ops, optimize, args.repeats)
            med, low = times[(name, label)]
            print(f"{name:<24} {label:<20} {med:>9.4f} ({low:.4f})  path {path}")

    if not args.compare:
        return
    ours = bench_network(args.compare, args.repetitions)
    print()
    print(f"# bench_network (median CPU ms of {args.repetitions}) beside numpy (median ms)")
    header = (f"{'case':<24} {'einsum':>9} {'hand':>9} {'numpy True':>11} {'numpy optimal':>14} "
              f"{'einsum/numpy':>13}")
    print(header)
    print("-" * len(header))
    for name, _, _ in CASES:
        e = ours.get(("einsum", name))
        h = ours.get(("hand", name))
        nt = times[(name, OPTIMIZE[0][0])][0]
        no = times[(name, OPTIMIZE[1][0])][0]
        best = min(nt, no)
        cell = lambda x: f"{x:>9.4f}" if x is not None else f"{'-':>9}"
        print(f"{name:<24} {cell(e)} {cell(h)} {nt:>11.4f} {no:>14.4f} "
              f"{(f'{e / best:.3f}' if e else '-'):>13}")


if __name__ == "__main__":
    main()
