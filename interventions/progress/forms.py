"""Forms for progress checks: the group's check, each pupil's baseline and target, the grid of scores, and
acknowledging a decision. The per-pupil boxes are read straight from the posted fields (named after the
placement, and the day for scores), like the session register, so that a box for a pupil no longer on the page
is refused with a reason rather than dropped."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping

from django import forms
from django.core.exceptions import ValidationError

from interventions.progress.models import CheckChange, ProgressCheck
from interventions.progress.services import ScoreEntry
from provision.concurrency import StaleFormMixin

HIGHER, LOWER = "higher", "lower"
SCORE = re.compile(r"^score-(\d+)-(\d{4}-\d{2}-\d{2})$")
GOAL = re.compile(r"^(entry|target)-(\d+)$")


class CheckForm(StaleFormMixin, forms.Form):
    name = forms.CharField(
        label="What is checked",
        max_length=ProgressCheck._meta.get_field("name").max_length,
        help_text="A short measure repeated every week or so, e.g. words read correctly in a minute.",
        widget=forms.TextInput(attrs={"placeholder": "Words read correctly in a minute"}),
    )
    unit = forms.CharField(
        max_length=ProgressCheck._meta.get_field("unit").max_length,
        help_text="What the score counts.",
        widget=forms.TextInput(attrs={"placeholder": "words"}),
    )
    direction = forms.ChoiceField(
        label="Which way is better",
        choices=[(HIGHER, "A higher score is better"), (LOWER, "A lower score is better (errors, seconds)")],
        widget=forms.RadioSelect,
        initial=HIGHER,
    )
    min_value = forms.FloatField(label="Lowest possible score", required=False, initial=0)
    max_value = forms.FloatField(label="Highest possible score", required=False, help_text="Leave empty if none.")

    def clean(self) -> dict:
        data = super().clean()
        for name in ("min_value", "max_value"):
            value = data.get(name)
            if value is not None and not math.isfinite(value):
                self.add_error(name, "Enter a number.")
        low, high = data.get("min_value"), data.get("max_value")
        if low is not None and high is not None and low >= high:
            self.add_error("max_value", "The highest possible score must be above the lowest.")
        return data

    # What a group without a check compares with (a check set up by someone else meanwhile is a change).
    BLANK = {"name": "", "unit": "", "direction": HIGHER, "min_value": 0, "max_value": None}

    @staticmethod
    def initial_for(check: ProgressCheck | None) -> dict:
        if check is None:
            return {}
        return {
            "name": check.name,
            "unit": check.unit,
            "direction": HIGHER if check.higher_is_better else LOWER,
            "min_value": _whole(check.min_value),
            "max_value": _whole(check.max_value),
        }

    @classmethod
    def for_group(cls, data, *, intervention, check: ProgressCheck | None, boxes: Mapping[int, tuple[str, str]],
                  placements) -> CheckForm:  # fmt: skip
        """The setup form of a group, watching the check and each pupil's baseline and target (``boxes``, as the
        page shows them) for changes someone else saves meanwhile (``provision.concurrency``)."""
        form = cls(data, initial=cls.initial_for(check))
        form.watch_for_changes(
            key=f"progress-check:{intervention.pk}",
            baseline=cls.initial_for(check) or cls.BLANK,
            extra={
                f"goal-{p.pk}": (f"{p.pupil.full_name}: baseline / target", " / ".join(boxes[p.pk])) for p in placements
            },
        )
        return form

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "unit": data["unit"],
            "higher_is_better": data["direction"] == HIGHER,
            "min_value": data["min_value"],
            "max_value": data["max_value"],
        }


def _whole(value: float | None) -> float | int | None:
    """20.0 shown as 20 in a box."""
    return int(value) if value is not None and float(value).is_integer() else value


def number_or_none(text: str | None) -> float | None:
    """A number typed in a box, None for an empty box; ValueError for anything else."""
    text = (text or "").strip()
    if not text:
        return None
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(text)
    return value


def posted_goals(data: Mapping[str, str]) -> tuple[dict[int, tuple[float | None, float | None]], dict[int, str]]:
    """Each pupil's (baseline, target) from ``entry-<id>`` and ``target-<id>``, and the boxes that are not numbers."""
    ids = {int(match.group(2)) for key in data if (match := GOAL.match(key))}
    goals, problems = {}, {}
    for placement_id in ids:
        try:
            goals[placement_id] = (
                number_or_none(data.get(f"entry-{placement_id}")),
                number_or_none(data.get(f"target-{placement_id}")),
            )
        except ValueError:
            problems[placement_id] = "The baseline and the target must be numbers (or left empty)."
    return goals, problems


def posted_boxes(data: Mapping[str, str], placements) -> dict[int, tuple[str, str]]:
    """Each placement's (baseline, target) boxes as posted, to show again."""
    return {p.pk: (data.get(f"entry-{p.pk}", ""), data.get(f"target-{p.pk}", "")) for p in placements}


def add_errors(form: forms.Form, error: ValidationError) -> None:
    """Put a service's errors beside the form's fields (at the top for any other key, or with no key)."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for key, errors in error.message_dict.items():
        for message in errors:
            form.add_error(key if key in form.fields else None, message)


def posted_scores(data: Mapping[str, str]) -> list[ScoreEntry]:
    """Every score box posted as ``score-<placement id>-<yyyy-mm-dd>`` with its ``was-`` companion."""
    entries = []
    for key in data:
        match = SCORE.match(key)
        if not match:
            continue
        try:
            day = dt.date.fromisoformat(match.group(2))
        except ValueError:
            continue
        entries.append(
            ScoreEntry(
                placement_id=int(match.group(1)),
                date=day,
                typed=(data.get(key) or "")[:60],
                was=data.get(f"was-{match.group(1)}-{match.group(2)}"),
            )
        )
    return entries


class ReviewForm(forms.Form):
    change = forms.ChoiceField(label="What was changed", choices=CheckChange.choices, widget=forms.RadioSelect)
    note = forms.CharField(
        label="What was changed, in a sentence",
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": "e.g. Daily sessions instead of three a week"}),
        max_length=2000,
    )
    changed_on = forms.DateField(
        label="Changed from", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    new_target = forms.FloatField(label="New target", required=False, help_text="Only when raising the goal.")

    def clean_new_target(self) -> float | None:
        value = self.cleaned_data.get("new_target")
        if value is not None and not math.isfinite(value):
            raise forms.ValidationError("Enter a number.")
        return value
