"""Draw the brand images of the SMM Panel integration.

Writes custom_components/smm_panel/brand/icon.png (256x256) and icon@2x.png (512x512):
a speech bubble in a blue-to-purple gradient carrying a white growth arrow, on a
transparent background and trimmed (the shape touches all four edges).

Deterministic: the same Pillow version gives byte-identical files. Each size is drawn at
4x and downscaled with LANCZOS for antialiasing.

    .venv/bin/python scripts/brand.py            # (re)write the images
    .venv/bin/python scripts/brand.py --check    # exit 1 when they are missing or stale
"""

from __future__ import annotations

import argparse
import io
import math
from pathlib import Path
import sys

from PIL import Image, ImageChops, ImageDraw

ROOT = Path(__file__).resolve().parent.parent
BRAND_DIR = ROOT / "custom_components" / "smm_panel" / "brand"
SIZES = {"icon.png": 256, "icon@2x.png": 512}
OVERSAMPLE = 4

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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--check", action="store_true", help="verify instead of writing")
    args = parser.parse_args()

    stale: list[str] = []
    BRAND_DIR.mkdir(parents=True, exist_ok=True)
    for name, size in SIZES.items():
        image = render(size)
        bbox = image.getchannel("A").getbbox()
        if bbox != (0, 0, size, size):
            print(f"{name}: not trimmed, alpha bbox {bbox}", file=sys.stderr)
            return 1
        data = encode(image)
        path = BRAND_DIR / name
        if args.check:
            if not path.is_file() or path.read_bytes() != data:
                stale.append(name)
            continue
        path.write_bytes(data)
        print(f"wrote {path.relative_to(ROOT)}")
    if stale:
        print(f"stale brand images: {', '.join(stale)}; run scripts/brand.py", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
