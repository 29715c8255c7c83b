"""Forms for the programme catalogue (search and filters, a school's own programmes) and staff training."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

from interventions.models import Area, Delivery, EvidenceStrength, KeyStage, Programme, Training, Wave
from provision.models import School
from pupils.models import NeedArea

# Strongest first: the order the evidence filter ("at least ...") and the evidence sort use.
EVIDENCE_ORDER = [
    EvidenceStrength.STRONG,
    EvidenceStrength.MODERATE,
    EvidenceStrength.PROMISING,
    EvidenceStrength.LIMITED,
    EvidenceStrength.NONE,
]
EVIDENCE_RANK = {strength.value: len(EVIDENCE_ORDER) - i for i, strength in enumerate(EVIDENCE_ORDER)}

SORTS = {
    "name": ("name", "pk"),
    "-name": ("-name", "-pk"),
    "evidence": ("-evidence_rank", "name", "pk"),
    "-evidence": ("evidence_rank", "name", "pk"),
    "used": ("-intervention_count", "name", "pk"),
    "-used": ("intervention_count", "name", "pk"),
}

OWNER_CHOICES = [("", "Shared and our own"), ("shared", "Shared catalogue only"), ("own", "Our own only")]


def _any(choices) -> list[tuple[str, str]]:
    return [("", "Any")] + [(str(value), label) for value, label in choices]


def json_list_contains(field: str, value: str, longest: int) -> Q:
    """Rows whose JSON list ``field`` holds ``value``. JSON ``contains`` is not available on SQLite, so this
    compares each position up to ``longest`` (the lists hold distinct choice codes, so they are short)."""
    condition = Q()
    for index in range(longest):
        condition |= Q(**{f"{field}__{index}": value})
    return condition


def with_evidence_rank(programmes: QuerySet[Programme]) -> QuerySet[Programme]:
    """Annotate ``evidence_rank`` (5 strong ... 1 not evaluated) for sorting and "at least" filtering."""
    return programmes.annotate(
        evidence_rank=Case(
            *[When(evidence_strength=value, then=Value(rank)) for value, rank in EVIDENCE_RANK.items()],
            default=Value(0),
            output_field=IntegerField(),
        )
    )


class CatalogueFilterForm(forms.Form):
    """The catalogue's search, filters and sort, read from the query string."""

    q = forms.CharField(
        required=False, label="Search", widget=forms.TextInput(attrs={"placeholder": "Name or description"})
    )
    area = forms.ChoiceField(required=False, label="Subject or need", choices=_any(Area.choices))
    key_stage = forms.ChoiceField(required=False, label="Key stage", choices=_any(KeyStage.choices))
    need = forms.ChoiceField(
        required=False,
        label="Area of need",
        choices=_any([(c.value, c.label) for c in NeedArea if c != NeedArea.OTHER]),
    )
    wave = forms.TypedChoiceField(
        required=False, label="Wave", coerce=int, empty_value=None, choices=_any(Wave.choices)
    )
    evidence = forms.ChoiceField(
        required=False,
        label="Evidence at least",
        choices=[("", "Any")] + [(s.value, s.label.split(":")[0]) for s in EVIDENCE_ORDER[:-1]],
    )
    delivery = forms.ChoiceField(required=False, label="Delivery", choices=_any(Delivery.choices))
    owner = forms.ChoiceField(required=False, label="Whose", choices=OWNER_CHOICES)
    retired = forms.BooleanField(required=False, label="Include programmes no longer offered")
    sort = forms.ChoiceField(required=False, choices=[(key, key) for key in SORTS], widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field.widget, forms.Select):
                field.widget.attrs["class"] = "form-select"
        self.fields["q"].widget.attrs.update({"class": "form-control", "type": "search"})

    def filter(self, programmes: QuerySet[Programme]) -> QuerySet[Programme]:
        """Apply the valid filters and the sort to ``programmes`` (annotated with ``evidence_rank`` and
        ``intervention_count``). Invalid values are ignored."""
        data = self.cleaned_data if self.is_valid() else {}
        for word in (data.get("q") or "").split()[:5]:
            programmes = programmes.filter(Q(name__icontains=word) | Q(summary__icontains=word))
        if data.get("area"):
            programmes = programmes.filter(area=data["area"])
        if data.get("key_stage"):
            programmes = programmes.filter(json_list_contains("key_stages", data["key_stage"], len(KeyStage)))
        if data.get("need"):
            programmes = programmes.filter(json_list_contains("need_areas", data["need"], len(NeedArea)))
        if data.get("wave") is not None:
            programmes = programmes.filter(wave=data["wave"])
        if data.get("evidence"):
            programmes = programmes.filter(evidence_rank__gte=EVIDENCE_RANK[data["evidence"]])
        if data.get("delivery"):
            programmes = programmes.filter(delivery=data["delivery"])
        if data.get("owner") == "shared":
            programmes = programmes.filter(school__isnull=True)
        elif data.get("owner") == "own":
            programmes = programmes.filter(school__isnull=False)
        if not data.get("retired"):
            programmes = programmes.filter(is_active=True)
        return programmes.order_by(*SORTS.get(data.get("sort") or "name", SORTS["name"]))


class ProgrammeForm(forms.ModelForm):
    """A school's own (or bespoke) programme. Shared catalogue programmes are never edited through this."""

    key_stages = forms.MultipleChoiceField(
        required=False, choices=KeyStage.choices, widget=forms.CheckboxSelectMultiple, label="Key stages"
    )
    need_areas = forms.MultipleChoiceField(
        required=False,
        choices=[(c.value, c.label) for c in NeedArea if c != NeedArea.OTHER],
        widget=forms.CheckboxSelectMultiple,
        label="Areas of need",
    )
    group_size_min = forms.IntegerField(label="Smallest group", min_value=1, max_value=60, initial=1)
    group_size_max = forms.IntegerField(label="Largest group", min_value=1, max_value=60, initial=6)
    sessions_per_week = forms.IntegerField(min_value=1, max_value=10, initial=3)
    minutes_per_session = forms.IntegerField(min_value=5, max_value=240, initial=30)
    weeks = forms.IntegerField(
        label="Length in weeks", required=False, min_value=1, max_value=52, help_text="Leave empty if open-ended."
    )
    link = forms.URLField(required=False, assume_scheme="https", help_text="The programme's public web page.")

    class Meta:
        model = Programme
        fields = [
            "name",
            "area",
            "key_stages",
            "need_areas",
            "wave",
            "delivery",
            "group_size_min",
            "group_size_max",
            "sessions_per_week",
            "minutes_per_session",
            "weeks",
            "delivered_by",
            "summary",
            "evidence_strength",
            "evidence_summary",
            "cost_notes",
            "link",
            "is_active",
        ]
        labels = {"is_active": "Offered at this school", "delivered_by": "Usually delivered by"}
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 3}),
            "evidence_summary": forms.Textarea(attrs={"rows": 3}),
            "cost_notes": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, school: School, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.instance.school = school

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        same_name = Programme.objects.filter(name__iexact=name).exclude(pk=self.instance.pk)
        if same_name.filter(school__isnull=True).exists():
            raise ValidationError(
                f"{name} is already in the shared catalogue. Use that entry, or give yours a different name."
            )
        if same_name.filter(school=self.instance.school).exists():
            raise ValidationError(f"Your school already has a programme called {name}.")
        return name

    def clean_key_stages(self) -> list[str]:
        chosen = set(self.cleaned_data["key_stages"])
        return [value for value in KeyStage.values if value in chosen]

    def clean_need_areas(self) -> list[str]:
        chosen = set(self.cleaned_data["need_areas"])
        return [value for value in NeedArea.values if value in chosen]

    def clean(self) -> dict:
        data = super().clean()
        smallest, largest = data.get("group_size_min"), data.get("group_size_max")
        if smallest is not None and largest is not None and smallest > largest:
            self.add_error("group_size_max", "The largest group cannot be smaller than the smallest group.")
        return data


def _staff_label(user) -> str:
    name = user.get_full_name()
    return f"{name} ({user.username})" if name else user.username


class TrainingForm(forms.Form):
    """Record that a member of this school's staff is trained to deliver a programme. Recording the same person
    and programme again updates the dates (a renewal) rather than adding a second record."""

    user = forms.ModelChoiceField(queryset=get_user_model().objects.none(), label="Member of staff")
    programme = forms.ModelChoiceField(queryset=Programme.objects.none())
    trained_on = forms.DateField(label="Trained on", widget=forms.DateInput(attrs={"type": "date"}))
    expires_on = forms.DateField(
        label="Renew by",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Leave empty if the training does not expire.",
    )
    notes = forms.CharField(required=False, max_length=200)

    def __init__(self, *args, school: School, today: dt.date, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.school = school
        self.today = today
        self.fields["user"].queryset = (
            get_user_model().objects.filter(memberships__school=school).order_by("last_name", "first_name", "pk")
        )
        self.fields["user"].label_from_instance = _staff_label
        self.fields["programme"].queryset = Programme.objects.for_school(school).filter(is_active=True)

    def clean_trained_on(self) -> dt.date:
        trained_on = self.cleaned_data["trained_on"]
        if trained_on > self.today:
            raise ValidationError("Training can only be recorded once it has happened.")
        return trained_on

    def clean(self) -> dict:
        data = super().clean()
        trained_on, expires_on = data.get("trained_on"), data.get("expires_on")
        if trained_on and expires_on and expires_on <= trained_on:
            self.add_error("expires_on", "The renewal date must come after the training date.")
        return data

    @transaction.atomic
    def save(self) -> tuple[Training, bool]:
        """Create or update the training record; returns it and whether it is new."""
        data = self.cleaned_data
        return Training.objects.update_or_create(
            school=self.school,
            user=data["user"],
            programme=data["programme"],
            defaults={"trained_on": data["trained_on"], "expires_on": data["expires_on"], "notes": data["notes"]},
        )
