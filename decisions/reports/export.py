"""A report's figures as CSV: one line per value (figure, month or agency, series)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from decisions.reports.figures import Figure, shown_value
from decisions.reports.period import Period

HEADER = ["Organisation", "From", "To", "Figure", "Row", "Series", "Value", "Unit"]
# Spreadsheets run cells starting with these as formulas (CSV injection): agency names are
# typed by users.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(text: str) -> str:
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def figures_csv(organisation: str, period: Period, figures: Iterable[Figure]) -> str:
    """Every value of the figures, one per line, with what it is: ready for a spreadsheet."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    start, end = f"{period.first:%Y-%m}", f"{period.last:%Y-%m}"
    for figure in figures:
        for row, values in figure.table:
            for series, value in zip(figure.series, values, strict=True):
                writer.writerow(
                    [
                        cell(organisation),
                        start,
                        end,
                        figure.title,
                        cell(row),
                        cell(series.label),
                        shown_value(value),
                        figure.unit,
                    ]
                )
    return out.getvalue()
