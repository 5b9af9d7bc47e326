"""A figure drawn as an SVG image by pygal, on the server, with no script in it.

pygal puts a `<script>` (its tooltips' configuration) in every chart; an xml filter takes it
out before the SVG is written, so the image is drawing and styles only. The page shows it
with `<img>`, beside the table of the same numbers.
"""

from __future__ import annotations

from typing import Any

import pygal
from pygal.style import Style

from decisions.reports.figures import Figure

# GOV.UK colours with enough contrast against white (the design system's palette).
COLOURS = ("#1d70b8", "#d4351c", "#00703c", "#f47738", "#4c2c92", "#505a5f", "#912b88")
STYLE = Style(
    background="#ffffff",
    plot_background="#ffffff",
    foreground="#0b0c0c",
    foreground_strong="#0b0c0c",
    foreground_subtle="#505a5f",
    colors=COLOURS,
    font_family="arial, sans-serif",
    label_font_size=13,
    major_label_font_size=13,
    legend_font_size=14,
    value_font_size=12,
    opacity="0.9",
    opacity_hover="0.9",
    transition="0s",
)
CHARTS: dict[str, Any] = {
    "bar": pygal.Bar,
    "stacked": pygal.StackedBar,
    "line": pygal.Line,
    "horizontal": pygal.HorizontalBar,
}


def without_scripts(root: Any) -> Any:
    """pygal's xml filter: drop every <script> element, wherever it is."""
    for parent in list(root.iter()):
        for child in list(parent):
            if isinstance(child.tag, str) and child.tag.rsplit("}", 1)[-1] == "script":
                parent.remove(child)
    return root


def chart_svg(figure: Figure) -> bytes:
    """The figure as a standalone SVG document."""
    horizontal = figure.chart == "horizontal"
    chart = CHARTS[figure.chart](
        style=STYLE,
        width=figure.chart_width,
        height=figure.chart_height,
        js=[],
        legend_at_bottom=True,
        legend_at_bottom_columns=min(len(figure.series), 3) or 1,
        x_label_rotation=0 if horizontal else 35,
        truncate_label=40,
        truncate_legend=40,
        show_y_guides=True,
        show_x_guides=False,
        print_values=False,
        include_x_axis=True,
        dots_size=4,
        stroke_style={"width": 3},
        no_data_text="Nothing in this period",
        y_title=figure.unit.capitalize() if figure.unit else None,
        min_scale=2,
        max_scale=8,
    )
    chart.title = figure.title
    chart.x_labels = list(reversed(figure.rows)) if horizontal else figure.rows
    for series in figure.series:
        values = list(reversed(series.values)) if horizontal else series.values
        chart.add(series.label, values)
    chart.add_xml_filter(without_scripts)
    return bytes(chart.render())
