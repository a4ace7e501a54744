"""The README's pictures: what it shows is committed, and what is committed it shows.

Not a browser test: it runs in the main lanes. `SMM_E2E_SCREENSHOTS=docs/images
scripts/test-e2e` retakes the pictures.
"""

from __future__ import annotations

import re

from PIL import Image

from tests.develop_process import REPO

from .harness import README_PICTURES

IMAGES = REPO / "docs" / "images"
README = (REPO / "README.md").read_text(encoding="utf-8")
SHOWN = re.compile(r"!\[([^\]]*)\]\((docs/images/[^)\s]+)\)")
MAX_TOTAL_BYTES = 1_500_000


def test_the_readme_shows_every_picture_the_browser_test_takes_for_it() -> None:
    """Each picture in the README is one the test writes, committed, with an alt text."""
    shown = {path: alt for alt, path in SHOWN.findall(README)}
    expected = {
        f"docs/images/{name}{'' if language == 'en' else f'-{language}'}.png"
        for language, names in README_PICTURES.items()
        for name in names
    }
    committed = {f"docs/images/{path.name}" for path in IMAGES.iterdir()}
    assert set(shown) == expected == committed
    assert all(alt.strip() for alt in shown.values())


def test_the_pictures_are_small_pngs() -> None:
    """Real PNG files, at most the test's window wide, small enough for a README."""
    total = 0
    for path in sorted(IMAGES.glob("*.png")):
        with Image.open(path) as image:
            assert image.format == "PNG", path
            assert image.width <= 1280, path
        total += path.stat().st_size
    assert 0 < total <= MAX_TOTAL_BYTES
