"""The audit extract written straight to PDF with fpdf2, without CSS layout.

WeasyPrint took ~28 ms an entry to lay out the extract's table (2 minutes for the 5 000
entries of a full extract, ~700 pages); this one long document of fixed, repetitive rows is
laid out here in plain Python instead: each text is measured with the font's widths and
wrapped into its column. It prints what templates/pdf/audit_extract.html printed, in the same
order and with the same words: the running banner and footer ("Page N of M"), the filters,
the count and the cap's notice, then each entry's sequence, time, who, action, case, outcome,
object, snapshot, hashes, HMAC and key. The page follows static/pdf/print.css: A4, its
margins, DejaVu Sans (DejaVu Sans Mono for hashes and snapshots), its sizes and rules.

Only text is written: nothing in an entry is read as markup or fetched.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from fpdf import FPDF

from decisions.pdf.layout import PT, Flow, Op, Placed, Run, column_widths, wrap

FONT_DIR = "/usr/share/fonts/truetype/dejavu"  # Debian's fonts-dejavu-core, as WeasyPrint's
FONT_FILES = {
    "sans": "DejaVuSans.ttf",
    "bold": "DejaVuSans-Bold.ttf",
    "mono": "DejaVuSansMono.ttf",
}
PAGE_W, PAGE_H = 210.0, 297.0
TOP, BOTTOM, SIDE = 24.0, 22.0, 16.0  # print.css's @page margins, mm
WIDTH = PAGE_W - 2 * SIDE
# The entries' columns as print.css sizes them, in % of the width (Case only in the extract).
COLUMNS = [("Entry", 10), ("When", 22), ("Who", 20), ("Action", 22), ("Case", 12)]
COLUMNS.append(("Outcome", 14))


def font_dir() -> Path:
    return Path(getattr(settings, "PDF_FONT_DIR", FONT_DIR))


@dataclass
class Page:
    ops: list[Op] = field(default_factory=list)


class ExtractLayout:
    """Lays the extract out into pages of drawing operations (text, rules, boxes)."""

    def __init__(self, flow: Flow):
        self.flow = flow
        self.pages: list[Page] = []
        self.y = 0.0
        self.new_page()

    @property
    def ops(self) -> list[Op]:
        return self.pages[-1].ops

    def new_page(self) -> None:
        self.pages.append(Page())
        self.y = TOP

    def room(self) -> float:
        return PAGE_H - BOTTOM - self.y

    def paragraph(
        self,
        runs: list[Run],
        size: float,
        *,
        x: float = SIDE,
        width: float = WIDTH,
        after: float = 2.0,
        colour: int = 0,
        line: float = 1.4,
    ) -> None:
        height = size * line * PT
        for placed in wrap(self.flow, runs, width):
            if self.room() < height:
                self.new_page()
            self.text_line(placed, x, self.y, size, height, colour)
            self.y += height
        self.y += after

    def text_line(
        self,
        placed: list[Placed],
        x: float,
        top: float,
        size: float,
        height: float,
        colour: int,
    ) -> None:
        baseline = top + (height - size * PT) / 2 + size * PT * 0.8
        for offset, text, font, run_size in placed:
            self.ops.append(("text", x + offset, baseline, text, font, run_size or size, colour))

    def rule(
        self, y: float, weight_pt: float, grey: int, x: float = SIDE, w: float = WIDTH
    ) -> None:
        self.ops.append(("line", x, y, x + w, y, weight_pt * PT, grey))


def _header(layout: ExtractLayout, context: dict[str, Any]) -> None:
    flow = layout.flow
    layout.paragraph(
        [Run("ISG · Information sharing record".upper(), "sans", 8.0)],
        8.0,
        after=1.0,
        colour=0x33,
    )
    layout.paragraph([Run(context["title"], "bold", 17.0)], 17.0, line=1.2, after=3.0)
    layout.y += 2.0
    layout.ops.append(("outline", context["title"], 0, layout.y))
    layout.paragraph([Run("Filters", "bold", 12.0)], 12.0, after=1.0)
    layout.rule(layout.y, 0.6, 0x77)
    layout.ops.append(("outline", "Filters", 1, layout.y))
    layout.y += 2.0
    if context["filters"]:
        label_w = WIDTH * 0.32 + 2.0  # print.css: 32% wide, plus the cell's padding
        for label, value in context["filters"]:
            top = layout.y
            lines = max(
                len(wrap(flow, [Run(label, "bold", 9.0)], label_w - 2.0)),
                len(wrap(flow, [Run(str(value), "sans", 9.0)], WIDTH - label_w - 2.0)),
            )
            layout.y += 1.4
            layout.paragraph([Run(label, "bold", 9.0)], 9.0, width=label_w - 2.0, after=0)
            layout.y = top + 1.4
            layout.paragraph(
                [Run(str(value), "sans", 9.0)],
                9.0,
                x=SIDE + label_w,
                width=WIDTH - label_w - 2.0,
                after=0,
            )
            layout.y = top + 1.4 + lines * 9.0 * 1.4 * PT + 1.4
            layout.rule(layout.y, 0.4, 0xBB)
        layout.y += 3.0
    else:
        layout.paragraph([Run("None: every entry you may review.", "sans", 9.0)], 9.0)
    count = len(context["entries"])
    text = f"{count} entr{'y' if count == 1 else 'ies'}, newest first"
    if context.get("copy_entry"):
        text += f", all older than this extract’s own entry #{context['copy_entry'].sequence}"
    layout.paragraph([Run(text + ".", "sans", 9.0)], 9.0)
    if context["truncated"]:
        _notice(
            layout,
            f"More entries match these filters than one PDF holds: only the newest "
            f"{context['limit']} are printed. Narrow the filters (for example by date), or "
            "download the CSV, which has them all.",
        )
    layout.y += 1.0
    layout.rule(layout.y, 1.5, 0x00)
    layout.y += 5.0


def _notice(layout: ExtractLayout, text: str) -> None:
    lines = wrap(layout.flow, [Run(text, "bold", 9.0)], WIDTH - 6.0 - 4 * PT)
    height = len(lines) * 9.0 * 1.4 * PT + 4.0
    layout.y += 2.0
    layout.ops.append(("box", SIDE, layout.y, WIDTH, height, 0xF3))
    layout.ops.append(("box", SIDE, layout.y, 4 * PT, height, 0x00))
    top = layout.y + 2.0
    for n, placed in enumerate(lines):
        layout.text_line(
            placed, SIDE + 4 * PT + 3.0, top + n * 9.0 * 1.4 * PT, 9.0, 9.0 * 1.4 * PT, 0
        )
    layout.y += height + 2.0


def _column_heads(layout: ExtractLayout, widths: list[float]) -> None:
    height = 8.0 * 1.4 * PT
    x = SIDE
    layout.y += 1.4
    for (title, _), width in zip(COLUMNS, widths, strict=True):
        layout.text_line([(0.0, title, "bold", 8.0)], x, layout.y, 8.0, height, 0)
        x += width
    layout.y += height + 1.4
    layout.rule(layout.y, 0.8, 0x00)


def _entry_blocks(
    layout: ExtractLayout, entry: dict[str, Any], widths: list[float]
) -> tuple[list[list[list[Placed]]], list[list[Placed]]]:
    """The entry's main row (one wrapped text per column) and its detail lines."""
    flow = layout.flow
    values = [
        f"#{entry['sequence']}",
        entry["when"],
        entry["who"],
        entry["action"],
        entry["case"],
        entry["outcome"],
    ]
    cells = [
        wrap(flow, [Run(str(value or ""), "bold" if n == 0 else "sans", 8.0)], width - 2.0)
        for n, (value, width) in enumerate(zip(values, widths, strict=True))
    ]
    detail: list[list[Run]] = []
    if entry["object"]:
        detail.append([Run(f"Object: {entry['object']}", "sans", 8.0)])
    if entry["snapshot"]:
        detail.append([Run("Snapshot: ", "sans", 8.0), Run(entry["snapshot"], "mono", 7.0)])
    detail.append([Run("Hash: ", "sans", 8.0), Run(entry["entry_hash"], "mono", 7.0)])
    detail.append([Run("Previous: ", "sans", 8.0), Run(entry["prev_hash"], "mono", 7.0)])
    detail.append(
        [
            Run("HMAC: ", "sans", 8.0),
            Run(entry["hmac"], "mono", 7.0),
            Run(f" (key {entry['key_id']})", "sans", 8.0),
        ]
    )
    detail_width = sum(widths[1:]) - 2.0
    lines = [line for runs in detail for line in wrap(flow, runs, detail_width)]
    return cells, lines


def _entries(layout: ExtractLayout, entries: list[dict[str, Any]]) -> None:
    if not entries:
        layout.paragraph([Run("No entries.", "sans", 9.0)], 9.0)
        return
    widths = column_widths(WIDTH, [share for _, share in COLUMNS], 2.0)
    line_h = 8.0 * 1.4 * PT
    head_h = line_h + 2.8
    _column_heads(layout, widths)
    for entry in entries:
        cells, lines = _entry_blocks(layout, entry, widths)
        main_h = max(len(cell) for cell in cells) * line_h + 1.4 + 0.5
        height = main_h + len(lines) * line_h + 1.4
        if layout.room() < height and layout.y > TOP + head_h + 0.1:
            layout.new_page()
            _column_heads(layout, widths)
        top = layout.y + 1.4
        x = SIDE
        for cell, width in zip(cells, widths, strict=True):
            for n, placed in enumerate(cell):
                layout.text_line(placed, x, top + n * line_h, 8.0, line_h, 0)
            x += width
        layout.y = top + main_h - 1.4
        for placed in lines:
            if layout.room() < line_h:  # an entry longer than a page: go on on the next
                layout.new_page()
                _column_heads(layout, widths)
            layout.text_line(placed, SIDE + widths[0], layout.y, 8.0, line_h, 0x22)
            layout.y += line_h
        layout.y += 1.4
        layout.rule(layout.y, 0.4, 0xBB)


def _running(pdf: FPDF, context: dict[str, Any], number: int, total: int) -> None:
    banner = "Sensitive — handle securely"
    pdf.set_fill_color(0xF0)
    pdf.set_draw_color(0)
    pdf.set_line_width(0.6 * PT)
    height = 8.0 * 1.4 * PT + 3.0
    pdf.rect(SIDE, TOP - 3.0 - height, WIDTH, height, style="DF")
    pdf.set_font("bold", size=8.0)
    pdf.set_text_color(0)
    width = pdf.get_string_width(banner)
    pdf.text(SIDE + (WIDTH - width) / 2, TOP - 3.0 - height + 1.5 + 8.0 * PT * 1.0, banner)
    footer = f"Generated {context['generated_at']} by {context['generated_by']} "
    footer += f"({context['generated_by_username']})"
    if context.get("copy_entry"):
        footer += f" · audit entry #{context['copy_entry'].sequence}"
    baseline = PAGE_H - BOTTOM + 3.0 + 7.5 * PT * 1.1
    pdf.set_font("sans", size=7.5)
    pdf.set_text_color(0x33)
    pdf.text(SIDE, baseline, footer)
    pages = f"Page {number} of {total}"
    pdf.set_text_color(0)
    pdf.text(PAGE_W - SIDE - pdf.get_string_width(pages), baseline, pages)


def write_audit_extract(context: dict[str, Any]) -> bytes:
    """The PDF of audit_extract_context's context (decisions/pdf/audit_extract.py)."""
    pdf = FPDF(unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_margins(SIDE, TOP, SIDE)
    for name, filename in FONT_FILES.items():
        pdf.add_font(name, "", str(font_dir() / filename))
    pdf.set_title(context["title"])
    pdf.set_author(context["generated_by"])
    pdf.set_creator("ISG")
    pdf.set_lang("en-GB")
    layout = ExtractLayout(Flow(pdf))
    _header(layout, context)
    _entries(layout, context["entries"])
    total = len(layout.pages)
    for number, page in enumerate(layout.pages, start=1):
        pdf.add_page()
        _draw(pdf, page.ops)
        _running(pdf, context, number, total)
    return bytes(pdf.output())


def _draw(pdf: FPDF, ops: list[Op]) -> None:
    font: tuple[str, float] | None = None
    colour = -1
    for op in ops:
        kind = op[0]
        if kind == "text":
            _, x, y, text, name, size, grey = op
            if font != (name, size):
                pdf.set_font(name, size=size)
                font = (name, size)
            if grey != colour:
                pdf.set_text_color(grey)
                colour = grey
            pdf.text(x, y, text)
        elif kind == "line":
            _, x1, y1, x2, y2, weight, grey = op
            pdf.set_draw_color(grey)
            pdf.set_line_width(weight)
            pdf.line(x1, y1, x2, y2)
        elif kind == "box":
            _, x, y, w, h, grey = op
            pdf.set_fill_color(grey)
            pdf.rect(x, y, w, h, style="F")
        elif kind == "outline":
            _, name, level, y = op
            pdf.set_y(y)
            pdf.start_section(name, level=level)
