from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError

from .concurrency import StaleFormMixin
from .models import AcademicYear, Closure, School, Term, TermName


class AcademicYearForm(forms.Form):
    """An academic year with its three terms' dates, entered together as a school would."""

    start_year = forms.IntegerField(min_value=2000, max_value=2100, label="Academic year starting in")
    autumn_start = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    autumn_end = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    spring_start = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    spring_end = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    summer_start = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    summer_end = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, school, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.school = school

    def clean_start_year(self) -> int:
        year = self.cleaned_data["start_year"]
        if AcademicYear.objects.filter(school=self.school, start_year=year).exists():
            raise ValidationError(f"{year}/{(year + 1) % 100:02d} already exists for this school.")
        return year

    def clean(self) -> dict:
        data = super().clean()
        previous_end: dt.date | None = None
        for name in TermName:
            start, end = data.get(f"{name.value}_start"), data.get(f"{name.value}_end")
            if start is None or end is None:
                continue
            if start >= end:
                self.add_error(f"{name.value}_end", f"{name.label} term must end after it starts.")
            if previous_end and start <= previous_end:
                self.add_error(f"{name.value}_start", f"{name.label} term must start after the previous term ends.")
            previous_end = end
        year = data.get("start_year")
        autumn = data.get("autumn_start")
        if year and autumn and not (dt.date(year, 8, 1) <= autumn <= dt.date(year, 9, 30)):
            self.add_error(
                "autumn_start", f"Autumn term of {year}/{(year + 1) % 100:02d} starts in August or September {year}."
            )
        return data


class TermForm(forms.ModelForm):
    class Meta:
        model = Term
        fields = ["start_date", "end_date"]
        widgets = {
            "start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "end_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end:
            siblings = Term.objects.filter(academic_year=self.instance.academic_year).exclude(pk=self.instance.pk)
            for other in siblings:
                if start <= other.end_date and other.start_date <= end:
                    raise ValidationError(f"These dates overlap {other}.")
            if self.instance.pk:
                outside = [c for c in self.instance.closures.all() if c.start_date < start or c.end_date > end]
                if outside:
                    names = "; ".join(str(c) for c in outside)
                    raise ValidationError(
                        f"The term would no longer hold its closures: {names}. Move or delete them first."
                    )
        return data


class ClosureForm(StaleFormMixin, forms.ModelForm):
    """A day or days inside a term when the school is shut. Validation (inside the term, first day on or before
    the last, no overlap with another closure of the term) is the model's (``Closure.clean``)."""

    class Meta:
        model = Closure
        fields = ["kind", "name", "start_date", "end_date"]
        widgets = {
            "start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "end_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, term: Term, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.instance.term = term
        self.fields["kind"].label = "Kind of closure"
        self.fields["end_date"].required = False
        for name in ("start_date", "end_date"):
            self.fields[name].widget.attrs.update(min=term.start_date.isoformat(), max=term.end_date.isoformat())
        if self.instance.pk:
            self.watch_for_changes(key=f"closure:{self.instance.pk}")

    def clean_end_date(self):
        """A blank last day is a single day's closure."""
        return self.cleaned_data.get("end_date") or self.cleaned_data.get("start_date")


class SchoolSettingsForm(forms.ModelForm):
    """The school's security and records-management rules."""

    class Meta:
        model = School
        fields = ["two_factor_required", "retention_basis", "retention_years"]


class AuditLogForm(forms.Form):
    """The date range of the school's audit log to download."""

    start = forms.DateField(label="From", widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label="To", widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            raise forms.ValidationError("The end date must be on or after the start date.")
        if start and end and (end - start).days > 3660:
            raise forms.ValidationError("Choose at most ten years at a time.")
        return data
