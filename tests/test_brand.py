"""The brand images: the bundled ones and the home-assistant/brands submission in docs/brands.

The submission must be byte for byte the bundled images, and both must meet the brands
repository's rules (its README's "Image specification" and its CI's validate.sh): PNG, icons
square at 256x256 and 512x512, RGBA with a transparent background, trimmed, compressed, no
file the CI does not know. The checks here read the files only (no drawing), so they hold on
any Pillow; scripts/brand.py --check is what says the files are the script's current drawing.
"""

from __future__ import annotations

from collections.abc import Callable
import json
from pathlib import Path
import shutil

from PIL import Image
import pytest

from scripts import brand

ROOT = Path(__file__).resolve().parents[1]
COMPONENT = ROOT / "custom_components" / "smm_panel"
BUNDLED = COMPONENT / "brand"
DOCS = ROOT / "docs" / "brands"
DOMAIN = json.loads((COMPONENT / "manifest.json").read_text(encoding="utf-8"))["domain"]
SUBMISSION = DOCS / "custom_integrations" / DOMAIN
ICONS = {"icon.png": 256, "icon@2x.png": 512}


def test_the_script_writes_where_the_tests_look() -> None:
    """scripts/brand.py writes the bundled folder and the submission folder of our domain."""
    assert brand.DOMAIN == DOMAIN
    assert brand.OUTPUT_DIRS == (BUNDLED, SUBMISSION)
    assert set(brand.SIZES.items()) == set(ICONS.items())


def test_docs_brands_holds_exactly_the_submission() -> None:
    """The README and the domain folder with the two icons; nothing else, no symlink."""
    files = {path.relative_to(DOCS).as_posix() for path in DOCS.rglob("*") if not path.is_dir()}
    folder = f"custom_integrations/{DOMAIN}"
    assert files == {"README.md", *(f"{folder}/{name}" for name in ICONS)}
    assert not [path for path in DOCS.rglob("*") if path.is_symlink()]


def test_the_submission_is_the_bundled_images() -> None:
    """The same files, byte for byte: what HA 2026.3+ shows is what the CDN would serve."""
    bundled = sorted(path.name for path in BUNDLED.iterdir())
    assert bundled == sorted(ICONS)
    assert sorted(path.name for path in SUBMISSION.iterdir()) == bundled
    for name in bundled:
        assert (SUBMISSION / name).read_bytes() == (BUNDLED / name).read_bytes(), name


@pytest.mark.parametrize("folder", [BUNDLED, SUBMISSION], ids=["bundled", "submission"])
@pytest.mark.parametrize(("name", "side"), ICONS.items())
def test_icon_meets_the_brands_rules(folder: Path, name: str, side: int) -> None:
    """PNG, square at the required size, RGBA with transparency, trimmed, compressed."""
    path = folder / name
    with Image.open(path) as image:
        assert image.format == "PNG"
        assert image.size == (side, side)
        assert image.mode == "RGBA"
        alpha = image.getchannel("A")
    assert alpha.getextrema() == (0, 255)  # a transparent background and an opaque shape
    assert alpha.getbbox() == (0, 0, side, side)  # trimmed: the shape touches every edge
    assert path.stat().st_size <= side * side  # compressed: a quarter of raw RGBA at most
    assert not path.is_symlink()


def test_the_hdpi_icon_is_not_the_normal_one() -> None:
    """The brands CI refuses an icon@2x.png identical to icon.png."""
    assert (SUBMISSION / "icon@2x.png").read_bytes() != (SUBMISSION / "icon.png").read_bytes()


@pytest.mark.parametrize("folder", [BUNDLED, SUBMISSION], ids=["bundled", "submission"])
def test_the_checker_finds_nothing_wrong(folder: Path) -> None:
    """scripts/brand.py's rule check passes both folders."""
    assert brand.problems(folder) == []


def _save(folder: Path, name: str, image: Image.Image, image_format: str = "PNG") -> None:
    image.save(folder / name, format=image_format)


def _icon_of(side: int, *, margin: int = 0, mode: str = "RGBA") -> Image.Image:
    """A trimmed (or, with a margin, untrimmed) icon: an opaque square on transparency."""
    image = Image.new("RGBA", (side, side), (0, 0, 0, 0))
    image.paste((47, 128, 237, 255), (margin, margin, side - margin, side - margin))
    image.putpixel((side // 2, margin), (0, 0, 0, 0))  # one transparent pixel inside
    return image.convert(mode) if mode != "RGBA" else image


def _wrong_size(folder: Path) -> None:
    _save(folder, "icon.png", _icon_of(200))


def _jpeg(folder: Path) -> None:
    _save(folder, "icon.png", _icon_of(256, mode="RGB"), "JPEG")


def _opaque(folder: Path) -> None:
    _save(folder, "icon.png", Image.new("RGB", (256, 256), (47, 128, 237)))


def _untrimmed(folder: Path) -> None:
    _save(folder, "icon.png", _icon_of(256, margin=8))


def _unknown_file(folder: Path) -> None:
    _save(folder, "icon.png", _icon_of(256))
    (folder / "README.md").write_text("notes\n", encoding="utf-8")


def _hdpi_only(folder: Path) -> None:
    _save(folder, "icon@2x.png", _icon_of(512))


def _logo_is_icon(folder: Path) -> None:
    _save(folder, "icon.png", _icon_of(256))
    shutil.copyfile(folder / "icon.png", folder / "logo.png")


def _small_logo(folder: Path) -> None:
    _save(folder, "icon.png", _icon_of(256))
    _save(folder, "logo.png", _icon_of(100))


def _symlink(folder: Path) -> None:
    _save(folder, "real.png", _icon_of(256))
    (folder / "icon.png").symlink_to(folder / "real.png")


BROKEN: list[tuple[Callable[[Path], None], str]] = [
    (_wrong_size, "icon.png: 200x200px, must be 256x256px"),
    (_jpeg, "icon.png: JPEG file, must be PNG"),
    (_opaque, "icon.png: mode RGB, want RGBA"),
    (_untrimmed, "icon.png: not trimmed"),
    (_unknown_file, "README.md: unknown and invalid file name"),
    (_hdpi_only, "icon@2x.png: hDPI image without its normal version"),
    (_logo_is_icon, "logo.png: identical to icon.png"),
    (_small_logo, "logo.png: 100x100px, shortest side must be 128-256px"),
    (_symlink, "icon.png: a symlink"),
]


@pytest.mark.parametrize(
    ("make", "expected"),
    [pytest.param(make, expected, id=make.__name__.strip("_")) for make, expected in BROKEN],
)
def test_the_checker_finds_what_the_brands_ci_refuses(
    tmp_path: Path, make: Callable[[Path], None], expected: str
) -> None:
    """Each broken folder gets the problem the brands CI (or its README's rules) would raise."""
    make(tmp_path)
    found = brand.problems(tmp_path)
    assert any(problem.startswith(expected) for problem in found), found


def test_the_checker_wants_an_icon_and_a_folder(tmp_path: Path) -> None:
    """An empty folder lacks icon.png; a missing folder is reported, not raised."""
    assert brand.problems(tmp_path) == ["icon.png: missing, every domain folder needs one"]
    assert brand.problems(tmp_path / "absent") == ["no such folder"]
