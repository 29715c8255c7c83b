"""``python manage.py progress_check --school URN [--json FILE]``: the decision for every pupil's place in the
school's running and finished groups with a progress check, as a table and (with ``--json``) as

    {"placements": [{"upn", "intervention", "n_checks", "weeks", "slope_per_week", "aim_per_week", "decision"}]}

``n_checks`` and ``weeks`` count the checks judged (after the latest change the school recorded, if any); the
slopes are per week on the check's own scale, null when there are too few checks or no aim line; ``decision`` is
one of too_few, no_aim, off_track, raise_goal, on_track (``interventions.progress.rules``).
"""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from interventions.models import Placement, Status
from interventions.progress import rules
from interventions.progress.selectors import progress_for
from provision.models import School


def _number(value: float | None, places: int = 3) -> float | None:
    return None if value is None else round(float(value), places)


class Command(BaseCommand):
    help = "The progress check decision for each pupil in the school's running and finished groups with a check."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--school", required=True, metavar="URN", help="The school's six-digit URN")
        parser.add_argument("--json", metavar="FILE", help="Also write the rows as JSON to FILE")

    def handle(self, *args, **options) -> None:
        school, json_path = options["school"], options["json"]
        found = School.objects.filter(urn=school.strip()).first()
        if found is None:
            raise CommandError(f"No school has the URN {school.strip()!r}.")
        placements = (
            Placement.objects.filter(
                intervention__school=found,
                intervention__status__in=[Status.RUNNING, Status.COMPLETED, Status.STOPPED],
                intervention__progress_check__isnull=False,
            )
            .select_related("pupil", "intervention")
            .order_by("intervention__name", "intervention_id", "pupil__legal_last_name", "pupil__legal_first_name")
        )
        progress = progress_for(placements)
        rows = []
        for place in progress.values():
            judgement = place.judgement
            rows.append(
                {
                    "upn": place.placement.pupil.upn,
                    "intervention": place.placement.intervention.name,
                    "n_checks": judgement.n_checks,
                    "weeks": _number(judgement.weeks, 2),
                    "slope_per_week": _number(judgement.slope),
                    "aim_per_week": _number(judgement.aim_per_week),
                    "decision": judgement.decision.value,
                }
            )
        self._print(rows, found)
        if json_path:
            self._write(Path(json_path), rows)

    def _print(self, rows: list[dict], school: School) -> None:
        self.stdout.write(f"{school}: {len(rows)} pupil places in groups with a progress check.")
        if not rows:
            return
        header = f"{'UPN':<13}  {'Intervention':<32}  {'Checks':>6}  {'Weeks':>5}  {'Slope':>7}  {'Aim':>7}  Decision"
        self.stdout.write(header)
        for row in rows:
            self.stdout.write(
                f"{row['upn']:<13}  {row['intervention'][:32]:<32}  {row['n_checks']:>6}  "
                f"{rules.number(row['weeks']):>5}  {rules.number(row['slope_per_week'], 2):>7}  "
                f"{rules.number(row['aim_per_week'], 2):>7}  {row['decision']}"
            )
        counts = {decision.value: sum(1 for r in rows if r["decision"] == decision.value) for decision in rules.CODES}
        self.stdout.write(", ".join(f"{n} {name}" for name, n in counts.items() if n))

    def _write(self, path: Path, rows: list[dict]) -> None:
        try:
            path.write_text(json.dumps({"placements": rows}, indent=2) + "\n", encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"Cannot write {path}: {exc.strerror or exc}") from exc
        self.stdout.write(f"Wrote {len(rows)} rows to {path}.")
