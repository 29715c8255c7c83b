"""A small chart for parents: where a measure started and ended, and the target, drawn like the staff charts
(``reports.charts``: matplotlib's Agg backend to inline SVG, the Okabe-Ito palette, text kept as text).

The chart only repeats what the sentence and the table beside it say, so the page marks it ``aria-hidden``.
"""

from __future__ import annotations

import io
from collections.abc import Callable

from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from reports.charts import GRID, INK, OKABE_ITO  # also sets the Agg backend and the shared rcParams


def _svg(figure: Figure) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    text = buffer.getvalue()
    return text[text.index("<svg") :]


def start_end_chart(
    *,
    labels: tuple[str, str],
    start: float,
    end: float,
    target: float | None = None,
    target_label: str = "",
    value_format: Callable[[float], str] = lambda value: f"{value:g}",
) -> str:
    """Two points joined by a line (start and end), each labelled with its value, and the target as a dashed
    line. A line rather than bars: the scales do not start at zero, and bars cut off at a baseline mislead.
    The values are written beside the points, so the y axis has grid lines but no numbers (fewer things to read
    on a phone)."""
    figure = Figure(figsize=(3.6, 2.4), dpi=100)
    axes = figure.subplots()
    for side in ("top", "right", "left"):
        axes.spines[side].set_visible(False)
    axes.tick_params(axis="y", left=False, labelleft=False)
    axes.tick_params(axis="x", length=0, labelsize=11, pad=6)
    axes.grid(axis="y", color=GRID, linewidth=0.8)
    axes.set_axisbelow(True)
    values = [start, end] + ([target] if target is not None else [])
    low, high = min(values), max(values)
    pad = max((high - low) * 0.35, 1.0)
    axes.set_ylim(low - pad, high + pad)
    axes.set_xlim(-0.5, 1.5)
    axes.yaxis.set_major_locator(MaxNLocator(nbins=4))
    if target is not None:
        axes.axhline(target, color=OKABE_ITO[3], linestyle="--", linewidth=1.5)
        axes.annotate(
            target_label,
            xy=(1.5, target),
            xytext=(0, 3 if target >= end else -3),
            textcoords="offset points",
            ha="right",
            va="bottom" if target >= end else "top",
            color="#a33c00",  # the palette's vermilion, darkened to read as text
            fontsize=10,
        )
    axes.plot([0, 1], [start, end], color=OKABE_ITO[0], marker="o", linewidth=2.5, markersize=8)
    rising = end >= start
    for x, value, above in ((0, start, not rising), (1, end, rising)):
        axes.annotate(
            value_format(value),
            xy=(x, value),
            xytext=(0, 9 if above else -9),
            textcoords="offset points",
            ha="center",
            va="bottom" if above else "top",
            color=INK,
            fontsize=11,
            fontweight="bold",
        )
    axes.set_xticks([0, 1], list(labels))
    return _svg(figure)
