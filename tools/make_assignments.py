"""Write student notebooks: the chapters without their solutions.

    python -m tools.make_assignments [--out _build/assignments]

For every chapter in ``chapters/``, everything between a ``{solution-start}``
directive and its ``{solution-end}`` is removed (the explanation and the
solution code cells alike), and an empty answer cell takes its place. The
exercise text and the self-check cells stay, so a student's answer is checked
by the same asserts that the teacher's solution passes; each self-check is
folded (a Colab form cell, its input collapsed in JupyterLab) so that its code,
which computes the expected answer, is out of sight until opened. Outputs are
cleared.
A notebook that uses a plain ``{solution}`` directive is refused rather than
copied with its solution in it.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import nbformat

from tools import structure

ROOT = Path(__file__).resolve().parent.parent
START = re.compile(r"^```\{solution-start\}.*?^```[ \t]*$\n?", re.M | re.S)
END = re.compile(r"^```\{solution-end\}.*?^```[ \t]*$\n?", re.M | re.S)
PLAIN = re.compile(r"\{solution\}")
ANSWER = "# Your answer here: the self-check cell below tests it.\n"
CHECK_TAG = "self-check"
CHECK_TITLE = "#@title Self-check: run it after your answer (it prints correct, or says what is wrong)"


def student_version(notebook):
    """Return a copy of ``notebook`` with every solution block replaced by an answer cell."""
    student = nbformat.v4.new_notebook(metadata=notebook.metadata)
    inside = False
    for index, cell in enumerate(notebook.cells):
        text = cell.source
        if cell.cell_type == "markdown" and PLAIN.search(text):
            raise ValueError(f"cell {index}: plain {{solution}} directives are not supported; "
                             "use solution-start / solution-end so the solution can be removed")
        if not inside:
            start = START.search(text) if cell.cell_type == "markdown" else None
            if start is None:
                student.cells.append(_folded(_cleared(cell)) if CHECK_TAG in cell.metadata.get(
                    "tags", []) else _cleared(cell))
                continue
            before = text[: start.start()].rstrip()
            if before:
                student.cells.append(nbformat.v4.new_markdown_cell(before, metadata=cell.metadata))
            inside, text = True, text[start.end():]
        end = END.search(text) if cell.cell_type == "markdown" else None
        if end is None:
            continue  # part of the solution
        inside = False
        student.cells.append(nbformat.v4.new_code_cell(ANSWER, metadata={"tags": ["answer"]}))
        after = text[end.end():].strip()
        if after:
            student.cells.append(nbformat.v4.new_markdown_cell(after))
    if inside:
        raise ValueError("a {solution-start} has no matching {solution-end}")
    return student


def _folded(cell):
    """A self-check with its code out of sight: Colab's form cell, JupyterLab's collapsed input."""
    cell.source = f"{CHECK_TITLE}\n{cell.source}"
    cell.metadata["cellView"] = "form"
    cell.metadata.setdefault("jupyter", {})["source_hidden"] = True
    return cell


def unfolded(source: str) -> str:
    """A folded self-check's own code (the source without the form title)."""
    return source.removeprefix(f"{CHECK_TITLE}\n")


def _cleared(cell):
    cell = nbformat.from_dict(dict(cell))
    if cell.cell_type == "code":
        cell.outputs, cell.execution_count = [], None
    return cell


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "_build" / "assignments")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for path in structure.chapters():
        try:
            student = student_version(nbformat.read(path, as_version=4))
        except ValueError as error:
            print(f"{path.name}: {error}", file=sys.stderr)
            return 1
        nbformat.write(student, args.out / path.name)
        print(f"wrote {args.out / path.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
