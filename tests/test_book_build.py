"""Build the website in smoke mode, warnings as errors, and inspect the pages.

The build executes every chapter (smoke mode, through the environment
switch) with its own jupyter-cache under ``_build/smoke/``, so it never mixes
with the full-fidelity cache that ``make book`` uses.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "_build" / "smoke"
HTML = OUTPUT / "_build" / "html"
CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb"))


@pytest.fixture(scope="module")
def site():
    env = dict(os.environ, RNN_BOOK_SMOKE="1", RNN_BOOK_METRICS=str(OUTPUT / "metrics"))
    jupyter_book = Path(sys.executable).parent / "jupyter-book"
    result = subprocess.run(
        [str(jupyter_book), "build", str(ROOT), "--path-output", str(OUTPUT),
         "--warningiserror", "--keep-going"],
        env=env, capture_output=True, text=True, timeout=1800,
    )
    assert result.returncode == 0, (
        f"jupyter-book build failed:\n{result.stdout[-6000:]}\n{result.stderr[-6000:]}")
    return HTML


def test_every_toc_page_is_built(site):
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    pages = [toc["root"]] + [c["file"] for p in toc["parts"] for c in p["chapters"]]
    for page in pages:
        assert (site / f"{page}.html").is_file(), f"{page}.html was not built"


@pytest.mark.parametrize("notebook", CHAPTERS, ids=lambda p: p.stem)
def test_chapter_page_has_executed_content(site, notebook):
    html = (site / "chapters" / f"{notebook.stem}.html").read_text()
    assert "<img" in html and ".png" in html, "no executed figure on the page"
    assert "{glue:" not in html and "glue:text" not in html, "a glued number was not filled in"
    assert 'class="math' in html, "no math on the page"
    assert "output traceback" not in html, "a cell raised an error on the page"
    # Solutions are folded (sphinx-exercise dropdowns).
    assert "solution" in html and "dropdown" in html
    # The setup cell is removed from the page.
    assert "BOOK_REPOSITORY" not in html


@pytest.mark.parametrize("notebook", CHAPTERS, ids=lambda p: p.stem)
def test_launch_buttons_point_at_the_notebook(site, notebook):
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    url = config["repository"]["url"].rstrip("/")
    branch = config["repository"]["branch"]
    owner_repo = url.removeprefix("https://github.com/")
    html = (site / "chapters" / f"{notebook.stem}.html").read_text()
    colab = (f"https://colab.research.google.com/github/{owner_repo}/blob/{branch}/"
             f"chapters/{notebook.name}")
    assert colab in html, f"no Colab link {colab}"
    assert f"https://mybinder.org/v2/gh/{owner_repo}/{branch}" in html, "no Binder link"
    assert f'href="{url}"' in html, "no repository button"
    assert f"_sources/chapters/{notebook.name}" in html, "no download button for the notebook"
