"""The leaders' dashboard and governors' report charts: matplotlib (Agg) to SVG, as ``reports.charts``.

Same conventions: Okabe-Ito colours, text kept as text, a title and labelled axes, and the page shows the same
numbers in a table. Nothing is told by colour alone: verdicts are also marker shapes, low attendance is also
hatched, the two kinds of effect size are filled and hollow markers. Several schools side by side are small
multiples (one panel per school, shared axes) or grouped bars (one colour and hatch per school).

Each function returns SVG text whose root carries ``role="img"`` and an ``aria-label`` summarising it, with its
element ids prefixed so that several charts can share one page.

Speed: a dashboard draws seven charts, so each is laid out here in inches (margins sized from the length of its
labels) and drawn once, rather than drawn twice by ``bbox_inches="tight"``; and marks are drawn as one collection
per kind rather than one artist per intervention.
"""

from __future__ import annotations

import hashlib
import html
import io
import math
import re
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from reports.charts import GRID, INK, OKABE_ITO

# Verdict keys of reports.impact.evaluation -> (label for legends, colour, marker). Shapes differ as well as colours.
VERDICT_STYLES: dict[str, tuple[str, str, str]] = {
    "strong": ("Strong evidence of impact", OKABE_ITO[2], "^"),
    "some": ("Some impact", OKABE_ITO[5], "o"),
    "promising": ("Promising, not yet clear", OKABE_ITO[4], "D"),
    "inconclusive": ("Inconclusive", "#555555", "P"),
    "none": ("No clear impact", OKABE_ITO[1], "s"),
    "negative": ("Negative", OKABE_ITO[3], "v"),
    "too_little": ("Too little data", "#777777", "X"),
}
SCHOOL_HATCHES = ["", "//", "..", "xx", "\\\\", "--"]
MAX_FOREST_ROWS = 30
MAX_ATTENDANCE_ROWS = 30
LISTED_IN_LABEL = 12  # an aria-label names this many marks at most, then points to the table

# Inches per character per point of font size: DejaVu Sans averages a little under 0.6 em a character.
CHAR = 0.6 / 72
TITLE = 0.42  # inches above the plot for the chart's title
AXIS = 0.5  # inches below a plot for its tick labels and axis label
LEGEND = 0.32  # inches for a one-line legend under the axis label


def percent_text(value: float, threshold: float) -> str:
    """A whole percentage, unless rounding would carry a value under ``threshold`` up to it (79.6% is not 80%)."""
    shown = f"{value:.0f}%"
    if value < threshold <= round(value):
        shown = f"{math.floor(value * 10) / 10:.1f}%"
    return shown


def labelled(svg: str, label: str) -> str:
    """Give the SVG's root element an image role and a text alternative, and make its ids unique on a page
    (matplotlib numbers them from 1 in every chart: "figure_1", "patch_1" ...)."""
    prefix = "c" + hashlib.sha1(svg.encode()).hexdigest()[:8] + "-"
    ids = set(re.findall(r'\bid="([^"]+)"', svg))
    if ids:
        pattern = "|".join(re.escape(name) for name in sorted(ids, key=len, reverse=True))
        svg = re.sub(rf'\bid="({pattern})"', lambda m: f'id="{prefix}{m.group(1)}"', svg)
        svg = re.sub(rf"#({pattern})([\")])", lambda m: f"#{prefix}{m.group(1)}{m.group(2)}", svg)
    return svg.replace("<svg ", f'<svg role="img" aria-label="{html.escape(label, quote=True)}" ', 1)


def _save(figure: Figure) -> str:
    """The figure as inline SVG text, drawn once at the size it was laid out for."""
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None})
    text = buffer.getvalue()
    return text[text.index("<svg") :]


def _width(texts: Sequence[str], size: float) -> float:
    """About how wide the longest of ``texts`` is, in inches, at ``size`` points."""
    return max((len(text) for text in texts), default=0) * size * CHAR


def _style(axes, *, grid_axis: str = "x") -> None:
    axes.grid(axis=grid_axis, color=GRID, linewidth=0.8)
    axes.set_axisbelow(True)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)


def _title(figure: Figure, title: str) -> None:
    height = figure.get_figheight()
    figure.suptitle(title, x=0.01, y=1 - 0.08 / height, ha="left", va="top", fontsize=10, color=INK, fontweight="bold")


def _short(text: str, limit: int = 38) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


def _wrapped(text: str, width: int = 36) -> str:
    """A label on at most two lines of about ``width`` characters. A longer one keeps its start and its end (the
    year group and term that tell one group from another) with an ellipsis between, rather than losing its end."""
    lines = textwrap.wrap(text, width) or [""]
    if len(lines) <= 2:
        return "\n".join(lines)
    tail = ""
    for word in reversed(text.split()):
        if len(word) + len(tail) + 2 > width:
            break
        tail = f"{word} {tail}".strip()
    return f"{lines[0]}\n\u2026 {tail or _short(text.split()[-1], width - 2)}"


def _unique(labels: list[str]) -> list[str]:
    """The labels with any repeat numbered ("... (2)"), so that no two ticks of an axis read the same."""
    seen: dict[str, int] = {}
    out = []
    for label in labels:
        seen[label] = seen.get(label, 0) + 1
        out.append(label if seen[label] == 1 else f"{label} ({seen[label]})")
    return out


def _lines_width(texts: Sequence[str], size: float) -> float:
    """How wide the longest line of ``texts`` (labels of one or two lines) is, in inches, at ``size`` points."""
    return _width([line for text in texts for line in text.split("\n")], size)


def _two_line(texts: Sequence[str]) -> bool:
    return any("\n" in text for text in texts)


def date_labels(dates: Sequence) -> list[str]:
    """Tick labels for assessment dates: the month ("Nov 2025") when each month is named once, else the day too
    ("14 Nov 2025"), numbered if even that repeats: several assessments in one month must not read alike."""
    months = [f"{d:%b %Y}" for d in dates]
    if len(set(months)) == len(months):
        return months
    return _unique([f"{d.day} {d:%b %Y}" for d in dates])


def _listed(parts: list[str], noun: str) -> str:
    """Marks named in an aria-label: all of a few, or the first ones and where the rest are."""
    if len(parts) <= LISTED_IN_LABEL:
        return "; ".join(parts)
    shown = "; ".join(parts[:LISTED_IN_LABEL])
    return f"{shown}; and {len(parts) - LISTED_IN_LABEL} more {noun} in the table below"


def _empty(title: str, message: str) -> str:
    figure = Figure(figsize=(6.4, 0.9), dpi=100)
    axes = figure.add_axes((0.01, 0.0, 0.98, 0.55))
    axes.axis("off")
    axes.text(0.0, 0.5, message, color=INK, fontsize=9, va="center", transform=axes.transAxes)
    _title(figure, title)
    return labelled(_save(figure), f"{title}: {message}")


# --- Counts -----------------------------------------------------------------------------------------------


def grouped_bars(
    *,
    title: str,
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[int]]],
    x_label: str,
    width: float = 3.8,
) -> str:
    """Horizontal bars, one group per category (top to bottom in the order given) and one bar per series
    (school), each labelled with its count. Always ``width`` inches wide, so that charts side by side on a page
    share one text size."""
    if not categories or not series:
        return _empty(title, "No pupils in provision in this period.")
    count = len(series)
    labels = _unique([_wrapped(c, 30) for c in categories])
    left, right = _lines_width(labels, 8) + 0.15, 0.35
    plot_width = max(width - left - right, 1.2)
    width = left + plot_width + right
    bottom = AXIS + (LEGEND * math.ceil(count / 2) if count > 1 else 0)
    plot_height = len(categories) * (0.2 + 0.16 * count + (0.12 if _two_line(labels) else 0))
    height = TITLE + plot_height + bottom
    figure = Figure(figsize=(width, height), dpi=100)
    axes = figure.add_axes((left / width, bottom / height, plot_width / width, plot_height / height))
    _style(axes)
    bar = 0.8 / count
    positions = np.arange(len(categories))[::-1]
    largest = max((max(values, default=0) for _name, values in series), default=0) or 1
    for index, (name, values) in enumerate(series):
        offsets = positions + (count - 1 - 2 * index) * bar / 2
        axes.barh(
            offsets, values, height=bar * 0.92, color=OKABE_ITO[index % len(OKABE_ITO)],
            hatch=SCHOOL_HATCHES[index % len(SCHOOL_HATCHES)], edgecolor="white", linewidth=0.5, label=name,
        )  # fmt: skip
        for y, value in zip(offsets, values, strict=True):
            axes.text(value + largest * 0.015, y, f"{value}", va="center", fontsize=7.5, color=INK)
    axes.set_yticks(positions)
    axes.set_yticklabels(labels, fontsize=8)
    axes.set_xlim(0, largest * 1.15)
    axes.set_xlabel(x_label)
    axes.xaxis.get_major_locator().set_params(integer=True)
    if count > 1:
        figure.legend(loc="lower left", bbox_to_anchor=(0.01, 0.0), ncol=2, frameon=False, fontsize=8)
    _title(figure, title)
    summary = "; ".join(
        f"{category}: " + ", ".join(f"{name} {values[i]}" if count > 1 else f"{values[i]}" for name, values in series)
        for i, category in enumerate(categories)
    )
    return labelled(_save(figure), f"{title}. {summary}")


# --- The disadvantage gap ---------------------------------------------------------------------------------


@dataclass
class GapPanel:
    school: str
    dates: list  # datetime.date of each assessment point
    pct_pp: list[float | None]
    pct_other: list[float | None]


NO_GAP = "No results on a scale with an expected standard for this subject yet."


def gap_chart(*, title: str, panels: Sequence[GapPanel], empty: str = NO_GAP) -> str:
    """Percentage at or above the expected standard over time, pupil premium pupils against the others, one
    panel per school on a shared 0-100% axis (``empty`` says why when there is nothing to draw)."""
    multi = len(panels) > 1  # name the schools whenever several were asked for, even if one has nothing to show
    panels = [p for p in panels if p.dates]
    if not panels:
        return _empty(title, empty)
    # Turned when there are many points, or when they carry the day as well as the month (longer labels).
    rotated = any(len(p.dates) > 4 or len({f"{d:%b %Y}" for d in p.dates}) < len(p.dates) for p in panels)
    panel_width, gap_between, left, right = (2.9 if multi else 5.4), 0.3, 0.75, 0.2
    top = TITLE + (0.25 if multi else 0)
    bottom = AXIS + (0.25 if rotated else 0) + LEGEND - 0.15
    plot_height = 2.0
    width = left + len(panels) * panel_width + (len(panels) - 1) * gap_between + right
    height = top + plot_height + bottom
    figure = Figure(figsize=(width, height), dpi=100)
    axes_list = []
    for index, panel in enumerate(panels):
        x0 = left + index * (panel_width + gap_between)
        axes = figure.add_axes(
            (x0 / width, bottom / height, panel_width / width, plot_height / height),
            sharey=axes_list[0] if axes_list else None,
        )
        axes_list.append(axes)
        _style(axes, grid_axis="y")
        x = list(range(len(panel.dates)))
        other = [np.nan if v is None else v for v in panel.pct_other]
        pp = [np.nan if v is None else v for v in panel.pct_pp]
        spans = [(xi, a, b) for xi, a, b in zip(x, pp, other, strict=True) if not (math.isnan(a) or math.isnan(b))]
        if spans:
            axes.vlines([s[0] for s in spans], [min(s[1], s[2]) for s in spans], [max(s[1], s[2]) for s in spans],
                        color=GRID, linewidth=3, zorder=0)  # fmt: skip
        axes.plot(x, other, color=OKABE_ITO[0], marker="o", linewidth=2, label="Other pupils")
        axes.plot(x, pp, color=OKABE_ITO[3], marker="s", linewidth=2, linestyle="--", label="Pupil premium")
        axes.set_xticks(x)
        axes.set_xticklabels(date_labels(panel.dates), rotation=30 if rotated else 0,
                             ha="right" if rotated else "center", fontsize=8)  # fmt: skip
        axes.set_xlim(-0.4, len(x) - 0.6)
        axes.set_ylim(0, 100)
        if multi:
            axes.set_title(panel.school, fontsize=9, color=INK)
        if index:
            axes.tick_params(labelleft=False)
    axes_list[0].set_ylabel("% at or above expected")
    axes_list[0].yaxis.set_major_formatter(lambda v, _pos: f"{v:.0f}%")
    figure.legend(*axes_list[0].get_legend_handles_labels(), loc="lower left", ncol=2, frameon=False, fontsize=8,
                  bbox_to_anchor=(0.01, 0.0))  # fmt: skip
    _title(figure, title)
    parts = []
    for panel in panels:
        last = len(panel.dates) - 1
        pp, other = panel.pct_pp[last], panel.pct_other[last]
        if pp is not None and other is not None:
            parts.append(
                f"{panel.school}: at {panel.dates[last]:%B %Y}, {pp:.0f}% of pupil premium pupils and "
                f"{other:.0f}% of other pupils at or above expected"
            )
    return labelled(_save(figure), f"{title}. " + "; ".join(parts))


# --- Impact -----------------------------------------------------------------------------------------------


@dataclass
class EffectRow:
    label: str
    effect: float
    low: float | None
    high: float | None
    kind: str  # "g": against similar pupils, adjusted, on the SD of attainment (the only kind drawn today)
    verdict: str  # a key of VERDICT_STYLES
    verdict_label: str
    url: str = ""


@dataclass
class EffectPanel:
    school: str
    rows: list[EffectRow] = field(default_factory=list)


def _cap(rows: list[EffectRow], limit: int) -> tuple[list[EffectRow | None], int]:
    """The largest and smallest effects when there are too many to draw; None marks the gap."""
    if len(rows) <= limit:
        return list(rows), 0
    half = limit // 2
    return [*rows[:half], None, *rows[-half:]], len(rows) - 2 * half


def _finite(*values: float | None) -> bool:
    return all(v is not None and np.isfinite(v) for v in values)


def forest_chart(*, title: str, panels: Sequence[EffectPanel]) -> str:
    """A forest plot: one line per intervention, its effect size as a marker with its 95% CI as a bar, ranked
    largest first; filled circles for Hedges' g against similar pupils (adjusted for where they started, on the
    SD of attainment), hollow diamonds for any other kind of effect passed in. The verdict is written at the right of each line, and the marker's colour repeats it. Names link to
    the intervention's impact page. One panel per school, sharing the effect axis. At most MAX_FOREST_ROWS
    lines a panel: the largest and smallest effects, the rest in the table."""
    multi = len(panels) > 1
    panels = [p for p in panels if p.rows]
    if not panels:
        return _empty(title, "No intervention has enough entry and exit data to plot yet.")
    drawn = [_cap(p.rows, MAX_FOREST_ROWS) for p in panels]
    labels = [
        _unique([_wrapped(r.label) if r else f"\u2026 {left_out} more in the table" for r in rows])
        for rows, left_out in drawn
    ]
    verdicts = [r.verdict_label for p in panels for r in p.rows]
    left = _lines_width([label for group in labels for label in group], 8) + 0.2
    right = _width(verdicts, 7.5) + 0.25
    two = _two_line([label for group in labels for label in group])
    plot_width, row_height, panel_title, between = 3.6, (0.36 if two else 0.24), (0.28 if multi else 0), 0.2
    heights = [len(rows) * row_height + 0.2 for rows, _left_out in drawn]
    bottom = AXIS + LEGEND
    height = TITLE + sum(heights) + len(panels) * panel_title + (len(panels) - 1) * between + bottom
    width = left + plot_width + right
    figure = Figure(figsize=(width, height), dpi=100)
    values = [v for p in panels for r in p.rows for v in (r.effect, r.low, r.high) if _finite(v)]
    low_x, high_x = min([*values, -0.5]), max([*values, 1.0])
    pad = (high_x - low_x) * 0.05
    top_edge, first = height - TITLE, None
    for index, ((rows, _left_out), panel_labels, panel, plot_height) in enumerate(
        zip(drawn, labels, panels, heights, strict=True)
    ):
        top_edge -= panel_title
        axes = figure.add_axes(
            (left / width, (top_edge - plot_height) / height, plot_width / width, plot_height / height), sharex=first
        )
        top_edge -= plot_height + between
        first = first or axes
        _style(axes)
        axes.axvline(0, color=INK, linewidth=0.8)
        y_positions = list(range(len(rows)))[::-1]
        # One collection per kind of mark (not one artist per line): a year's 250 groups draw quickly.
        lines, filled, hollow = [], [], []
        for y, row in zip(y_positions, rows, strict=True):
            if row is None:
                continue
            colour = VERDICT_STYLES.get(row.verdict, VERDICT_STYLES["none"])[1]
            if _finite(row.low, row.high):
                lines.append((y, row.low, row.high, colour))
            (filled if row.kind == "g" else hollow).append((row.effect, y, colour))
            axes.text(1.02, y, row.verdict_label, transform=axes.get_yaxis_transform(), va="center", fontsize=7.5,
                      color=INK)  # fmt: skip
        if lines:
            ys, lows, highs, colours = zip(*lines, strict=True)
            axes.hlines(ys, lows, highs, colors=colours, linewidth=2)
            axes.vlines([*lows, *highs], [y - 0.15 for y in ys] * 2, [y + 0.15 for y in ys] * 2,
                        colors=[*colours, *colours], linewidth=1.2)  # fmt: skip
        if filled:
            xs, ys, colours = zip(*filled, strict=True)
            axes.scatter(xs, ys, c=colours, marker="o", s=49, edgecolors=INK, linewidths=0.6, zorder=3)
        if hollow:
            xs, ys, colours = zip(*hollow, strict=True)
            axes.scatter(xs, ys, facecolors="white", edgecolors=colours, marker="D", s=40, linewidths=1.8, zorder=3)
        axes.set_yticks(y_positions)
        tick_labels = axes.set_yticklabels(panel_labels, fontsize=8)
        for tick, row in zip(tick_labels, rows, strict=True):
            if row is not None and row.url:
                tick.set_url(row.url)
        axes.set_ylim(-0.7, len(rows) - 0.3)
        axes.set_xlim(low_x - pad, high_x + pad)
        if multi:
            axes.set_title(panel.school, fontsize=9, color=INK, loc="left")
        if index < len(panels) - 1:
            axes.tick_params(labelbottom=False)
        else:
            axes.set_xlabel("Effect size g with 95% confidence interval (0 = no difference; 0.2 = about 3 months)")
    legend = [
        Line2D([], [], marker="o", linestyle="", color="#555555", markeredgecolor=INK, markersize=7,
               label="Hedges' g against similar pupils, adjusted for where they started"),
    ]  # fmt: skip
    if any(row.kind != "g" for panel in panels for row in panel.rows):
        legend.append(
            Line2D([], [], marker="D", linestyle="", markerfacecolor="white", markeredgecolor="#555555",
                   markeredgewidth=1.8, markersize=6.5, label="Another kind of effect (weaker evidence)")
        )  # fmt: skip
    figure.legend(handles=legend, loc="lower left", ncol=2, frameon=False, fontsize=8, bbox_to_anchor=(0.01, 0.0))
    _title(figure, title)
    parts = [
        f"{row.label}: {'g' if row.kind == 'g' else 'effect'} {row.effect:.2f}, {row.verdict_label}"
        for panel in panels
        for row in panel.rows
    ]
    return labelled(_save(figure), f"{title}, largest effect first. " + _listed(parts, "interventions"))


@dataclass
class CostPoint:
    label: str
    cost_per_pupil: float
    effect: float
    kind: str  # "g" (see EffectRow)
    verdict: str


def cost_impact_chart(*, title: str, panels: Sequence[tuple[str, list[CostPoint]]]) -> str:
    """Cost per pupil (x) against effect size (y), one point per intervention: the verdict is both the marker's
    shape and its colour; before-after effects are hollow. One panel per school sharing both axes."""
    multi = len(panels) > 1
    panels = [(name, points) for name, points in panels if points]
    if not panels:
        return _empty(title, "No intervention has both a cost and an effect size yet.")
    panel_width, between, left, right = (2.8 if multi else 4.4), 0.25, 0.75, 2.3
    top, plot_height = TITLE + (0.25 if multi else 0), 2.4
    width = left + len(panels) * panel_width + (len(panels) - 1) * between + right
    height = top + plot_height + AXIS
    figure = Figure(figsize=(width, height), dpi=100)
    seen: set[str] = set()
    axes_list = []
    for index, (school, points) in enumerate(panels):
        x0 = left + index * (panel_width + between)
        shared = axes_list[0] if axes_list else None
        axes = figure.add_axes(
            (x0 / width, AXIS / height, panel_width / width, plot_height / height), sharex=shared, sharey=shared
        )
        axes_list.append(axes)
        _style(axes, grid_axis="both")
        axes.axhline(0, color=INK, linewidth=0.8)
        groups: dict[tuple[str, bool], list[CostPoint]] = {}
        for point in points:
            verdict = point.verdict if point.verdict in VERDICT_STYLES else "none"
            groups.setdefault((verdict, point.kind != "g"), []).append(point)
        for (verdict, hollow), members in groups.items():
            _label, colour, marker = VERDICT_STYLES[verdict]
            axes.scatter(
                [p.cost_per_pupil for p in members], [p.effect for p in members], marker=marker, s=48,
                facecolors="white" if hollow else colour, edgecolors=colour if hollow else INK,
                linewidths=1.6 if hollow else 0.5, zorder=3,
            )  # fmt: skip
            seen.add(verdict)
        if multi:
            axes.set_title(school, fontsize=9, color=INK)
        if index:
            axes.tick_params(labelleft=False)
        axes.set_xlabel("Cost per pupil (£)")
        axes.xaxis.set_major_formatter(lambda v, _pos: f"£{v:,.0f}")
        axes.set_xlim(left=0)
    axes_list[0].set_ylabel("Effect size g")
    handles = [
        Line2D([], [], marker=VERDICT_STYLES[key][2], linestyle="", color=VERDICT_STYLES[key][1],
               markeredgecolor=INK, markeredgewidth=0.5, markersize=7, label=VERDICT_STYLES[key][0])
        for key in VERDICT_STYLES if key in seen
    ]  # fmt: skip
    if any(p.kind != "g" for _school, points in panels for p in points):
        handles.append(
            Line2D([], [], marker="o", linestyle="", markerfacecolor="white", markeredgecolor="#555555",
                   markeredgewidth=1.6, markersize=7, label="Hollow: another kind of effect")
        )  # fmt: skip
    figure.legend(handles=handles, loc="center left", frameon=False, fontsize=8,
                  bbox_to_anchor=(1 - (right - 0.15) / width, (AXIS + plot_height / 2) / height))  # fmt: skip
    _title(figure, title)
    parts = [
        f"{p.label}: £{p.cost_per_pupil:,.0f} a pupil, g {p.effect:.2f}, "
        f"{VERDICT_STYLES.get(p.verdict, VERDICT_STYLES['none'])[0]}"
        for _school, points in panels
        for p in points
    ]
    return labelled(_save(figure), f"{title}. " + _listed(parts, "interventions"))


# --- Attendance -------------------------------------------------------------------------------------------


@dataclass
class AttendanceBar:
    label: str
    pct: float
    below: bool


def attendance_chart(*, title: str, panels: Sequence[tuple[str, list[AttendanceBar]]], threshold: float) -> str:
    """Attendance per intervention (sessions attended of those marked), lowest first, with the threshold as a
    dashed line; bars under it are vermillion and hatched. At most the lowest MAX_ATTENDANCE_ROWS a panel."""
    multi = len(panels) > 1
    panels = [(name, bars[:MAX_ATTENDANCE_ROWS]) for name, bars in panels if bars]
    if not panels:
        return _empty(title, "No attendance has been marked in this period.")
    labels = [_unique([_wrapped(bar.label) for bar in bars]) for _name, bars in panels]
    left = _lines_width([label for group in labels for label in group], 8) + 0.2
    two = _two_line([label for group in labels for label in group])
    plot_width, right, row_height, panel_title, between = 3.8, 0.5, (0.34 if two else 0.22), (0.28 if multi else 0), 0.2
    heights = [len(bars) * row_height + 0.15 for _name, bars in panels]
    bottom = AXIS + LEGEND
    width = left + plot_width + right
    height = TITLE + sum(heights) + len(panels) * panel_title + (len(panels) - 1) * between + bottom
    figure = Figure(figsize=(width, height), dpi=100)
    top_edge, first = height - TITLE, None
    for index, ((school, bars), plot_height, panel_labels) in enumerate(zip(panels, heights, labels, strict=True)):
        top_edge -= panel_title
        axes = figure.add_axes(
            (left / width, (top_edge - plot_height) / height, plot_width / width, plot_height / height), sharex=first
        )
        top_edge -= plot_height + between
        first = first or axes
        _style(axes)
        y = list(range(len(bars)))[::-1]
        for below, colour, hatch in ((True, OKABE_ITO[3], "//"), (False, OKABE_ITO[0], "")):
            chosen = [(yi, bar.pct) for yi, bar in zip(y, bars, strict=True) if bar.below == below]
            if chosen:
                axes.barh([c[0] for c in chosen], [c[1] for c in chosen], color=colour, hatch=hatch,
                          edgecolor="white", height=0.7)  # fmt: skip
        for yi, bar in zip(y, bars, strict=True):
            axes.text(min(bar.pct, 100) + 1, yi, percent_text(bar.pct, threshold), va="center", fontsize=7.5,
                      color=INK)  # fmt: skip
        axes.axvline(threshold, color=INK, linestyle="--", linewidth=1)
        axes.set_yticks(y)
        axes.set_yticklabels(panel_labels, fontsize=8)
        axes.set_ylim(-0.6, len(bars) - 0.4)
        axes.set_xlim(0, 109)
        if multi:
            axes.set_title(school, fontsize=9, color=INK, loc="left")
        if index < len(panels) - 1:
            axes.tick_params(labelbottom=False)
        else:
            axes.set_xlabel(f"Sessions attended of those marked (dashed line: {threshold:.0f}%)")
    first.xaxis.set_major_formatter(lambda v, _pos: f"{v:.0f}%")
    handles = [
        Line2D([], [], color=OKABE_ITO[0], linewidth=6, label=f"{threshold:.0f}% or more"),
        Line2D([], [], color=OKABE_ITO[3], linewidth=6, label=f"Below {threshold:.0f}% (hatched)"),
    ]
    figure.legend(handles=handles, loc="lower left", ncol=2, frameon=False, fontsize=8, bbox_to_anchor=(0.01, 0.0))
    _title(figure, title)
    low = [f"{bar.label} {percent_text(bar.pct, threshold)}" for _school, bars in panels for bar in bars if bar.below]
    summary = f"{len(low)} below {threshold:.0f}%: " + _listed(low, "interventions") if low else "none below"
    shown = sum(len(bars) for _school, bars in panels)
    return labelled(_save(figure), f"{title}, lowest first ({shown} shown; {summary}).")
