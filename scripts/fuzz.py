#!/usr/bin/env python3
"""Fuzzes einsum<...> against numpy.einsum: writes DIR/fuzz_NN.cpp, random Catch2 tests [fuzz].

    bash scripts/fuzz.sh                         # CI's seed and count: generate, build, run
    bash scripts/fuzz.sh --seed 7 --cases 300    # another seed, more cases
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 scripts/fuzz.py \
        --seed 7 --cases 300 --out /tmp/fuzz     # the files alone (build them yourself)
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 scripts/fuzz.py --seed 7
                                                 # no --out: classify and print the summary only
    ... scripts/fuzz.py --seed 7 --list          # and one line per case

Unlike scripts/gen_numpy_cases.py (a committed corpus of cases einsum<...> accepts), the cases
here are drawn fresh from a seed at build time, and cover the rejections too. Each case is a
subscript with operand shapes: 1-5 operands of rank 0-5, diagonals (a label repeated in one
operand), '...' at any position of an operand subscript with a different number of dimensions
per operand, extents 0-4 (a quarter of the cases put a 0 on an outer, a middle or the innermost
axis of an operand), implicit and explicit outputs (an explicit one may keep or drop '...'),
upper- and lowercase labels, sometimes spaces. Scalars are double mostly, then int, float and
std::complex<double>; layouts ColMajor and RowMajor alternate with the case number; an operand
is a Tensor or an Eigen::TensorMap<const Tensor> over a std::vector or over a Tensor's data. Data
are small integers in [-3, 3], so every result is exact (float included: the iteration space is
bounded so that no partial sum reaches 2^24).

Each drawn case is classified by numpy 1.24 (np.einsum with optimize=False; with optimize=True
where optimize=False rejects an explicit output that leaves out '...', numpy's "output has more
dimensions than subscripts given": einsum<...> sums those dimensions, as optimize=True does) and
by models of the library's rules written here (a port of plan/parse.hpp and plan/validate.hpp,
and the extent rules of doc/semantics.md). The case number fixes the class aimed at; cases are
drawn from the case's own random generator until one falls in it:

  valid            numpy accepts, and every label has one extent in all operands (extent 1
                   broadcasts only under '...'). The test requires einsum's result == numpy's.
  broadcast        numpy accepts only because a labelled extent-1 dimension broadcasts against
                   the label's extent in another operand (numpy's rule; a label repeated within
                   one operand still needs equal extents). The test requires that plain einsum
                   throws eigen_einsum::shape_error and that einsum with the option
                   eigen_einsum::numpy_broadcasting gives numpy's result.
  extent_error     numpy rejects it for its extents (a label's extents differ and neither is 1,
                   or differ within one operand, or dimensions under '...' do not broadcast); the
                   subscript itself is valid. The test requires a shape_error whose what() starts
                   with "einsum:", with and without numpy_broadcasting.
  subscript_error  an invalid subscript (bad character, a label twice in the output, an output
                   label in no operand, operand count or rank mismatch, a lone '.' or '..', two
                   ellipses in a term, a malformed '->'); a compile error in the library, so the
                   test runs the constexpr planner at run time instead: detail::validate(
                   detail::parse(text), facts) must report an error.

Every draw is checked, whichever class it lands in. A DISAGREE line (and exit status 1, after
the files are written) reports a draw where numpy and the library's model differ on whether the
subscript is valid, where numpy rejects a valid subscript for something other than extents,
where numpy and the extent model differ on accepting it, or where numpy's result differs from
the brute-force loop here (numpy's rules, labelled broadcasting included). The library's
documented differences from numpy (doc/semantics.md: summed ellipsis dimensions, no labelled
broadcasting by default) are its rules, not disagreements. Cases where numpy's own two paths
disagree are drawn again and listed as notes. When the planner changes, port the change to
lib_parse and lib_validate here.

Per seed the output is deterministic (case n draws from its own generator, seeded "seed/n"),
and needs no clang-format. Files hold --per-file cases each (default 15) so that they compile
in parallel; the test names carry seed, case number, subscript and shapes, e.g.
"fuzz 1/012: 'ij,jk->ik' (2,3),(3,4)", tags [fuzz][<class>][<scalar>][<layout>]. See
doc/fuzzing.md.
"""
import argparse
import itertools
import math
import os
import random
import re
import string
import sys
from dataclasses import dataclass, field

import numpy as np

DEFAULT_SEED = 1
DEFAULT_CASES = 90
PER_FILE = 15
MAX_OPERANDS = 5
MAX_RANK = 5            # operand rank
MAX_OUTPUT_RANK = 6
MAX_OPERAND_SIZE = 64   # coefficients per operand
MAX_OUTPUT_SIZE = 256
MAX_ITERATIONS = 20000  # brute-force loop; with |data| <= 3 and <= 5 operands, float stays exact
CLASSES = ["valid", "broadcast", "extent_error", "subscript_error"]
# Per 20 case numbers: 12 valid, 4 broadcast, 2 extent_error, 2 subscript_error; each of
# the classes on even (ColMajor) and odd (RowMajor) numbers.
CLASS_PATTERN = ["valid", "broadcast", "valid", "extent_error", "valid", "subscript_error",
                 "broadcast", "valid", "extent_error", "valid", "valid", "broadcast", "valid",
                 "valid", "subscript_error", "valid", "broadcast", "valid", "valid", "valid"]
# Per 16 case numbers (both layouts for each): 10 double, 2 int, 2 float, 2 complex.
SCALAR_PATTERN = ["double", "double", "int", "int", "double", "double", "float", "float",
                  "double", "double", "complex", "complex", "double", "double", "double",
                  "double"]
CXX_SCALAR = {"double": "double", "int": "int", "float": "float",
              "complex": "std::complex<double>"}
NP_DTYPE = {"double": np.float64, "int": np.int64, "float": np.float32,
            "complex": np.complex128}
LAYOUTS = ["ColMajor", "RowMajor"]
NOT_IN_OUTPUT = "output has more dimensions than subscripts given"
# numpy's messages for extents (optimize=False, then optimize=True's).
EXTENT_MESSAGES = ("collapsing index", "could not be broadcast", "does not match",
                   "do not match")
BAD_CHARACTERS = "0123456789#*_!:;/+%&^~@$=<|{}()'`"
MAX_DRAWS = 2000


class Skip(Exception):
    """A draw to throw away (outside the size bounds, or numpy's two paths disagree)."""


# --- the library's planner, as plan/parse.hpp and plan/validate.hpp write it -------------------

LIB_MAX_OPERANDS = 64
LIB_MAX_LABELS = 32
LIB_NUM_LETTERS = 52


def is_label(c):
    return ("a" <= c <= "z") or ("A" <= c <= "Z")


def lib_parse(text):
    """parse(): (operands, output, explicit, error); each term a dict labels/ellipsis, the error
    a parse_error_kind name or None."""
    def term():
        return {"labels": [], "ellipsis": -1}
    operands = [term()]
    output = term()
    current = operands[0]
    operand = 0
    explicit = False
    any_ellipsis = False
    n = len(text)
    i = 0
    while i < n:
        c = text[i]
        if c == " ":
            i += 1
            continue
        if is_label(c):
            if len(current["labels"]) == LIB_MAX_LABELS:
                return operands, output, explicit, "too_many_labels"
            current["labels"].append(c)
        elif c == ",":
            if explicit:
                return operands, output, explicit, "malformed_arrow"
            if len(operands) == LIB_MAX_OPERANDS:
                return operands, output, explicit, "too_many_operands"
            operands.append(term())
            current = operands[-1]
            operand += 1
        elif c in "->":
            arrow = c == "-" and i + 1 < n and text[i + 1] == ">"
            if not arrow or explicit:
                return operands, output, explicit, "malformed_arrow"
            explicit = True
            current = output
            operand = -1
            i += 1
        elif c == ".":
            dots = i + 2 < n and text[i + 1] == "." and text[i + 2] == "."
            if not dots or current["ellipsis"] >= 0:
                return operands, output, explicit, "malformed_ellipsis"
            current["ellipsis"] = len(current["labels"])
            any_ellipsis = any_ellipsis or operand >= 0
            i += 2
        else:
            return operands, output, explicit, "invalid_character"
        i += 1
    if explicit:
        return operands, output, explicit, None  # a repeated output label embeds: our extension
    seen = [c for t in operands for c in t["labels"]]
    output = {"labels": sorted(c for c in set(seen) if seen.count(c) == 1),
              "ellipsis": 0 if any_ellipsis else -1}
    return operands, output, explicit, None


def lib_validate(text, ranks):
    """validate(parse(text), facts) with these ranks, same scalars and layouts: None, or the
    error_kind name ("parse/<parse_error_kind>" for parse errors)."""
    operands, output, _, error = lib_parse(text)
    if error:
        return "parse/" + error
    if len(operands) != len(ranks):
        return "wrong_number_of_operands"
    for t, rank in zip(operands, ranks):
        size = len(t["labels"])
        if t["ellipsis"] < 0 and size != rank:
            return "subscript_length_differs_from_rank"
        if t["ellipsis"] >= 0 and size > rank:
            return "more_labels_than_rank"
    for t, rank in zip(operands, ranks):
        if t["ellipsis"] >= 0 and rank > LIB_MAX_LABELS:
            return "too_many_ellipsis_dimensions"
    dims = max([rank - len(t["labels"]) for t, rank in zip(operands, ranks)
                if t["ellipsis"] >= 0] + [0])
    used = set(output["labels"]) | {c for t in operands for c in t["labels"]}
    if dims > min(LIB_NUM_LETTERS - len(used), LIB_MAX_LABELS):
        return "too_many_ellipsis_dimensions"
    if len(output["labels"]) + dims > LIB_MAX_LABELS:
        return "too_many_ellipsis_dimensions"
    inputs = {c for t in operands for c in t["labels"]}
    if any(c not in inputs for c in output["labels"]):
        return "output_label_not_in_any_input"
    return None


# --- subscripts as items ('...' one item), shapes, and numpy's extent rules -------------------

def terms_of(text):
    """A subscript einsum<...> accepts -> (operand terms, output term or None when implicit)."""
    text = text.replace(" ", "")
    inputs, _, output = text.partition("->")

    def items(t):
        return ["..." if x == "..." else x for x in re.findall(r"\.\.\.|.", t)]
    return [items(t) for t in inputs.split(",")], (items(output) if "->" in text else None)


def implicit_output(terms):
    labels = [c for t in terms for c in t if c != "..."]
    once = sorted(c for c in set(labels) if labels.count(c) == 1)  # ASCII: uppercase first
    return (["..."] if any("..." in t for t in terms) else []) + once


def text_of(items):
    return "".join(items)


def axes_of(terms, shapes):
    """Per operand, the key of each axis: a label, or ("...", j) for the j-th of the broadcast
    dimensions (aligned on the right); and the number of broadcast dimensions."""
    ranks = [len(s) - (len(t) - ("..." in t)) for t, s in zip(terms, shapes)]
    broadcast = max([r for t, r in zip(terms, ranks) if "..." in t] + [0])
    keys = []
    for t, e in zip(terms, ranks):
        k = []
        for item in t:
            if item == "...":
                k.extend(("...", broadcast - e + j) for j in range(e))
            else:
                k.append(item)
        keys.append(k)
    return keys, broadcast


def extent_rules(terms, shapes):
    """numpy's extent rules against the library's: "valid" (one extent per label; extent 1
    broadcasts under '...'), "broadcast" (valid only if labelled extent-1 dimensions broadcast,
    numpy's rule) or "extent_error" (numpy rejects it); and the extent of every key."""
    keys, _ = axes_of(terms, shapes)
    verdict = "valid"
    extent = {}
    for k, (ks, shape) in enumerate(zip(keys, shapes)):
        own = {}
        for key, n in zip(ks, shape):
            if key in own and own[key] != n:
                return "extent_error", {}  # a diagonal needs equal extents, even for extent 1
            own[key] = n
        for key, n in own.items():
            if key not in extent or extent[key] == n:
                extent[key] = n
            elif n == 1 or extent[key] == 1:
                if isinstance(key, str):
                    verdict = "broadcast"
                extent[key] = n if extent[key] == 1 else extent[key]
            else:
                return "extent_error", {}
    return verdict, extent


def brute_force(terms, output, shapes, data):
    """(result shape, row-major list) by numpy's rules: a loop over every value of every key,
    extent-1 dimensions broadcasting (stride 0)."""
    keys, broadcast = axes_of(terms, shapes)
    _, extent = extent_rules(terms, shapes)
    if output is None:
        output = implicit_output(terms)
    out_keys = []
    for item in output:
        out_keys.extend([("...", j) for j in range(broadcast)] if item == "..." else [item])
    order = sorted(extent, key=str)
    index = {key: i for i, key in enumerate(order)}
    sizes = [extent[key] for key in order]

    def strides(shape):
        result, s = [], 1
        for n in reversed(shape):
            result.append(s)
            s *= n
        return result[::-1]

    operand_strides = [[(index[key], 0 if n == 1 else s)
                        for key, n, s in zip(ks, shape, strides(shape))]
                       for ks, shape in zip(keys, shapes)]
    out_shape = tuple(extent.get(key, 1) for key in out_keys)
    out_strides = list(zip([index[key] for key in out_keys], strides(out_shape)))
    out = [0] * math.prod(out_shape)
    for value in itertools.product(*(range(n) for n in sizes)):
        term = 1
        for flat, st in zip(data, operand_strides):
            term *= flat[sum(value[a] * s for a, s in st)]
        out[sum(value[a] * s for a, s in out_strides)] += term
    return out_shape, out


def iteration_space(terms, shapes):
    _, extent = extent_rules(terms, shapes)
    return math.prod(extent.values())


# --- numpy ------------------------------------------------------------------------------------

def run_numpy(text, shapes, data, scalar):
    """("ok", array, path, note) or ("error", message, path, ""): optimize=False, or
    optimize=True where optimize=False rejects an output without '...'. `note` says where
    optimize=True fails or differs although optimize=False succeeds."""
    ops = [np.array(flat, dtype=NP_DTYPE[scalar]).reshape(shape)
           for flat, shape in zip(data, shapes)]
    try:
        result = np.asarray(np.einsum(text, *ops, optimize=False))
    except Exception as error:  # noqa: BLE001: numpy raises ValueError, sometimes TypeError
        if NOT_IN_OUTPUT not in str(error):
            return "error", f"{type(error).__name__}: {error}", "optimize=False", ""
        try:
            result = np.asarray(np.einsum(text, *ops, optimize=True))
        except Exception as error2:  # noqa: BLE001
            return "error", f"{type(error2).__name__}: {error2}", "optimize=True", ""
        return "ok", result, "optimize=True", ""
    try:
        other = np.asarray(np.einsum(text, *ops, optimize=True))
    except Exception as error:  # noqa: BLE001
        return "ok", result, "optimize=False", (f"numpy: optimize=True raises "
                                                f"{type(error).__name__}: {error} where "
                                                "optimize=False succeeds")
    if other.shape != result.shape or not np.array_equal(other, result):
        return "ok", result, "optimize=False", "numpy: optimize=True and optimize=False disagree"
    return "ok", result, "optimize=False", ""


# --- drawing cases --------------------------------------------------------------------------------

@dataclass
class Case:
    number: int
    aim: str                       # the class aimed at
    scalar: str
    layout: str
    zero_at: str = ""              # "outer", "middle", "inner": where a 0 extent must be
    text: str = ""
    shapes: list = field(default_factory=list)
    kinds: list = field(default_factory=list)  # "tensor", "map_vector", "map_tensor" per operand
    data: list = field(default_factory=list)   # row-major per operand
    cls: str = ""
    result_shape: tuple = ()
    result_data: list = field(default_factory=list)
    numpy_path: str = ""
    numpy_error: str = ""
    planner_error: str = ""
    draws: int = 0


def with_spaces(rng, text):
    """Spaces at random token boundaries, never inside "..." or "->"."""
    out = []
    for token in re.findall(r"\.\.\.|->|.", text):
        if rng.random() < 0.3:
            out.append(" ")
        out.append(token)
    if rng.random() < 0.3:
        out.append(" ")
    return "".join(out)


def draw_base(rng):
    """Random operand terms and shapes within the library's rules; output items or None."""
    n_ops = rng.choices(range(1, MAX_OPERANDS + 1), weights=[22, 34, 24, 12, 8])[0]
    letters = rng.sample(string.ascii_letters, rng.randint(1, 7))
    extent = {c: rng.choices(range(5), weights=[3, 14, 34, 31, 18])[0] for c in letters}
    use_ellipsis = rng.random() < 0.45
    broadcast = rng.choice([1, 1, 2, 2, 3]) if use_ellipsis else 0
    ell_extent = [rng.choices(range(5), weights=[3, 18, 38, 28, 13])[0]
                  for _ in range(broadcast)]
    terms, shapes = [], []
    for k in range(n_ops):
        rank = rng.choices(range(MAX_RANK + 1), weights=[6, 22, 30, 22, 12, 8])[0]
        labels = rng.sample(letters, min(rank, len(letters)))
        if labels and rng.random() < 0.2:  # a diagonal
            labels.insert(rng.randrange(len(labels) + 1), rng.choice(labels))
        dims = [extent[c] for c in labels]
        has = use_ellipsis and (rng.random() < 0.75 or (k == n_ops - 1 and
                                                        not any("..." in t for t in terms)))
        if has:
            e = rng.randint(0, broadcast)
            sub = [n if rng.random() < 0.75 else 1 for n in ell_extent[broadcast - e:]]
            at = rng.randrange(len(labels) + 1)
            labels = labels[:at] + ["..."] + labels[at:]
            dims = dims[:at] + sub + dims[at:]
        if len(dims) > MAX_RANK or math.prod(dims) > MAX_OPERAND_SIZE:
            raise Skip("too large")
        terms.append(labels)
        shapes.append(list(dims))
    output = None
    if rng.random() < 0.6:
        used = sorted({c for t in terms for c in t if c != "..."})
        output = [c for c in used if rng.random() < 0.5]
        rng.shuffle(output)
        any_ellipsis = any("..." in t for t in terms)
        if (any_ellipsis and rng.random() < 0.65) or (not any_ellipsis and rng.random() < 0.05):
            output.insert(rng.randrange(len(output) + 1), "...")
    return terms, output, shapes


def subscript_text(terms, output):
    text = ",".join(text_of(t) for t in terms)
    return text if output is None else text + "->" + text_of(output)


def put_zero(rng, terms, shapes, where):
    """A 0 extent on an outer, middle or innermost axis of some operand (every occurrence of the
    label, or that dimension under '...' in every operand that has it with extent > 1)."""
    need = 3 if where == "middle" else 1
    candidates = [k for k, s in enumerate(shapes) if len(s) >= need]
    if not candidates:
        raise Skip("no operand of the rank for the zero")
    k = rng.choice(candidates)
    r = len(shapes[k])
    axis = 0 if where == "outer" else r - 1 if where == "inner" else rng.randrange(1, r - 1)
    keys, _ = axes_of(terms, shapes)
    key = keys[k][axis]
    for ks, shape in zip(keys, shapes):
        for d, other in enumerate(ks):
            if other == key and (isinstance(key, str) or shape[d] != 1 or ks is keys[k]):
                shape[d] = 0


def has_zero_at(shapes, where):
    for s in shapes:
        r = len(s)
        axes = {"outer": [0] if r else [], "inner": [r - 1] if r else [],
                "middle": list(range(1, r - 1))}[where]
        if any(s[a] == 0 for a in axes):
            return True
    return False


def make_broadcast(rng, terms, shapes):
    """Sets a label to extent 1 in some (not all) of the operands that have it."""
    keys, _ = axes_of(terms, shapes)
    _, extent = extent_rules(terms, shapes)
    labels = sorted(c for c in extent if isinstance(c, str) and extent[c] != 1 and
                    sum(c in ks for ks in keys) >= 2)
    if not labels:
        raise Skip("no label in two operands")
    for c in rng.sample(labels, rng.choice([1, 1, 1, 2]) if len(labels) > 1 else 1):
        holders = [k for k, ks in enumerate(keys) if c in ks]
        for k in rng.sample(holders, rng.randint(1, len(holders) - 1)):
            shapes[k] = [1 if key == c else n for key, n in zip(keys[k], shapes[k])]


def make_extent_error(rng, terms, shapes):
    """A label with two extents neither 1, a diagonal with two extents, or dimensions under
    '...' that do not broadcast."""
    keys, _ = axes_of(terms, shapes)
    _, extent = extent_rules(terms, shapes)
    how = rng.choice(["label", "label", "diagonal", "ellipsis"])
    if how == "diagonal":
        spots = [(k, c) for k, ks in enumerate(keys) for c in set(ks)
                 if isinstance(c, str) and ks.count(c) >= 2]
        if not spots:
            raise Skip("no diagonal")
        k, c = rng.choice(spots)
        d = rng.choice([d for d, key in enumerate(keys[k]) if key == c])
        shapes[k][d] = rng.choice([n for n in range(5) if n != shapes[k][d]])
        return
    if how == "label":
        labels = sorted(c for c in extent if isinstance(c, str) and extent[c] != 1 and
                        sum(c in ks for ks in keys) >= 2)
    else:
        labels = sorted((c for c in extent if not isinstance(c, str) and extent[c] != 1 and
                         sum(c in ks for ks in keys) >= 2), key=str)
    if not labels:
        raise Skip("nothing to mismatch")
    c = rng.choice(labels)
    holders = [k for k, ks in enumerate(keys) if c in ks]
    k = rng.choice(holders)
    m = rng.choice([n for n in range(5) if n not in (1, extent[c])])
    shapes[k] = [m if key == c else n for key, n in zip(keys[k], shapes[k])]


def make_subscript_error(rng, terms, output, shapes):
    """An invalid subscript text, or operands that do not fit it: (text, shapes)."""
    text = subscript_text(terms, output)
    used = sorted({c for t in terms for c in t if c != "..."})
    # No repeated output label: numpy rejects it, einsum embeds it on a diagonal (test/einsum).
    how = rng.choices(["character", "output_absent", "count", "rank",
                       "dots", "two_ellipses", "arrow", "four_dots", "noise"],
                      weights=[2, 2, 2, 2, 1, 1, 2, 1, 1])[0]
    inputs, arrow, out = text.partition("->")
    if how == "character":
        at = rng.randrange(len(text) + 1)
        text = text[:at] + rng.choice(BAD_CHARACTERS) + text[at:]
    elif how == "output_absent":
        unused = [c for c in string.ascii_letters if c not in used]
        items = list(output) if output is not None else implicit_output(terms)
        items.insert(rng.randrange(len(items) + 1), rng.choice(unused))
        text = inputs + "->" + text_of(items)
    elif how == "count":
        what = rng.choice(["drop_operand", "add_operand", "drop_term", "add_term"])
        if what == "drop_operand":
            shapes = shapes[:-1] if rng.random() < 0.5 else shapes[1:]
        elif what == "add_operand":
            shapes = shapes + [[rng.randint(1, 3) for _ in range(rng.randint(0, 2))]]
        elif what == "drop_term":
            parts = inputs.split(",")
            if len(parts) == 1:
                raise Skip("one term")
            del parts[rng.randrange(len(parts))]
            text = ",".join(parts) + arrow + out
        else:
            parts = inputs.split(",")
            parts.insert(rng.randrange(len(parts) + 1), text_of(rng.sample(used, min(
                len(used), rng.randint(0, 2)))) if used else "")
            text = ",".join(parts) + arrow + out
    elif how == "rank":
        k = rng.randrange(len(shapes))
        labels = len(terms[k]) - ("..." in terms[k])
        if "..." in terms[k]:
            if labels == 0:
                raise Skip("no label to outnumber the rank")
            shapes[k] = shapes[k][:labels - 1]  # fewer dimensions than labels
        elif shapes[k] and rng.random() < 0.5:
            del shapes[k][rng.randrange(len(shapes[k]))]
        else:
            shapes[k].insert(rng.randrange(len(shapes[k]) + 1), rng.randint(1, 3))
    elif how == "dots":
        dots = rng.choice([".", ".."])
        if "..." in text and rng.random() < 0.6:
            at = rng.choice([m.start() for m in re.finditer(r"\.\.\.", text)])
            text = text[:at] + dots + text[at + 3:]
        else:
            cuts = [i for i in range(len(text) + 1) if not text[max(0, i - 2):i + 2].count(".")
                    and text[i - 1:i + 1] != "->"]
            if not cuts:
                raise Skip("no place for the dots")
            at = rng.choice(cuts)
            text = text[:at] + dots + text[at:]
    elif how == "two_ellipses":
        parts = (inputs.split(",") + ([out] if arrow else []))
        p = rng.randrange(len(parts))
        for _ in range(2 - parts[p].count("...")):
            # anywhere but inside the "..." already there ("......" is two ellipses too)
            at = rng.choice([i for i in range(len(parts[p]) + 1)
                             if parts[p][i - 1:i + 1] != ".."])
            parts[p] = parts[p][:at] + "..." + parts[p][at:]
        n_in = len(inputs.split(","))
        text = ",".join(parts[:n_in]) + (arrow + parts[n_in] if arrow else "")
    elif how == "arrow":
        what = rng.choice(["twice", "dash", "gt", "comma_after"])
        if what == "twice":
            text = text + ("->" if arrow else "->->") + text_of(rng.sample(used, min(1, len(used))))
        elif what == "comma_after":
            text = (text if arrow else text + "->") + "," + (rng.choice(used) if used else "")
        else:
            token = "-" if what == "dash" else ">"
            cuts = [i for i in range(len(text) + 1) if text[i - 1:i + 1] != "->"
                    and text[max(0, i - 2):i + 2].count(".") == 0]
            if not cuts:
                raise Skip("no place for the arrow")
            at = rng.choice(cuts)
            text = text[:at] + token + text[at:]
    elif how == "noise":  # a short random string of the subscript's own characters
        alphabet = "".join(used[:3]) + ".,->. "
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 10)))
    else:  # four_dots
        if "..." not in text:
            raise Skip("no ellipsis")
        at = rng.choice([m.start() for m in re.finditer(r"\.\.\.", text)])
        text = text[:at] + "...." + text[at + 3:]
    return text, [list(s) for s in shapes]


def fill(rng, case, terms, output):
    """Data: small integers, rank-0 operands nonzero; an all-zero result drawn again (up to 10
    times) so that a case tests something."""
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
        if terms is None:
            return None
        shape, result = brute_force(terms, output, case.shapes, case.data)
        if any(result) or not result:
            break
    return shape, result


def draw_case(seed, number, disagree, notes):
    """Case `number`: drawn from its own generator until it lands in the class aimed at."""
    rng = random.Random(f"{seed}/{number}")
    case = Case(number, CLASS_PATTERN[number % len(CLASS_PATTERN)],
                SCALAR_PATTERN[number % len(SCALAR_PATTERN)], LAYOUTS[number % 2])
    if number % 8 in (2, 3):
        case.zero_at = ["outer", "middle", "inner"][(number // 8) % 3]
    for draw in range(1, MAX_DRAWS + 1):
        case.draws = draw
        try:
            if try_draw(rng, case, disagree):
                return case
        except Skip as why:
            if str(why).startswith("numpy:"):
                notes.append(f"case {number}: {case.text!r} {shape_list(case.shapes)}: {why}")
    raise SystemExit(f"fuzz.py: case {number} found no {case.aim} case in {MAX_DRAWS} draws")


def shape_list(shapes):
    return ",".join("(" + ",".join(str(n) for n in s) + ")" for s in shapes)


def try_draw(rng, case, disagree):
    """One draw; True when it is a case of the class aimed at (filled in)."""
    terms, output, shapes = draw_base(rng)
    if case.zero_at:
        put_zero(rng, terms, shapes, case.zero_at)
    text = subscript_text(terms, output)
    if case.aim == "broadcast":
        make_broadcast(rng, terms, shapes)
    elif case.aim == "extent_error":
        make_extent_error(rng, terms, shapes)
    elif case.aim == "subscript_error":
        text, shapes = make_subscript_error(rng, terms, output, shapes)
    if case.zero_at and not has_zero_at(shapes, case.zero_at):
        raise Skip("the zero was lost")
    if rng.random() < 0.15:
        text = with_spaces(rng, text)
    if len(shapes) > MAX_OPERANDS + 1 or any(len(s) > MAX_RANK + 1 or
                                             math.prod(s) > MAX_OPERAND_SIZE for s in shapes):
        raise Skip("too large")
    case.text, case.shapes = text, shapes
    case.kinds = [rng.choices(["tensor", "map_vector", "map_tensor"], weights=[2, 1, 1])[0]
                  for _ in shapes]

    # The library's planner first: a subscript error?
    planner = lib_validate(text, [len(s) for s in shapes])
    if planner is None:
        terms, output = terms_of(text)
        verdict, _ = extent_rules(terms, shapes)
        if verdict != "extent_error":
            if iteration_space(terms, shapes) > MAX_ITERATIONS:
                raise Skip("too large")
            out_shape, _ = brute_force(terms, output, shapes,
                                       [[0] * math.prod(s) for s in shapes])
            if len(out_shape) > MAX_OUTPUT_RANK or math.prod(out_shape) > MAX_OUTPUT_SIZE:
                raise Skip("too large")
    else:
        terms = output = None
        verdict = "subscript_error"
    # numpy on every draw, not only on those of the class aimed at: a disagreement is a
    # disagreement whatever the class.
    reference = fill(rng, case, terms, output) if verdict not in ("extent_error",
                                                                  "subscript_error") else \
        fill(rng, case, None, None)
    status, value, path, note = run_numpy(text, shapes, case.data, case.scalar)
    where = f"case {case.number}: {text!r} {shape_list(shapes)} {case.scalar}"
    if verdict == "subscript_error":
        if status == "ok":
            disagree.append(f"{where}: the planner rejects it ({planner}), numpy accepts it "
                            f"({path})")
            return False
        case.numpy_error, case.planner_error = " ".join(value.split()), planner
    elif verdict == "extent_error":
        if status == "ok":
            disagree.append(f"{where}: numpy accepts it ({path}) but its extents do not fit "
                            "numpy's rules as modelled here")
            return False
        if not any(m in value for m in EXTENT_MESSAGES):
            disagree.append(f"{where}: the planner accepts the subscript, numpy rejects it "
                            f"({path}): {value}")
            return False
        case.numpy_error = " ".join(value.split())
    else:
        if status != "ok":
            if path == "optimize=True" and verdict == "broadcast":
                raise Skip(f"numpy: optimize=True rejects labelled broadcasting that "
                           f"optimize=False's nditer allows: {value}")
            disagree.append(f"{where}: numpy rejects it ({path}): {value}; the library's rules "
                            f"accept it ({verdict})")
            return False
        if note:
            raise Skip(note)
        ref_shape, ref_data = reference
        got = value.ravel().tolist()
        if tuple(value.shape) != tuple(ref_shape) or any(a != b for a, b in zip(got, ref_data)):
            disagree.append(f"{where}: numpy ({path}) gives {tuple(value.shape)} {got}, the "
                            f"brute force {tuple(ref_shape)} {ref_data}")
            return False
        case.result_shape, case.result_data, case.numpy_path = tuple(value.shape), got, path
    if verdict != case.aim:
        return False
    case.cls = verdict
    return True


# --- C++ -----------------------------------------------------------------------------------------

def number_text(value):
    assert float(value).is_integer(), value  # integer data: every result is exact
    return str(int(value))


def value_text(scalar, value):
    if scalar == "complex":
        value = complex(value)
        return f"{{{number_text(value.real)}, {number_text(value.imag)}}}"
    return number_text(value)


def values_text(scalar, values):
    return "{" + ", ".join(value_text(scalar, v) for v in values) + "}"


def cxx_string(text):
    assert '"' not in text and "\\" not in text and "?" not in text, text
    return f'"{text}"'


def storage_order(flat, shape, layout):
    """Row-major (numpy) coefficients in the layout's storage order."""
    if layout == "RowMajor" or len(shape) < 2:
        return list(flat)
    return np.array(flat, dtype=object).reshape(shape).ravel(order="F").tolist()


def cxx_operands(case):
    lines = []
    for k, (shape, flat, kind) in enumerate(zip(case.shapes, case.data, case.kinds)):
        r = len(shape)
        dims = "{" + ", ".join(str(n) for n in shape) + "}"
        tensor = f"Eigen::Tensor<S, {r}, L>"
        if kind == "tensor":
            lines.append(f"  const auto x{k} = numpy_operand<S, L, {r}>({dims}, "
                         f"{values_text(case.scalar, flat)});")
        elif kind == "map_tensor":
            lines.append(f"  const auto t{k} = numpy_operand<S, L, {r}>({dims}, "
                         f"{values_text(case.scalar, flat)});")
            lines.append(f"  const Eigen::TensorMap<const {tensor}> x{k}(t{k}.data(), "
                         f"t{k}.dimensions());")
        else:
            stored = storage_order(flat, shape, case.layout)
            lines.append(f"  const std::vector<S> v{k}{values_text(case.scalar, stored)};")
            lines.append(f"  const Eigen::TensorMap<const {tensor}> x{k}(v{k}.data(), "
                         f"std::array<Eigen::Index, {r}>{dims});")
    return lines


def test_name(seed, case):
    return f"fuzz {seed}/{case.number:03d}: '{case.text}' {shape_list(case.shapes)}"


def cxx_case(seed, case):
    tags = f"[fuzz][{case.cls}]"
    if case.cls != "subscript_error":
        tags += f"[{case.scalar}][{case.layout}]"
    lines = [f"TEST_CASE({cxx_string(test_name(seed, case))}, \"{tags}\") {{"]
    sub = cxx_string(case.text)
    if case.cls == "subscript_error":
        ranks = "{" + ", ".join(str(len(s)) for s in case.shapes) + "}"
        lines += [f"  // numpy: {case.numpy_error}",
                  f"  // planner (as scripts/fuzz.py models it): {case.planner_error}",
                  f"  require_planner_rejects({sub}, {ranks});",
                  "}"]
        return "\n".join(lines) + "\n"
    names = ", ".join(f"x{k}" for k in range(len(case.shapes)))
    lines += [f"  using S = {CXX_SCALAR[case.scalar]};",
              f"  constexpr int L = Eigen::{case.layout};"]
    lines += cxx_operands(case)
    plain = f"EINSUM({sub}, {names})"
    option = f"EINSUM_WITH(eigen_einsum::numpy_broadcasting, {sub}, {names})"
    dims = "{" + ", ".join(str(n) for n in case.result_shape) + "}"
    expected = values_text(case.scalar, case.result_data)
    if case.cls == "valid":
        lines.append(f"  require_numpy({sub}, {plain}, {dims}, {expected});")
    elif case.cls == "broadcast":
        lines.append(f"  require_shape_error([&] {{ return evaluate({plain}); }});")
        lines.append(f"  require_numpy({sub}, {option}, {dims}, {expected});")
    else:
        lines.append(f"  // numpy: {case.numpy_error}")
        lines.append(f"  require_shape_error([&] {{ return evaluate({plain}); }});")
        lines.append(f"  require_shape_error([&] {{ return evaluate({option}); }});")
    lines.append("}")
    return "\n".join(lines) + "\n"


HELPERS = """\
namespace {

using eigen_einsum_test::numpy_operand;
using eigen_einsum_test::require_numpy;

/// An einsum expression evaluated into a Tensor.
template <class Expr>
auto evaluate(const Expr& expr) {
  using traits = Eigen::internal::traits<std::remove_cv_t<std::remove_reference_t<Expr>>>;
  using scalar = std::remove_const_t<typename traits::Scalar>;
  return Eigen::Tensor<scalar, traits::NumDimensions, traits::Layout>(expr);
}

/// Requires `f()` to throw eigen_einsum::shape_error with a what() that starts with "einsum:".
template <class F>
void require_shape_error(F&& f) {
  bool thrown = false;
  std::string what;
  try {
    f();
  } catch (const eigen_einsum::shape_error& error) {
    thrown = true;
    what = error.what();
  }
  INFO("shape_error thrown: " << (thrown ? "yes" : "no") << "; what(): " << what);
  REQUIRE(thrown);
  REQUIRE(what.rfind("einsum:", 0) == 0);
}

/// Requires the constexpr planner, run at run time, to reject `text` for operands of these ranks
/// (same scalar type and layout): einsum<text> on them would not compile.
template <std::size_t N>
void require_planner_rejects(const char (&text)[N], std::initializer_list<int> ranks) {
  namespace d = eigen_einsum::detail;
  d::operand_facts facts{};
  facts.count = static_cast<int>(ranks.size());
  int k = 0;
  for (const int rank : ranks) {
    facts.rank[k] = rank;
    facts.same_scalar[k] = true;
    facts.same_layout[k] = true;
    ++k;
  }
  const d::validation v = d::validate(d::parse(text, N - 1), facts);
  INFO("subscript '" << text << "', " << facts.count << " operands");
  REQUIRE(v.kind != d::error_kind::none);
}

} // namespace
"""


def cxx_file(cases, seed, command):
    first, last = cases[0].number, cases[-1].number
    head = [f"// Generated by {command}",
            f"// (numpy {np.__version__}): cases {first:03d}-{last:03d} of seed {seed}, "
            "einsum<...> against numpy.einsum. Do not edit.",
            '#include "support/numpy_case.hpp"',
            "",
            "#include <eigen_einsum/einsum.hpp>",
            "#include <eigen_einsum/plan/parse.hpp>",
            "#include <eigen_einsum/plan/validate.hpp>",
            "",
            "#include <catch2/catch.hpp>",
            "#include <unsupported/Eigen/CXX11/Tensor>",
            "",
            "#include <array>",
            "#include <complex>",
            "#include <cstddef>",
            "#include <initializer_list>",
            "#include <string>",
            "#include <type_traits>",
            "#include <vector>",
            "",
            HELPERS]
    return "\n".join(head) + "\n" + "\n".join(cxx_case(seed, c) for c in cases)


# --- main ----------------------------------------------------------------------------------------

def summary(cases, seed, disagree, notes):
    lines = []
    by = {c: sum(1 for x in cases if x.cls == c) for c in CLASSES}
    draws = sum(x.draws for x in cases)
    lines.append(f"numpy {np.__version__}, seed {seed}: {len(cases)} cases ({draws} draws): "
                 + ", ".join(f"{c} {by[c]}" for c in CLASSES))
    computed = [x for x in cases if x.cls != "subscript_error"]
    scalars = " ".join(f"{s} {sum(1 for x in computed if x.scalar == s)}" for s in NP_DTYPE)
    kinds = {k: sum(x.kinds.count(k) for x in computed)
             for k in ("tensor", "map_vector", "map_tensor")}
    ell = sum(1 for x in cases if "..." in x.text)
    spaces = sum(1 for x in cases if " " in x.text)
    implicit = sum(1 for x in cases if "->" not in x.text)
    opt = sum(1 for x in cases if x.numpy_path == "optimize=True")
    rank0 = sum(1 for x in computed for s in x.shapes if not s)
    lines.append(f"  computed cases: {scalars}; operands: Tensor {kinds['tensor']}, TensorMap "
                 f"over a vector {kinds['map_vector']}, over a Tensor {kinds['map_tensor']} "
                 f"(rank 0: {rank0})")
    lines.append(f"  with '...' {ell}, implicit output {implicit}, spaces {spaces}, numpy "
                 f"optimize=True {opt}")
    cover = []
    for layout in LAYOUTS:
        cells = [f"{w} " + str(sum(1 for x in computed
                                   if x.layout == layout and has_zero_at(x.shapes, w)))
                 for w in ("outer", "middle", "inner")]
        cover.append(f"{layout} " + ", ".join(cells))
    lines.append("  cases with an extent 0 (valid, broadcast, extent_error): " + "; ".join(cover))
    for line in notes:
        lines.append("note: " + line)
    for line in disagree:
        lines.append("DISAGREE: " + line)
    return lines


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog=__doc__.split("\n", 2)[2])
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED,
                        help=f"random seed (default {DEFAULT_SEED}, the one CI uses)")
    parser.add_argument("--cases", type=int, default=DEFAULT_CASES,
                        help=f"number of cases (default {DEFAULT_CASES})")
    parser.add_argument("--out", help="directory for fuzz_NN.cpp (without it: summary only)")
    parser.add_argument("--per-file", type=int, default=PER_FILE,
                        help=f"cases per file (default {PER_FILE})")
    parser.add_argument("--list", action="store_true", help="print every case")
    args = parser.parse_args()

    disagree, notes = [], []
    cases = [draw_case(args.seed, n, disagree, notes) for n in range(args.cases)]
    groups = [cases[i:i + args.per_file] for i in range(0, len(cases), args.per_file)]
    if args.out:
        command = f"scripts/fuzz.py --seed {args.seed} --cases {args.cases}"
        if args.per_file != PER_FILE:
            command += f" --per-file {args.per_file}"
        os.makedirs(args.out, exist_ok=True)
        names = {f"fuzz_{f:02d}.cpp" for f in range(len(groups))}
        for name in os.listdir(args.out):
            if re.fullmatch(r"fuzz_\d+\.cpp", name) and name not in names:
                os.remove(os.path.join(args.out, name))
        for f, group in enumerate(groups):
            path = os.path.join(args.out, f"fuzz_{f:02d}.cpp")
            text = cxx_file(group, args.seed, command)
            old = None
            if os.path.exists(path):
                with open(path, encoding="utf-8") as existing:
                    old = existing.read()
            if old != text:  # unchanged files keep their time stamp: no rebuild
                with open(path, "w", encoding="utf-8") as out:
                    out.write(text)
    if args.list:
        for c in cases:
            extra = (f" -> {c.result_shape}" if c.cls in ("valid", "broadcast") else
                     f": {c.planner_error or c.numpy_error}")
            print(f"{c.number:03d} {c.cls:15s} {c.scalar:7s} {c.layout:8s} {c.text!r} "
                  f"{shape_list(c.shapes)}{extra}")
    print("\n".join(summary(cases, args.seed, disagree, notes)))
    if args.out:
        print(f"wrote {len(groups)} files to {args.out}")
    return 1 if disagree else 0


if __name__ == "__main__":
    sys.exit(main())
