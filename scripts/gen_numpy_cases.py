#!/usr/bin/env python3
"""Writes test/numpy/cases_NN.cpp and broadcast_NN.cpp: einsum<...> on small operands against
numpy.einsum's results.

    bash scripts/gen_numpy_cases.sh                 # installs numpy if needed, then runs this
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 scripts/gen_numpy_cases.py
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 scripts/gen_numpy_cases.py \
        --exclude-ellipsis --out /tmp/numpy_cases

Each case is one Catch2 TEST_CASE: a subscript, operands of small integers in [-3, 3] (double,
int or std::complex<double>, all ColMajor or all RowMajor), and numpy's result. The cases are
hand-listed ones covering each rule of the subscript grammar (TARGETED) plus seeded random ones.
The output is deterministic: the same seed and numpy give byte-identical files.

numpy.einsum's default optimize=False rejects an explicit output that leaves out the ellipsis
("output has more dimensions than subscripts given"); optimize=True sums the ellipsis dimensions,
the rule einsum<...> follows, so such cases take optimize=True's result. Every other case takes
optimize=False's and checks that optimize=True agrees. Every result is also checked against a
brute-force loop written here, which enforces einsum<...>'s default difference from numpy: a
labelled dimension has one extent in all operands (numpy broadcasts extent 1), only ellipsis
dimensions broadcast. Cases numpy rejects are dropped and counted.

broadcast_NN.cpp holds cases numpy accepts only by broadcasting a labelled extent-1 dimension
(drawn from a stream of their own, so cases_NN.cpp do not change): each requires the default
einsum<...> to throw shape_error and einsum<..., numpy_broadcasting> to give numpy's result.

--exclude-ellipsis keeps only the cases without "...", with their numbers, scalars, layouts and
data unchanged, so that set is a subset of the full one.
"""
import argparse
import itertools
import math
import os
import random
import re
import shutil
import string
import subprocess
import sys
from dataclasses import dataclass, field

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_OUT = os.path.join(ROOT, "test", "numpy")
DEFAULT_SEED = 20240611
DEFAULT_TOTAL = 320
DEFAULT_BROADCAST_TOTAL = 40
PER_FILE = 20
MAX_OPERAND_SIZE = 64
MAX_OUTPUT_SIZE = 256
MAX_ITERATIONS = 100_000  # brute-force loop bound
MAX_RANK = 6

# (subscript, operand shapes): each rule of the grammar at least once.
TARGETED = [
    # ellipsis at the start, covering 0, 1, 2, 3 dimensions
    ("...i->...i", [(3,)]),
    ("...ij->...ji", [(2, 3, 4)]),
    ("...i->...i", [(2, 2, 3)]),
    ("...i->i...", [(2, 1, 2, 3)]),
    # ellipsis in the middle, covering 0, 1, 2, 3 dimensions
    ("i...j->i...j", [(2, 3)]),
    ("i...j->j...i", [(2, 4, 3)]),
    ("i...j->...ij", [(2, 1, 3, 3)]),
    ("i...j->ij...", [(2, 2, 1, 2, 3)]),
    # ellipsis at the end, covering 0, 1, 2, 3 dimensions
    ("ij...->ji...", [(2, 3)]),
    ("ij...->ji...", [(2, 3, 4)]),
    ("ij...->j...i", [(2, 3, 2, 2)]),
    ("i...->...i", [(2, 2, 3, 1)]),
    # a different ellipsis rank per operand, right-aligned
    ("...ij,...jk->...ik", [(2, 3, 4), (4, 2)]),
    ("...ij,...jk->...ik", [(3, 2, 3), (2, 3, 3, 2)]),
    ("...i,i...->...", [(2, 3, 2), (2, 3)]),
    ("...,...->...", [(4,), (2, 3, 4)]),
    ("a...,...b,...->...ab", [(2, 3), (2, 3, 2), ()]),
    # extent 1 under an ellipsis broadcasts, also against extent 0
    ("...i,...i->...i", [(1, 3), (4, 3)]),
    ("...i,...i->...i", [(2, 1, 3), (1, 4, 3)]),
    ("...i,...i->...i", [(1, 3), (0, 3)]),
    ("...i,...->...", [(0, 1, 2), (4,)]),
    ("i...,j...->ij...", [(2, 1, 3), (3, 2, 1)]),
    # the ellipsis anywhere in the output
    ("...ij->i...j", [(2, 2, 3)]),
    ("...ij->ij...", [(2, 3, 2, 3)]),
    ("i...->...i", [(3, 2)]),
    ("ij...,jk...->i...k", [(2, 3, 2), (3, 2, 1)]),
    # an ellipsis in the output when the operands have none: it stands for nothing
    ("ij->...ji", [(2, 3)]),
    ("i,j->i...j", [(2,), (3,)]),
    # implicit output with an ellipsis: the ellipsis dimensions first
    ("...ij,...jk", [(2, 2, 3), (3, 2)]),
    ("j...i", [(3, 2, 4)]),
    ("...Ba", [(2, 3, 2)]),
    ("a...,b...", [(2, 3, 2), (3, 2)]),
    ("i...i", [(3, 2, 3)]),
    # an explicit output without the ellipsis: its dimensions are summed
    ("...ij->ij", [(2, 3, 4)]),
    ("...i,...i->i", [(2, 3), (3,)]),
    ("i...->", [(2, 3, 2)]),
    ("...->", [(2, 3)]),
    ("...,...->", [(3,), (2, 3)]),
    ("...ii->i", [(2, 3, 3)]),
    # rank-0 operands anywhere in the list
    (",ij", [(), (2, 3)]),
    ("i,", [(3,), ()]),
    (",", [(), ()]),
    ("->", [()]),
    (",->", [(), ()]),
    ("i,,j->ij", [(2,), (), (3,)]),
    ("...,i->...i", [(), (3,)]),
    ("...,...i->i...", [(), (2, 3)]),
    # zero extents: sums give zeros
    ("ij->i", [(0, 3)]),
    ("ij->j", [(0, 3)]),
    ("ij,jk->ik", [(2, 0), (0, 3)]),
    ("i->", [(0,)]),
    ("ii->i", [(0, 0)]),
    ("...i->i", [(0, 2, 3)]),
    ("ij,j->ji", [(3, 0), (0,)]),
    ("ij,jk->ik", [(64, 0), (0, 2)]),  # a zero contracted extent beside a large free one
    # a label in three or more operands, three times in one operand
    ("i,i,i->i", [(3,), (3,), (3,)]),
    ("ij,ik,il->jkl", [(2, 3), (2, 2), (2, 4)]),
    ("ij,ij,ij->", [(2, 3), (2, 3), (2, 3)]),
    ("iii->i", [(3, 3, 3)]),
    ("iii->", [(2, 2, 2)]),
    ("iij,ji->i", [(3, 3, 2), (2, 3)]),
    # spaces
    (" ij , jk -> ik ", [(2, 3), (3, 4)]),
    ("i j->j i", [(2, 3)]),
    ("... ij -> ... ji", [(2, 2, 3)]),
    ("ij , jk", [(2, 3), (3, 2)]),
    # uppercase and mixed-case labels; implicit output sorts uppercase first (ASCII)
    ("Ab,bC->AC", [(2, 3), (3, 4)]),
    ("IJ->JI", [(2, 3)]),
    ("aA->Aa", [(2, 3)]),
    ("aA", [(2, 3)]),
    ("zA,Az", [(2, 3), (3, 2)]),
    ("bA,Ac", [(2, 3), (3, 4)]),
    ("Zz,zA", [(2, 3), (3, 2)]),
    # "->" with an empty output
    ("ij->", [(2, 3)]),
    ("ij,ij->", [(2, 3), (2, 3)]),
    ("i,j->", [(2,), (3,)]),
    # implicit output in ASCII order
    ("ba", [(2, 3)]),
    ("Ba", [(2, 3)]),
    ("cba,ab", [(2, 3, 2), (2, 3)]),
    # diagonals
    ("ii->i", [(3, 3)]),
    ("ii", [(3, 3)]),
    ("iij->ij", [(2, 2, 3)]),
    ("iji->j", [(2, 3, 2)]),
    ("ii,i->i", [(3, 3), (3,)]),
    ("...ii->...i", [(2, 3, 3)]),
    ("i...i->...", [(3, 2, 3)]),
    # transposes
    ("ijk->kij", [(2, 3, 4)]),
    ("ijkl->ljik", [(2, 3, 1, 2)]),
    # one to six operands
    ("i,i,i,i->i", [(3,), (3,), (3,), (3,)]),
    ("ij,jk,kl,lm->im", [(2, 3), (3, 2), (2, 3), (3, 2)]),
    ("ij,jk,kl,lm,mn,no->io", [(2, 2), (2, 3), (3, 2), (2, 2), (2, 3), (3, 2)]),
    ("a,b,c,d,e,f->abcdef", [(2,), (2,), (2,), (2,), (2,), (2,)]),
    ("...i,...i,...,i", [(2, 3), (3,), (2,), (3,)]),
]

SCALARS = ["double", "int", "complex"]
CXX_SCALAR = {"double": "double", "int": "int", "complex": "std::complex<double>"}
NP_DTYPE = {"double": np.float64, "int": np.int64, "complex": np.complex128}
LAYOUTS = ["ColMajor", "RowMajor"]
NOT_IN_OUTPUT = "output has more dimensions than subscripts given"


class Rejected(Exception):
    """A case outside einsum<...>'s rules (our brute force refuses it)."""


@dataclass
class Case:
    subscript: str
    shapes: list
    category: str  # "targeted" or "random"
    number: int = -1
    scalar: str = ""
    layout: str = ""
    data: list = field(default_factory=list)  # one row-major list per operand
    result_shape: tuple = ()
    result_data: list = field(default_factory=list)
    numpy_path: str = ""  # "optimize=False" or "optimize=True"
    numpy_broadcasting: bool = False  # needs eigen_einsum::numpy_broadcasting

    @property
    def has_ellipsis(self):
        return "." in self.subscript


# --- subscripts ---------------------------------------------------------------------------------

def parse_term(term):
    """Operand or output subscript -> list of labels, "..." as one item; spaces dropped."""
    term = term.replace(" ", "")
    items = []
    i = 0
    while i < len(term):
        if term.startswith("...", i):
            items.append("...")
            i += 3
        elif term[i] in string.ascii_letters:
            items.append(term[i])
            i += 1
        else:
            raise Rejected(f"character {term[i]!r}")
    if items.count("...") > 1:
        raise Rejected("two ellipses in one term")
    return items


def parse(subscript):
    """Subscript -> (operand terms, output term or None when implicit)."""
    if "->" in subscript:
        inputs, output = subscript.split("->")
        output = parse_term(output)
    else:
        inputs, output = subscript, None
    return [parse_term(t) for t in inputs.split(",")], output


def implicit_output(terms):
    labels = [c for t in terms for c in t if c != "..."]
    once = sorted(c for c in set(labels) if labels.count(c) == 1)  # ASCII: uppercase first
    return (["..."] if any("..." in t for t in terms) else []) + once


def text_of(items):
    return "".join(items)


# --- the brute-force reference: einsum<...>'s rules ---------------------------------------------

def brute_force(subscript, shapes, data, numpy_broadcasting=False):
    """Result shape and row-major data, looping over every label value; Rejected outside our
    rules (with numpy_broadcasting, numpy's: a labelled extent 1 broadcasts against other
    operands, never within one)."""
    terms, output = parse(subscript)
    if len(terms) != len(shapes):
        raise Rejected("operand count")
    ellipsis_ranks = []
    for term, shape in zip(terms, shapes):
        labels = len(term) - ("..." in term)
        if len(shape) < labels or ("..." not in term and len(shape) != labels):
            raise Rejected("rank")
        ellipsis_ranks.append(len(shape) - labels)
    broadcast = max(ellipsis_ranks, default=0)
    extents = [1] * broadcast  # ellipsis axes first, then one per label
    axis_of = {}
    operand_axes = []
    for term, shape, e in zip(terms, shapes, ellipsis_ranks):
        axes = []
        d = 0
        here = {}  # label -> extent in this operand
        for item in term:
            if item == "...":
                for j in range(e):
                    axis = broadcast - e + j
                    n = shape[d]
                    if extents[axis] == 1:
                        extents[axis] = n
                    elif n != 1 and n != extents[axis]:
                        raise Rejected("ellipsis extents do not broadcast")
                    axes.append(axis)
                    d += 1
                continue
            if here.setdefault(item, shape[d]) != shape[d]:
                raise Rejected(f"label {item!r} with two extents in one operand")
            if item not in axis_of:
                axis_of[item] = len(extents)
                extents.append(shape[d])
            elif extents[axis_of[item]] != shape[d]:
                if not numpy_broadcasting or (shape[d] != 1 and extents[axis_of[item]] != 1):
                    raise Rejected(f"label {item!r} with two extents "
                                   "(numpy broadcasts extent 1; we do so on request)")
                if shape[d] != 1:
                    extents[axis_of[item]] = shape[d]
            axes.append(axis_of[item])
            d += 1
        operand_axes.append(axes)
    if output is None:
        output = implicit_output(terms)
    labels_out = [c for c in output if c != "..."]
    if len(set(labels_out)) != len(labels_out) or any(c not in axis_of for c in labels_out):
        raise Rejected("output label repeated or not in any operand")
    out_axes = []
    for item in output:
        out_axes.extend(range(broadcast) if item == "..." else [axis_of[item]])
    out_shape = tuple(extents[a] for a in out_axes)
    if math.prod(extents) > MAX_ITERATIONS:
        raise Rejected("iteration space too large for the brute force")

    def strides(shape):
        result, s = [], 1
        for n in reversed(shape):
            result.append(s)
            s *= n
        return result[::-1]

    # (axis, stride) per dimension; extent 1 gets stride 0 so it broadcasts
    operand_strides = [[(a, 0 if n == 1 else s) for a, n, s in zip(axes, shape, strides(shape))]
                       for axes, shape in zip(operand_axes, shapes)]
    out_strides = list(zip(out_axes, strides(out_shape)))
    out = [0] * math.prod(out_shape)
    for value in itertools.product(*(range(n) for n in extents)):
        term = 1
        for flat, st in zip(data, operand_strides):
            term *= flat[sum(value[a] * s for a, s in st)]
        out[sum(value[a] * s for a, s in out_strides)] += term
    return out_shape, out


# --- numpy ----------------------------------------------------------------------------------------

def numpy_einsum(case, surprises):
    """numpy's result as (shape, row-major list, path); raises ValueError when numpy rejects it."""
    ops = [np.array(flat, dtype=NP_DTYPE[case.scalar]).reshape(shape)
           for flat, shape in zip(case.data, case.shapes)]
    try:
        result = np.asarray(np.einsum(case.subscript, *ops, optimize=False))
        path = "optimize=False"
    except ValueError as error:
        if NOT_IN_OUTPUT not in str(error):
            raise
        result = np.asarray(np.einsum(case.subscript, *ops, optimize=True))
        path = "optimize=True"
    else:
        try:
            other = np.asarray(np.einsum(case.subscript, *ops, optimize=True))
        except Exception as error:  # noqa: BLE001: numpy's optimize=True raises several kinds
            surprises.append(f"{case.subscript!r} {case.shapes}: optimize=True raises "
                             f"{type(error).__name__}: {error} where optimize=False succeeds")
        else:
            assert other.shape == result.shape and np.array_equal(other, result), (
                f"numpy's optimize=True and optimize=False disagree on {case.subscript!r} "
                f"{case.shapes}: {other!r} vs {result!r}")
    if result.dtype != NP_DTYPE[case.scalar]:
        raise AssertionError(f"{case.subscript!r}: numpy result dtype {result.dtype}")
    return result.shape, result.ravel().tolist(), path


# --- cases ---------------------------------------------------------------------------------------

def with_spaces(rng, subscript):
    """Spaces at random token boundaries, never inside "..." or "->"."""
    tokens = re.findall(r"\.\.\.|->|.", subscript)
    out = []
    for token in tokens:
        if rng.random() < 0.3:
            out.append(" ")
        out.append(token)
    if rng.random() < 0.3:
        out.append(" ")
    return "".join(out)


def random_case(rng):
    """One random case within our rules, or None to draw again."""
    n_ops = rng.choices(range(1, 7), weights=[24, 32, 20, 11, 8, 5])[0]
    letters = rng.sample(string.ascii_letters, rng.randint(1, 7))
    extent = {c: rng.choices(range(5), weights=[4, 14, 34, 30, 18])[0] for c in letters}
    use_ellipsis = rng.random() < 0.4
    broadcast = rng.choice([0, 1, 1, 2, 2]) if use_ellipsis else 0
    ellipsis_extents = [rng.choices(range(4), weights=[5, 20, 40, 35])[0] for _ in range(broadcast)]
    terms, shapes = [], []
    for k in range(n_ops):
        rank = rng.choices(range(6), weights=[6, 22, 30, 22, 12, 8])[0]
        labels = rng.sample(letters, min(rank, len(letters)))
        if labels and rng.random() < 0.2:  # a diagonal
            labels.insert(rng.randrange(len(labels) + 1), rng.choice(labels))
        has = use_ellipsis and (rng.random() < 0.75 or (k == n_ops - 1 and
                                                         not any("..." in t for t in terms)))
        dims = [extent[c] for c in labels]
        if has:
            e = rng.randint(0, broadcast)
            sub = [n if rng.random() < 0.75 else 1 for n in ellipsis_extents[broadcast - e:]]
            at = rng.randrange(len(labels) + 1)
            labels = labels[:at] + ["..."] + labels[at:]
            dims = dims[:at] + sub + dims[at:]
        if len(dims) > 5 or math.prod(dims) > MAX_OPERAND_SIZE:
            return None
        terms.append(labels)
        shapes.append(tuple(dims))
    any_ellipsis = any("..." in t for t in terms)
    if rng.random() < 0.6:
        used = sorted({c for t in terms for c in t if c != "..."})
        output = [c for c in used if rng.random() < 0.5]
        rng.shuffle(output)
        if any_ellipsis and rng.random() < 0.8:
            output.insert(rng.randrange(len(output) + 1), "...")
        subscript = ",".join(text_of(t) for t in terms) + "->" + text_of(output)
    else:
        subscript = ",".join(text_of(t) for t in terms)
    if rng.random() < 0.15:
        subscript = with_spaces(rng, subscript)
    return Case(subscript, shapes, "random")


def fits(case):
    """Within our rules and small enough: returns the brute-force result shape, or None."""
    try:
        shape, _ = brute_force(case.subscript, case.shapes,
                               [[0] * math.prod(s) for s in case.shapes], case.numpy_broadcasting)
    except Rejected:
        return None
    if len(shape) > MAX_RANK or math.prod(shape) > MAX_OUTPUT_SIZE:
        return None
    return shape


def key(case):
    return (case.subscript, tuple(case.shapes))


def build_cases(seed, total):
    """Targeted then random cases up to `total`, before numpy has seen them."""
    cases = [Case(s, list(shapes), "targeted") for s, shapes in TARGETED]
    seen = {key(c) for c in cases}
    rng = random.Random(seed)
    while len(cases) < total:
        case = random_case(rng)
        if case is None or key(case) in seen or fits(case) is None:
            continue
        seen.add(key(case))
        cases.append(case)
    return cases


def broadcast_case(rng):
    """A random case that numpy accepts only by broadcasting a labelled extent 1 against another
    operand's extent (einsum<..., numpy_broadcasting>), or None to draw again."""
    case = random_case(rng)
    if case is None or "." in case.subscript:
        return None
    terms, _ = parse(case.subscript)
    shapes = [list(shape) for shape in case.shapes]
    shared = sorted({c for t in terms for c in t
                     if sum(c in u for u in terms) > 1 and
                     all(shapes[k][i] > 1 for k, u in enumerate(terms)
                         for i, x in enumerate(u) if x == c)})
    if not shared:
        return None
    for c in rng.sample(shared, rng.randint(1, min(2, len(shared)))):
        holders = [k for k, t in enumerate(terms) if c in t]
        for k in rng.sample(holders, rng.randint(1, len(holders) - 1)):
            shapes[k] = [1 if x == c else n for x, n in zip(terms[k], shapes[k])]
    case.shapes = [tuple(shape) for shape in shapes]
    case.category = "broadcast"
    case.numpy_broadcasting = True
    return case


def build_broadcast_cases(seed, total, seen):
    """Cases numpy accepts only through its broadcasting of labelled extent-1 dimensions."""
    cases = []
    rng = random.Random(f"{seed}/broadcast")
    while len(cases) < total:
        case = broadcast_case(rng)
        if case is None or key(case) in seen or fits(case) is None:
            continue
        seen.add(key(case))
        cases.append(case)
    return cases


def scalar_for(n):
    """Per 20 numbers: 14 double, 4 int, 2 complex, each of int and complex in both layouts."""
    return {2: "int", 5: "int", 12: "int", 15: "int", 7: "complex", 16: "complex"}.get(n % 20,
                                                                                     "double")


def fill(case, seed):
    """Data from a generator of the case's own, seeded by its number. Rank-0 operands are nonzero,
    and an all-zero result is drawn again (up to 10 times) so that a case tests something."""
    rng = random.Random(f"{seed}/{case.number}")

    def draw(nonzero):
        while True:
            if case.scalar == "complex":
                value = complex(rng.randint(-3, 3), rng.randint(-3, 3))
            else:
                value = rng.randint(-3, 3)
            if value or not nonzero:
                return value

    for _ in range(10):
        case.data = [[draw(not s) for _ in range(math.prod(s))] for s in case.shapes]
        _, result = brute_force(case.subscript, case.shapes, case.data, case.numpy_broadcasting)
        if any(result) or not result:
            return


def accepted(cases):
    """The cases numpy accepts (that depends on the subscript and shapes only) that are within our
    rules and size bounds, and the drops."""
    kept, dropped = [], []
    for case in cases:
        if fits(case) is None:
            dropped.append(f"{case.category} {case.subscript!r} {case.shapes}: outside our rules "
                           "or the size bounds")
            continue
        ops = [np.zeros(shape) for shape in case.shapes]
        try:
            np.einsum(case.subscript, *ops, optimize=False)
        except ValueError as error:
            if NOT_IN_OUTPUT not in str(error):
                dropped.append(f"{case.category} {case.subscript!r} {case.shapes}: {error}")
                continue
            try:
                np.einsum(case.subscript, *ops, optimize=True)
            except ValueError as error:
                dropped.append(f"{case.category} {case.subscript!r} {case.shapes}: {error}")
                continue
        kept.append(case)
    return kept, dropped


def evaluate(cases, seed):
    """numpy's result for every case; returns the kept cases, drops, disagreements, surprises."""
    kept, dropped, disagree, surprises = [], [], [], []
    for case in cases:
        fill(case, seed)
        try:
            shape, data, case.numpy_path = numpy_einsum(case, surprises)
        except ValueError as error:
            dropped.append(f"{case.category} {case.subscript!r} {case.shapes}: numpy: {error}")
            continue
        try:
            ref_shape, ref_data = brute_force(case.subscript, case.shapes, case.data,
                                              case.numpy_broadcasting)
        except Rejected as error:
            dropped.append(f"{case.category} {case.subscript!r} {case.shapes}: ours: {error}")
            continue
        if tuple(shape) != ref_shape or any(a != b for a, b in zip(data, ref_data)):
            disagree.append(f"{case.subscript!r} {case.shapes} {case.scalar}: numpy "
                            f"({case.numpy_path}) {tuple(shape)} {data} vs brute force "
                            f"{ref_shape} {ref_data}")
            continue
        case.result_shape = tuple(shape)
        case.result_data = data
        kept.append(case)
    return kept, dropped, disagree, surprises


def number(cases, per_file):
    """Deals the cases round-robin over the files, so each file mixes targeted and random cases,
    then numbers them file by file; layouts alternate with the number."""
    files = max(1, math.ceil(len(cases) / per_file))
    order = sorted(range(len(cases)), key=lambda i: (i % files, i))
    numbered = [cases[i] for i in order]
    for n, case in enumerate(numbered):
        case.number = n
        case.layout = LAYOUTS[n % 2]
        case.scalar = scalar_for(n)
    return numbered


# --- C++ -----------------------------------------------------------------------------------------

def value_text(scalar, value):
    if scalar == "complex":
        value = complex(value)
        return f"{{{int_text(value.real)}, {int_text(value.imag)}}}"
    return int_text(value)


def int_text(value):
    assert float(value).is_integer(), value  # integer data: every result is exact
    return str(int(value))


def shape_text(shape):
    return "(" + ",".join(str(n) for n in shape) + ")"


def cxx_case(case):
    name = (f"numpy {case.number:03d}: {case.subscript} "
            + ",".join(shape_text(s) for s in case.shapes))
    tags = f"[numpy][{case.scalar}][{case.layout}]" + ("[broadcast]" if case.numpy_broadcasting
                                                        else "")
    lines = [f'TEST_CASE("{name}", "{tags}") {{',
             f"  using S = {CXX_SCALAR[case.scalar]};",
             f"  constexpr int L = Eigen::{case.layout};"]
    names = []
    for k, (shape, flat) in enumerate(zip(case.shapes, case.data)):
        names.append(f"x{k}")
        dims = ", ".join(str(n) for n in shape)
        values = ", ".join(value_text(case.scalar, v) for v in flat)
        lines.append(f"  const auto x{k} = numpy_operand<S, L, {len(shape)}>({{{dims}}}, "
                     f"{{{values}}});")
    dims = ", ".join(str(n) for n in case.result_shape)
    values = ", ".join(value_text(case.scalar, v) for v in case.result_data)
    call = f'EINSUM("{case.subscript}", {", ".join(names)})'
    if case.numpy_broadcasting:
        # Rejected by default, numpy's result with the option.
        lines.append(f"  REQUIRE_THROWS_AS(({call}), eigen_einsum::shape_error);")
        call = (f'EINSUM_WITH(eigen_einsum::numpy_broadcasting, "{case.subscript}", '
                f'{", ".join(names)})')
    lines.append(f'  require_numpy("{case.subscript}", {call}, {{{dims}}}, {{{values}}});')
    lines.append("}")
    return "\n".join(lines) + "\n"


def cxx_file(cases, command, versions):
    first, last = cases[0].number, cases[-1].number
    head = [f"// Generated by {command}",
            f"// from numpy {versions}. Do not edit: rerun the script.",
            f"// Cases {first:03d}-{last:03d}: einsum<...> against numpy.einsum on the same "
            "operands.",
            '#include "support/numpy_case.hpp"',
            "",
            "#include <catch2/catch.hpp>",
            "",
            "#include <complex>",
            "",
            "using eigen_einsum_test::numpy_operand;",
            "using eigen_einsum_test::require_numpy;",
            ""]
    return "\n".join(head) + "\n" + "\n".join(cxx_case(c) for c in cases)


def clang_format(text, tool):
    return subprocess.run([tool, f"--style=file:{os.path.join(ROOT, '.clang-format')}",
                           "--assume-filename=cases.cpp"], input=text, text=True,
                          capture_output=True, check=True).stdout


# --- main ----------------------------------------------------------------------------------------

def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default=DEFAULT_OUT, help="directory of cases_NN.cpp (test/numpy)")
    parser.add_argument("--exclude-ellipsis", action="store_true",
                        help="only the cases without '...' (numbers and data unchanged)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--total", type=int, default=DEFAULT_TOTAL,
                        help="cases to generate before --exclude-ellipsis (default 320)")
    parser.add_argument("--per-file", type=int, default=PER_FILE)
    parser.add_argument("--broadcast-total", type=int, default=DEFAULT_BROADCAST_TOTAL,
                        help="cases needing numpy's broadcasting of labelled extent-1 dimensions, "
                             "written to broadcast_NN.cpp (default 40)")
    parser.add_argument("--clang-format", default=shutil.which("clang-format"),
                        help="clang-format to format the files with (default: from PATH)")
    args = parser.parse_args()
    if not args.clang_format:
        sys.exit("gen_numpy_cases.py: needs clang-format (apt-get install clang-format)")

    cases = build_cases(args.seed, args.total)
    valid, rejected = accepted(cases)
    numbered, dropped, disagree, surprises = evaluate(number(valid, args.per_file), args.seed)
    dropped = rejected + dropped
    chosen = [c for c in numbered if not (args.exclude_ellipsis and c.has_ellipsis)]
    groups = [chosen[i:i + args.per_file] for i in range(0, len(chosen), args.per_file)]
    # Then the cases that need numpy_broadcasting, numbered after the others.
    extra = build_broadcast_cases(args.seed, args.broadcast_total, {key(c) for c in cases})
    extra_valid, extra_rejected = accepted(extra)
    first = len(numbered)
    for n, case in enumerate(extra_valid):
        case.number = first + n
        case.layout = LAYOUTS[case.number % 2]
        case.scalar = scalar_for(case.number)
    broadcast, extra_dropped, extra_disagree, extra_surprises = evaluate(extra_valid, args.seed)
    dropped += extra_rejected + extra_dropped
    disagree += extra_disagree
    surprises += extra_surprises
    broadcast_groups = [broadcast[i:i + args.per_file]
                        for i in range(0, len(broadcast), args.per_file)]

    options = []
    if args.exclude_ellipsis:
        options.append("--exclude-ellipsis")
    for flag, value, default in (("--seed", args.seed, DEFAULT_SEED),
                                 ("--total", args.total, DEFAULT_TOTAL),
                                 ("--per-file", args.per_file, PER_FILE),
                                 ("--broadcast-total", args.broadcast_total,
                                  DEFAULT_BROADCAST_TOTAL)):
        if value != default:
            options.append(f"{flag} {value}")
    if os.path.abspath(args.out) != DEFAULT_OUT:
        options.append(f"--out {args.out}")
    command = " ".join(["scripts/gen_numpy_cases.sh"] + options)
    formatter = subprocess.run([args.clang_format, "--version"], capture_output=True, text=True,
                               check=True).stdout
    formatter = re.search(r"version (\S+)", formatter).group(1)
    versions = f"{np.__version__} (formatted by clang-format {formatter})"

    os.makedirs(args.out, exist_ok=True)
    for name in os.listdir(args.out):
        if re.fullmatch(r"(cases|broadcast)_\d+\.cpp", name):
            os.remove(os.path.join(args.out, name))
    for f, group in enumerate(groups):
        path = os.path.join(args.out, f"cases_{f:02d}.cpp")
        with open(path, "w", encoding="utf-8") as out:
            out.write(clang_format(cxx_file(group, command, versions), args.clang_format))
    for f, group in enumerate(broadcast_groups):
        path = os.path.join(args.out, f"broadcast_{f:02d}.cpp")
        with open(path, "w", encoding="utf-8") as out:
            out.write(clang_format(cxx_file(group, command, versions), args.clang_format))

    def tally(cs):
        cats = {c: sum(1 for x in cs if x.category == c) for c in ("targeted", "random")}
        ell = sum(1 for x in cs if x.has_ellipsis)
        sc = " ".join(f"{s} {sum(1 for x in cs if x.scalar == s)}" for s in SCALARS)
        opt = sum(1 for x in cs if x.numpy_path == "optimize=True")
        return (f"{len(cs)} cases: targeted {cats['targeted']}, random {cats['random']}; "
                f"with ellipsis {ell}, without {len(cs) - ell}; {sc}; "
                f"from optimize=True {opt}")

    print(f"numpy {np.__version__}, seed {args.seed}: generated {len(cases)}, numpy accepted "
          f"{len(numbered)}, dropped {len(dropped)}, disagreed with the brute force "
          f"{len(disagree)}")
    print("all:     " + tally(numbered))
    print("written: " + tally(chosen))
    for f, group in enumerate(groups):
        print(f"  cases_{f:02d}.cpp {group[0].number:03d}-{group[-1].number:03d}: {tally(group)}")
    for line in dropped:
        print("dropped: " + line)
    for line in disagree:
        print("DISAGREE: " + line)
    for line in surprises:
        print("numpy: " + line)
    print(f"numpy_broadcasting: generated {len(extra)}, numpy accepted {len(broadcast)}, written "
          f"to {len(broadcast_groups)} broadcast_NN.cpp files")
    print(f"wrote {len(groups) + len(broadcast_groups)} files to {args.out}")
    return 1 if disagree else 0


if __name__ == "__main__":
    sys.exit(main())
