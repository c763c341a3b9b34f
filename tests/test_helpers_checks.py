"""The shared argument checks, and that the helpers use them instead of their own copies."""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
import pytest

from helpers.checks import finite, integer, non_negative, proportion

HELPERS = Path(__file__).resolve().parent.parent / "helpers"


@pytest.mark.parametrize("value", [1, 7, np.int64(3), np.int32(1)])
def test_integer_accepts_whole_numbers_and_returns_int(value):
    out = integer(value, "n")
    assert out == value and type(out) is int


@pytest.mark.parametrize("value", [0, -1, 1.0, 2.5, "3", None, True, np.bool_(True), np.float64(2)])
def test_integer_refuses_by_name(value):
    with pytest.raises(ValueError, match=r"^lookback must be a positive integer, got "):
        integer(value, "lookback")


def test_integer_bounds_appear_in_the_message():
    assert integer(0, "max_lag", 0) == 0
    with pytest.raises(ValueError, match="max_lag .*non-negative integer, got -1"):
        integer(-1, "max_lag", 0)
    with pytest.raises(ValueError, match="resamples .*at least 2000, got 1999"):
        integer(1999, "resamples", 2000)
    assert integer(50, "block", 1, 50) == 50
    with pytest.raises(ValueError, match=r"block .*from 1 to the number of test points \(50\), got 51"):
        integer(51, "block", 1, 50, maximum_is="the number of test points")
    with pytest.raises(ValueError, match="from 1 to 50, got 0"):
        integer(0, "block", 1, 50)


@pytest.mark.parametrize("value", [0.5, 1e-9, np.float32(0.9), 0.999])
def test_proportion_accepts_the_open_interval(value):
    assert proportion(value, "level") == pytest.approx(float(value))


@pytest.mark.parametrize("value", [0, 1, 1.5, -0.1, float("nan"), True, "0.5", None])
def test_proportion_refuses_outside_the_open_interval(value):
    with pytest.raises(ValueError, match="level must lie strictly between 0 and 1, got"):
        proportion(value, "level")


def test_proportion_closed_right_admits_one_only():
    assert proportion(1, "min_agreement", closed_right=True) == 1.0
    for bad in (0, 1.01, False):
        with pytest.raises(ValueError, match=r"min_agreement must lie in \(0, 1\]"):
            proportion(bad, "min_agreement", closed_right=True)


def test_non_negative():
    assert non_negative(0, "seconds") == 0.0
    assert non_negative(np.float32(2.5), "seconds") == 2.5
    for bad in (-1e-9, float("nan"), True, "1", None):
        with pytest.raises(ValueError, match="seconds must be a non-negative number"):
            non_negative(bad, "seconds")


def test_finite_returns_the_array_and_says_where_the_first_bad_value_is():
    ok = np.arange(6.0).reshape(2, 3)
    assert finite(ok, "x") is ok
    ok[1, 2] = np.inf
    ok[1, 0] = np.nan
    message = r"x contains NaN or infinite values: 2, the first at position \(1, 0\)"
    with pytest.raises(ValueError, match=message):
        finite(ok, "x")
    with pytest.raises(ValueError, match="at position 3$"):
        finite(np.array([0.0, 1.0, 2.0, -np.inf]), "series")


def _hand_written_guards(tree: ast.AST) -> list[int]:
    """Lines with ``isinstance(x, bool)`` or ``np.isfinite(...)``: the checks this module replaces."""
    lines = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Name) and func.id == "isinstance" and len(node.args) == 2:
            kinds = node.args[1]
            names = kinds.elts if isinstance(kinds, ast.Tuple) else [kinds]
            if any(isinstance(k, ast.Name) and k.id == "bool" for k in names):
                lines.append(node.lineno)
        if isinstance(func, ast.Attribute) and func.attr == "isfinite":
            lines.append(node.lineno)
    return lines


def test_no_helper_module_writes_its_own_number_or_finiteness_guard():
    offenders = {}
    for path in sorted(HELPERS.glob("*.py")):
        if path.name == "checks.py":
            continue
        found = _hand_written_guards(ast.parse(path.read_text()))
        if found:
            offenders[path.name] = found
    assert offenders == {}, f"use helpers.checks instead: {offenders}"


def test_the_guard_finder_finds_guards():
    # The test above must be able to fail.
    code = "def f(x):\n    if isinstance(x, bool) or not isinstance(x, int):\n        pass\n" \
           "    return np.isfinite(x).all()\n"
    assert _hand_written_guards(ast.parse(code)) == [2, 4]
