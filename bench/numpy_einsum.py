#!/usr/bin/env python3
"""Times numpy's einsum(..., optimize=True) on bench/core.cpp's cases and sizes, float32, one thread.

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 bench/numpy_einsum.py
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 bench/numpy_einsum.py \
        --compare build/bench/bench_core --repetitions 7

Prints ms per case for C-order arrays (numpy's default, = Eigen RowMajor) and, for the reductions,
Fortran-order arrays too (= Eigen ColMajor). Each figure is the minimum over --repeats timeit runs.
With --compare, also runs bench_core's einsum on the reductions and prints our time (minimum and
median over repetitions) against numpy's for the same layout, alternating numpy and bench_core
--rounds times so both see the same machine load.
"""
import os

# One BLAS thread, like the single-threaded Eigen benchmarks; must precede `import numpy`.
for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")

import argparse  # noqa: E402
import json  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import timeit  # noqa: E402

import numpy as np  # noqa: E402

# (subscript, operand shapes), as in bench/core.cpp.
CASES = [
    ("ij,jk->ik", [(1024, 1024), (1024, 1024)]),
    ("md,nd->mn", [(1024, 64), (1024, 64)]),
    ("ijk->kji", [(256, 256, 256)]),
    ("ij->i", [(4096, 4096)]),
    ("ij->j", [(4096, 4096)]),
    ("ij->", [(4096, 4096)]),
    ("ijk->j", [(256, 256, 256)]),
    ("i,i->", [(1 << 24,), (1 << 24,)]),
    ("i,j->ij", [(4096,), (4096,)]),
    ("ij,ij->ij", [(4096, 4096), (4096, 4096)]),
    ("ii->", [(4096, 4096)]),
    ("ii->i", [(4096, 4096)]),
]
REDUCTIONS = ["ij->i", "ij->j", "ij->", "ijk->j"]


def operands(shapes, order):
    rng = np.random.default_rng(0)
    return [np.asarray(rng.uniform(-1, 1, s).astype(np.float32), order=order) for s in shapes]


def time_case(subscript, ops, repeats):
    """Minimum ms per call over `repeats` timeit runs, each long enough to be measurable."""
    def call():
        r = np.einsum(subscript, *ops, optimize=True)
        # ijk->kji and ii->i return views; copy them, as Eigen assigns into a destination.
        if isinstance(r, np.ndarray) and not r.flags.owndata:
            r = r.copy()
        return r

    timer = timeit.Timer(call)
    number, _ = timer.autorange()
    return min(timer.repeat(repeat=repeats, number=number)) / number * 1e3


def numpy_times(cases, orders, repeats):
    times = {}
    for subscript, shapes in cases:
        for order in orders:
            if order == "F" and subscript not in REDUCTIONS:
                continue
            times[(subscript, order)] = time_case(subscript, operands(shapes, order), repeats)
    return times


def ours(binary, repetitions):
    """{(subscript, layout): [ms per repetition]} for bench_core's einsum on the reductions."""
    pattern = "^BM_einsum/(ij->i|ij->j|ij->|ijk->j)/"
    cmd = [binary, "--benchmark_format=json", f"--benchmark_repetitions={repetitions}",
           f"--benchmark_filter={pattern}"]
    report = json.loads(subprocess.run(cmd, check=True, stdout=subprocess.PIPE, text=True).stdout)
    scale = {"ns": 1e-6, "us": 1e-3, "ms": 1.0, "s": 1e3}
    out = {}
    for b in report["benchmarks"]:
        if b.get("run_type") != "iteration":
            continue
        _, case, layout = b["run_name"].split("/")
        out.setdefault((case, layout), []).append(b["cpu_time"] * scale[b["time_unit"]])
    return out


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--repeats", type=int, default=7, help="timeit repeats (the minimum is kept)")
    p.add_argument("--compare", metavar="BENCH_CORE", help="also run bench_core's einsum reductions")
    p.add_argument("--repetitions", type=int, default=5, help="bench_core repetitions per round")
    p.add_argument("--rounds", type=int, default=2, help="numpy/bench_core alternations (--compare)")
    args = p.parse_args()

    print(f"# numpy {np.__version__}, float32, np.einsum(optimize=True), min of {args.repeats} timeit repeats")
    times = numpy_times(CASES, ["C", "F"], args.repeats)
    print(f"{'case':<11} {'C order ms':>11} {'F order ms':>11}")
    for subscript, _ in CASES:
        f = times.get((subscript, "F"))
        print(f"{subscript:<11} {times[(subscript, 'C')]:>11.3f} {f'{f:.3f}' if f else '-':>11}")
    if not args.compare:
        return

    reductions = [c for c in CASES if c[0] in REDUCTIONS]
    np_samples, our_samples = {}, {}
    for r in range(args.rounds):
        print(f"# round {r + 1}/{args.rounds}", file=sys.stderr)
        t = times if r == 0 else numpy_times(reductions, ["C", "F"], args.repeats)
        for k in t:
            if k[0] in REDUCTIONS:
                np_samples.setdefault(k, []).append(t[k])
        for k, v in ours(args.compare, args.repetitions).items():
            our_samples.setdefault(k, []).extend(v)

    print()
    print("# reductions: our einsum (bench_core, CPU time) vs numpy; ratio = ours (min) / numpy (min)")
    header = (f"{'case':<8} {'layout':<9} {'numpy':<7} {'numpy ms':>9} {'ours min':>9} {'ours med':>9} "
              f"{'ratio':>7}  target")
    print(header)
    print("-" * len(header))
    for subscript in REDUCTIONS:
        for layout, order in (("RowMajor", "C"), ("ColMajor", "F")):
            n = min(np_samples[(subscript, order)])
            o = our_samples[(subscript, layout)]
            ratio = min(o) / n
            print(f"{subscript:<8} {layout:<9} {order + ' order':<7} {n:>9.3f} {min(o):>9.3f} "
                  f"{statistics.median(o):>9.3f} {ratio:>7.3f}  {'ok' if ratio <= 1.0 else 'MISS'}")


if __name__ == "__main__":
    main()
