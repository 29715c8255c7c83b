"""Forms of the support plan screens. They collect and shape input; the rules live in ``interventions.plans.services``."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from interventions.models import Intervention, OutcomeRating, ReviewStage, SupportPlan
from interventions.plans import services as plans
from provision.concurrency import StaleFormMixin
from provision.models import School
from pupils import reference
from pupils.forms import DateInput
from pupils.models import NeedArea, Pupil, SenStatus, YearGroup


def _text(rows: int = 3, placeholder: str = "") -> forms.Textarea:
    attrs = {"rows": rows}
    if placeholder:
        attrs["placeholder"] = placeholder
    return forms.Textarea(attrs=attrs)


class LinkedProvisionField(forms.ModelMultipleChoiceField):
    """The pupil's interventions as tick boxes, each named with its dates so that past ones are recognisable."""

    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj: Intervention) -> str:
        end = f" to {obj.end_date:%d/%m/%Y}" if obj.end_date else ""
        return f"{obj.name} ({obj.get_wave_display().split(':')[0]}, from {obj.start_date:%d/%m/%Y}{end})"


def apply_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: on the field it names where the form has one, at the top
    otherwise, so that nothing the service says is lost."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            target = field if field in form.fields else None
            for message in messages:
                form.add_error(target, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


class PlanForm(StaleFormMixin, forms.Form):
    """A support plan: dates, needs by broad area (a tick and a box each), outcomes, strategies, the linked
    provision, and the pupil's and parents' views.

    ``pupil`` is the plan's pupil; ``plan`` the plan being edited, or for a new plan the pupil's latest one,
    whose content is carried forward as a starting point (``carry_forward=True``).
    """

    start_date = forms.DateField(label="Plan starts", widget=DateInput())
    review_date = forms.DateField(
        label="Review by", widget=DateInput(), help_text="When the plan is next reviewed; usually within a term."
    )
    outcomes = forms.CharField(
        label="Outcomes sought",
        widget=_text(4, "What we want the pupil to achieve by the review, in words the pupil understands."),
        help_text="One outcome a line: each is rated at every review.",
        error_messages={"required": "Say what the plan is for: the outcomes sought."},
    )
    strategies = forms.CharField(
        label="Strategies in class", required=False, widget=_text(4, "How teachers adapt everyday lessons.")
    )
    parent_views = forms.CharField(label="What parents and carers said", required=False, widget=_text(3))

    def __init__(
        self, *args, pupil: Pupil, plan: SupportPlan | None = None, carry_forward: bool = False, **kwargs
    ) -> None:
        super().__init__(*args, **kwargs)
        self.pupil = pupil
        source = plan
        existing_needs = dict(source.needs) if source else {}
        # The four broad areas always; "Other" only when a plan already records it, so nothing is dropped.
        self.areas = list(plans.PLAN_AREAS) + ([NeedArea.OTHER] if NeedArea.OTHER in existing_needs else [])
        for area in self.areas:
            label = reference.AREA_LABELS[area]
            self.fields[f"area_{area}"] = forms.BooleanField(label=label, required=False)
            self.fields[f"need_{area}"] = forms.CharField(
                label=f"{label}: what the need is", required=False, widget=_text(3)
            )
        linked = list(source.interventions.values_list("pk", flat=True)) if source else []
        self.fields["interventions"] = LinkedProvisionField(
            queryset=plans.placement_choices(pupil, also=linked),
            required=False,
            label="Also link earlier groups (optional)",
            help_text="The plan lists every group the pupil is in during its dates by itself; link a group here only "
            "to show one from outside them.",
        )
        for key, prompt in plans.PUPIL_VIEW_PROMPTS.items():
            self.fields[f"voice_{key}"] = forms.CharField(label=prompt, required=False, widget=_text(2))
        if not self.is_bound:
            self.initial.update(self._initial(source, linked, carry_forward))
        if plan is not None and not carry_forward:
            self.watch_for_changes(key=f"plan:{plan.pk}", baseline=self._initial(plan, linked, carry_forward=False))

    def _initial(self, source: SupportPlan | None, linked: list[int], carry_forward: bool) -> dict:
        ticked = set(plans.areas_of_recorded_need(self.pupil)) if source is None or carry_forward else set()
        initial: dict = {}
        if source is not None:
            ticked |= set(source.needs)
            initial.update(
                outcomes=source.outcomes,
                strategies=source.strategies,
                parent_views=source.parent_views,
                interventions=linked,
            )
            initial.update({f"need_{area}": text for area, text in source.needs.items()})
            initial.update({f"voice_{key}": text for key, text in plans.split_pupil_views(source.pupil_views).items()})
        if source is not None and not carry_forward:
            initial.update(start_date=source.start_date, review_date=source.review_date)
        else:
            initial["start_date"] = timezone.localdate()
        initial.update({f"area_{area}": True for area in ticked if area in self.areas})
        return initial

    @property
    def need_rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"area_{area}"], self[f"need_{area}"]) for area in self.areas]

    @property
    def voice_fields(self) -> list[forms.BoundField]:
        return [self[f"voice_{key}"] for key in plans.PUPIL_VIEW_PROMPTS]

    def clean(self) -> dict:
        data = super().clean()
        needs = {}
        for area in self.areas:
            ticked, text = data.get(f"area_{area}"), (data.get(f"need_{area}") or "").strip()
            if ticked and not text:
                self.add_error(f"need_{area}", "Describe the need in this area, or untick it.")
            elif text and not ticked:
                self.add_error(f"need_{area}", "Tick this area to include what you wrote, or clear the box.")
            elif ticked:
                needs[area] = text
        if not any(data.get(f"area_{area}") for area in self.areas):
            raise ValidationError("Tick at least one broad area of need and describe it.")
        for key in plans.PUPIL_VIEW_PROMPTS:
            text = data.get(f"voice_{key}") or ""
            if any(plans.is_pupil_view_heading(line) for line in text.splitlines()):
                self.add_error(f"voice_{key}", "Please do not start a line with one of the questions.")
        start, review = data.get("start_date"), data.get("review_date")
        if start and review and review <= start:
            self.add_error("review_date", "The review date must be after the plan starts.")
        data["needs"] = needs
        data["pupil_views"] = plans.join_pupil_views(
            {key: data.get(f"voice_{key}", "") for key in plans.PUPIL_VIEW_PROMPTS}
        )
        return data

    def service_kwargs(self) -> dict:
        """The cleaned plan as keyword arguments of ``plan_create``/``plan_update``."""
        data = self.cleaned_data
        return {
            "start_date": data["start_date"],
            "review_date": data["review_date"],
            "needs": data["needs"],
            "outcomes": data["outcomes"],
            "strategies": data["strategies"],
            "interventions": list(data["interventions"]),
            "pupil_views": data["pupil_views"],
            "parent_views": data["parent_views"],
        }


class ReviewForm(StaleFormMixin, forms.Form):
    """One step of assess, plan, do, review, with a rating of each of the plan's outcomes (one select each).

    The outcomes are the plan's as saved when the form is built; the form is opened on them (provision.concurrency),
    so a review posted after someone reworded the outcomes is shown again on the new ones rather than saved."""

    stage = forms.ChoiceField(choices=ReviewStage.choices, initial=ReviewStage.REVIEW)
    date = forms.DateField(widget=DateInput(), help_text="When it happened (today or earlier).")
    notes = forms.CharField(
        widget=_text(4, "What was assessed, planned, done or discussed."),
        error_messages={"required": "Write a note of what happened."},
    )
    progress = forms.CharField(label="Progress towards the outcomes", required=False, widget=_text(3))
    next_steps = forms.CharField(label="Next steps", required=False, widget=_text(3))
    pupil_views = forms.CharField(
        label="What the pupil said",
        required=False,
        widget=_text(3, "In their own words: how it is going, what helps, what they want next."),
    )
    parent_views = forms.CharField(label="What parents and carers said", required=False, widget=_text(3))
    next_review_date = forms.DateField(
        label="Next review by",
        required=False,
        widget=DateInput(),
        help_text="Needed after a review; it becomes the plan's review date.",
    )

    def __init__(self, *args, plan: SupportPlan, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("date", timezone.localdate())
        self.outcomes = plans.split_outcomes(plan.outcomes)
        latest = plans.latest_ratings(plan)
        choices = [("", "Choose a rating")] + list(OutcomeRating.choices)
        for number, outcome in enumerate(self.outcomes, start=1):
            name = f"rating_{plans.outcome_key(outcome)}"
            previous = latest.get(outcome)
            self.fields[name] = forms.ChoiceField(
                label=f"Outcome {number}: {outcome}",
                choices=choices,
                required=False,
                help_text=f"Last rated {previous.get_rating_display().lower()} on {previous.review.date:%d/%m/%Y}."
                if previous
                else "Not rated before.",
            )
            self.fields[name].widget.attrs["class"] = "form-select"
        self.watch_for_changes(
            key=f"plan-outcomes:{plan.pk}",
            baseline={},
            extra={"outcomes": ("Outcomes sought on the plan", plan.outcomes)},
        )

    @property
    def rating_fields(self) -> list[forms.BoundField]:
        return [self[f"rating_{plans.outcome_key(outcome)}"] for outcome in self.outcomes]

    def clean(self) -> dict:
        data = super().clean()
        if data.get("stage") == ReviewStage.REVIEW:
            for outcome in self.outcomes:
                name = f"rating_{plans.outcome_key(outcome)}"
                if not data.get(name) and name not in self.errors:
                    self.add_error(name, "Rate this outcome: a review rates every outcome of the plan.")
        return data

    def service_kwargs(self) -> dict:
        """The cleaned review as keyword arguments of ``review_add``."""
        data = self.cleaned_data
        fields = ("stage", "date", "notes", "progress", "next_steps", "pupil_views", "parent_views", "next_review_date")
        kwargs = {name: data.get(name) for name in fields}
        kwargs["ratings"] = {
            outcome: data.get(f"rating_{plans.outcome_key(outcome)}") or ""
            for outcome in self.outcomes
            if data.get(f"rating_{plans.outcome_key(outcome)}")
        }
        return kwargs


class PlanFilterForm(forms.Form):
    """The plan list's filters, read from the query string."""

    status = forms.ChoiceField(
        required=False,
        label="SEN status",
        choices=[("", "K and E")]
        + [(s.value, f"{s.label} ({s.value})") for s in (SenStatus.SUPPORT, SenStatus.EHC_PLAN)],
    )
    year = forms.TypedChoiceField(required=False, coerce=int, empty_value=None, label="Year group")
    area = forms.ChoiceField(
        required=False, label="Broad area of need", choices=[("", "All areas")] + list(NeedArea.choices)
    )
    overdue = forms.BooleanField(required=False, label="Review overdue only")
    due = forms.BooleanField(required=False, label=f"Review due in the next {plans.REVIEW_SOON_DAYS} days or overdue")

    def __init__(self, *args, school: School, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", "All years")] + [
            (value, label) for value, label in YearGroup.choices if value in school.year_groups
        ]
        for field in self.fields.values():
            if isinstance(field.widget, forms.Select):
                field.widget.attrs["class"] = "form-select"
        self.fields["overdue"].widget.attrs["class"] = "form-check-input"
        self.fields["due"].widget.attrs["class"] = "form-check-input"

    def filters(self) -> plans.PlanFilters:
        """The valid filters (invalid ones are ignored and shown as errors)."""
        data = self.cleaned_data if self.is_valid() else {}
        return plans.PlanFilters(
            status=data.get("status") or "",
            year_group=data.get("year"),
            area=data.get("area") or "",
            overdue_only=bool(data.get("overdue")),
            due_soon=bool(data.get("due")),
        )
