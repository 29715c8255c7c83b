"""The small progress chart of one pupil's place: the checks as points, the aim line and the trend line.

Drawn by matplotlib (Agg) to SVG text like the rest of the project's charts (``reports.charts``, which this app
may not import: the colours are the same Okabe-Ito ones). Every label is plain text: mathtext is off, so a "$" in a
group's or check's name is printed, never read as a formula.
"""

from __future__ import annotations

import datetime as dt
import io

import matplotlib

matplotlib.use("Agg")

import matplotlib.dates as mdates  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from interventions.progress import rules  # noqa: E402
from interventions.progress.selectors import PlaceProgress  # noqa: E402

BLUE, ORANGE, VERMILLION, GREY = "#0072B2", "#E69F00", "#D55E00", "#8a94a3"
INK, GRID = "#1f2a37", "#dde3ea"
STYLE = {
    "svg.fonttype": "none",  # text stays text: selectable and crisp
    "svg.hashsalt": "provision",  # the same data gives the same SVG
    "font.family": "DejaVu Sans",
    "font.size": 8,
    "text.parse_math": False,  # "$5 words" is text, not a formula
    "axes.edgecolor": GRID,
    "axes.labelcolor": INK,
    "xtick.color": INK,
    "ytick.color": INK,
}


def _svg(figure: Figure) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    text = buffer.getvalue()
    return text[text.index("<svg") :]  # embedded inline: no XML prolog


def place_chart(progress: PlaceProgress) -> str:
    """Points (filled in the phase being judged, hollow before a change), the aim line from baseline to target,
    the trend over the judged checks, and a dotted line on the day of each change."""
    judgement = progress.judgement
    every = judgement.all_checks
    judged = set(judgement.checks)
    with matplotlib.rc_context(STYLE):
        figure = Figure(figsize=(3.6, 1.9), dpi=100)
        axes = figure.subplots()
        axes.grid(axis="y", color=GRID, linewidth=0.6)
        axes.set_axisbelow(True)
        for side in ("top", "right"):
            axes.spines[side].set_visible(False)
        aim = judgement.aim
        if aim is not None:
            axes.plot(
                [aim.start, aim.end], [aim.baseline, aim.target], color=ORANGE, linestyle="--", linewidth=1.4,
                label="Aim",
            )  # fmt: skip
        if judgement.slope is not None and judgement.checks:
            first, last = judgement.checks[0].day, judgement.checks[-1].day
            axes.plot(
                [first, last], [judgement.trend_on(first), judgement.trend_on(last)], color=VERMILLION, linewidth=1.6,
                label="Trend",
            )  # fmt: skip
        earlier = [c for c in every if c not in judged]
        if earlier:
            axes.plot(
                [c.day for c in earlier], [c.value for c in earlier], linestyle="none", marker="o", markersize=3.5,
                markerfacecolor="white", markeredgecolor=GREY, label="Before the change",
            )  # fmt: skip
        if judgement.checks:
            axes.plot(
                [c.day for c in judgement.checks], [c.value for c in judgement.checks], linestyle="none", marker="o",
                markersize=3.5, color=BLUE, label="Checks",
            )  # fmt: skip
        for review in progress.reviews:
            axes.axvline(review.changed_on, color=GREY, linestyle=":", linewidth=1)
        days = [c.day for c in every] + ([aim.start, aim.end] if aim else [])
        if days:
            low, high = min(days), max(days)
            if low == high:
                low, high = low - dt.timedelta(days=7), high + dt.timedelta(days=7)
            axes.set_xlim(low - dt.timedelta(days=2), high + dt.timedelta(days=2))
        axes.xaxis.set_major_locator(mdates.AutoDateLocator(maxticks=5))
        axes.xaxis.set_major_formatter(mdates.DateFormatter("%d %b"))
        axes.set_ylabel(progress.check.unit[:20])
        if every or aim:
            axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.18), ncol=4, frameon=False, fontsize=7)
        return _svg(figure)


def chart_summary(progress: PlaceProgress) -> str:
    """What the chart shows, in a sentence (its accessible name; the table beside it has every number)."""
    judgement = progress.judgement
    unit = progress.check.unit
    parts = [f"{len(judgement.all_checks)} checks of {progress.check.name.lower()}"]
    if judgement.aim is not None:
        parts.append(
            f"aim line from {rules.number(judgement.aim.baseline)} to {rules.number(judgement.aim.target)} {unit} "
            f"by {judgement.aim.end:%d %B %Y}"
        )
    if judgement.slope is not None:
        parts.append(f"trend {rules.signed(judgement.slope)} {unit} a week")
    return "; ".join(parts)
