"""Brand colours from the kit's photos: a few dominant colours, darkest first."""

from pathlib import Path

from PIL import Image

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
