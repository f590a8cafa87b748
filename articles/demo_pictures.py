"""The demo magazine's pictures: issue covers and illustrations drawn with Pillow (no files shipped).

Abstract, map-like ornament in the palette of the issues; used by the `seed_demo` command.
"""

import io
import random
import textwrap

from django.core.files.base import ContentFile
from PIL import Image, ImageDraw, ImageFont

# One colour per issue, in turn: rust, navy, green, ochre, violet, slate, brick.
PALETTE = [
    (140, 28, 19),
    (22, 64, 110),
    (24, 94, 74),
    (120, 76, 20),
    (72, 40, 104),
    (38, 52, 60),
    (150, 60, 40),
]
PAPER = (245, 241, 232)


def font(size):
    return ImageFont.load_default(size=size)


def jpeg(image):
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=90)
    return ContentFile(out.getvalue())


def draw_shapes(draw, rng, size, color):
    """Rings and a meandering 'river' line: abstract, map-like ornament."""
    width, height = size
    for _ in range(7):
        x, y, r = rng.randint(0, width), rng.randint(0, height), rng.randint(width // 12, width // 3)
        draw.ellipse((x - r, y - r, x + r, y + r), outline=color, width=rng.randint(3, 14))
    y, points = height // 2, []
    for x in range(0, width + 60, 60):
        y = min(height * 3 // 4, max(height // 4, y + rng.randint(-height // 20, height // 20)))
        points.append((x, y))
    draw.line(points, fill=PAPER, width=max(6, width // 150), joint="curve")


def draw_cover(issue, color):
    """A 900×1200 cover: the masthead, rings, the issue's label and its English theme."""
    rng = random.Random(f"cover-{issue.label}")
    image = Image.new("RGB", (900, 1200), color)
    draw = ImageDraw.Draw(image)
    draw_shapes(draw, rng, (900, 1200), tuple(min(255, c + 70) for c in color))
    draw.rectangle((0, 0, 900, 200), fill=PAPER)
    draw.text((60, 40), "REGIONAL SECURITY", fill=color, font=font(76))
    draw.text((64, 140), "Mintaqaviy xavfsizlik · quarterly · Tashkent", fill=(60, 60, 60), font=font(30))
    draw.rectangle((40, 860, 860, 1160), fill=color)
    draw.text((60, 870), issue.label, fill="white", font=font(150))
    for n, line in enumerate(textwrap.wrap(issue.theme_en.upper(), 30)):
        draw.text((64, 1050 + n * 46), line, fill="white", font=font(40))
    return jpeg(image)


def draw_illustration(seed, color, label=""):
    rng = random.Random(seed)
    image = Image.new("RGB", (1600, 900), color)
    draw = ImageDraw.Draw(image)
    draw_shapes(draw, rng, (1600, 900), tuple(min(255, c + 60) for c in color))
    if label:
        draw.text((60, 790), label, fill=PAPER, font=font(64))
    return jpeg(image)
