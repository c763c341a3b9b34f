"""Refuse a lock file that does not pin what ``requirements.txt`` asks for.

``make book``, ``make test`` and ``.ci/run`` install ``requirements.lock``
exactly, so the published numbers come from known versions. Before they do,
this check makes sure the lock can be read, pins every package that
``requirements.txt`` names (``name==version``), and that each pin satisfies
the requirement's specifier (``keras>=3`` must not be locked at 2.15). On any
problem it prints one line naming the file and the fix, and exits with 1.

    python tools/check_lock.py [LOCK] [REQUIREMENTS]

Only the standard library and ``packaging`` are needed; ``packaging`` is taken
from pip's vendored copy when it is not installed, so the check also runs
with a bare system Python before the virtual environment exists.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

try:
    from packaging.requirements import InvalidRequirement, Requirement
    from packaging.utils import canonicalize_name
    from packaging.version import InvalidVersion, Version
except ImportError:  # a bare interpreter: pip ships the same module
    from pip._vendor.packaging.requirements import InvalidRequirement, Requirement
    from pip._vendor.packaging.utils import canonicalize_name
    from pip._vendor.packaging.version import InvalidVersion, Version

FIX = "run `make lock` to regenerate it from requirements.txt"
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;#]+)")


class LockError(Exception):
    """What is wrong with the lock, as the one line the build prints."""


def _lines(path: Path, what: str) -> list[str]:
    try:
        text = path.read_text()
    except FileNotFoundError:
        raise LockError(f"{path}: {what} is missing; {FIX}") from None
    except (OSError, UnicodeDecodeError) as error:
        raise LockError(f"{path}: {what} cannot be read ({error}); {FIX}") from None
    return [line.split("#", 1)[0].strip() for line in text.splitlines()]


def requirements(path: Path) -> list[Requirement]:
    """The requirements named in ``path`` (options such as ``-r`` are not used there)."""
    found = []
    for number, line in enumerate(_lines(path, "the requirements file"), start=1):
        if not line:
            continue
        try:
            found.append(Requirement(line))
        except InvalidRequirement as error:
            raise LockError(f"{path}:{number}: not a requirement ({error})") from None
    return found


def pins(path: Path) -> dict[str, Version]:
    """Package name -> pinned version, from pip-compile's ``name==version`` lines."""
    pinned = {}
    for number, line in enumerate(_lines(path, "the lock file"), start=1):
        if not line or line.startswith("-"):
            continue
        match = PIN.match(line)
        if not match:
            raise LockError(f"{path}:{number}: '{line}' is not a `name==version` pin; {FIX}")
        try:
            pinned[canonicalize_name(match[1])] = Version(match[2])
        except InvalidVersion:
            raise LockError(f"{path}:{number}: '{match[2]}' is not a version; {FIX}") from None
    if not pinned:
        raise LockError(f"{path}: the lock file pins nothing; {FIX}")
    return pinned


def check(lock: Path, wanted: Path) -> None:
    """Raise :class:`LockError` unless ``lock`` pins every requirement of ``wanted`` within its specifier."""
    pinned = pins(lock)
    for requirement in requirements(wanted):
        if requirement.marker is not None and not requirement.marker.evaluate():
            continue
        version = pinned.get(canonicalize_name(requirement.name))
        if version is None:
            raise LockError(f"{lock}: does not pin {requirement.name}, which {wanted} asks for; {FIX}")
        if not requirement.specifier.contains(version, prereleases=True):
            raise LockError(f"{lock}: pins {requirement.name}=={version}, outside {wanted}'s "
                            f"'{requirement}'; {FIX}")


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    lock = Path(args[0] if args else "requirements.lock")
    wanted = Path(args[1] if len(args) > 1 else "requirements.txt")
    try:
        check(lock, wanted)
    except LockError as error:
        print(error, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
