"""The argument checks the helpers share, so each is written once.

Each check returns the value in its plain Python or NumPy form, or raises
``ValueError`` naming the argument, what it must be and what it got.
Booleans are refused wherever a number is expected: ``True`` is an ``int``
to Python, but never a sensible lookback or level.

Internal to the helpers; no chapter imports it.
"""

from __future__ import annotations

import numbers

import numpy as np


def integer(value, name: str, minimum: int = 1, maximum: int | None = None,
            *, maximum_is: str | None = None) -> int:
    """``value`` as an ``int`` after checking it is a whole number in ``[minimum, maximum]``.

    ``maximum_is`` describes the upper bound in words (e.g. "the number of
    test points") for the error message.
    """
    ok = isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))
    ok = ok and value >= minimum and (maximum is None or value <= maximum)
    if not ok:
        if maximum is not None:
            bound = f"{maximum_is} ({maximum})" if maximum_is else f"{maximum}"
            want = f"an integer from {minimum} to {bound}"
        elif minimum == 1:
            want = "a positive integer"
        elif minimum == 0:
            want = "a non-negative integer"
        else:
            want = f"an integer of at least {minimum}"
        raise ValueError(f"{name} must be {want}, got {value!r}")
    return int(value)


def _real(value) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_))


def proportion(value, name: str, *, closed_right: bool = False) -> float:
    """``value`` as a ``float`` in (0, 1), or in (0, 1] with ``closed_right``."""
    ok = _real(value) and (0 < value <= 1 if closed_right else 0 < value < 1)
    if not ok:
        want = "lie in (0, 1]" if closed_right else "lie strictly between 0 and 1"
        raise ValueError(f"{name} must {want}, got {value!r}")
    return float(value)


def non_negative(value, name: str) -> float:
    """``value`` as a ``float`` after checking it is a real number of at least 0 (NaN fails)."""
    if not (_real(value) and value >= 0):
        raise ValueError(f"{name} must be a non-negative number, got {value!r}")
    return float(value)


def finite(array, name: str) -> np.ndarray:
    """``array`` unchanged after checking it holds no NaN or infinity; the error says where."""
    bad = np.argwhere(~np.isfinite(array))
    if bad.size:
        where = tuple(int(i) for i in bad[0])
        where = where[0] if len(where) == 1 else where
        raise ValueError(
            f"{name} contains NaN or infinite values: {len(bad)}, the first at position {where}"
        )
    return array
