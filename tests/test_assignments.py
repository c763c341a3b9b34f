"""Student notebooks (``make assignments``) keep the exercises and drop the solutions.

That the teacher's notebooks pass their own self-checks is tested by running
them (test_notebooks.py executes every cell, self-checks included).
"""

from __future__ import annotations

import ast

import nbformat
import pytest

from tools import make_assignments, structure

CHAPTERS = structure.chapters()


def assigned_names(source: str) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update((a.asname or a.name).split(".")[0] for a in node.names)
    return names


def used_names(source: str) -> set[str]:
    return {n.id for n in ast.walk(ast.parse(source))
            if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}


@pytest.fixture(scope="module")
def students(tmp_path_factory):
    out = tmp_path_factory.mktemp("assignments")
    assert make_assignments.main(["--out", str(out)]) == 0
    return out


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_student_notebook_has_no_solutions(students, path):
    teacher = nbformat.read(path, as_version=4)
    student = nbformat.read(students / path.name, as_version=4)
    text = "\n".join(c.source for c in student.cells)
    assert "solution-start" not in text and "solution-end" not in text
    assert not [c for c in student.cells if "solution" in c.metadata.get("tags", [])]
    solution_lines = {
        line.strip() for c in teacher.cells if "solution" in c.metadata.get("tags", [])
        for line in c.source.splitlines() if len(line.strip()) > 20}
    assert solution_lines, "the teacher notebook has no solution code"
    # Lines that also appear outside the solutions (an import, a layer) are not leaks.
    elsewhere = "\n".join(c.source for c in teacher.cells if "solution" not in c.metadata.get("tags", []))
    leaked = [line for line in solution_lines if line in text and line not in elsewhere]
    assert not leaked, f"solution code left in the student notebook: {leaked[:3]}"
    explanations = [make_assignments.START.split(c.source, maxsplit=1)[1].strip()[:60]
                    for c in teacher.cells
                    if c.cell_type == "markdown" and make_assignments.START.search(c.source)]
    assert not [e for e in explanations if e and e in text], "solution prose left in the student notebook"
    assert all(not c.get("outputs") and not c.get("execution_count")
               for c in student.cells if c.cell_type == "code")


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_student_self_checks_fail_until_answered(students, path):
    """Each self-check needs a name only the removed solution defined: a NameError until answered."""
    teacher = nbformat.read(path, as_version=4)
    student = nbformat.read(students / path.name, as_version=4)
    folded = [c for c in student.cells if "self-check" in c.metadata.get("tags", [])]
    assert all(c.source.startswith(make_assignments.CHECK_TITLE + "\n") and c.metadata["cellView"] == "form"
               and c.metadata["jupyter"]["source_hidden"] for c in folded), "a self-check is not folded"
    checks = [make_assignments.unfolded(c.source) for c in folded]
    assert checks == [c.source for c in teacher.cells if "self-check" in c.metadata.get("tags", [])]
    answers = [c for c in student.cells if "answer" in c.metadata.get("tags", [])]
    assert len(answers) == teacher_exercises(teacher)
    defined_by_solutions = set().union(*(assigned_names(c.source) for c in teacher.cells
                                         if "solution" in c.metadata.get("tags", [])))
    defined_in_student = set().union(*(assigned_names(c.source) for c in student.cells
                                       if c.cell_type == "code"))
    for check in checks:
        missing = (used_names(check) & defined_by_solutions) - defined_in_student
        assert missing, f"this self-check would pass without an answer:\n{check}"


# A self-check may say by how much an answer is off (these names), or which case of a loop
# failed, but never what the answer should be.
DISCREPANCIES = {"error", "check"}


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_self_checks_print_correct_and_never_the_expected_answer(path):
    cells = [c.source for c in nbformat.read(path, as_version=4).cells
             if "self-check" in c.metadata.get("tags", [])]
    assert cells, "the chapter has no self-check"
    for source in cells:
        tree = ast.parse(source)
        loops = {n.id for node in ast.walk(tree) if isinstance(node, ast.For)
                 for n in ast.walk(node.target) if isinstance(n, ast.Name)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "print":
                assert [ast.literal_eval(a) for a in node.args] == ["correct"], (
                    f"a self-check prints something else than 'correct':\n{source}")
            if isinstance(node, ast.Assert) and node.msg is not None:
                shown = {n.id for value in ast.walk(node.msg) if isinstance(value, ast.FormattedValue)
                         for n in ast.walk(value.value) if isinstance(n, ast.Name)}
                assert shown <= loops | DISCREPANCIES, (
                    f"a self-check's message shows {sorted(shown - loops - DISCREPANCIES)}, which may "
                    f"give the answer away:\n{source}")


def teacher_exercises(notebook) -> int:
    return sum(c.source.count("```{solution-start}") for c in notebook.cells if c.cell_type == "markdown")


def test_unmatched_or_plain_solutions_are_refused():
    start = nbformat.v4.new_markdown_cell("```{solution-start} ex\n:class: dropdown\n```\n")
    with pytest.raises(ValueError, match="no matching"):
        make_assignments.student_version(nbformat.v4.new_notebook(cells=[start]))
    plain = nbformat.v4.new_markdown_cell("```{solution} ex\nthe answer\n```\n")
    with pytest.raises(ValueError, match="plain"):
        make_assignments.student_version(nbformat.v4.new_notebook(cells=[plain]))
