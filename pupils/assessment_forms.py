"""Forms for a school's subjects, scales and assessments."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from provision.models import School, Term

from . import scales
from .models import Assessment, Scale, ScaleKind, Subject, YearGroup


class SubjectForm(forms.ModelForm):
    class Meta:
        model = Subject
        fields = ["name"]

    def __init__(self, *args, school: School, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.instance.school = school

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        clash = Subject.objects.filter(school=self.instance.school, name__iexact=name).exclude(pk=self.instance.pk)
        if clash.exists():
            raise ValidationError(f"There is already a subject called {name}.")
        return name


class ScaleForm(forms.ModelForm):
    """A scale with its thresholds; bands (for teacher-assessment scales) one per line, lowest first."""

    bands = forms.CharField(
        required=False,
        widget=forms.Textarea(
            attrs={"rows": 4, "placeholder": "Working towards | WTS\nExpected | EXS\nGreater depth | GDS"}
        ),
        help_text="Band scales only: one band per line from lowest to highest, optionally 'Label | CODE'.",
    )
    expected_band = forms.CharField(required=False, help_text="Band scales: the band that is the expected standard.")
    high_band = forms.CharField(required=False, help_text="Band scales: the band that is the high standard.")

    class Meta:
        model = Scale
        fields = ["name", "kind", "min_value", "max_value", "expected", "high", "drop_concern", "age_tolerance_months"]
        help_texts = {
            "min_value": "Lowest value accepted (for age scales, in months: 36 is 3:00).",
            "max_value": "Highest value accepted (raw scores: the marks available).",
            "expected": "The expected standard on the scale (not used for age scales: chronological age is).",
        }

    def __init__(self, *args, school: School, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.instance.school = school
        if self.instance.pk and self.instance.kind == ScaleKind.BANDS:
            bands = list(self.instance.bands.all())
            self.initial["bands"] = "\n".join(f"{b.label} | {b.code}" if b.code else b.label for b in bands)
            by_rank = {b.rank: b.label for b in bands}
            self.initial["expected_band"] = by_rank.get(int(self.instance.expected or 0), "")
            self.initial["high_band"] = by_rank.get(int(self.instance.high or 0), "")
        if self.instance.pk and self.instance.assessments.exists():
            self.fields["kind"].disabled = True
            self.fields["kind"].help_text = "Results have been recorded on this scale, so its kind cannot change."

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if Scale.objects.filter(school=self.instance.school, name__iexact=name).exclude(pk=self.instance.pk).exists():
            raise ValidationError(f"There is already a scale called {name}.")
        return name

    def clean(self) -> dict:
        data = super().clean()
        kind = data.get("kind")
        self.parsed_bands: list[tuple[str, str]] = []
        if kind == ScaleKind.BANDS:
            for line in (data.get("bands") or "").splitlines():
                if not line.strip():
                    continue
                label, _, code = line.partition("|")
                self.parsed_bands.append((" ".join(label.split()), code.strip()[:10]))
            problems = scales.validate_bands([label for label, _ in self.parsed_bands])
            existing = self.instance.bands.count() if self.instance.pk else 0
            count_changed = existing and len(self.parsed_bands) != existing
            if count_changed and self.instance.assessments.filter(results__isnull=False).exists():
                problems.append(
                    "Results are recorded on this scale: you can rename its bands but not add or remove them."
                )
            if problems:
                self.add_error("bands", problems)
                return data
            labels = [label.casefold() for label, _ in self.parsed_bands]
            for field, target in (("expected_band", "expected"), ("high_band", "high")):
                wanted = (data.get(field) or "").strip().casefold()
                if not wanted:
                    data[target] = None
                    continue
                codes = [code.casefold() for _, code in self.parsed_bands]
                if wanted in labels:
                    data[target] = float(labels.index(wanted) + 1)
                elif wanted in codes:
                    data[target] = float(codes.index(wanted) + 1)
                else:
                    self.add_error(field, "That is not one of the bands above.")
            data["min_value"] = data["max_value"] = None
            spec = scales.ScaleSpec(
                kind=kind, expected=data.get("expected"), high=data.get("high"), bands=tuple(labels)
            )
            for problem in scales.validate_spec(spec):
                self.add_error(None, problem)
            self.instance.expected, self.instance.high = data.get("expected"), data.get("high")
        return data


class AssessmentForm(forms.ModelForm):
    """An assessment point. A term may be given instead of a date: the date is then the term's last day."""

    year_groups = forms.TypedMultipleChoiceField(
        coerce=int, required=False, widget=forms.CheckboxSelectMultiple, help_text="Leave all unticked for every year."
    )
    term = forms.ModelChoiceField(queryset=Term.objects.none(), required=False)

    class Meta:
        model = Assessment
        fields = ["name", "subject", "scale", "taken_on", "term", "year_groups"]
        widgets = {"taken_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
        labels = {"taken_on": "Date"}

    def __init__(self, *args, school: School, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.instance.school = school
        self.school = school
        self.fields["subject"].queryset = Subject.objects.filter(school=school)
        self.fields["scale"].queryset = Scale.objects.filter(school=school)
        self.fields["term"].queryset = Term.objects.for_school(school).select_related("academic_year")
        self.fields["taken_on"].required = False
        self.fields["year_groups"].choices = [(v, label) for v, label in YearGroup.choices if v in school.year_groups]
        if self.instance.pk and self.instance.results.exists():
            self.fields["scale"].disabled = True
            self.fields["scale"].help_text = "Results have been recorded, so the scale cannot change."

    def clean(self) -> dict:
        data = super().clean()
        taken_on, term = data.get("taken_on"), data.get("term")
        if not taken_on and not term:
            self.add_error("taken_on", "Give the date of the assessment, or the term it belongs to.")
        elif not taken_on:
            data["taken_on"] = term.end_date
        elif term and not term.contains(taken_on):
            self.add_error("term", f"{taken_on:%d/%m/%Y} is not in {term}.")
        elif not term:
            data["term"] = (
                Term.objects.for_school(self.school).filter(start_date__lte=taken_on, end_date__gte=taken_on).first()
            )
        self.instance.taken_on = data.get("taken_on")
        self.instance.term = data.get("term")
        return data

    def clean_year_groups(self) -> list[int]:
        return sorted(set(self.cleaned_data["year_groups"]))
