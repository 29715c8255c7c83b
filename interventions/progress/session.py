"""The optional score box on the session log's register, one per pupil (``check-<placement id>``, with the score
the page showed in ``check-was-<placement id>``): reading it, checking it before the session is saved, and putting
it on the register's rows. The scores are saved by ``services.scores_record`` in the session's transaction."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from interventions.models import Intervention, Placement
from interventions.progress import checks_parsing
from interventions.progress.models import CheckScore, ProgressCheck
from interventions.progress.services import SCORE_ERROR, ScoreEntry
from pupils.imports.reader import CellProblem

FIELD = re.compile(r"^check-(\d+)$")


@dataclass
class ScoreCell:
    """The score box on one pupil's row of the register."""

    field: str
    was_field: str
    value: str
    was: str
    error: str = ""


def posted(data: Mapping[str, str], day: dt.date, *, page_day: dt.date) -> list[ScoreEntry]:
    """The score boxes posted for ``day``. When the session's date was changed from the page's, the page showed
    another day's scores, so nothing is known about ``day``'s: an empty box then removes nothing."""
    entries = []
    for key in data:
        match = FIELD.match(key)
        if match:
            placement_id = int(match.group(1))
            was = data.get(f"check-was-{placement_id}") if day == page_day else None
            entries.append(ScoreEntry(placement_id, day, (data.get(key) or "")[:60], was))
    return entries


def problems(
    check: ProgressCheck,
    entries: Iterable[ScoreEntry],
    marks: Mapping[int, tuple[bool | None, str]],
    placements: Iterable[Placement],
) -> dict[int, str]:
    """What is wrong with the typed scores on their own (a number the check allows; the pupil not marked absent),
    by placement id: for showing with the register's problems when the session itself cannot be saved yet."""
    names = {p.pk: p.pupil for p in placements}
    found: dict[int, str] = {}
    for entry in entries:
        typed = entry.typed.strip()
        if not typed or typed == (entry.was or "").strip():
            continue
        pupil = names.get(entry.placement_id, "A pupil")
        present = marks.get(entry.placement_id, (None, ""))[0]
        if present is False:
            found[entry.placement_id] = (
                f"{pupil} is marked absent: a check needs the pupil there. Clear the score or mark them present."
            )
            continue
        try:
            checks_parsing.score_value(typed, min_value=check.min_value, max_value=check.max_value)
        except CellProblem as exc:
            found[entry.placement_id] = f"{pupil}: {exc}."
    return found


def split_errors(message_dict: Mapping[str, list[str]]) -> tuple[dict[int, str], dict[str, list[str]]]:
    """The score errors (by placement id) and the rest, from a ValidationError's ``message_dict``."""
    scores, rest = {}, {}
    for key, errors in message_dict.items():
        if key.startswith(SCORE_ERROR):
            scores[int(key.removeprefix(SCORE_ERROR))] = " ".join(errors)
        else:
            rest[key] = errors
    return scores, rest


def stored_on(intervention: Intervention, day: dt.date, *, user) -> dict[int, str]:
    """Each placement's score on ``day`` as typed, of those ``user`` may see (one query)."""
    scores = CheckScore.objects.visible_to(user, intervention.school_id).filter(
        placement__intervention=intervention, date=day
    )
    return dict(scores.values_list("placement_id", "typed"))


def attach(
    rows: Iterable,
    *,
    stored: Mapping[int, str],
    entries: Iterable[ScoreEntry] = (),
    errors: Mapping[int, str] | None = None,
) -> None:
    """Give each register row (``forms_sessions.AttendanceRow``) its score box: what was posted, else what is
    stored, and the problem with it."""
    typed = {entry.placement_id: entry.typed for entry in entries}
    errors = errors or {}
    for row in rows:
        pk = row.placement.pk
        row.score = ScoreCell(
            field=f"check-{pk}",
            was_field=f"check-was-{pk}",
            value=typed.get(pk, stored.get(pk, "")),
            was=stored.get(pk, ""),
            error=errors.get(pk, ""),
        )
