#!/usr/bin/env python3
"""Writes test/torch/gradients_NN.cpp: eigen_einsum's gradients against torch.autograd's.

    bash scripts/gen_torch_gradients.sh        # installs torch if needed, then runs this
    /usr/bin/python3 scripts/gen_torch_gradients.py --total 160

Each case is one Catch2 TEST_CASE: a subscript (hand-listed ones covering every kind of label,
then random ones drawn as for the numpy corpus, scripts/gen_numpy_cases.py), operands of small
integers in [-3, 3] (double or std::complex<double>, all ColMajor or all RowMajor), a gradient g
of the result's shape, and torch.autograd.grad's gradient for every operand. Even cases check
gradients<...> (all at once), odd ones gradient<..., K> for each K. Integer data keeps every
gradient exact. Cases torch rejects are dropped and counted. Deterministic for a seed and torch.
"""
import argparse
import math
import os
import random
import re
import shutil
import subprocess
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen_numpy_cases as corpus  # noqa: E402  the subscript drawing and the C++ value spelling

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_OUT = os.path.join(ROOT, "test", "torch")
DEFAULT_SEED = 20261203
DEFAULT_TOTAL = 120
PER_FILE = 20
LAYOUTS = ["ColMajor", "RowMajor"]

# Every kind of label, in one or more operands: (subscript, shapes).
TARGETED = [
    ("ij,jk->ik", [(2, 3), (3, 4)]),                       # contracted, free
    ("bij,bjk->bik", [(2, 2, 3), (2, 3, 2)]),              # batch
    ("bimd,bind->bimn", [(2, 2, 3, 2), (2, 2, 2, 2)]),
    ("ij->i", [(3, 4)]),                                   # summed in one operand only
    ("ij->", [(2, 3)]),
    ("ijk,j->", [(2, 3, 2), (3,)]),
    ("ii->", [(3, 3)]),                                    # trace
    ("ii->i", [(3, 3)]),                                   # diagonal
    ("iji->ij", [(2, 3, 2)]),
    ("ii,i->i", [(3, 3), (3,)]),
    ("i,i->", [(4,), (4,)]),                               # rank-0 output
    (",ij->ij", [(), (2, 3)]),                             # rank-0 operand
    ("i,j->ij", [(3,), (2,)]),                             # outer product
    ("ij,ij->ij", [(2, 3), (2, 3)]),                       # product
    ("...ij,jk->...ik", [(2, 2, 3), (3, 2)]),              # ellipsis
    ("...i,...i->...i", [(1, 3), (4, 3)]),                 # ellipsis extent 1 broadcast
    ("...i,...i->...i", [(2, 1, 3), (4, 3)]),
    ("...i,...i->i", [(2, 1, 3), (4, 3)]),
    ("ij,jk,kl->il", [(2, 3), (3, 4), (4, 2)]),            # three operands
    ("ab,bsc,cd->asd", [(2, 3), (3, 2, 3), (3, 2)]),       # a matrix-product-state step
    ("ea,fb,abcd,gc,hd->efgh", [(2, 2), (2, 2), (2, 2, 2, 2), (2, 2), (2, 2)]),
    ("ab,bc,cd,de,ef,fg->ag", [(2, 2), (2, 3), (3, 2), (2, 2), (2, 3), (3, 2)]),  # six
    ("ij,jk,ki->", [(3, 3), (3, 3), (3, 3)]),
    ("ij,jk", [(2, 3), (3, 2)]),                           # implicit output
]


def scalar_for(n):
    """Per 20 numbers: 15 double, 5 complex (both layouts)."""
    return "complex" if n % 20 in (3, 6, 9, 14, 17) else "double"


def torch_gradients(case, rng):
    """torch's result and gradients for the case's data and a random g, or a reason to drop it."""
    dtype = torch.complex128 if case.scalar == "complex" else torch.float64

    def draw():
        if case.scalar == "complex":
            return complex(rng.randint(-3, 3), rng.randint(-3, 3))
        return float(rng.randint(-3, 3))

    case.data = [[draw() for _ in range(math.prod(s))] for s in case.shapes]
    ops = [torch.tensor(d, dtype=dtype).reshape(s).requires_grad_() for d, s in
           zip(case.data, case.shapes)]
    try:
        out = torch.einsum(case.subscript, *ops)
    except RuntimeError as e:
        return f"torch rejects it: {e}"
    case.g_shape = tuple(out.shape)
    case.g = [draw() for _ in range(math.prod(case.g_shape))]
    g = torch.tensor(case.g, dtype=dtype).reshape(case.g_shape)
    grads = torch.autograd.grad(out, ops, g, allow_unused=True)
    case.grads = []
    for x, grad in zip(ops, grads):
        grad = torch.zeros_like(x) if grad is None else grad
        case.grads.append([complex(v) if case.scalar == "complex" else float(v)
                           for v in grad.detach().reshape(-1).tolist()])
    return None


def build(seed, total):
    cases = [corpus.Case(s, list(shapes), "targeted") for s, shapes in TARGETED]
    seen = {corpus.key(c) for c in cases}
    rng = random.Random(seed)
    while len(cases) < total * 2:  # draws to spare for those torch rejects
        case = corpus.random_case(rng)
        if case is None or corpus.key(case) in seen or corpus.fits(case) is None:
            continue
        seen.add(corpus.key(case))
        cases.append(case)
    kept, dropped = [], []
    for case in cases:
        if len(kept) == total:
            break
        case.number = len(kept)
        case.layout = LAYOUTS[case.number % 2]
        case.scalar = scalar_for(case.number)
        reason = torch_gradients(case, random.Random(f"{seed}/{case.number}"))
        if reason:
            dropped.append(f"{case.subscript} {case.shapes}: {reason.splitlines()[0]}")
        else:
            kept.append(case)
    return kept, dropped


def values(case, flat):
    return ", ".join(corpus.value_text(case.scalar, v) for v in flat)


def cxx_case(case):
    scalar = {"double": "double", "complex": "std::complex<double>"}[case.scalar]
    name = (f"torch {case.number:03d}: {case.subscript} "
            + ",".join(corpus.shape_text(s) for s in case.shapes))
    lines = [f'TEST_CASE("{name}", "[torch][{case.scalar}][{case.layout}]") {{',
             f"  using S = {scalar};",
             f"  constexpr int L = Eigen::{case.layout};"]
    names = []
    for k, (shape, flat) in enumerate(zip(case.shapes, case.data)):
        names.append(f"x{k}")
        dims = ", ".join(str(n) for n in shape)
        lines.append(f"  const auto x{k} = numpy_operand<S, L, {len(shape)}>({{{dims}}}, "
                     f"{{{values(case, flat)}}});")
    dims = ", ".join(str(n) for n in case.g_shape)
    lines.append(f"  const auto g = numpy_operand<S, L, {len(case.g_shape)}>({{{dims}}}, "
                 f"{{{values(case, case.g)}}});")
    args = ", ".join(["g"] + names)
    if case.number % 2 == 0:
        lines.append(f'  const auto all = GRADIENTS("{case.subscript}", {args});')
    for k, (shape, grad) in enumerate(zip(case.shapes, case.grads)):
        dims = ", ".join(str(n) for n in shape)
        got = (f"std::get<{k}>(all)" if case.number % 2 == 0
               else f'GRADIENT("{case.subscript}", {k}, {args})')
        lines.append(f'  require_numpy("{case.subscript}", {got}, {{{dims}}}, '
                     f"{{{values(case, grad)}}});")
    lines.append("}")
    return "\n".join(lines) + "\n"


def cxx_file(cases, command, versions):
    first, last = cases[0].number, cases[-1].number
    head = [f"// Generated by {command}",
            f"// from torch {versions}. Do not edit: rerun the script.",
            f"// Cases {first:03d}-{last:03d}: gradient<...> and gradients<...> against "
            "torch.autograd.grad on the same operands.",
            '#include "support/numpy_case.hpp"',
            "",
            "#include <catch2/catch.hpp>",
            "",
            "#include <complex>",
            "#include <tuple>",
            "",
            "using eigen_einsum_test::numpy_operand;",
            "using eigen_einsum_test::require_numpy;",
            ""]
    return "\n".join(head) + "\n" + "\n".join(cxx_case(c) for c in cases)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default=DEFAULT_OUT)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--total", type=int, default=DEFAULT_TOTAL)
    parser.add_argument("--per-file", type=int, default=PER_FILE)
    parser.add_argument("--clang-format", default=shutil.which("clang-format"))
    args = parser.parse_args()
    if not args.clang_format:
        sys.exit("gen_torch_gradients.py: needs clang-format (apt-get install clang-format)")
    cases, dropped = build(args.seed, args.total)
    options = [f"{flag} {value}" for flag, value, default in
               (("--seed", args.seed, DEFAULT_SEED), ("--total", args.total, DEFAULT_TOTAL),
                ("--per-file", args.per_file, PER_FILE)) if value != default]
    command = " ".join(["scripts/gen_torch_gradients.sh"] + options)
    formatter = subprocess.run([args.clang_format, "--version"], capture_output=True, text=True,
                               check=True).stdout
    formatter = re.search(r"version (\S+)", formatter).group(1)
    versions = f"{torch.__version__} (formatted by clang-format {formatter})"
    os.makedirs(args.out, exist_ok=True)
    for name in os.listdir(args.out):
        if re.fullmatch(r"gradients_\d+\.cpp", name):
            os.remove(os.path.join(args.out, name))
    for f in range(0, len(cases), args.per_file):
        text = cxx_file(cases[f:f + args.per_file], command, versions)
        text = subprocess.run([args.clang_format,
                               f"--style=file:{os.path.join(ROOT, '.clang-format')}",
                               "--assume-filename=gradients.cpp"], input=text, text=True,
                              capture_output=True, check=True).stdout
        with open(os.path.join(args.out, f"gradients_{f // args.per_file:02d}.cpp"), "w") as out:
            out.write(text)
    print(f"gen_torch_gradients.py: {len(cases)} cases in {args.out}, "
          f"{len(dropped)} dropped (torch rejects them)")
    for d in dropped:
        print("  dropped:", d)
    return 0


if __name__ == "__main__":
    sys.exit(main())
