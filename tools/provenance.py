"""Keep each public helper's "Taught in chapter N; used in chapters ..." line true.

Which chapter teaches a helper, and which chapters use it, is read from the
chapters themselves, never written by hand: a chapter *uses* every name it
imports with ``from helpers import ...``, and *teaches* a helper when one of its
Markdown cells shows the helper's source (a ``literalinclude`` of
``../helpers/<module>.py`` with ``:pyobject: <name>``). Every public helper
(``helpers.__all__``) must be taught by exactly one chapter and used by at
least one, and its docstring ends with the line this tool writes.

    python -m tools.provenance           # check: exit 1 and list what differs
    python -m tools.provenance --write   # rewrite the docstring lines
"""

from __future__ import annotations

import argparse
import ast
import importlib
import inspect
import re
import sys
from collections.abc import Iterable
from pathlib import Path

import nbformat

from tools import structure

ROOT = Path(__file__).resolve().parent.parent
LINE = re.compile(r"^\s*Taught in chapter .*$", re.M)
SHOWN = re.compile(r"```\{literalinclude\}\s+\.\./helpers/(\w+)\.py\s*\n(?:\s*:[\w-]+:.*\n)*?"
                   r"\s*:pyobject:\s*(\w+)", re.M)


def chapter_number(stem: str) -> int:
    return int(stem.split("_", 1)[0])


def imported_names(source: str) -> set[str]:
    """Names imported with ``from helpers import ...`` in one code cell."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return set()
    return {alias.name for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and node.module == "helpers" for alias in node.names}


def survey(notebooks: Iterable[Path]) -> tuple[dict[str, set[int]], dict[str, set[int]]]:
    """(name -> chapters that import it, name -> chapters that show its source)."""
    used: dict[str, set[int]] = {}
    taught: dict[str, set[int]] = {}
    for path in notebooks:
        number = chapter_number(path.stem)
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type == "code":
                for name in imported_names(cell.source):
                    used.setdefault(name, set()).add(number)
            elif cell.cell_type == "markdown":
                for _module, name in SHOWN.findall(cell.source):
                    taught.setdefault(name, set()).add(number)
    return used, taught


def _chapters(numbers: set[int]) -> str:
    ordered = sorted(numbers)
    if len(ordered) == 1:
        return f"chapter {ordered[0]}"
    return "chapters " + ", ".join(map(str, ordered[:-1])) + f" and {ordered[-1]}"


def expected_line(name: str, used: dict[str, set[int]], taught: dict[str, set[int]]) -> str:
    return f"Taught in chapter {min(taught[name])}; used in {_chapters(used[name])}."


def problems(public: list[str], used: dict[str, set[int]], taught: dict[str, set[int]]) -> list[str]:
    """What is wrong with the public API as the chapters see it (empty when all is well)."""
    found = []
    for name in public:
        if not used.get(name):
            found.append(f"{name}: exported by helpers but imported by no chapter")
        shown = taught.get(name, set())
        if len(shown) != 1:
            where = _chapters(shown) if shown else "no chapter"
            found.append(f"{name}: its source must be shown by exactly one chapter, not {where}")
    for name in sorted(set(used) - set(public)):
        found.append(f"{name}: imported from helpers by {_chapters(used[name])} but not in helpers.__all__")
    return found


def docstring_fix(obj, line: str) -> tuple[Path, str, str] | None:
    """(file, old docstring, new docstring) with the provenance line set, or None if it is right."""
    raw = obj.__doc__ or ""
    found = LINE.search(raw)
    if found and found.group(0).strip() == line:
        return None
    path = Path(inspect.getsourcefile(obj))
    text = path.read_text()
    if not raw or raw not in text:
        raise ValueError(f"{obj.__qualname__} in {path}: no plain docstring to hold its provenance")
    opening = re.search(r'( *)[rRuU]?"""$', text[:text.index(raw)])
    if opening is None:
        raise ValueError(f"{obj.__qualname__} in {path}: its docstring must be triple-quoted")
    indent = opening.group(1)
    if found:
        lead = found.group(0)[:len(found.group(0)) - len(found.group(0).lstrip())]
        new = raw[:found.start()] + lead + line + raw[found.end():]
    else:
        new = raw.rstrip() + f"\n\n{indent}{line}\n{indent}"
    return path, raw, new


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="rewrite the docstrings' provenance lines")
    args = parser.parse_args(argv)
    helpers = importlib.import_module("helpers")
    notebooks = structure.chapters()
    used, taught = survey(notebooks)
    found = problems(list(helpers.__all__), used, taught)
    stale = []
    for name in helpers.__all__:
        if name not in used or len(taught.get(name, ())) != 1:
            continue
        fix = docstring_fix(getattr(helpers, name), expected_line(name, used, taught))
        if fix is None:
            continue
        path, old, new = fix
        if args.write:
            path.write_text(path.read_text().replace(old, new, 1))
            print(f"{name}: {expected_line(name, used, taught)}")
        else:
            stale.append(f"{name}: docstring should say '{expected_line(name, used, taught)}'")
    for problem in found + stale:
        print(problem, file=sys.stderr)
    if stale and not args.write:
        print("run `python -m tools.provenance --write`", file=sys.stderr)
    return 1 if found or (stale and not args.write) else 0


if __name__ == "__main__":
    sys.exit(main())
