"""One child's support as a parent sees it: what it is, how often, who helps, targets, attendance, and how
finished support went. Built from placements loaded by ``family.selectors.placements_for_child`` (no queries).

What is deliberately left out: the intervention's own name (staff name groups after pupils or tutors, "Evie and
Josh reading"), so support is called by its programme or by what it helps with; staff names; staff notes
(``Placement.notes``, ``Intervention.notes``, ``stop_reason``); costs; waves; need codes; other children.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from interventions.models import Placement, Status
from interventions.progress.selectors import PlaceProgress

from . import charts, wording

# How many finished pieces of support the page shows, newest first.
FINISHED_SHOWN = 6


@dataclass
class Fact:
    label: str
    value: str


@dataclass
class Chart:
    svg: str
    rows: list[Fact]  # the same numbers as a table


@dataclass
class SupportItem:
    """One placement, in words."""

    what: str  # the programme's name, or "Help with reading"
    helps_with: str  # "Help with reading" (empty when it is already the title)
    about: str  # the programme's description from the catalogue, if any
    facts: list[Fact] = field(default_factory=list)
    aim: str = ""
    own_target: str = ""
    attendance: str = ""
    result: str = ""  # how the measure changed
    scale_note: str = ""
    outcome: str = ""
    rating: str = ""
    chart: Chart | None = None
    progress: str = ""  # the weekly progress checks: on track or not yet (interventions.progress)


@dataclass
class ChildSupport:
    now: list[SupportItem]
    finished: list[SupportItem]
    finished_total: int


def _is_current(placement: Placement) -> bool:
    return placement.exit_date is None and placement.intervention.is_planned_or_running


def child_support(
    placements: list[Placement],
    *,
    name: str,
    today: dt.date,
    charts_wanted: bool = True,
    progress: Mapping[int, PlaceProgress] | None = None,
) -> ChildSupport:
    """The child's current support (soonest ending first) and finished support (most recent first). ``progress``
    (placement id -> its progress checks) adds "on track" or "not yet" to current support."""
    current = [p for p in placements if _is_current(p)]
    finished = [p for p in placements if not _is_current(p) and p.intervention.status != Status.PLANNED]
    current.sort(key=lambda p: (p.intervention.end_date or dt.date.max, p.entry_date))
    finished.sort(key=lambda p: _finished_on(p), reverse=True)
    return ChildSupport(
        now=[_current_item(p, name=name, today=today, progress=(progress or {}).get(p.pk)) for p in current],
        finished=[_finished_item(p, name=name, charts_wanted=charts_wanted) for p in finished[:FINISHED_SHOWN]],
        finished_total=len(finished),
    )


def _finished_on(placement: Placement) -> dt.date:
    return placement.exit_date or placement.intervention.end_date or placement.entry_date


def _title(placement: Placement) -> tuple[str, str, str]:
    intervention = placement.intervention
    helps_with = wording.help_with(intervention.area)
    programme = intervention.programme
    if programme is not None:
        return programme.name, helps_with, programme.summary
    return helps_with, "", ""


def _scale(placement: Placement):
    """(kind, subject words, band labels, out of) for a measured placement, else None."""
    intervention = placement.intervention
    scale = intervention.scale
    if scale is None:
        return None
    bands = [band.label for band in scale.bands.all()] if scale.kind == wording.BANDS else []
    subject = (
        intervention.subject.name if intervention.subject_id else str(wording.AREA_WORDS.get(intervention.area, ""))
    )
    out_of = scale.max_value if scale.kind == wording.RAW else None
    return scale.kind, subject, bands, out_of


def _common(placement: Placement) -> SupportItem:
    what, helps_with, about = _title(placement)
    intervention = placement.intervention
    item = SupportItem(what=what, helps_with=helps_with, about=about)
    often = wording.how_often(intervention.days or [], intervention.minutes_per_session)
    if often:
        item.facts.append(Fact(_("How often"), often))
    if intervention.programme is not None and intervention.programme.delivery in wording.DELIVERY_WORDS:
        item.facts.append(Fact(_("How"), str(wording.DELIVERY_WORDS[intervention.programme.delivery])))
    roles = [person.role for person in intervention.staff.all()]
    item.facts.append(Fact(_("Who helps"), wording.who_helps(roles)))
    if placement.pupil_target:
        item.own_target = placement.pupil_target
    return item


def _aim(placement: Placement, measured) -> str:
    if measured is not None and placement.target_value is not None:
        kind, subject, bands, _out_of = measured
        return wording.target_words(
            kind, subject, placement.target_value, bands=bands, by=placement.intervention.end_date
        )
    return placement.target.strip()


def _current_item(placement: Placement, *, name: str, today: dt.date, progress: PlaceProgress | None) -> SupportItem:
    item = _common(placement)
    if progress is not None and progress.scores:
        review = progress.last_review
        item.progress = wording.progress_words(
            name,
            progress.decision.value,
            check=progress.check.name[:1].lower() + progress.check.name[1:],
            by=placement.intervention.end_date,
            changed_on=review.changed_on if review else None,
        )
    intervention = placement.intervention
    starts = max(placement.entry_date, intervention.start_date)
    if starts > today:
        item.facts.insert(0, Fact(_("Starts"), wording.date_words(starts)))
    else:
        item.facts.insert(0, Fact(_("Since"), wording.date_words(starts)))
    item.facts.insert(
        1,
        Fact(
            _("Until"),
            wording.date_words(intervention.end_date) if intervention.end_date else _("No end date yet"),
        ),
    )
    measured = _scale(placement)
    item.aim = _aim(placement, measured)
    if measured is not None and placement.entry_value is not None:
        kind, subject, bands, out_of = measured
        item.result = _("At the start: %(measure)s %(value)s.") % {
            "measure": wording.measure_name(kind, subject),
            "value": wording.value_words(kind, placement.entry_value, bands=bands, out_of=out_of),
        }
        item.scale_note = wording.scale_note(kind)
    if starts <= today:
        item.attendance = wording.attendance_words(
            name, placement.sessions_attended, placement.sessions_held, finished=False
        )
    item.rating = wording.rating_words(name, placement.entry_rating, None)
    return item


def _finished_item(placement: Placement, *, name: str, charts_wanted: bool) -> SupportItem:
    item = _common(placement)
    intervention = placement.intervention
    started = max(placement.entry_date, intervention.start_date)
    ended = _finished_on(placement)
    item.facts.insert(0, Fact(_("When"), _("%(start)s to %(end)s") % {
        "start": wording.month_words(started), "end": wording.month_words(ended)
    }))  # fmt: skip
    measured = _scale(placement)
    item.aim = _aim(placement, measured)
    item.attendance = wording.attendance_words(
        name, placement.sessions_attended, placement.sessions_held, finished=True
    )
    if measured is not None and placement.entry_value is not None and placement.exit_value is not None:
        kind, subject, bands, out_of = measured
        item.result = wording.change_words(
            kind,
            subject,
            placement.entry_value,
            placement.exit_value,
            started=placement.entry_date,
            finished=ended,
            bands=bands,
            out_of=out_of,
        )
        item.scale_note = wording.scale_note(kind)
        if charts_wanted:
            item.chart = _chart(placement, kind, bands, out_of)
    item.outcome = wording.outcome_words(placement.outcome, name)
    if (
        placement.exit_reason in ("target_met", "not_working", "moved", "stopped")
        or intervention.status == Status.STOPPED
    ):
        item.outcome = " ".join(
            part for part in (item.outcome, wording.ended_early_words(placement.exit_reason or "stopped")) if part
        )
    item.rating = wording.rating_words(name, placement.entry_rating, placement.exit_rating)
    return item


def _chart(placement: Placement, kind: str, bands: list[str], out_of: float | None) -> Chart:
    def shown(value: float) -> str:
        return wording.value_words(kind, value, bands=bands, out_of=out_of)

    start_label, end_label = _("At the start"), _("At the end")
    rows = [Fact(start_label, shown(placement.entry_value)), Fact(end_label, shown(placement.exit_value))]
    if placement.target_value is not None:
        rows.append(Fact(_("Target"), shown(placement.target_value)))
    svg = charts.start_end_chart(
        labels=(start_label, end_label),
        start=placement.entry_value,
        end=placement.exit_value,
        target=placement.target_value,
        target_label=_("Target"),
        value_format=shown,
    )
    return Chart(svg=svg, rows=rows)
