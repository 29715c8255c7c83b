"""Charts rendered server-side by matplotlib (Agg) to SVG text, ready to embed in a page or an export.

Colours are the Okabe-Ito palette, which stays distinguishable with the common colour-vision deficiencies;
every chart also has a text title and labelled axes, and every page that shows one also shows its table.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Sequence

import matplotlib

matplotlib.use("Agg")

import matplotlib.dates as mdates  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402

OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
INK = "#1f2a37"
GRID = "#dde3ea"

matplotlib.rcParams.update(
    {
        "svg.fonttype": "none",  # keep text as text: selectable, searchable, crisp
        "font.family": "DejaVu Sans",
        "font.size": 9,
        "axes.edgecolor": GRID,
        "axes.labelcolor": INK,
        "xtick.color": INK,
        "ytick.color": INK,
        "svg.hashsalt": "provision",  # stable ids, so the same data gives the same SVG
        # Names typed by staff ("Maths $x$", "50% of £5") are drawn as typed: a "$" must never start mathtext,
        # which fails on most text and made every chart showing such a name fail.
        "text.parse_math": False,
        "text.usetex": False,
    }
)


def _svg(figure: Figure) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    text = buffer.getvalue()
    # Drop the XML prolog and DOCTYPE: the SVG is embedded inline in HTML.
    return text[text.index("<svg") :]


def progress_chart(
    *,
    title: str,
    dates: Sequence[dt.date],
    values: Sequence[float],
    y_label: str,
    expected: Sequence[float | None] | None = None,
    expected_label: str = "Expected",
    high: float | None = None,
    value_format: Callable[[float], str] | None = None,
    y_ticks: Sequence[float] | None = None,
) -> str:
    """One pupil's results in one subject over time, with the expected standard (a line, or a per-point
    series such as chronological age) and the high standard when the scale has one."""
    figure = Figure(figsize=(6.4, 2.6), dpi=100)
    axes = figure.subplots()
    axes.set_title(title, loc="left", fontsize=10, color=INK, fontweight="bold")
    axes.grid(axis="y", color=GRID, linewidth=0.8)
    axes.set_axisbelow(True)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    if expected is not None and any(v is not None for v in expected):
        pairs = [(d, v) for d, v in zip(dates, expected, strict=True) if v is not None]
        axes.plot(
            [p[0] for p in pairs],
            [p[1] for p in pairs],
            color=OKABE_ITO[1],
            linestyle="--",
            linewidth=1.5,
            label=expected_label,
        )
    if high is not None:
        axes.axhline(high, color=OKABE_ITO[2], linestyle=":", linewidth=1.5, label="High standard")
    axes.plot(dates, values, color=OKABE_ITO[0], marker="o", linewidth=2, markersize=5, label="Result")
    if y_ticks is not None:
        # Discrete scales (bands, grades, whole months) get ticks only where a value can be.
        axes.set_yticks(list(y_ticks))
        axes.set_ylim(min(y_ticks) - 0.5, max(y_ticks) + 0.5)
    if value_format is not None:
        axes.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: value_format(v)))
    axes.set_ylabel(y_label)
    axes.xaxis.set_major_formatter(mdates.DateFormatter("%b %Y"))
    if len(dates) == 1:
        axes.set_xlim(dates[0] - dt.timedelta(days=45), dates[0] + dt.timedelta(days=45))
    axes.xaxis.set_major_locator(mdates.AutoDateLocator(maxticks=6))
    axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=3, frameon=False, fontsize=8)
    return _svg(figure)


def age_ticks(values: Sequence[float]) -> list[float]:
    """Ticks every 3, 6 or 12 months across ``values`` (ages in months), so labels read 7:00, 7:06 ..."""
    low, high = min(values), max(values)
    span = high - low
    step = 3 if span <= 18 else 6 if span <= 48 else 12
    first = int(low // step) * step
    last = int(-(-high // step)) * step
    return [float(m) for m in range(first, last + 1, step)]
