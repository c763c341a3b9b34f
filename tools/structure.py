"""The one place that knows the book's structure: its configuration, its pages and its chapters.

Tools and tests ask here instead of reading ``_toc.yml`` or ``_config.yml``
or globbing ``chapters/`` themselves.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


@cache
def config() -> dict:
    """``_config.yml``, parsed."""
    return yaml.safe_load((ROOT / "_config.yml").read_text())


@cache
def toc() -> dict:
    """``_toc.yml``, parsed."""
    return yaml.safe_load((ROOT / "_toc.yml").read_text())


def toc_pages() -> list[str]:
    """Every page of the book in reading order, as docnames (``"intro"``, ``"chapters/07_sunspots"``)."""
    contents = toc()
    return [contents["root"]] + [entry["file"] for part in contents["parts"] for entry in part["chapters"]]


def chapters() -> list[Path]:
    """The executable chapters (the notebooks among the pages), in reading order."""
    return [ROOT / f"{page}.ipynb" for page in toc_pages() if (ROOT / f"{page}.ipynb").is_file()]


def notebooks_on_disk() -> list[Path]:
    """Every notebook under ``chapters/``, listed in the table of contents or not (for checks)."""
    return sorted((ROOT / "chapters").glob("*.ipynb"))


def repository() -> tuple[str, str]:
    """The repository URL and branch from ``_config.yml``."""
    repo = config().get("repository", {})
    if not repo.get("url") or not repo.get("branch"):
        raise ValueError("_config.yml must set repository.url and repository.branch")
    return repo["url"].rstrip("/"), str(repo["branch"])
