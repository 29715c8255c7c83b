"""The charts on an intervention's impact page: each pupil's gain in the group beside the gains of similar pupils
who had no intervention, with each side's mean and 95% confidence interval (``gains_chart``); and each pupil's
exit score against entry score with the adjusted comparison's two parallel lines (``adjusted_chart``).

A strip chart rather than two bars, so that a reader sees how few pupils a mean stands on and how spread they
are. Same conventions as ``reports.charts``: Okabe-Ito colours, text kept as text, a table beside it.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.figure import Figure

from pupils.scales import months_to_age
from reports.charts import GRID, INK, OKABE_ITO, _svg
from reports.impact.stats import ancova_difference, mean_ci


def _jitter(count: int) -> np.ndarray:
    """Deterministic vertical spread for ``count`` dots (same data, same picture)."""
    if count <= 1:
        return np.zeros(count)
    return np.linspace(-0.18, 0.18, count)[np.argsort(np.arange(count) * 7 % count)]


def gains_chart(
    *,
    title: str,
    group: Sequence[float],
    comparison: Sequence[float],
    unit: str,
    group_label: str = "This group",
    comparison_label: str = "Similar pupils, no intervention",
) -> str:
    """Horizontal strip chart: one row per side, a dot per pupil, the mean as a bar with its 95% CI."""
    rows = [(group_label, list(group), OKABE_ITO[0], "o")]
    if len(comparison):
        rows.append((comparison_label, list(comparison), OKABE_ITO[1], "s"))
    figure = Figure(figsize=(6.4, 1.1 + 0.7 * len(rows)), dpi=100)
    axes = figure.subplots()
    axes.set_title(title, loc="left", fontsize=10, color=INK, fontweight="bold")
    axes.axvline(0, color=INK, linewidth=0.8)
    axes.grid(axis="x", color=GRID, linewidth=0.8)
    axes.set_axisbelow(True)
    for side in ("top", "right", "left"):
        axes.spines[side].set_visible(False)
    for position, (_label, values, colour, marker) in enumerate(reversed(rows)):
        if not values:
            continue
        y = position + _jitter(len(values))
        axes.scatter(values, y, s=22, color=colour, marker=marker, alpha=0.75, edgecolors="white", linewidths=0.5)
        if len(values) >= 2:
            mean, low, high = mean_ci(values)
            axes.errorbar(
                [mean], [position + 0.32], xerr=[[mean - low], [high - mean]], fmt="D", color=INK,
                markersize=6, capsize=4, linewidth=1.5,
            )  # fmt: skip
        else:
            axes.plot([values[0]], [position + 0.32], "D", color=INK, markersize=6)
    axes.set_yticks(range(len(rows)))
    axes.set_yticklabels([f"{label} (n = {len(values)})" for label, values, _c, _m in reversed(rows)])
    axes.set_ylim(-0.5, len(rows) - 0.3)
    axes.set_xlabel(f"Gain ({unit}); diamond = mean with 95% confidence interval")
    return _svg(figure)


def adjusted_chart(
    *,
    group: Sequence[tuple[float, float]],
    comparison: Sequence[tuple[float, float]],
    unit: str,
    ages: bool = False,
    group_label: str = "This group",
    comparison_label: str = "Similar pupils, no intervention",
) -> str:
    """What the adjusted comparison does, drawn: each pupil's exit score (y) against their entry score (x), the
    group as circles and the similar pupils as squares, with the two parallel lines of the analysis of
    covariance (``reports.impact.stats.ancova_difference``). The vertical gap between the lines is the adjusted
    difference: how much higher the group scored than similar pupils who *started at the same score*. Without
    a fit (too few pupils), only the points."""
    figure = Figure(figsize=(6.4, 3.8), dpi=100)
    axes = figure.subplots()
    axes.set_title("Exit score against entry score", loc="left", fontsize=10, color=INK, fontweight="bold")
    axes.grid(color=GRID, linewidth=0.8)
    axes.set_axisbelow(True)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    sides = [(comparison_label, list(comparison), OKABE_ITO[1], "s"), (group_label, list(group), OKABE_ITO[0], "o")]
    for label, points, colour, marker in sides:
        if points:
            xs, ys = zip(*points, strict=True)
            axes.scatter(xs, ys, s=24, color=colour, marker=marker, alpha=0.75, edgecolors="white", linewidths=0.5,
                         label=f"{label} (n = {len(points)})")  # fmt: skip
    try:
        fit = ancova_difference(
            [x for x, _y in group], [y for _x, y in group], [x for x, _y in comparison], [y for _x, y in comparison]
        )
    except ValueError:
        fit = None
    if fit is not None:
        c_x = [x for x, _y in comparison]
        c_y = [y for _x, y in comparison]
        intercept = float(np.mean(c_y) - fit.slope * np.mean(c_x))
        every = [x for x, _y in group] + c_x
        span = np.array([min(every), max(every)])
        axes.plot(span, intercept + fit.slope * span, color=OKABE_ITO[1], linewidth=1.5, linestyle="--")
        axes.plot(span, intercept + fit.difference + fit.slope * span, color=OKABE_ITO[0], linewidth=1.8)
    if ages:  # reading and spelling ages read as years:months, as a teacher writes them
        for axis in (axes.xaxis, axes.yaxis):
            axis.set_major_formatter(lambda value, _position: months_to_age(value))
        unit = "years:months"
    axes.set_xlabel(f"Entry score ({unit})")
    axes.set_ylabel(f"Exit score ({unit})")
    axes.legend(loc="upper left", fontsize=8, frameon=False)
    return _svg(figure)
