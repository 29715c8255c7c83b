"""``python manage.py evaluate_impact --school URN [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--json FILE]``: the
impact pages' figures for analysts and for checks, as a table and optionally as JSON.

The same engine as ``/impact/`` (``reports.impact.school_figures.evaluate_school``): every group of the school that ran
in the period and had pupils placed, and every programme of those groups pooled. The period defaults to the year to
``--to`` (itself today), as the page does.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path
from typing import Any

import pandas as pd
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from provision.access import operator_reads
from provision.models import School
from reports.impact import evaluation
from reports.impact.school_figures import evaluate_school

# The numbers of each row, as JSON numbers (null when there is none), beside the ids and words.
NUMBERS = {
    "g": "g",
    "ci_low": "g_ci_low",
    "ci_high": "g_ci_high",
    "months": "months",
    "difference": "difference",
    "difference_ci_low": "difference_ci_low",
    "difference_ci_high": "difference_ci_high",
    "sd_attainment": "sd_attainment",
    "entry_mean_group": "entry_mean_group",
    "entry_mean_comparison": "entry_mean_comparison",
    "mean_gain": "mean_gain",
    "gain_ci_low": "gain_ci_low",
    "gain_ci_high": "gain_ci_high",
    "ratio_gain": "ratio_gain",
    "d_av": "d_av",
}
COUNTS = ("n_placed", "n_measured", "n_compared", "n_comparison")


def _date(text: str | None, option: str) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"{option} '{text}' is not a date: write it as YYYY-MM-DD", returncode=2) from None


def _number(value: Any) -> float | None:
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) or math.isinf(number) else number


def _row(record: dict[str, Any], *, kind: str) -> dict[str, Any]:
    """One group or programme as the JSON row the issue specifies (and a few more figures for analysts)."""
    if kind == "group":
        row: dict[str, Any] = {
            "id": int(record["intervention_id"]),
            "name": record.get("name") or "",
            "programme": record.get("programme_name") or None,
        }
    else:
        row = {"id": int(record["programme_id"]), "name": record.get("programme_name") or ""}
        row["n_groups"] = int(_number(record.get("n_groups")) or 0)
        row["i2"] = _number(record.get("i2"))
    for name in COUNTS:
        row[name] = int(_number(record.get(name)) or 0)
    row["method"] = record.get("measure") or "none"
    for name, column in NUMBERS.items():
        row[name] = _number(record.get(column))
    row["sd_source"] = record.get("sd_source") or None
    row["verdict"] = record.get("verdict") or "too_little"
    row["recommendation"] = record.get("recommendation") or "measure"
    row["reasons"] = list(record.get("reasons") or [])
    return row


class Command(BaseCommand):
    help = (
        "Evaluate the impact of a school's interventions in a period: per group and per programme the method, "
        "Hedges' g against similar pupils with its 95% CI, EEF months, verdict, recommendation and reasons. "
        "Prints a table; --json FILE also writes the rows. Exit status 2 for an unknown school or a bad date."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--school", required=True, help="The school's URN")
        parser.add_argument("--from", dest="start", help="First day, YYYY-MM-DD (default: a year before --to)")
        parser.add_argument("--to", dest="end", help="Last day, YYYY-MM-DD (default: today)")
        parser.add_argument("--json", dest="json_path", help="Also write the rows to this file as JSON")

    def handle(self, *args, school: str, start: str | None, end: str | None, json_path: str | None, **options):
        found = School.objects.filter(urn=str(school).strip()).first()
        if found is None:
            raise CommandError(f"No school with URN '{school}'", returncode=2)
        last = _date(end, "--to") or timezone.localdate()
        first = _date(start, "--from") or last - dt.timedelta(days=365)
        if first > last:
            raise CommandError(f"--from {first.isoformat()} is after --to {last.isoformat()}", returncode=2)
        with operator_reads():  # no signed-in user: the operator reads the school named
            result = evaluate_school(None, schools=found, start=first, end=last)
        groups = [r for r in result.groups.to_dict("records") if (_number(r.get("n_placed")) or 0) > 0]
        programmes = result.programmes.to_dict("records")
        rows = {
            "groups": [_row(r, kind="group") for r in groups],
            "programmes": [_row(r, kind="programme") for r in programmes],
        }
        self._print(found, first, last, rows)
        if json_path:
            document = {"school": found.urn, "from": first.isoformat(), "to": last.isoformat(), **rows}
            try:
                Path(json_path).write_text(json.dumps(document, indent=2, allow_nan=False), encoding="utf-8")
            except OSError as error:
                raise CommandError(f"Could not write {json_path}: {error.strerror}", returncode=2) from None
            self.stdout.write(
                f"Wrote {len(rows['groups'])} groups and {len(rows['programmes'])} programmes to {json_path}"
            )

    def _print(self, school: School, first: dt.date, last: dt.date, rows: dict[str, list[dict]]) -> None:
        self.stdout.write(f"{school.name} ({school.urn}): impact from {first:%d/%m/%Y} to {last:%d/%m/%Y}")
        for title, kind in (("Groups", "groups"), ("Programmes", "programmes")):
            self.stdout.write("")
            self.stdout.write(f"{title} ({len(rows[kind])})")
            if not rows[kind]:
                self.stdout.write("  none")
                continue
            header = f"  {'Name':<40} {'placed':>6} {'meas.':>5} {'comp.':>5} {'similar':>7}  {'method':<12} " \
                f"{'g (95% CI)':<22} {'months':>6}  {'verdict':<24} recommendation"  # fmt: skip
            self.stdout.write(header)
            for row in rows[kind]:
                g = row["g"]
                effect = (
                    f"{g:+.2f} ({row['ci_low']:+.2f} to {row['ci_high']:+.2f})"
                    if g is not None and row["ci_low"] is not None and row["ci_high"] is not None
                    else "-"
                )
                months = f"{int(row['months']):+d}" if row["months"] is not None else "-"
                name = row["name"] if len(row["name"]) <= 40 else row["name"][:39] + "…"
                self.stdout.write(
                    f"  {name:<40} {row['n_placed']:>6} {row['n_measured']:>5} {row['n_compared']:>5} "
                    f"{row['n_comparison']:>7}  {row['method']:<12} {effect:<22} {months:>6}  "
                    f"{evaluation.VERDICTS.get(row['verdict'], row['verdict']):<24} "
                    f"{evaluation.RECOMMENDATIONS.get(row['recommendation'], row['recommendation'])}"
                )
        self.stdout.write("")
        self.stdout.write("How impact is judged: " + " ".join(evaluation.thresholds_text()[:4]))
