from __future__ import annotations

from django import forms
from django.db.models import Q

from provision.concurrency import StaleFormMixin
from provision.models import School

from .models import NeedArea, Pupil, SenStatus, TeachingGroup, YearGroup, need_choices_grouped
from .reference import NEED_TYPES, normalise_upn

YES_NO = [("", "Any"), ("yes", "Yes"), ("no", "No")]
SEN_STATUSES_ON_REGISTER = [
    (SenStatus.SUPPORT, SenStatus.SUPPORT.label),
    (SenStatus.EHC_PLAN, SenStatus.EHC_PLAN.label),
]

SORTS = {
    "name": ("legal_last_name", "legal_first_name", "pk"),
    "-name": ("-legal_last_name", "-legal_first_name", "-pk"),
    "year": ("year_group", "legal_last_name", "legal_first_name", "pk"),
    "-year": ("-year_group", "legal_last_name", "legal_first_name", "pk"),
    "class": ("registration_group__name", "legal_last_name", "legal_first_name", "pk"),
    "-class": ("-registration_group__name", "legal_last_name", "legal_first_name", "pk"),
    "sen": ("sen_status", "legal_last_name", "legal_first_name", "pk"),
    "-sen": ("-sen_status", "legal_last_name", "legal_first_name", "pk"),
    "dob": ("date_of_birth", "pk"),
    "-dob": ("-date_of_birth", "pk"),
}


class PupilFilterForm(forms.Form):
    """The pupil list's search, filters and sort, read from the query string."""

    q = forms.CharField(required=False, label="Search", widget=forms.TextInput(attrs={"placeholder": "Name or UPN"}))
    year = forms.TypedChoiceField(required=False, coerce=int, empty_value=None, label="Year group")
    group = forms.TypedChoiceField(required=False, coerce=int, empty_value=None, label="Class")
    sen = forms.ChoiceField(
        required=False,
        label="SEN status",
        choices=[("", "Any"), ("any", "Any SEN (K or E)")] + list(SenStatus.choices),
    )
    need = forms.ChoiceField(required=False, label="Need type", choices=[("", "Any")] + need_choices_grouped())
    pp = forms.ChoiceField(required=False, label="Pupil premium", choices=YES_NO)
    eal = forms.ChoiceField(required=False, label="EAL", choices=YES_NO)
    lac = forms.ChoiceField(required=False, label="Looked after", choices=YES_NO)
    left = forms.BooleanField(required=False, label="Include pupils who have left")
    sort = forms.ChoiceField(required=False, choices=[(key, key) for key in SORTS], widget=forms.HiddenInput)

    def __init__(self, *args, school: School, groups: list[TeachingGroup], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", "Any")] + [
            (value, label) for value, label in YearGroup.choices if value in school.year_groups
        ]
        self.fields["group"].choices = [("", "Any")] + [(group.pk, group.name) for group in groups]
        for field in self.fields.values():
            if isinstance(field.widget, forms.Select):
                field.widget.attrs["class"] = "form-select"
        self.fields["q"].widget.attrs.update({"class": "form-control", "type": "search"})

    def filter(self, queryset):
        """Apply the valid filters to ``queryset``; invalid ones are ignored (and shown as errors)."""
        data = self.cleaned_data if self.is_valid() else {}
        q = (data.get("q") or "").strip()
        if q:
            for word in q.split()[:4]:
                queryset = queryset.filter(
                    Q(legal_first_name__icontains=word)
                    | Q(legal_last_name__icontains=word)
                    | Q(preferred_first_name__icontains=word)
                    | Q(preferred_last_name__icontains=word)
                    | Q(upn__iexact=word)
                )
        if data.get("year") is not None:
            queryset = queryset.filter(year_group=data["year"])
        if data.get("group") is not None:
            queryset = queryset.filter(registration_group_id=data["group"])
        sen = data.get("sen")
        if sen == "any":
            queryset = queryset.with_sen()
        elif sen:
            queryset = queryset.filter(sen_status=sen)
        need = data.get("need")
        if need:
            queryset = queryset.filter(Q(primary_need=need) | Q(secondary_need=need))
        for field, model_field in (("pp", "pupil_premium"), ("eal", "eal"), ("lac", "looked_after")):
            if data.get(field) in ("yes", "no"):
                queryset = queryset.filter(**{model_field: data[field] == "yes"})
        if not data.get("left"):
            queryset = queryset.on_roll()
        return queryset.order_by(*SORTS.get(data.get("sort") or "name", SORTS["name"]))


class SenRegisterFilterForm(forms.Form):
    """The SEN register's filters, read from the query string: a status (K or E) and a broad area of need. A value
    that is not one of the choices is ignored."""

    status = forms.ChoiceField(required=False, choices=[("", "K and E"), *SEN_STATUSES_ON_REGISTER])
    area = forms.ChoiceField(required=False, choices=[("", "All areas"), *NeedArea.choices])

    def filter(self, queryset):
        self.is_valid()  # each field that is valid filters, whatever the other holds
        data = self.cleaned_data
        if data.get("status"):
            queryset = queryset.filter(sen_status=data["status"])
        if data.get("area"):
            codes = [code for code, (_, code_area) in NEED_TYPES.items() if code_area == data["area"]]
            queryset = queryset.filter(primary_need__in=codes)
        return queryset


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class PupilForm(StaleFormMixin, forms.ModelForm):
    """Create or edit a pupil. SEN fields are editable by the SENCO only (others see them read-only)."""

    SEN_FIELDS = ("sen_status", "primary_need", "secondary_need", "sen_identified_on", "sen_review_due")

    class Meta:
        model = Pupil
        fields = [
            "upn",
            "legal_first_name",
            "legal_last_name",
            "preferred_first_name",
            "preferred_last_name",
            "date_of_birth",
            "gender",
            "year_group",
            "registration_group",
            "pupil_premium",
            "fsm",
            "eal",
            "looked_after",
            "sen_status",
            "primary_need",
            "secondary_need",
            "sen_identified_on",
            "sen_review_due",
            "admitted_on",
            "left_on",
        ]
        widgets = {
            "date_of_birth": DateInput(),
            "sen_identified_on": DateInput(),
            "sen_review_due": DateInput(),
            "admitted_on": DateInput(),
            "left_on": DateInput(),
        }

    def __init__(self, *args, school: School, can_edit_sen: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.instance.school = school
        self.fields["registration_group"].queryset = TeachingGroup.objects.filter(
            school=school, kind=TeachingGroup.Kind.REGISTRATION
        )
        self.fields["year_group"].choices = [
            (value, label) for value, label in YearGroup.choices if value in school.year_groups
        ]
        self.fields["primary_need"].choices = [("", "None recorded")] + need_choices_grouped()
        self.fields["secondary_need"].choices = [("", "None recorded")] + need_choices_grouped()
        self.fields["upn"].widget.attrs.update({"autocomplete": "off", "spellcheck": "false"})
        if not can_edit_sen:
            for name in self.SEN_FIELDS:
                self.fields[name].disabled = True
                self.fields[name].help_text = "Only the SENCO can change SEN details."
        if self.instance.pk:
            self.watch_for_changes(key=f"pupil:{self.instance.pk}")

    def clean_upn(self) -> str:
        upn = normalise_upn(self.cleaned_data["upn"])
        clash = Pupil.objects.filter(school=self.instance.school, upn=upn).exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError("Another pupil at this school already has this UPN.")
        return upn


class PupilDeleteForm(forms.Form):
    """Deleting a pupil cannot be undone: the user types the pupil's UPN and says why."""

    upn = forms.CharField(label="Type the pupil's UPN to confirm", max_length=20)
    reason = forms.CharField(label="Why", max_length=200, help_text="For example: entered twice, or never joined.")

    def __init__(self, *args, pupil, **kwargs) -> None:
        self.pupil = pupil
        super().__init__(*args, **kwargs)

    def clean_upn(self) -> str:
        typed = self.cleaned_data["upn"].strip().upper()
        if typed != self.pupil.upn:
            raise forms.ValidationError("That is not this pupil's UPN.")
        return typed


class PassportForm(StaleFormMixin, forms.Form):
    """A pupil's one-page profile: four parts in the pupil's own words, and who helped write it."""

    about_me = forms.CharField(
        label="What I want you to know about me",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": "In the pupil's own words: 'I like ...', 'I am ...'"}),
    )
    strengths = forms.CharField(label="What I'm good at", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    what_helps = forms.CharField(label="What helps me", required=False, widget=forms.Textarea(attrs={"rows": 4}))
    what_doesnt_help = forms.CharField(
        label="What doesn't help me", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    written_with = forms.CharField(
        label="Written with",
        required=False,
        max_length=200,
        help_text="Who helped the pupil write it, for example: Mrs Patel (TA) and Mum.",
    )

    def __init__(self, *args, pupil: Pupil, passport=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        current = {name: getattr(passport, name, "") for name in self.fields}
        if not self.is_bound:
            self.initial.update(current)
        self.watch_for_changes(key=f"passport:{pupil.pk}", baseline=current)

    def clean(self) -> dict:
        data = super().clean()
        parts = ("about_me", "strengths", "what_helps", "what_doesnt_help")
        if not self.errors and not any((data.get(name) or "").strip() for name in parts):
            raise forms.ValidationError("Write at least one part of the profile in the pupil's words.")
        return data
