"""Draw the brand images of the SMM Panel integration.

Writes icon.png (256x256) and icon@2x.png (512x512) into two folders, byte for byte the same:
custom_components/smm_panel/brand/ (shipped: Home Assistant 2026.3+ shows it) and
docs/brands/custom_integrations/smm_panel/ (the home-assistant/brands submission that
Home Assistant 2025.4 - 2026.2 would need; see docs/brands/README.md). The icon is a speech
bubble in a blue-to-purple gradient carrying a white growth arrow, on a transparent
background and trimmed (the shape touches all four edges). No logo: the brands rules say a
brand whose logo is its icon adds the icon only (it is served for the logo too).

Deterministic: the same Pillow version gives byte-identical files. Each size is drawn at
4x and downscaled with LANCZOS for antialiasing. After writing (or with --check) both
folders are checked against the brands repository's rules: problems() below.

    .venv/bin/python scripts/brand.py            # (re)write the images
    .venv/bin/python scripts/brand.py --check    # exit 1 when missing, stale or off the rules
"""

from __future__ import annotations

import argparse
import io
import math
from pathlib import Path
import sys

from PIL import Image, ImageChops, ImageDraw, UnidentifiedImageError

ROOT = Path(__file__).resolve().parent.parent
DOMAIN = "smm_panel"
BRAND_DIR = ROOT / "custom_components" / DOMAIN / "brand"
SUBMISSION_DIR = ROOT / "docs" / "brands" / "custom_integrations" / DOMAIN
OUTPUT_DIRS = (BRAND_DIR, SUBMISSION_DIR)
SIZES = {"icon.png": 256, "icon@2x.png": 512}
OVERSAMPLE = 4

# The rules of home-assistant/brands: its README ("Image specification") and its CI,
# .github/workflows/validate/validate.sh. The eight names are also the eight that Home
# Assistant's brands integration serves from a custom integration's brand/ folder.
VARIANTS = ("", "@2x")
ALLOWED_NAMES = frozenset(
    f"{dark}{kind}{variant}.png"
    for dark in ("", "dark_")
    for kind in ("icon", "logo")
    for variant in VARIANTS
)
ICON_SIDE = {"": 256, "@2x": 512}
LOGO_SHORT_SIDE = {"": (128, 256), "@2x": (256, 512)}
# The brands CI refuses a logo identical to its icon, a dark image identical to its light
# one and an hDPI image identical to its normal one: the fallback would serve the same.
IDENTICAL_PAIRS = tuple(
    [(f"{d}icon{v}.png", f"{d}logo{v}.png") for d in ("", "dark_") for v in VARIANTS]
    + [(f"{k}{v}.png", f"dark_{k}{v}.png") for k in ("icon", "logo") for v in VARIANTS]
    + [(f"{d}{k}.png", f"{d}{k}@2x.png") for d in ("", "dark_") for k in ("icon", "logo")]
)
# "Properly compressed": at most 1 byte a pixel, a quarter of the raw RGBA size.
MAX_BYTES_PER_PIXEL = 1

TOP_LEFT = (0x2F, 0x80, 0xED)  # social-media blue
BOTTOM_RIGHT = (0x8E, 0x44, 0xEC)  # purple
ARROW = (0xFF, 0xFF, 0xFF, 0xFF)

type Point = tuple[float, float]

# Geometry in unit coordinates (0..1 of the canvas side).
BODY = (0.0, 0.0, 1.0, 0.84)
BODY_RADIUS = 0.21
TAIL: tuple[Point, ...] = ((0.17, 0.70), (0.47, 0.80), (0.13, 1.0))
TAIL_TIP_RADIUS = 0.025
TREND: tuple[Point, ...] = ((0.20, 0.60), (0.39, 0.42), (0.52, 0.53), (0.70, 0.34))
TREND_WIDTH = 0.08
HEAD_LENGTH = 0.17
HEAD_HALF_WIDTH = 0.105


def _gradient(side: int) -> Image.Image:
    """A diagonal gradient from TOP_LEFT to BOTTOM_RIGHT, RGBA, opaque."""
    vertical = Image.linear_gradient("L").resize((side, side), Image.Resampling.BICUBIC)
    horizontal = vertical.transpose(Image.Transpose.ROTATE_90)
    mask = Image.blend(vertical, horizontal, 0.5)
    start = Image.new("RGBA", (side, side), (*TOP_LEFT, 255))
    end = Image.new("RGBA", (side, side), (*BOTTOM_RIGHT, 255))
    return Image.composite(end, start, mask)


def _bubble_mask(side: int) -> Image.Image:
    """The speech bubble: a rounded body and a tail reaching the bottom edge."""

    def px(point: Point) -> tuple[float, float]:
        return point[0] * side, point[1] * side

    mask = Image.new("L", (side, side), 0)
    draw = ImageDraw.Draw(mask)
    x0, y0, x1, y1 = BODY
    draw.rounded_rectangle(
        (x0 * side, y0 * side, x1 * side - 1, y1 * side), radius=BODY_RADIUS * side, fill=255
    )
    # The tail tip is rounded and sits exactly on the bottom edge.
    tip_x, tip_y = TAIL[2]
    r = TAIL_TIP_RADIUS * side
    cx, cy = tip_x * side + r * 0.6, tip_y * side - r
    draw.polygon([px(TAIL[0]), px(TAIL[1]), (cx + r * 0.2, cy + r), (cx - r, cy)], fill=255)
    draw.ellipse((cx - r, cy - r, cx + r, side - 1), fill=255)
    return mask


def _draw_trend(image: Image.Image) -> None:
    """The white growth arrow: a rising zig-zag line ending in an arrow head."""
    side = image.width
    draw = ImageDraw.Draw(image)
    pts = [(x * side, y * side) for x, y in TREND]
    width = round(TREND_WIDTH * side)

    # Arrow head: along the last segment, its base centred on the line's end point.
    (ax, ay), (bx, by) = pts[-2], pts[-1]
    length = math.hypot(bx - ax, by - ay)
    ux, uy = (bx - ax) / length, (by - ay) / length
    nx, ny = -uy, ux
    head_len, head_half = HEAD_LENGTH * side, HEAD_HALF_WIDTH * side
    tip = (bx + ux * head_len, by + uy * head_len)
    left = (bx + nx * head_half, by + ny * head_half)
    right = (bx - nx * head_half, by - ny * head_half)

    # The line stops a little inside the head so its square end is covered.
    end = (bx + ux * head_len * 0.3, by + uy * head_len * 0.3)
    draw.line([*pts[:-1], end], fill=ARROW, width=width, joint="curve")
    r = width / 2
    sx, sy = pts[0]
    draw.ellipse((sx - r, sy - r, sx + r, sy + r), fill=ARROW)
    draw.polygon([tip, left, right], fill=ARROW)


def render(size: int) -> Image.Image:
    """The icon at size x size pixels, drawn at OVERSAMPLE x and downscaled."""
    side = size * OVERSAMPLE
    image = Image.new("RGBA", (side, side), (0, 0, 0, 0))
    shape = _gradient(side)
    shape.putalpha(_bubble_mask(side))
    image.alpha_composite(shape)
    _draw_trend(image)
    # Keep the arrow inside the bubble's outline.
    alpha = ImageChops.multiply(image.getchannel("A"), _bubble_mask(side))
    image.putalpha(alpha)
    return image.resize((size, size), Image.Resampling.LANCZOS)


def encode(image: Image.Image) -> bytes:
    """PNG bytes without timestamps or other varying metadata."""
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def _split(name: str) -> tuple[str, str]:
    """("icon" or "logo", "" or "@2x") of an allowed name."""
    stem = name.removesuffix(".png").removeprefix("dark_")
    kind, _, variant = stem.partition("@")
    return kind, f"@{variant}" if variant else ""


def _image_problems(path: Path) -> list[str]:
    """One image against the rules: PNG, its size, alpha, trimmed, compressed."""
    name = path.name
    try:
        with Image.open(path) as opened:
            image_format = opened.format
            image = opened.copy()
    except (UnidentifiedImageError, OSError) as err:
        return [f"{name}: not a readable image ({err})"]
    if image_format != "PNG":
        return [f"{name}: {image_format} file, must be PNG"]
    width, height = image.size
    kind, variant = _split(name)
    found: list[str] = []
    if kind == "icon":
        side = ICON_SIDE[variant]
        if (width, height) != (side, side):
            found.append(f"{name}: {width}x{height}px, must be {side}x{side}px")
    else:
        low, high = LOGO_SHORT_SIDE[variant]
        if not low <= min(width, height) <= high:
            found.append(f"{name}: {width}x{height}px, shortest side must be {low}-{high}px")
    if image.mode != "RGBA":
        found.append(f"{name}: mode {image.mode}, want RGBA (transparency is preferred)")
        return found
    alpha = image.getchannel("A")
    low_alpha, _ = alpha.getextrema()
    if low_alpha != 0:
        found.append(f"{name}: no transparent pixel, want a transparent background")
    bbox = alpha.getbbox()
    if bbox != (0, 0, width, height):
        found.append(f"{name}: not trimmed, the shape spans {bbox} of {width}x{height}")
    size = path.stat().st_size
    if size > width * height * MAX_BYTES_PER_PIXEL:
        found.append(f"{name}: {size} bytes, not compressed (over 1 byte a pixel)")
    return found


def problems(folder: Path) -> list[str]:
    """What the brands repository's CI and README rules find wrong with one domain folder."""
    if not folder.is_dir():
        return ["no such folder"]
    paths = sorted(folder.iterdir())
    names = {path.name for path in paths}
    found: list[str] = []
    if "icon.png" not in names:
        found.append("icon.png: missing, every domain folder needs one")
    for path in paths:
        name = path.name
        if path.is_symlink():
            found.append(f"{name}: a symlink, not allowed for custom integrations")
            continue
        if not path.is_file() or name not in ALLOWED_NAMES:
            found.append(f"{name}: unknown and invalid file name")
            continue
        if "@2x" in name and name.replace("@2x", "") not in names:
            found.append(f"{name}: hDPI image without its normal version")
        found.extend(_image_problems(path))
    for first, second in IDENTICAL_PAIRS:
        pair = {first, second}
        if pair <= names and (folder / first).read_bytes() == (folder / second).read_bytes():
            found.append(f"{second}: identical to {first}, remove it (the fallback serves it)")
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--check", action="store_true", help="verify instead of writing")
    args = parser.parse_args()

    stale: list[str] = []
    for name, size in SIZES.items():
        image = render(size)
        bbox = image.getchannel("A").getbbox()
        if bbox != (0, 0, size, size):
            print(f"{name}: not trimmed, alpha bbox {bbox}", file=sys.stderr)
            return 1
        data = encode(image)
        for folder in OUTPUT_DIRS:
            path = folder / name
            shown = path.relative_to(ROOT)
            if args.check:
                if not path.is_file() or path.read_bytes() != data:
                    stale.append(str(shown))
                continue
            folder.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            print(f"wrote {shown}")
    if stale:
        print(f"stale brand images: {', '.join(stale)}; run scripts/brand.py", file=sys.stderr)
        return 1
    found = [f"{folder.relative_to(ROOT)}/{p}" for folder in OUTPUT_DIRS for p in problems(folder)]
    for problem in found:
        print(f"against the brands rules: {problem}", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
