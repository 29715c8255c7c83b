"""Forms for interventions (groups), their staff, placements and staff rates.

The forms check the shape of what was typed; the rules live in ``interventions.groups.services`` and come back as
``ValidationError``s keyed by model field, which :func:`add_service_errors` puts beside the right form field.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db.models import Case, Exists, IntegerField, OuterRef, Q, QuerySet, Value, When
from django.utils import timezone

from interventions.groups import attention as attention_flags
from interventions.groups.formatting import result_label
from interventions.groups.selectors import current_training, scale_in_use, staff_users
from interventions.groups.services import INTERVENTION_FIELDS, PlacementErrors, PupilEntry, StaffMember
from interventions.models import (
    Area,
    ExitReason,
    ExternalCosting,
    FundingSource,
    Intervention,
    InterventionStaff,
    Outcome,
    Placement,
    Programme,
    StaffRole,
    Status,
    Wave,
    Weekday,
)
from provision.concurrency import StaleFormMixin
from provision.models import School, person_name
from provision.params import int_param
from pupils import scales
from pupils.forms import DateInput
from pupils.models import Pupil, Result, Scale, Subject, YearGroup

RATING_CHOICES = [("", "Not asked"), (1, "1 (low)"), (2, "2"), (3, "3"), (4, "4"), (5, "5 (high)")]
# Shown as placeholders on the staff rates page. Round illustrative figures, not pay scales: every school
# should use its own cost of an hour of each role, with on-costs.
EXAMPLE_RATES = {
    StaffRole.TEACHER: Decimal("45.00"),
    StaffRole.HLTA: Decimal("22.00"),
    StaffRole.TA: Decimal("18.00"),
    StaffRole.EXTERNAL: Decimal("40.00"),
}


class StaffTraining:
    """Who is trained in the programme a group is planned with, for listing them first and flagging the others
    in the staff choices ("Sam Lee (not trained in Inference training)"). ``programme`` None: no flags."""

    def __init__(self, programme: Programme | None, trained: set[int]) -> None:
        self.programme = programme
        self.trained = trained

    def label(self, user) -> str:
        name = person_name(user)
        if self.programme is None or user.pk in self.trained:
            return name
        return f"{name} (not trained in {self.programme.name})"

    def ordered(self, users: QuerySet) -> QuerySet:
        if self.programme is None:
            return users
        first = Case(When(pk__in=list(self.trained), then=Value(0)), default=Value(1), output_field=IntegerField())
        return users.order_by(first, "first_name", "last_name", "pk")


NO_TRAINING = StaffTraining(None, set())


class StaffSelect(forms.Select):
    """A staff choice whose options carry the person's plain name (``data-label``), so that the planning page's
    script can flag who is not trained when the programme changes."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        instance = getattr(value, "instance", None)
        if instance is not None:
            option["attrs"]["data-label"] = person_name(instance)
            option["attrs"]["data-order"] = f"{instance.first_name} {instance.last_name} {instance.pk:09d}".casefold()
        return option


class ProgrammeSelect(forms.Select):
    """The programme choice, each option carrying its name and who is trained in it (``data-trained``: user
    ids), read by static/js/plan-group.js."""

    trained: dict[int, set[int]] = {}

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        instance = getattr(value, "instance", None)
        if instance is not None:
            option["attrs"]["data-name"] = instance.name
            option["attrs"]["data-trained"] = " ".join(str(pk) for pk in sorted(self.trained.get(instance.pk, ())))
        return option


class StaffChoiceField(forms.ModelChoiceField):
    widget = StaffSelect
    training: StaffTraining = NO_TRAINING

    def label_from_instance(self, obj) -> str:
        return self.training.label(obj)

    def flag_training(self, training: StaffTraining) -> None:
        self.training = training
        self.queryset = training.ordered(self.queryset)


def add_service_errors(form: forms.Form, error: ValidationError, mapping: Mapping[str, str | None]) -> None:
    """Put each message of a service's ``error`` beside the form field ``mapping`` names for its model field
    (at the top of the form when there is none)."""
    if not hasattr(error, "error_dict"):
        for message in error.messages:
            form.add_error(None, message)
        return
    for name, messages in error.message_dict.items():
        field = mapping.get(name, name if name in form.fields else None)
        if field is not None and field not in form.fields:
            field = None
        for message in messages:
            form.add_error(field, message)


# --- Interventions -----------------------------------------------------------------------------------


class InterventionForm(StaleFormMixin, forms.ModelForm):
    """An intervention's details. The lead is chosen with the role their time is costed at; other staff come in
    a :class:`StaffLineFormSet` beside it."""

    year_groups = forms.TypedMultipleChoiceField(
        coerce=int, required=False, widget=forms.CheckboxSelectMultiple, help_text="Leave all unticked for any year."
    )
    days = forms.TypedMultipleChoiceField(
        coerce=int, required=False, widget=forms.CheckboxSelectMultiple, choices=Weekday.choices
    )
    lead = StaffChoiceField(queryset=None, required=False, label="Lead")
    lead_role = forms.ChoiceField(
        choices=StaffRole.choices, initial=StaffRole.TA, label="Lead's role", help_text="Prices their time."
    )

    class Meta:
        model = Intervention
        fields = list(INTERVENTION_FIELDS)  # the one list of what the form may set (services)
        widgets = {
            "start_date": DateInput(),
            "end_date": DateInput(),
            "start_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "entry_criteria": forms.Textarea(attrs={"rows": 2}),
            "notes": forms.Textarea(attrs={"rows": 2}),
            "external_costing": forms.RadioSelect,
            "programme": ProgrammeSelect,
        }
        labels = {
            "area": "Subject or area of need",
            "subject": "Assessed subject",
            "need_area": "Broad area of need",
            "scale": "Scale for entry and exit",
            "minutes_per_session": "Minutes a session",
            "resources_cost": "Resources (£)",
            "external_cost": "External fee (£)",
            "external_costing": "How external staff are paid",
        }
        help_texts = {
            "end_date": "Interventions are time-limited: set when it ends and review it then.",
            "resources_cost": "Books, licences, materials for the whole run.",
            "external_cost": "An outside provider's fee or invoice for the whole run (e.g. a therapist's or a "
            "tuition partner's). Leave at 0 when external staff are costed per session.",
            "external_costing": "Choose one, so that an external specialist is never costed twice: each session at "
            "the external hourly rate (from the staff rates), or the fee above, which then covers their time.",
            "capacity": "The most pupils it takes at once.",
        }

    def __init__(self, *args, school: School, today: dt.date | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.school = school
        self.instance.school = school
        programmes = Programme.objects.for_school(school)
        current = self.instance.programme_id
        self.fields["programme"].queryset = programmes.filter(Q(is_active=True) | Q(pk=current))
        self.trained = current_training(school, today or timezone.localdate())
        self.fields["programme"].widget.trained = self.trained
        self.fields["programme"].empty_label = "None: a bespoke intervention"
        self.fields["subject"].queryset = Subject.objects.filter(school=school)
        self.fields["scale"].queryset = Scale.objects.filter(school=school)
        self.fields["lead"].queryset = staff_users(school)
        self.staff_training = self._staff_training()
        self.fields["lead"].flag_training(self.staff_training)
        self.fields["year_groups"].choices = [(v, label) for v, label in YearGroup.choices if v in school.year_groups]
        # The model only has a database constraint for these; a validator gives a message beside the field.
        for name in ("resources_cost", "external_cost"):
            self.fields[name].validators.append(MinValueValidator(Decimal("0"), "A cost cannot be negative."))
            self.fields[name].widget.attrs["min"] = "0"
        if self.instance.pk and self.instance.lead_id:
            role = next((s.role for s in self.instance.staff.all() if s.user_id == self.instance.lead_id), None)
            if role:
                self.initial.setdefault("lead_role", role)
        # A new intervention makes the choice explicit: nothing is ticked until the SENCO picks one (it is only
        # asked for when there are external staff or a fee, see ``clean``).
        self.fields["external_costing"].required = False
        self.fields["external_costing"].choices = ExternalCosting.choices
        if not self.instance.pk:
            self.initial.setdefault("external_costing", None)

        if self.instance.pk:
            # The staff lines are edited beside the form (a formset): watched as one value.
            lines = sorted(str(s) for s in self.instance.staff.all())
            self.watch_for_changes(key=f"intervention:{self.instance.pk}", extra={"staff": ("Staff", "; ".join(lines))})

    def _staff_training(self) -> StaffTraining:
        """Training in the programme shown on the form: the one posted, else the one it opens with."""
        if self.is_bound:
            chosen = self.data.get(self.add_prefix("programme"))
        else:
            chosen = self.initial.get("programme", self.instance.programme_id)
        chosen = getattr(chosen, "pk", chosen)
        try:
            programme_id = int(chosen) if chosen not in (None, "") else None
        except (TypeError, ValueError):
            programme_id = None
        programme = self.fields["programme"].queryset.filter(pk=programme_id).first() if programme_id else None
        return StaffTraining(programme, self.trained.get(programme_id, set()) if programme else set())

    def clean_external_costing(self) -> str:
        return self.cleaned_data.get("external_costing") or ""

    def require_external_costing(self, staff_lines: Sequence[StaffMember]) -> bool:
        """With external staff on the form or an external fee, say how they are paid. Returns False (with the error
        beside the field) when the choice is missing; otherwise fills the default for groups that need none."""
        if not hasattr(self, "cleaned_data"):
            return False
        chosen = self.cleaned_data.get("external_costing")
        external = any(member.role == StaffRole.EXTERNAL for member in staff_lines)
        if not chosen:
            if external or (self.cleaned_data.get("external_cost") or 0) > 0:
                self.add_error(
                    "external_costing",
                    "Say how the external staff are paid: per session at the external hourly rate, or by the fee.",
                )
                return False
            self.cleaned_data["external_costing"] = ExternalCosting.SESSION
        return True

    def clean_scale(self) -> Scale | None:
        scale = self.cleaned_data.get("scale")
        before = self.instance.scale_id if self.instance.pk else None
        if before and (scale.pk if scale else None) != before and scale_in_use(self.instance):
            raise ValidationError(
                "Pupils' baselines, targets or exit results are recorded on the current scale, so it cannot "
                "change: their numbers would be read on the wrong scale."
            )
        return scale

    def fields_for_service(self) -> dict[str, object]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}

    def lead_member(self) -> StaffMember | None:
        lead = self.cleaned_data.get("lead")
        return StaffMember(role=self.cleaned_data["lead_role"], user=lead) if lead else None


class StaffLineForm(forms.Form):
    """Another member of staff (or an external tutor) delivering the intervention."""

    user = StaffChoiceField(queryset=None, required=False, label="Member of staff")
    external_name = forms.CharField(required=False, max_length=120, label="or external tutor's name")
    role = forms.ChoiceField(choices=StaffRole.choices, initial=StaffRole.TA)

    def __init__(self, *args, school: School, training: StaffTraining = NO_TRAINING, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = staff_users(school)
        self.fields["user"].flag_training(training)

    def clean(self) -> dict:
        data = super().clean()
        if data.get("user") and (data.get("external_name") or "").strip():
            self.add_error("external_name", "Choose a member of staff or type an external name, not both.")
        return data

    def member(self) -> StaffMember | None:
        data = getattr(self, "cleaned_data", {})
        if not data.get("user") and not (data.get("external_name") or "").strip():
            return None
        return StaffMember(role=data["role"], user=data.get("user"), external_name=data.get("external_name") or "")


StaffLineFormSet = forms.formset_factory(StaffLineForm, extra=2, max_num=12)


def staff_formset(
    data, *, school: School, intervention: Intervention | None, training: StaffTraining = NO_TRAINING
) -> forms.BaseFormSet:
    """The staff lines other than the lead, prefilled from an existing intervention; with ``training`` (the
    form's ``staff_training``), trained staff first and the others flagged."""
    initial = []
    if intervention is not None and intervention.pk:
        initial = [
            {"user": s.user_id, "external_name": s.external_name, "role": s.role}
            for s in intervention.staff.all()
            if not (s.user_id and s.user_id == intervention.lead_id)
        ]
    return StaffLineFormSet(data, initial=initial, prefix="staff", form_kwargs={"school": school, "training": training})


class StatusForm(forms.Form):
    action = forms.ChoiceField(
        choices=[("start", "Start"), ("complete", "Complete"), ("stop", "Stop"), ("reopen", "Reopen")]
    )
    reason = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}), label="Why is it stopping?")


class InterventionFilterForm(forms.Form):
    """The intervention list's filters, read from the query string."""

    status = forms.ChoiceField(required=False, choices=[("", "Any"), ("active", "Planned or running")] + Status.choices)
    wave = forms.TypedChoiceField(required=False, coerce=int, empty_value=None, choices=[("", "Any")] + Wave.choices)
    area = forms.ChoiceField(required=False, label="Area", choices=[("", "Any")] + Area.choices)
    subject = forms.TypedChoiceField(required=False, coerce=int, empty_value=None, label="Assessed subject")
    year = forms.TypedChoiceField(required=False, coerce=int, empty_value=None, label="Year group")
    staff = forms.TypedChoiceField(required=False, coerce=int, empty_value=None, label="Staff member")
    funding = forms.ChoiceField(required=False, label="Funding", choices=[("", "Any")] + FundingSource.choices)
    attention = forms.BooleanField(required=False, label="Needs attention only")
    flag = forms.ChoiceField(
        required=False,
        label="Needs",
        choices=[("", "Anything")] + [(flag.key, flag.list_label) for flag in attention_flags.FLAGS.values()],
    )

    def __init__(self, *args, school: School, subjects: Sequence[Subject], staff: Sequence, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["subject"].choices = [("", "Any")] + [(s.pk, s.name) for s in subjects]
        self.fields["year"].choices = [("", "Any")] + [
            (v, lbl) for v, lbl in YearGroup.choices if v in school.year_groups
        ]
        self.fields["staff"].choices = [("", "Anyone")] + [(u.pk, person_name(u)) for u in staff]
        for field in self.fields.values():
            if isinstance(field.widget, forms.Select):
                field.widget.attrs["class"] = "form-select"

    @property
    def data_or_empty(self) -> dict:
        return self.cleaned_data if self.is_valid() else {}

    def filter(self, interventions: QuerySet[Intervention], *, today: dt.date) -> QuerySet[Intervention]:
        """Apply the valid filters to ``interventions`` (``groups.selectors.interventions_for_list``); invalid ones
        are ignored (and shown as errors). One query more for a year group, none otherwise."""
        data = self.data_or_empty
        if data.get("status") == "active":
            interventions = interventions.planned_or_running()
        elif data.get("status"):
            interventions = interventions.filter(status=data["status"])
        for name, field in (
            ("wave", "wave"),
            ("area", "area"),
            ("subject", "subject_id"),
            ("funding", "funding_source"),
        ):
            if data.get(name) not in (None, ""):
                interventions = interventions.filter(**{field: data[name]})
        if data.get("staff") is not None:
            on_staff = InterventionStaff.objects.filter(intervention=OuterRef("pk"), user_id=data["staff"])
            interventions = interventions.filter(Q(lead_id=data["staff"]) | Q(Exists(on_staff)))
        if data.get("year") is not None:
            # Year groups are a JSON list, which SQLite cannot search inside: pick the ids here (one query).
            matching = [
                pk for pk, years in interventions.values_list("pk", "year_groups") if data["year"] in (years or [])
            ]
            interventions = interventions.filter(pk__in=matching)
        if data.get("attention"):
            interventions = interventions.filter(attention_flags.needs_attention_q(today))
        if data.get("flag"):
            # The same queryset the SENCO's home counts (interventions.groups.attention).
            interventions = attention_flags.flagged(interventions, data["flag"], today)
        return interventions


# --- Placements --------------------------------------------------------------------------------------

# Model field (as services name it) -> the form field its message belongs beside.
ENTRY_FIELDS: dict[str, str | None] = {
    "entry_result": "baseline_result",
    "entry_value": "baseline_result",
    "entry_typed": "baseline_typed",
    "target_value": "target_typed",
    "pupil": None,
}
EXIT_FIELDS: dict[str, str | None] = {
    "exit_result": "exit_result",
    "exit_value": "exit_result",
    "exit_typed": "exit_typed",
    "pupil": None,
}


class _ResultChoiceMixin:
    def _results_field(self, name: str, results: Sequence[Result], initial_newest: bool) -> None:
        self.results = {r.pk: r for r in results}
        empty = "No result: type one below" if results else "No results to pick from: type one below"
        self.fields[name].choices = [("", empty)] + [(r.pk, result_label(r)) for r in results]
        if initial_newest and results and name not in self.initial:
            self.initial[name] = results[0].pk

    def _picked(self, name: str) -> Result | None:
        return self.results.get(self.cleaned_data.get(name))


class PlacementEntryForm(_ResultChoiceMixin, forms.Form):
    """What is recorded as a pupil joins: a baseline (a result, or typed on the intervention's scale), the
    school's target for them, their own target in their words and their self-rating."""

    baseline_result = forms.TypedChoiceField(required=False, coerce=int, empty_value=None, label="Baseline")
    baseline_typed = forms.CharField(required=False, max_length=60, label="or type a baseline")
    # Two targets, named so that each says what it is: what the pupil should be able to do, and the result on
    # the group's scale that shows it (the number the exit result is compared with).
    target = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), label="Target, in words",
        help_text="What they should be able to do, e.g. read 90 words a minute.",
    )  # fmt: skip
    target_typed = forms.CharField(
        required=False, max_length=60, label="Target result", help_text="On the group's scale, e.g. 95."
    )
    pupil_target = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), label="The pupil's own target"
    )
    entry_rating = forms.TypedChoiceField(
        required=False, coerce=int, empty_value=None, choices=RATING_CHOICES, label="Self-rating (1-5)",
        help_text="How confident the pupil feels, in their own rating.",
    )  # fmt: skip

    def __init__(self, *args, pupil: Pupil, results: Sequence[Result], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.pupil = pupil
        self._results_field("baseline_result", results, initial_newest=True)

    def clean(self) -> dict:
        data = super().clean()
        if data.get("baseline_result") and (data.get("baseline_typed") or "").strip():
            self.add_error("baseline_typed", "Pick a result or type a value, not both.")
        return data

    def entry(self) -> PupilEntry:
        data = self.cleaned_data
        return PupilEntry(
            pupil=self.pupil,
            entry_result=self._picked("baseline_result"),
            entry_typed=data.get("baseline_typed") or "",
            target=data.get("target") or "",
            target_typed=data.get("target_typed") or "",
            pupil_target=data.get("pupil_target") or "",
            entry_rating=data.get("entry_rating"),
        )


class PupilRowForm(PlacementEntryForm):
    """One pupil's row on the add-pupils form (prefixed with the pupil's id); untick to leave them out."""

    include = forms.BooleanField(required=False, initial=True, label="Add")

    def clean(self) -> dict:
        if not self.cleaned_data.get("include"):
            return self.cleaned_data  # left out: nothing of theirs is saved, so nothing to check
        return super().clean()


class EntryDateForm(forms.Form):
    entry_date = forms.DateField(widget=DateInput(), label="Joining on")


def add_placement_errors(rows: Sequence[PupilRowForm], exc: PlacementErrors) -> None:
    """Put each pupil's problems from ``services.placements_add`` beside the fields of their row."""
    by_pupil = {row.pupil.pk: row for row in rows}
    for pupil_pk, fields in exc.problems.items():
        row = by_pupil[pupil_pk]
        for name, field_messages in fields.items():
            field = ENTRY_FIELDS.get(name, name if name in row.fields else None)
            for message in field_messages:
                row.add_error(field, message)


class PupilPickForm(forms.Form):
    """Step one of adding pupils: the year group (by default the group's; ``all`` for every year) and a search
    by name, read from the query string."""

    year = forms.CharField(required=False)
    q = forms.CharField(required=False)

    def __init__(self, *args, intervention: Intervention, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.intervention = intervention

    @property
    def data_or_empty(self) -> dict:
        return self.cleaned_data if self.is_valid() else {}

    def filter(self, pupils: QuerySet[Pupil], *, limit: int = 500) -> list[Pupil]:
        """The first ``limit`` of ``pupils`` that match, by year and name."""
        data = self.data_or_empty
        year_param = data.get("year") or ""
        year = int_param(year_param)
        if year is not None:
            pupils = pupils.filter(year_group=year)
        elif year_param != "all" and self.intervention.year_groups:
            pupils = pupils.filter(year_group__in=self.intervention.year_groups)
        for word in (data.get("q") or "").split()[:4]:
            pupils = pupils.filter(
                Q(legal_first_name__icontains=word)
                | Q(legal_last_name__icontains=word)
                | Q(preferred_first_name__icontains=word)
                | Q(preferred_last_name__icontains=word)
            )
        return list(pupils.order_by("year_group", "legal_last_name", "legal_first_name")[:limit])


class PlacementEditForm(StaleFormMixin, PlacementEntryForm):
    entry_date = forms.DateField(widget=DateInput(), label="Joined on")
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))

    field_order = ["entry_date", "baseline_result", "baseline_typed", "target", "target_typed", "pupil_target"]

    def __init__(
        self, *args, placement: Placement, results: Sequence[Result], spec: scales.ScaleSpec | None, **kwargs
    ) -> None:
        initial = {
            "entry_date": placement.entry_date,
            "baseline_result": placement.entry_result_id,
            "baseline_typed": "" if placement.entry_result_id else placement.entry_typed,
            "target": placement.target,
            "target_typed": scales.display(spec, placement.target_value) if spec else "",
            "pupil_target": placement.pupil_target,
            "entry_rating": placement.entry_rating,
            "notes": placement.notes,
        }
        super().__init__(*args, pupil=placement.pupil, results=results, initial=initial, **kwargs)
        self.watch_for_changes(key=f"placement:{placement.pk}", baseline=initial)

    def service_kwargs(self) -> dict[str, object]:
        """The placement_update arguments (the entry's fields, without the pupil)."""
        entry = self.entry()
        return {
            "entry_date": self.cleaned_data["entry_date"],
            "entry_result": entry.entry_result,
            "entry_typed": entry.entry_typed,
            "target": entry.target,
            "target_typed": entry.target_typed,
            "pupil_target": entry.pupil_target,
            "entry_rating": entry.entry_rating,
            "notes": self.cleaned_data.get("notes") or "",
        }


class PlacementExitForm(_ResultChoiceMixin, forms.Form):
    """What is recorded as a pupil leaves."""

    exit_date = forms.DateField(widget=DateInput(), label="Left on")
    exit_reason = forms.ChoiceField(choices=[("", "Choose a reason")] + ExitReason.choices, label="Why they left")
    exit_result = forms.TypedChoiceField(required=False, coerce=int, empty_value=None, label="Exit result")
    exit_typed = forms.CharField(required=False, max_length=60, label="or type an exit result")
    exit_rating = forms.TypedChoiceField(
        required=False, coerce=int, empty_value=None, choices=RATING_CHOICES, label="Self-rating at exit (1-5)"
    )
    outcome = forms.ChoiceField(required=False, choices=[("", "Not judged yet")] + Outcome.choices, label="Target")
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, placement: Placement, results: Sequence[Result], today: dt.date, **kwargs) -> None:
        after_entry = [r for r in results if r.assessment.taken_on >= placement.entry_date]
        if placement.exit_date:
            initial = {
                "exit_date": placement.exit_date,
                "exit_reason": placement.exit_reason,
                "exit_result": placement.exit_result_id,
                "exit_typed": "" if placement.exit_result_id else placement.exit_typed,
                "exit_rating": placement.exit_rating,
                "outcome": placement.outcome,
                "notes": placement.notes,
            }
        else:
            initial = {
                "exit_date": max(today, placement.entry_date),
                "exit_result": after_entry[0].pk if after_entry else None,
                "notes": placement.notes,
            }
        super().__init__(*args, initial=initial, **kwargs)
        self.pupil = placement.pupil
        self._results_field("exit_result", results, initial_newest=False)

    def clean(self) -> dict:
        data = super().clean()
        if data.get("exit_result") and (data.get("exit_typed") or "").strip():
            self.add_error("exit_typed", "Pick a result or type a value, not both.")
        return data

    def service_kwargs(self) -> dict[str, object]:
        data = self.cleaned_data
        return {
            "exit_date": data["exit_date"],
            "exit_reason": data["exit_reason"],
            "exit_result": self._picked("exit_result"),
            "exit_typed": data.get("exit_typed") or "",
            "exit_rating": data.get("exit_rating"),
            "outcome": data.get("outcome") or "",
            "notes": data.get("notes") or "",
        }


# --- Staff rates -------------------------------------------------------------------------------------


class StaffRatesForm(forms.Form):
    """An hourly rate for each staff role; blank removes it."""

    def __init__(self, *args, rates: Mapping[str, Decimal], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for role in StaffRole:
            self.fields[role.value] = forms.DecimalField(
                required=False,
                min_value=Decimal("0"),
                max_digits=7,
                decimal_places=2,
                label=f"{role.label} (£ an hour)",
                initial=rates.get(role.value),
                widget=forms.NumberInput(attrs={"step": "0.01", "placeholder": f"e.g. {EXAMPLE_RATES[role]}"}),
            )

    def rates(self) -> dict[str, Decimal | None]:
        return {role.value: self.cleaned_data.get(role.value) for role in StaffRole}
