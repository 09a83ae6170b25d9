#!/usr/bin/env python3
"""Runs bench_core and prints, per case and layout, einsum's median time next to the hand-written
code's, with their ratio (and the ratio to the best hand-written form where core.cpp has one).

    python3 bench/ratios.py build/bench/bench_core --repetitions 7 [--filter REGEX] [--json out.json]
    python3 bench/ratios.py --from out.json      # re-print a saved run

Both sides run in the same process, interleaved per case, so machine noise hits them alike. Times
are CPU time per iteration (the benchmarks are single-threaded; CPU time ignores time spent
descheduled on a busy machine); --real uses wall time instead.
"""
import argparse
import json
import statistics
import subprocess
import sys

TARGET = 1.05  # einsum / hand


def run(binary, repetitions, bench_filter, min_time):
    cmd = [binary, "--benchmark_format=json", f"--benchmark_repetitions={repetitions}",
           "--benchmark_enable_random_interleaving=true"]
    if bench_filter:
        cmd.append(f"--benchmark_filter={bench_filter}")
    if min_time:
        cmd.append(f"--benchmark_min_time={min_time}")
    print("running:", " ".join(cmd), file=sys.stderr)
    out = subprocess.run(cmd, check=True, stdout=subprocess.PIPE, text=True).stdout
    return json.loads(out)


def to_ms(value, unit):
    return value * {"ns": 1e-6, "us": 1e-3, "ms": 1.0, "s": 1e3}[unit]


def medians(report, field):
    """{(variant, case, layout): (median ms, repetitions)} from the per-repetition rows."""
    samples, order = {}, {}
    for b in report["benchmarks"]:
        if b.get("run_type") != "iteration":
            continue
        variant, rest = b["run_name"].split("/", 1)
        case, layout = rest.rsplit("/", 1)
        key = (variant[len("BM_"):], case, layout)
        samples.setdefault(key, []).append(to_ms(b[field], b["time_unit"]))
        order.setdefault(key, b.get("family_index", 0))
    # Registration order (random interleaving shuffles the output).
    return {k: (statistics.median(v), len(v)) for k, v in sorted(samples.items(), key=lambda kv: order[kv[0]])}


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("binary", nargs="?", help="path to bench_core")
    p.add_argument("--repetitions", type=int, default=5)
    p.add_argument("--filter", default="", help="--benchmark_filter regex")
    p.add_argument("--min-time", default="", help="--benchmark_min_time (seconds)")
    p.add_argument("--json", help="also save the raw Google Benchmark JSON here")
    p.add_argument("--from", dest="source", help="read a saved JSON instead of running")
    p.add_argument("--real", action="store_true", help="wall time instead of CPU time")
    args = p.parse_args()
    if args.source:
        with open(args.source) as f:
            report = json.load(f)
    elif args.binary:
        report = run(args.binary, args.repetitions, args.filter, args.min_time)
        if args.json:
            with open(args.json, "w") as f:
                json.dump(report, f, indent=1)
    else:
        p.error("give the bench_core binary or --from JSON")

    m = medians(report, "real_time" if args.real else "cpu_time")
    ctx = report.get("context", {})
    print(f"# {ctx.get('date', '')} host={ctx.get('host_name', '')} cpus={ctx.get('num_cpus', '')} "
          f"time={'wall' if args.real else 'cpu'}, median of {max((n for _, n in m.values()), default=0)} repetitions")
    cases = []
    for (variant, case, layout) in m:
        if variant == "einsum" and (case, layout) not in cases:
            cases.append((case, layout))
    header = f"{'case':<11} {'layout':<9} {'einsum ms':>10} {'hand ms':>10} {'ratio':>7} {'best ms':>10} {'/best':>7}  target"
    print(header)
    print("-" * len(header))
    misses = 0
    for case, layout in cases:
        e = m[("einsum", case, layout)][0]
        h = m.get(("hand", case, layout), (None,))[0]
        b = m.get(("hand_best", case, layout), (None,))[0]
        ratio = e / h if h else None
        best_ratio = e / b if b else None
        worst = max(r for r in (ratio, best_ratio) if r is not None) if h or b else None
        ok = worst is not None and worst <= TARGET
        misses += not ok
        cell = lambda x, width: f"{x:>{width}.{4 if width == 10 else 3}f}" if x is not None else f"{'-':>{width}}"
        print(f"{case:<11} {layout:<9} {e:>10.4f} {cell(h, 10)} {cell(ratio, 7)} "
              f"{cell(b, 10)} {cell(best_ratio, 7)}  {'ok' if ok else 'MISS'}")
    print(f"# target: einsum / hand <= {TARGET} (and / best where listed); misses: {misses}")
    for case, layout in cases:
        u = m.get(("unguarded", case, layout), (None,))[0]
        if u:
            e = m[("einsum", case, layout)][0]
            print(f"# alias guard, {case} {layout}: einsum {e * 1e6:.0f} ns, without the guard "
                  f"{u * 1e6:.0f} ns, ratio {e / u:.3f}")


if __name__ == "__main__":
    main()
