"""Text contrast by WCAG 2.x relative luminance: one rule for labels, kit pages and the board's palette."""

MIN_TEXT_CONTRAST = 4.5  # WCAG AA for normal text; the label and the QR page are read in sunlight


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4


def parse_hex(colour: str) -> tuple[int, int, int]:
    """'#RRGGBB' or '#RGB' to an (r, g, b) tuple; ValueError names the bad value."""
    text = colour.strip().lstrip("#")
    if len(text) == 3:
        text = "".join(ch * 2 for ch in text)
    if len(text) != 6:
        raise ValueError(f"颜色格式不对：{colour!r}（应为 #RRGGBB）")
    try:
        return int(text[0:2], 16), int(text[2:4], 16), int(text[4:6], 16)
    except ValueError:
        raise ValueError(f"颜色格式不对：{colour!r}（应为 #RRGGBB）") from None


def relative_luminance(colour: str) -> float:
    r, g, b = (_channel(v) for v in parse_hex(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(foreground: str, background: str) -> float:
    """From 1.0 (same colour) to 21.0 (black on white), order-independent."""
    a, b = relative_luminance(foreground), relative_luminance(background)
    lighter, darker = max(a, b), min(a, b)
    return (lighter + 0.05) / (darker + 0.05)


def readable(foreground: str, background: str, minimum: float = MIN_TEXT_CONTRAST) -> bool:
    return contrast_ratio(foreground, background) >= minimum


def best_text_colour(background: str, candidates: tuple[str, ...] = ("#000000", "#FFFFFF")) -> str:
    """The candidate with the highest contrast on ``background``."""
    return max(candidates, key=lambda c: contrast_ratio(c, background))
