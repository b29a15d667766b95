"""How wide a text is in the reports' shipped font, and how a label is made to fit a width
by rule: wrapped at spaces over a few lines, then long words abbreviated ("Aseguramiento"
becomes "Aseg."), never cut with an ellipsis."""

from functools import lru_cache
from pathlib import Path

from fontTools.ttLib import TTFont

FONTS = Path(__file__).with_name("templates") / "fonts"


@lru_cache(maxsize=2)
def _advances(bold: bool) -> tuple[dict[int, float], float]:
    """Advance widths per code point in em, and the width of a character the font lacks."""
    font = TTFont(FONTS / ("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"), lazy=True)
    units = font["head"].unitsPerEm
    metrics = font["hmtx"].metrics
    widths = {code: metrics[glyph][0] / units for code, glyph in font.getBestCmap().items()}
    return widths, metrics[".notdef"][0] / units


def width(text: str, size: float, bold: bool = False) -> float:
    """The width of a text in user units at a font size, in DejaVu Sans (no kerning)."""
    widths, missing = _advances(bold)
    return size * sum(widths.get(ord(char), missing) for char in text)


def _abbreviate(word: str) -> str:
    """A long word's first four letters and a full stop."""
    return word if len(word) <= 5 else word[:4] + "."


def _wrap(words: list[str], room: float, size: float, bold: bool) -> list[str]:
    lines: list[str] = []
    for word in words:
        if lines and width(f"{lines[-1]} {word}", size, bold) <= room:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines


def fit(text: str, room: float, size: float, lines: int = 2, bold: bool = False) -> list[str]:
    """The text over at most `lines` lines of at most `room` units: wrapped at spaces; when
    that is not enough, its longest words abbreviated one by one, from the last word back."""
    words = text.split()
    if not words:
        return [""]
    while True:
        wrapped = _wrap(words, room, size, bold)
        if len(wrapped) <= lines and all(width(line, size, bold) <= room for line in wrapped):
            return wrapped
        long_words = [i for i, word in enumerate(words) if _abbreviate(word) != word]
        if not long_words:
            return _squeeze(wrapped, lines, room, size, bold)
        longest = max(reversed(long_words), key=lambda i: len(words[i]))
        words[longest] = _abbreviate(words[longest])


def _squeeze(wrapped: list[str], lines: int, room: float, size: float, bold: bool) -> list[str]:
    """Last resort for texts of short words only: initials of the words that do not fit."""
    kept = wrapped[:lines]
    rest = " ".join(wrapped[lines - 1 :]).split()
    while len(rest) > 1 and width(" ".join(rest), size, bold) > room:
        rest = [*rest[:-2], rest[-2][0] + "." + rest[-1][0] + "."]
    kept[-1] = " ".join(rest)
    return kept
