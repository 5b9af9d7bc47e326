"""Measuring and wrapping text for the PDFs written without CSS layout (extract_writer.py).

A line is made of runs (text in one font and size); text is broken at spaces, and a word
wider than the line (a hash, a snapshot's JSON) is broken between characters, as print.css's
``overflow-wrap: break-word`` breaks it. Widths come from the embedded fonts' own metrics.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from fpdf import FPDF

PT = 25.4 / 72  # mm in a point
Op = tuple[Any, ...]  # a drawing operation: ("text", x, y, text, font, size, grey), ...
Placed = tuple[float, str, str, float]  # (x offset in mm, text, font, size in pt)
_SPACES = re.compile(r"( +)|(?<=-)(?=[^-\s])")  # spaces, and a break after a hyphen


@dataclass(frozen=True)
class Run:
    text: str
    font: str
    size: float


class Flow:
    """Widths in mm of text in the fonts added to `pdf`, words cached (they repeat a lot)."""

    def __init__(self, pdf: FPDF):
        self._widths: dict[str, Any] = {name: font.cw for name, font in pdf.fonts.items()}
        self._cache: dict[tuple[str, str], float] = {}

    def width(self, text: str, font: str, size: float) -> float:
        key = (text, font)
        per_pt = self._cache.get(key)
        if per_pt is None:
            widths = self._widths[font]
            per_pt = sum(widths[ord(char)] for char in text) * 0.001 * PT
            if len(text) < 40:
                self._cache[key] = per_pt
        return per_pt * size


def _pieces(flow: Flow, word: str, font: str, size: float, first: float, width: float) -> list[str]:
    """A word too wide for a line, cut between characters: the first piece fits in `first` mm,
    the others in `width`; each piece has one character at least."""
    pieces, start, used, room = [], 0, 0.0, first
    for n, char in enumerate(word):
        char_width = flow.width(char, font, size)
        if used + char_width > room + 1e-6 and n > start:
            pieces.append(word[start:n])
            start, used, room = n, 0.0, width
        used += char_width
    pieces.append(word[start:])
    return pieces


class _Lines:
    """Lines being filled: consecutive text of one font and size is one placed text."""

    def __init__(self) -> None:
        self.lines: list[list[Placed]] = [[]]
        self.x = 0.0

    def put(self, text: str, run: Run, width: float) -> None:
        line = self.lines[-1]
        if line and line[-1][2] == run.font and line[-1][3] == run.size:
            start, previous, font, size = line[-1]
            line[-1] = (start, previous + text, font, size)
        else:
            line.append((self.x, text, run.font, run.size))
        self.x += width

    def newline(self) -> None:
        line = self.lines[-1]
        if line:
            start, text, font, size = line[-1]
            line[-1] = (start, text.rstrip(" "), font, size)
        self.lines.append([])
        self.x = 0.0


def wrap(flow: Flow, runs: list[Run], width: float) -> list[list[Placed]]:
    """The runs broken into lines no wider than `width` mm (spaces at a break dropped)."""
    out = _Lines()
    for run in runs:
        for number, paragraph in enumerate(run.text.split("\n")):
            if number:
                out.newline()
            for token in _SPACES.split(paragraph):
                if not token or (token.isspace() and not out.x):
                    continue
                token_width = flow.width(token, run.font, run.size)
                if token.isspace() or out.x + token_width <= width + 1e-6:
                    out.put(token, run, token_width)
                    continue
                if token_width <= width or width - out.x < width / 4:
                    out.newline()
                    if token_width <= width:
                        out.put(token, run, token_width)
                        continue
                pieces = _pieces(flow, token, run.font, run.size, width - out.x, width)
                for n, piece in enumerate(pieces):
                    if n:
                        out.newline()
                    out.put(piece, run, flow.width(piece, run.font, run.size))
    out.newline()
    return [line for line in out.lines if line] or [[]]


def column_widths(total: float, shares: list[int], padding: float) -> list[float]:
    """Columns as a fixed-layout table sizes them: each column its share of `total` plus its
    cells' padding, the last what is left (print.css's widths are content widths)."""
    widths = [total * share / 100 + padding for share in shares[:-1]]
    return [*widths, total - sum(widths)]
