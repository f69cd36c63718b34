"""Draws the field app's icons (PNG, several sizes, plus a maskable one and a favicon): a blue rounded square with
「勤」 in white. Run ``python -m township.field.icons`` to redraw them; the PNGs are committed."""

from __future__ import annotations

from pathlib import Path

from township.field.pwa import ICON_SIZES

OUT = Path(__file__).parent / "static" / "field" / "icons"
BLUE = (31, 95, 168, 255)
FONTS = ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc")


def _font(size: int):  # type: ignore[no-untyped-def]
    from PIL import ImageFont

    for path in FONTS:
        if Path(path).exists():
            return ImageFont.truetype(path, size)
    return ImageFont.load_default()


def draw(size: int, maskable: bool = False):  # type: ignore[no-untyped-def]
    from PIL import Image, ImageDraw

    scale = 4
    big = size * scale
    img = Image.new("RGBA", (big, big), BLUE if maskable else (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    if not maskable:
        d.rounded_rectangle((0, 0, big - 1, big - 1), radius=big // 5, fill=BLUE)
    safe = 0.62 if maskable else 0.72
    font = _font(int(big * safe * 0.9))
    text = "勤"
    box = d.textbbox((0, 0), text, font=font)
    w, h = box[2] - box[0], box[3] - box[1]
    d.text(((big - w) / 2 - box[0], (big - h) / 2 - box[1]), text, font=font, fill=(255, 255, 255, 255))
    # a small location pin: the app is about places
    r = big // 14
    cx, cy = big - big // 5, big - big // 5 if not maskable else big - big // 4
    d.ellipse((cx - r, cy - r, cx + r, cy + r), fill=(255, 196, 0, 255))
    return img.resize((size, size), Image.LANCZOS)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for n in ICON_SIZES:
        draw(n).save(OUT / f"icon-{n}.png", optimize=True)
    draw(512, maskable=True).save(OUT / "maskable-512.png", optimize=True)
    draw(180, maskable=True).save(OUT / "apple-touch-icon.png", optimize=True)
    draw(32).save(OUT / "favicon-32.png", optimize=True)


if __name__ == "__main__":
    main()
