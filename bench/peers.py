#!/usr/bin/env python3
"""einsum against numpy's einsum(optimize=True) and torch.einsum on bench_peers's cases, float32,
C order (RowMajor), one thread each, in one run; prints a table of median times and the ratio
einsum / min(numpy, torch).

    /usr/bin/python3 bench/peers.py build-bench/bench/bench_peers [--repetitions 5] [--filter RE]
        [--rounds N | --paired N | --interleaved N]

numpy and torch call the system BLAS (Debian's OpenBLAS once libopenblas0 is installed; the first
lines printed name the library and its kernel). OpenBLAS falls back to its generic "Prescott" kernel
on CPUs it does not recognise, which flatters us: the peers run under every OPENBLAS_CORETYPE in
--coretypes (default: the detected one, SkylakeX, Haswell) and the fastest for a 1024^3 sgemm is
used. Results are checked: each einsum result's sum and sum of absolute values against numpy's,
within 1e-4 of the sum of the terms' absolute values (which bounds any summation order's rounding).
einsum and the peers run in separate processes, so a machine that slows down between the two
biases the ratio: --rounds N alternates them N times and keeps each side's fastest round (the
median of its repetitions in that round). numpy and torch return views for permutations and
diagonals; those are copied into a preallocated
array (np.copyto, Tensor.copy_), as einsum's result is written into a preallocated tensor.
--paired N times each case alone instead, einsum and the peers alternately N times, and prints the
median of the N rounds' ratios with its quartiles: the two sides of a ratio then run seconds
apart, not minutes, which matters most for the rows bound by memory bandwidth, where this shared
machine's bandwidth moves by 30% between runs.
--interleaved N times each case in one process on the same arrays: it loads bench_peers's cases
built as a library (bench_peers_in_process.so, beside the binary, or --module) and runs einsum on
numpy's arrays, then numpy and torch on them, in blocks of about --block s that take turns, N
rounds; it prints the median over rounds of einsum's time over each peer's, for the slower of the
two medians. Two processes' arrays are different memory, and here two buffers of 64 MB stream at
speeds up to 10% apart, so only one set of arrays compares kernels that run at the memory's speed.
"""
import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import time

PERMUTATIONS = {"ijk->kji", "abcd->dcba", "ii->i"}
# The permutations the issue judges against memcpy's bandwidth (bench_peers's BM_memcpy rows).
JUDGED_BY_COPY = {"ijk->kji", "abcd->dcba"}


def fill(np, shape, seed):
    """bench_peers's values: x = i * 2654435761 + seed * 0x9E3779B9 (mod 2^32), (x >> 8) / 2^23 - 1."""
    n = 1
    for e in shape:
        n *= e
    i = np.arange(n, dtype=np.uint64)
    x = (i * np.uint64(2654435761) + np.uint64((seed * 0x9E3779B9) & 0xFFFFFFFF)) & np.uint64(0xFFFFFFFF)
    v = (x >> np.uint64(8)).astype(np.float32) * np.float32(2.0 / 16777216.0) - np.float32(1.0)
    return v.reshape(shape)


def parse_list(text):
    cases = []
    for line in text.splitlines():
        parts = line.split()
        shapes = [() if p == "scalar" else tuple(int(e) for e in p.split("x")) for p in parts[1:]]
        cases.append((parts[0], shapes))
    return cases


def time_call(f, min_time, repetitions):
    """Median and minimum seconds per call over `repetitions` runs of at least `min_time` s each."""
    f()  # warm up (and allocate)
    per_call = []
    for _ in range(repetitions):
        n, start = 0, time.perf_counter()
        while True:
            f()
            n += 1
            elapsed = time.perf_counter() - start
            if elapsed >= min_time:
                break
        per_call.append(elapsed / n)
    return statistics.median(per_call), min(per_call)


def checksums(np, array):
    """The sum of an array's values and of their absolute values, in double."""
    return (float(np.sum(array, dtype=np.float64)),
            float(np.sum(np.abs(array), dtype=np.float64)))


def peer_calls(np, torch, name, shapes):
    """numpy's and torch's call for one case, numpy's result's checksums with their bound, and the
    operands."""
    ops = [fill(np, s, k + 1) for k, s in enumerate(shapes)]
    tops = [torch.from_numpy(x) for x in ops]
    result = np.einsum(name, *ops, optimize=True)
    # The sum of |terms| bounds the rounding error of any summation order.
    bound = np.einsum(name, *[np.abs(x).astype(np.float64) for x in ops], optimize=True)
    total, absolute = checksums(np, result)
    row = {"sum": total, "abs": absolute, "bound": float(np.sum(bound)),
           "shape": list(result.shape)}
    if name in PERMUTATIONS:
        dest = np.empty(result.shape, np.float32)
        tdest = torch.empty(tuple(result.shape), dtype=torch.float32)
        numpy_f = lambda: np.copyto(dest, np.einsum(name, *ops, optimize=True))  # noqa: E731
        torch_f = lambda: tdest.copy_(torch.einsum(name, *tops))  # noqa: E731
    else:
        numpy_f = lambda: np.einsum(name, *ops, optimize=True)  # noqa: E731
        torch_f = lambda: torch.einsum(name, *tops)  # noqa: E731
    return numpy_f, torch_f, row, ops


def interleaved_worker(args):
    """Runs in a child whose OPENBLAS_CORETYPE is set: einsum (bench_peers_in_process.so, loaded
    here), numpy and torch on the same arrays, in blocks of about --block s that take turns,
    rotating their order every round; prints the table as it goes."""
    import ctypes
    import numpy as np
    import torch
    from threadpoolctl import threadpool_limits

    torch.set_num_threads(1)
    library = ctypes.CDLL(args.module)
    run = library.eigen_einsum_peers_run
    run.restype = ctypes.c_double
    run.argtypes = [ctypes.c_char_p, ctypes.POINTER(ctypes.c_void_p), ctypes.c_void_p,
                    ctypes.c_long]

    def timed(f):
        def block(calls):
            start = time.perf_counter()
            for _ in range(calls):
                f()
            return (time.perf_counter() - start) / calls
        return block

    print(f"| case | einsum ms | numpy ms | torch ms | einsum / peer, the slower of the "
          f"medians of {args.interleaved} rounds (quartiles) | check |")
    print("|---|---:|---:|---:|---:|---|", flush=True)
    all_ok = True
    with threadpool_limits(limits=1):
        for name, shapes in parse_list(args.cases):
            if args.filter and not re.search(args.filter, name):
                continue
            numpy_f, torch_f, row, ops = peer_calls(np, torch, name, shapes)
            result = np.empty(tuple(row["shape"]), np.float32)
            pointers = (ctypes.c_void_p * len(ops))(*[x.ctypes.data for x in ops])
            key, at = name.encode(), result.ctypes.data
            sides = {"einsum": lambda calls: run(key, pointers, at, calls),
                     "numpy": timed(numpy_f), "torch": timed(torch_f)}
            if name in JUDGED_BY_COPY:
                copy = np.empty_like(ops[0])
                sides["memcpy"] = timed(lambda: ctypes.memmove(copy.ctypes.data, ops[0].ctypes.data,
                                                               ops[0].nbytes))
            calls = {}
            for k, f in sides.items():
                f(1)  # warm up (and allocate), then size the side's block from one more call
                calls[k] = max(1, round(args.block / f(1)))
            ok = matches(checksums(np, result), row)
            all_ok = all_ok and ok
            times = {k: [] for k in sides}
            order = list(sides)
            for r in range(args.interleaved):
                for k in order[r % len(order):] + order[:r % len(order)]:
                    times[k].append(sides[k](calls[k]))
            # Against each peer apart: a ratio to the faster of two noisy times in each round would
            # favour the peers wherever all three run at the same speed.
            ratios = {k: sorted(e / p for e, p in zip(times["einsum"], times[k]))
                      for k in ("numpy", "torch")}
            quarter = args.interleaved // 4
            worst = max(ratios.values(), key=statistics.median)
            extra = ""
            if "memcpy" in times:
                share = statistics.median(c / e for c, e in zip(times["memcpy"], times["einsum"]))
                extra = f" (einsum at {100 * share:.0f}% of memcpy's bandwidth, median of rounds)"
            median = {k: statistics.median(v) * 1e3 for k, v in times.items()}
            print(f"| `{name}` | {median['einsum']:.3f} | {median['numpy']:.3f} | "
                  f"{median['torch']:.3f} | {statistics.median(worst):.3f} "
                  f"({worst[quarter]:.3f}-{worst[-1 - quarter]:.3f}) | "
                  f"{'ok' if ok else 'DIFFERS'}{extra} |", flush=True)
    return 0 if all_ok else 1


def worker(args):
    """Runs in a child whose OPENBLAS_CORETYPE is set: times the peers, prints JSON."""
    import numpy as np
    import torch
    from threadpoolctl import threadpool_info, threadpool_limits

    torch.set_num_threads(1)
    out = {"blas": [], "cases": {}}
    with threadpool_limits(limits=1):
        for pool in threadpool_info():
            out["blas"].append(f"{pool.get('internal_api')} {pool.get('version')} "
                               f"{pool.get('architecture')} {pool.get('filepath')}")
        if args.worker == "gemm":
            a = fill(np, (1024, 1024), 1)
            b = fill(np, (1024, 1024), 2)
            out["gemm"] = time_call(lambda: a @ b, args.min_time, 3)[0]
            print(json.dumps(out))
            return
        for name, shapes in parse_list(args.cases):
            if args.filter and not re.search(args.filter, name):
                continue
            numpy_f, torch_f, row, _ = peer_calls(np, torch, name, shapes)
            row["numpy"] = time_call(numpy_f, args.min_time, args.repetitions)
            row["torch"] = time_call(torch_f, args.min_time, args.repetitions)
            out["cases"][name] = row
    print(json.dumps(out))


def blas_env(coretype):
    """The environment of one-thread BLAS calls with this OPENBLAS_CORETYPE (empty: detected)."""
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
    env.pop("OPENBLAS_L2_SIZE", None)
    if coretype:
        env["OPENBLAS_CORETYPE"] = coretype
    else:
        env.pop("OPENBLAS_CORETYPE", None)
    return env


def child(args, coretype, mode):
    env = blas_env(coretype)
    cmd = [sys.executable, __file__, "--worker", mode, "--cases", args.cases_text,
           "--repetitions", str(args.repetitions), "--min-time", str(args.min_time),
           "--filter", args.filter]
    done = subprocess.run(cmd, env=env, check=True, stdout=subprocess.PIPE, text=True)
    return json.loads(done.stdout)


def einsum_times(binary, args, coretype):
    # One thread and the peers' BLAS kernel, for a bench_peers built with eigen_einsum::blas.
    env = blas_env(coretype)
    # Repetitions interleaved at random: a permutation and the memcpy it is judged against then
    # share the machine's moods (Google Benchmark otherwise runs each case's repetitions in a row).
    cmd = [binary, "--benchmark_format=json", f"--benchmark_repetitions={args.repetitions}",
           f"--benchmark_min_time={args.min_time}", "--benchmark_enable_random_interleaving=true"]
    if args.filter:
        # POSIX extended regex, as Google Benchmark reads it: escape only its special characters.
        escape = lambda text: re.sub(r"([.\[\]{}()*+?^$|\\])", r"\\\1", text)  # noqa: E731
        names = [escape(name) for name, _ in parse_list(args.cases_text)
                 if re.search(args.filter, name)]
        cmd.append(f"--benchmark_filter=^BM_[a-z]+/({'|'.join(names)})/RowMajor$")
    report = json.loads(subprocess.run(cmd, check=True, stdout=subprocess.PIPE, text=True,
                                       env=env).stdout)
    samples = {}
    scale = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}
    for b in report["benchmarks"]:
        if b.get("run_type") != "iteration":
            continue
        variant, rest = b["run_name"].split("/", 1)
        case = rest.rsplit("/", 1)[0]
        samples.setdefault((variant, case), []).append(b["real_time"] * scale[b["time_unit"]])
    return {k: (statistics.median(v), min(v)) for k, v in samples.items()}


def matches(check, row):
    """Whether einsum's (sum, sum of |x|) agree with numpy's row within the rounding bound."""
    total, absolute = check
    tolerance = 1e-4 * row["bound"] + 1e-6
    return abs(total - row["sum"]) <= tolerance and abs(absolute - row["abs"]) <= tolerance


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("binary", nargs="?", help="path to bench_peers")
    p.add_argument("--repetitions", type=int, default=5)
    p.add_argument("--min-time", type=float, default=0.2)
    p.add_argument("--filter", default="", help="regex on the subscript")
    p.add_argument("--coretypes", default=",SkylakeX,Haswell",
                   help="OPENBLAS_CORETYPE values to try (empty: OpenBLAS's own detection)")
    p.add_argument("--rounds", type=int, default=1,
                   help="alternate einsum and the peers this many times; keep each side's best")
    p.add_argument("--paired", type=int, default=0,
                   help="time each case alone, einsum and the peers alternately this many times")
    p.add_argument("--interleaved", type=int, default=0,
                   help="time each case in one run, einsum and the peers taking turns in blocks "
                        "of --block s this many rounds")
    p.add_argument("--block", type=float, default=0.05)
    p.add_argument("--module", help="bench_peers_in_process.so (default: beside the binary)")
    p.add_argument("--json", help="save the measurements here")
    p.add_argument("--worker", help=argparse.SUPPRESS)
    p.add_argument("--cases", dest="cases", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.worker == "interleaved":
        return interleaved_worker(args)
    if args.worker:
        return worker(args)
    if not args.binary:
        p.error("the path to bench_peers is required")

    args.cases_text = subprocess.run([args.binary, "--list"], check=True, stdout=subprocess.PIPE,
                                     text=True).stdout
    # The peers' best BLAS kernel: the fastest 1024^3 sgemm.
    best, best_time = None, None
    for coretype in args.coretypes.split(","):
        probe = child(args, coretype, "gemm")
        label = coretype or "(detected)"
        print(f"OPENBLAS_CORETYPE={label}: sgemm 1024^3 {probe['gemm'] * 1e3:.2f} ms;",
              "; ".join(probe["blas"]))
        if best_time is None or probe["gemm"] < best_time:
            best, best_time = coretype, probe["gemm"]
    print(f"peers run with OPENBLAS_CORETYPE={best or '(detected)'}")

    checks = {}
    verify = subprocess.run([args.binary, "--verify"], check=True, stdout=subprocess.PIPE,
                            text=True).stdout
    for line in verify.splitlines():
        name, total, absolute = line.split()
        checks[name] = (float(total), float(absolute))
    if args.paired:
        return paired(args, best, checks)
    if args.interleaved:
        print()
        module = args.module or os.path.join(os.path.dirname(os.path.abspath(args.binary)),
                                             "bench_peers_in_process.so")
        cmd = [sys.executable, __file__, args.binary, "--worker", "interleaved", "--cases",
               args.cases_text, "--filter", args.filter, "--interleaved", str(args.interleaved),
               "--block", str(args.block), "--module", module]
        return subprocess.run(cmd, env=blas_env(best)).returncode
    ours, peers = {}, None
    for _ in range(max(1, args.rounds)):
        for key, value in einsum_times(args.binary, args, best).items():
            ours[key] = value if key not in ours or value[0] < ours[key][0] else ours[key]
        round_peers = child(args, best, "cases")
        if peers is None:
            peers = round_peers
            continue
        for name, row in round_peers["cases"].items():
            for side in ("numpy", "torch"):
                if row[side][0] < peers["cases"][name][side][0]:
                    peers["cases"][name][side] = row[side]

    rows = []
    print()
    print("| case | einsum ms | numpy ms | torch ms | einsum / min(peers) | check |")
    print("|---|---:|---:|---:|---:|---|")
    for name, _ in parse_list(args.cases_text):
        if name not in peers["cases"]:
            continue
        row = peers["cases"][name]
        mine = ours[("BM_einsum", name)][0]
        numpy_t, torch_t = row["numpy"][0], row["torch"][0]
        ok = matches(checks[name], row)
        extra = ""
        if ("BM_memcpy", name) in ours:
            extra = f" (memcpy {ours[('BM_memcpy', name)][0] * 1e3:.2f} ms: einsum at " \
                    f"{100 * ours[('BM_memcpy', name)][0] / mine:.0f}% of copy bandwidth)"
        ratio = mine / min(numpy_t, torch_t)
        rows.append({"case": name, "einsum": mine, "numpy": numpy_t, "torch": torch_t,
                     "ratio": ratio, "ok": ok})
        print(f"| `{name}` | {mine * 1e3:.3f} | {numpy_t * 1e3:.3f} | {torch_t * 1e3:.3f} | "
              f"{ratio:.2f} | {'ok' if ok else 'DIFFERS'}{extra} |")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"coretype": best, "rows": rows, "einsum": {f"{k[0]}/{k[1]}": v for k, v in
                                                                   ours.items()}}, f, indent=1)
    return 0 if all(r["ok"] for r in rows) else 1


def paired(args, coretype, checks):
    """--paired: each case alone, einsum and the peers alternately; the median round ratio."""
    print()
    print(f"| case | einsum ms | numpy ms | torch ms | einsum / min(peers), median of "
          f"{args.paired} rounds (quartiles) | check |")
    print("|---|---:|---:|---:|---:|---|")
    all_ok = True
    for name, _ in parse_list(args.cases_text):
        if args.filter and not re.search(args.filter, name):
            continue
        one = argparse.Namespace(**vars(args))
        one.filter = "^" + re.escape(name) + "$"
        mine, numpy_t, torch_t, copy_t, ratios = [], [], [], [], []
        ok = True
        for _ in range(args.paired):
            times = einsum_times(args.binary, one, coretype)
            row = child(one, coretype, "cases")["cases"][name]
            mine.append(times[("BM_einsum", name)][0])
            if ("BM_memcpy", name) in times:
                copy_t.append(times[("BM_memcpy", name)][0])
            numpy_t.append(row["numpy"][0])
            torch_t.append(row["torch"][0])
            ratios.append(mine[-1] / min(numpy_t[-1], torch_t[-1]))
            ok = ok and matches(checks[name], row)
        all_ok = all_ok and ok
        ratios.sort()
        quarter = len(ratios) // 4
        extra = ""
        if copy_t:
            share = statistics.median(c / m for c, m in zip(copy_t, mine))
            extra = f" (einsum at {100 * share:.0f}% of memcpy's bandwidth, median of rounds)"
        print(f"| `{name}` | {statistics.median(mine) * 1e3:.3f} | "
              f"{statistics.median(numpy_t) * 1e3:.3f} | {statistics.median(torch_t) * 1e3:.3f} | "
              f"{statistics.median(ratios):.2f} ({ratios[quarter]:.2f}-{ratios[-1 - quarter]:.2f}) | "
              f"{'ok' if ok else 'DIFFERS'}{extra} |", flush=True)
    return 0 if all_ok else 1


if __name__ == "__main__":
    sys.exit(main())
