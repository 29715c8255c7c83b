"""The session log form: what happened in the session, and each pupil's attendance.

Attendance is read straight from the posted fields (``att-<placement id>`` = present/absent and
``reason-<placement id>``) rather than through one form per pupil, so that a mark for a pupil who is no longer on
the page is still seen, and refused with a reason by the service, instead of being ignored.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django import forms

from interventions.models import AbsenceReason, Placement, Session
from interventions.selectors import Dosage
from interventions.sessions.services import STEPS

# What each of the six steps is for, as a prompt under its box.
STEP_PROMPTS = {
    "remember": "Recall what was learnt last time.",
    "model": "The adult shows how, thinking aloud.",
    "try": "Pupils have a go together, with help close by.",
    "apply": "Pupils use it on their own or somewhere new.",
    "secure": "Practise until it sticks; check for gaps.",
    "review": "What did they learn, and what comes next?",
}
PRESENT, ABSENT = "present", "absent"
MARK = re.compile(r"^(att|reason)-(\d+)$")


class SessionForm(forms.Form):
    """The session itself. Once a day is logged its date is fixed here: another day is another session."""

    date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    minutes = forms.IntegerField(
        min_value=1, max_value=480, widget=forms.NumberInput(attrs={"inputmode": "numeric", "step": 5})
    )
    focus = forms.CharField(
        max_length=Session._meta.get_field("focus").max_length,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "e.g. split digraphs a-e, i-e"}),
    )
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, date_locked: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for step in STEPS:
            self.fields[f"step_{step}"] = forms.CharField(
                label=step.capitalize(),
                required=False,
                help_text=STEP_PROMPTS[step],
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        if date_locked:
            # A disabled field keeps its initial value whatever is posted.
            self.fields["date"].disabled = True

    def step_fields(self) -> list[forms.BoundField]:
        return [self[f"step_{step}"] for step in STEPS]

    def steps(self) -> dict[str, str]:
        return {step: self.cleaned_data[f"step_{step}"] for step in STEPS}

    @property
    def has_steps(self) -> bool:
        """Whether the six-step plan holds anything (so the page shows it open)."""
        source = self.data if self.is_bound else self.initial
        return any((source.get(f"step_{step}") or "").strip() for step in STEPS) or any(
            self[f"step_{step}"].errors for step in STEPS
        )

    @staticmethod
    def initial_for(session: Session) -> dict:
        initial = {
            "date": session.date,
            "minutes": session.minutes,
            "focus": session.focus,
            "notes": session.notes,
        }
        initial.update({f"step_{step}": getattr(session, f"step_{step}") for step in STEPS})
        return initial


def posted_attendance(data: Mapping[str, str]) -> dict[int, tuple[bool | None, str]]:
    """Every attendance mark in the posted data: placement id -> (present, absence reason). A pupil with a
    reason but no present/absent choice is ``(None, reason)``."""
    marks: dict[int, tuple[bool | None, str]] = {}
    for key in data:
        match = MARK.match(key)
        if not match:
            continue
        placement_id = int(match.group(2))
        choice = data.get(f"att-{placement_id}")
        present = True if choice == PRESENT else False if choice == ABSENT else None
        marks[placement_id] = (present, (data.get(f"reason-{placement_id}") or "").strip())
    return marks


@dataclass
class AttendanceRow:
    """One pupil's line on the session log page."""

    placement: Placement
    dosage: Dosage
    present: bool | None = True
    reason: str = ""
    error: str = ""

    @property
    def field(self) -> str:
        return f"att-{self.placement.pk}"

    @property
    def reason_field(self) -> str:
        return f"reason-{self.placement.pk}"


REASON_CHOICES = [("", "Why absent?"), *AbsenceReason.choices]


def error_summary(
    form: SessionForm,
    rows: Sequence[AttendanceRow],
    problems: Mapping[int, str],
    score_problems: Mapping[int, str],
    *,
    with_scores: bool,
) -> list[str]:
    """Every problem on the session log page, for the summary at its top: the form's, each row's (attendance and,
    ``with_scores``, the score box's), and those about pupils not on the page (``problems`` keeps only those;
    ``score_problems`` may hold any), which are shown only here."""
    on_page = {row.placement.pk for row in rows}
    return [
        *form.non_field_errors(),
        *(
            f"{form[name].label}: {error}"
            for name, errors in form.errors.items()
            if name != "__all__"
            for error in errors
        ),
        *(row.error for row in rows if row.error),
        *problems.values(),
        *(row.score.error for row in rows if with_scores and row.score.error),
        *(error for pk, error in score_problems.items() if pk not in on_page),
    ]
