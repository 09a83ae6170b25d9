#!/usr/bin/env python3
"""Checks that every C++ block in README.md and doc/*.md is code from a compiled doc/examples file.

A ```cpp block must follow the comment <!-- snippet: NAME --> and appear, with its common
indentation stripped, as a contiguous run of lines inside the region of a doc/examples file
between `// [snippet:NAME]` and `// [/snippet]` (the run's common indentation stripped too). A line
of the block that starts with `// ...` stands for lines left out: the pieces between such lines
must appear in that order, each a contiguous run. Blocks tagged sh, cmake or another language in
EXEMPT are not checked, nor are untagged blocks (diagrams, compiler output); any other tag is an
error. Every region must be shown by some block.

Usage: check_snippets.py [ROOT]   (ROOT: the repository, by default the one holding this script)
Prints one line per problem and exits 1 if there is any; ctest runs it as the test "snippets".
"""

from __future__ import annotations

import dataclasses
import pathlib
import re
import sys

CHECKED = {"cpp", "c++", "cxx", "hpp"}
EXEMPT = {"sh", "bash", "shell", "console", "cmake", "text"}

FENCE = re.compile(r"^(\s*)(`{3,}|~{3,})\s*([^\s`]*)")
MARKER = re.compile(r"^\s*<!--\s*snippet:\s*([\w.-]+)\s*-->\s*$")
REGION_START = re.compile(r"^\s*// \[snippet:([\w.-]+)\]\s*$")
REGION_END = re.compile(r"^\s*// \[/snippet\]\s*$")
ELISION = "// ..."


@dataclasses.dataclass
class Block:
    doc: str  # the markdown file, relative to the root
    line: int  # the line of the opening fence
    language: str  # the fence's tag, lower case; "" when untagged
    name: str | None  # the snippet named by the marker before it
    lines: list  # the content, without the fences


def dedent(lines):
    """The lines without their common indentation and trailing spaces; blank lines become ''."""
    lines = [line.rstrip() for line in lines]
    indents = [len(line) - len(line.lstrip()) for line in lines if line]
    cut = min(indents, default=0)
    return [line[cut:] for line in lines]


def read_blocks(path, rel, problems):
    """The fenced blocks of one markdown file, each with the snippet name of its marker."""
    blocks = []
    lines = path.read_text(encoding="utf-8").splitlines()
    pending = None  # (line number, name) of a marker not yet followed by a block
    i = 0
    while i < len(lines):
        match = FENCE.match(lines[i])
        if not match:
            marker = MARKER.match(lines[i])
            if marker:
                if pending:
                    problems.append(f"{rel}:{pending[0]}: marker '{pending[1]}' has no block")
                pending = (i + 1, marker.group(1))
            elif lines[i].strip() and pending:
                problems.append(f"{rel}:{pending[0]}: marker '{pending[1]}' is not right before "
                                "a ```cpp block")
                pending = None
            i += 1
            continue
        indent, fence, language = len(match.group(1)), match.group(2), match.group(3).lower()
        start = i + 1
        i += 1
        body = []
        while i < len(lines):
            stripped = lines[i].strip()
            if stripped.startswith(fence[0] * len(fence)) and not stripped.strip(fence[0]):
                break
            # As CommonMark: drop up to the fence's own indentation from each content line.
            line = lines[i]
            drop = min(indent, len(line) - len(line.lstrip(" ")))
            body.append(line[drop:])
            i += 1
        else:
            problems.append(f"{rel}:{start}: the block is never closed")
        i += 1
        name = pending[1] if pending else None
        if pending and language not in CHECKED:
            problems.append(f"{rel}:{pending[0]}: marker '{pending[1]}' is before a "
                            f"'{language or 'untagged'}' block, not a ```cpp one")
        pending = None
        blocks.append(Block(rel, start, language, name, body))
    if pending:
        problems.append(f"{rel}:{pending[0]}: marker '{pending[1]}' has no block")
    return blocks


def read_regions(examples, root, problems):
    """Snippet name -> (file, first line number, lines) over the files in doc/examples."""
    regions = {}
    files = sorted(p for p in examples.rglob("*") if p.suffix in (".cpp", ".hpp"))
    for path in files:
        rel = path.relative_to(root).as_posix()
        current = None  # (name, line number, lines)
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            start, end = REGION_START.match(line), REGION_END.match(line)
            if start:
                if current:
                    problems.append(f"{rel}:{number}: snippet '{start.group(1)}' starts inside "
                                    f"'{current[0]}'")
                current = (start.group(1), number, [])
            elif end:
                if not current:
                    problems.append(f"{rel}:{number}: [/snippet] without [snippet:NAME]")
                    continue
                name, first, body = current
                if name in regions:
                    other = regions[name]
                    problems.append(f"{rel}:{first}: snippet '{name}' is also in "
                                    f"{other[0]}:{other[1]}")
                regions[name] = (rel, first, body)
                current = None
            elif current:
                current[2].append(line)
        if current:
            problems.append(f"{rel}:{current[1]}: snippet '{current[0]}' is never closed")
    return regions


def pieces(lines):
    """The block's runs of lines between `// ...` lines, each dedented, with their line offsets."""
    runs, run, first = [], [], 0
    for offset, line in enumerate(dedent(lines)):
        if line.strip().startswith(ELISION):
            if run:
                runs.append((first, dedent(run)))
            run, first = [], offset + 1
        else:
            run.append(line)
    if run:
        runs.append((first, dedent(run)))
    return runs


def find_run(region, run, start):
    """Index >= start where run occurs in region (each window dedented), or None; also the best
    near miss: (index, number of leading lines that matched)."""
    best = (start, 0)
    for at in range(start, len(region) - len(run) + 1):
        window = dedent(region[at:at + len(run)])
        if window == run:
            return at, best
        same = next((k for k, (a, b) in enumerate(zip(window, run)) if a != b), len(run))
        if same > best[1]:
            best = (at, same)
    return None, best


def check_block(block, regions):
    """A problem with one checked block, or None."""
    where = f"{block.doc}:{block.line}"
    if block.name is None:
        return f"{where}: a ```{block.language} block needs <!-- snippet: NAME --> before it"
    if block.name not in regions:
        return f"{where}: no region '// [snippet:{block.name}]' in doc/examples"
    file, first, body = regions[block.name]
    cursor = 0
    for offset, run in pieces(block.lines):
        at, (near, same) = find_run(body, run, cursor)
        if at is None:
            expected = run[same] if same < len(run) else run[-1]
            found = dedent(body[near:near + len(run)])
            got = found[same] if same < len(found) else "(end of the region)"
            return (f"{block.doc}:{block.line + 1 + offset + same}: this line of the block is "
                    f"not in snippet '{block.name}' ({file}:{first}) at that place\n"
                    f"  block:   {expected}\n  nearest: {got or '(a blank line)'}")
        cursor = at + len(run)
    return None


def main(argv):
    root = pathlib.Path(argv[1] if len(argv) > 1 else pathlib.Path(__file__).resolve().parent.parent)
    problems = []
    docs = [root / "README.md"] + sorted((root / "doc").glob("*.md"))
    blocks = []
    for doc in docs:
        if doc.exists():
            blocks += read_blocks(doc, doc.relative_to(root).as_posix(), problems)
    regions = read_regions(root / "doc" / "examples", root, problems)

    checked = 0
    shown = set()
    for block in blocks:
        if block.language in EXEMPT or block.language == "":
            continue
        if block.language not in CHECKED:
            problems.append(f"{block.doc}:{block.line}: ```{block.language} is neither checked "
                            f"({', '.join(sorted(CHECKED))}) nor exempt "
                            f"({', '.join(sorted(EXEMPT))}) in scripts/check_snippets.py")
            continue
        checked += 1
        shown.add(block.name)
        problem = check_block(block, regions)
        if problem:
            problems.append(problem)
    for name, (file, first, _) in sorted(regions.items()):
        if name not in shown:
            problems.append(f"{file}:{first}: snippet '{name}' is shown by no block in README.md "
                            "or doc/*.md")

    for problem in problems:
        print(problem)
    print(f"check_snippets: {checked} C++ blocks in {len(docs)} files, {len(regions)} snippets, "
          f"{len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
