"""Brand colours: a few dominant colours from the kit's photos (darkest first), a small designed palette,
and each offered only with a text colour that passes the one contrast rule (stories/contrast.py)."""

from pathlib import Path

from PIL import Image

from .contrast import best_text_colour, contrast_ratio, readable

SAMPLE_SIZE = 160


def extract_palette(paths: list[Path], count: int = 5) -> list[str]:
    """The ``count`` most common colours over all photos (median-cut on small copies)."""
    samples = []
    for path in paths:
        with Image.open(path) as image:
            image.draft("RGB", (SAMPLE_SIZE, SAMPLE_SIZE))  # JPEG decodes at reduced size: fast on big photos
            samples.append(image.convert("RGB").resize((SAMPLE_SIZE, SAMPLE_SIZE)))
    if not samples:
        return []
    sheet = Image.new("RGB", (SAMPLE_SIZE * len(samples), SAMPLE_SIZE))
    for n, sample in enumerate(samples):
        sheet.paste(sample, (n * SAMPLE_SIZE, 0))
    quantised = sheet.quantize(colors=count, method=Image.Quantize.MEDIANCUT)
    flat = quantised.getpalette()[: count * 3]
    used = sorted(quantised.getcolors(), reverse=True)  # (pixels, index), most used first
    colours = [tuple(flat[i * 3 : i * 3 + 3]) for _n, i in used if i < count]
    colours.sort(key=lambda rgb: 0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2])
    return ["#{:02X}{:02X}{:02X}".format(*rgb) for rgb in colours]


# A small designed palette beside the photos' own colours: chilli, soy, ink, bamboo, rapeseed, rice paper.
DESIGNED = ("#B3261E", "#7A2E12", "#2B2118", "#1F5C45", "#F2C14E", "#FFFAF3")
# What text on a swatch may be: the site's ink and paper, or plain black and white.
TEXT_COLOURS = ("#2B2118", "#FFFAF3", "#000000", "#FFFFFF")
PAPER = "#FFFAF3"


def swatch(colour: str, source: str) -> dict | None:
    """One colour as the board offers it: with the text colour that reads best on it and
    the ratio, and whether it may itself be text on the page's paper. None if no text
    colour reaches the contrast rule on it (it is then not offered)."""
    text = best_text_colour(colour, TEXT_COLOURS)
    ratio = contrast_ratio(text, colour)
    if not readable(text, colour):
        return None
    return {
        "colour": colour.upper(),
        "source": source,
        "text": text,
        "ratio": round(ratio, 1),
        "as_text": readable(colour, PAPER),
    }


def palette_offer(photo_colours: list[str] = ()) -> list[dict]:
    """Swatches from the photos first, then the designed ones; each pair checked before it is offered."""
    seen: set[str] = set()
    offered = []
    for colours, source in ((photo_colours, "photo"), (DESIGNED, "designed")):
        for colour in colours:
            if colour.upper() in seen:
                continue
            seen.add(colour.upper())
            if (offer := swatch(colour, source)) is not None:
                offered.append(offer)
    return offered
