#!/usr/bin/env python3
"""Runs bench_gradient and prints its ratios, then torch.autograd.grad on the same cases, one thread.

    /usr/bin/python3 bench/gradients.py build-bench/bench/bench_gradient --repetitions 5

Targets (issue 12): gradient<..., K> of bimd,bind->bimn <= 1.05x the hand-written backward
contraction; gradients<...> of the network and of the matrix-product-state step <= 3x the forward
pass and faster than every gradient<..., K> from scratch; the last table times record<...> (the
forward pass keeping its intermediates) and the gradients of a record (the backward walk
alone), the split torch makes. torch's rows time the backward pass
alone (torch.autograd.grad over a graph kept with retain_graph), in double or float as the case.
"""
import argparse
import json
import statistics
import subprocess
import sys
import time


def run(binary, repetitions, min_time):
    cmd = [binary, "--benchmark_format=json", f"--benchmark_repetitions={repetitions}",
           "--benchmark_enable_random_interleaving=true"]
    if min_time:
        cmd.append(f"--benchmark_min_time={min_time}")
    print("running:", " ".join(cmd), file=sys.stderr)
    return json.loads(subprocess.run(cmd, check=True, stdout=subprocess.PIPE, text=True).stdout)


def medians(report):
    unit = {"ns": 1e-6, "us": 1e-3, "ms": 1.0, "s": 1e3}
    samples = {}
    for b in report["benchmarks"]:
        if b.get("run_type") != "iteration":
            continue
        variant, rest = b["run_name"].split("/", 1)
        case = rest.rsplit("/", 2)[0] if rest.count("/") > 1 else rest.rsplit("/", 1)[0]
        samples.setdefault((variant[3:], case), []).append(b["cpu_time"] * unit[b["time_unit"]])
    return {k: statistics.median(v) for k, v in samples.items()}


def torch_times(repetitions):
    """Median ms of torch.autograd.grad per case, one thread, the graph built once."""
    import torch
    torch.set_num_threads(1)

    def timed(f):
        f()
        runs = []
        for _ in range(repetitions):
            start = time.perf_counter()
            f()
            runs.append((time.perf_counter() - start) * 1e3)
        return statistics.median(runs)

    out = {}
    q = torch.rand(8, 8, 256, 64, requires_grad=True)
    k = torch.rand(8, 8, 256, 64, requires_grad=True)
    s = torch.einsum("bimd,bind->bimn", q, k)
    ds = torch.rand_like(s)
    out["grad q:bimd,bind->bimn"] = timed(
        lambda: torch.autograd.grad(s, q, ds, retain_graph=True))
    out["grad k:bimd,bind->bimn"] = timed(
        lambda: torch.autograd.grad(s, k, ds, retain_graph=True))
    n = 32
    ops = [torch.rand(n, n, requires_grad=True), torch.rand(n, n, requires_grad=True),
           torch.rand(n, n, n, n, requires_grad=True), torch.rand(n, n, requires_grad=True),
           torch.rand(n, n, requires_grad=True)]
    net = torch.einsum("ea,fb,abcd,gc,hd->efgh", *ops)
    g = torch.rand_like(net)
    out["ea,fb,abcd,gc,hd->efgh:32"] = timed(
        lambda: torch.autograd.grad(net, ops, g, retain_graph=True))
    out["forward ea,fb,abcd,gc,hd->efgh:32"] = timed(
        lambda: torch.einsum("ea,fb,abcd,gc,hd->efgh", *ops))
    for bond in (96, 256):
        l = torch.rand(bond, bond, dtype=torch.float64, requires_grad=True)
        a = torch.rand(bond, 4, bond, dtype=torch.float64, requires_grad=True)
        r = torch.rand(bond, bond, dtype=torch.float64, requires_grad=True)
        d = torch.einsum("ab,bsc,cd->asd", l, a, r)
        g = torch.rand_like(d)
        out[f"ab,bsc,cd->asd:D{bond}"] = timed(
            lambda: torch.autograd.grad(d, (l, a, r), g, retain_graph=True))
    return out


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("binary")
    p.add_argument("--repetitions", type=int, default=5)
    p.add_argument("--min-time", default="")
    p.add_argument("--no-torch", action="store_true")
    args = p.parse_args()
    m = medians(run(args.binary, args.repetitions, args.min_time))
    t = {} if args.no_torch else torch_times(args.repetitions)
    print(f"{'case':<30} {'einsum ms':>10} {'hand ms':>10} {'ratio':>7} {'torch ms':>10} "
          f"{'/torch':>7}  target <= 1.05")
    for (variant, case), e in m.items():
        if variant != "einsum":
            continue
        h = m[("hand", case)]
        tt = t.get(case)
        torch_ms = f"{tt:.3f}" if tt else "-"
        vs_torch = f"{e / tt:.3f}" if tt else "-"
        print(f"{case:<30} {e:>10.3f} {h:>10.3f} {e / h:>7.3f} {torch_ms:>10} {vs_torch:>7}  "
              f"{'ok' if e / h <= 1.05 else 'MISS'}")
    print(f"\n{'case':<30} {'all ms':>9} {'fwd ms':>9} {'all/fwd':>8} {'sep ms':>9} "
          f"{'all/sep':>8} {'torch ms':>9} {'/torch':>7}  target all/fwd <= 3, all/sep < 1")
    for (variant, case), a in m.items():
        if variant != "gradients":
            continue
        f, s = m[("forward", case)], m[("separate", case)]
        tt = t.get(case)
        ok = a / f <= 3 and a < s
        torch_ms = f"{tt:.3f}" if tt else "-"
        vs_torch = f"{a / tt:.3f}" if tt else "-"
        print(f"{case:<30} {a:>9.3f} {f:>9.3f} {a / f:>8.3f} {s:>9.3f} {a / s:>8.3f} "
              f"{torch_ms:>9} {vs_torch:>7}  {'ok' if ok else 'MISS'}")
    print(f"\n{'case':<30} {'rec ms':>9} {'bwd ms':>9} {'rec/fwd':>8} {'bwd/fwd':>8} "
          f"{'(rec+bwd)/fwd':>14} {'bwd/torch':>10}  record<...> then .gradients(g): the "
          f"backward walk alone")
    for (variant, case), b in m.items():
        if variant != "recorded":
            continue
        f, r = m[("forward", case)], m[("record", case)]
        tt = t.get(case)
        vs_torch = f"{b / tt:.3f}" if tt else "-"
        print(f"{case:<30} {r:>9.3f} {b:>9.3f} {r / f:>8.3f} {b / f:>8.3f} {(r + b) / f:>14.3f} "
              f"{vs_torch:>10}  {'ok' if b / f <= 3 else 'MISS'}")
    if "forward ea,fb,abcd,gc,hd->efgh:32" in t:
        print(f"# torch forward of the network: {t['forward ea,fb,abcd,gc,hd->efgh:32']:.3f} ms")


if __name__ == "__main__":
    main()
