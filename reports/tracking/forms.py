"""The tracking pages' filters, read from the query string; each form filters its own queryset of pupils (as
``pupils.forms.PupilFilterForm`` does). A value that is not one of a field's choices is ignored on its own: the
other filters still apply."""

from __future__ import annotations

from django import forms
from django.http import QueryDict

from provision.params import int_param
from pupils.models import Gender, Subject
from reports.tracking.selectors import PupilFlags

YES_NO = [("", "Any"), ("yes", "Yes"), ("no", "No")]
_AS_BOOL = {"yes": True, "no": False}
# The group of "who needs support" a page lists, with its tab's words.
GROUPS = {"support": "Need support", "more_able": "More able, slipping", "no_recent": "No recent result"}


class IdField(forms.Field):
    """An id or year group from the query string (``provision.params.int_param``): None when missing or not a whole
    number."""

    def to_python(self, value):
        return int_param(value)


class PupilFlagsForm(forms.Form):
    """Pupil premium, SEN, EAL and gender, shared by the tracking pages (the template ``reports/_flag_filters.html``
    draws them), and the subject shown."""

    FLAGS = ("pp", "sen", "eal", "gender")

    pp = forms.ChoiceField(required=False, choices=YES_NO)
    sen = forms.ChoiceField(required=False, choices=YES_NO)
    eal = forms.ChoiceField(required=False, choices=YES_NO)
    gender = forms.ChoiceField(required=False, choices=[("", "Any"), *Gender.choices])
    subject = IdField(required=False)

    def value(self, name: str):
        """The field's cleaned value, or None when it is missing or not valid (that filter alone is ignored)."""
        self.is_valid()
        return self.cleaned_data.get(name)

    def flags(self, year_group: int | None = None) -> PupilFlags:
        return PupilFlags(
            pupil_premium=_AS_BOOL.get(self.value("pp") or ""),
            eal=_AS_BOOL.get(self.value("eal") or ""),
            sen=_AS_BOOL.get(self.value("sen") or ""),
            gender=self.value("gender") or None,
            year_group=year_group,
        )

    def filter(self, pupils):
        """``pupils`` with the flags applied."""
        return self.flags().apply(pupils)

    def shown(self) -> dict[str, str]:
        """The flags as typed, for the template to keep them selected."""
        return {name: self.data.get(name, "") for name in self.FLAGS}


class TrackingFilterForm(PupilFlagsForm):
    """The tracking grid: a class (``group``) or a year group, in one subject."""

    group = IdField(required=False)
    year = IdField(required=False)


class IdentificationFilterForm(PupilFlagsForm):
    """Who needs support: which list (``group``), whether only pupils with no current support, and whom to show
    (year group and the flags). The rules run over the whole roll; this form only chooses the rows shown."""

    group = forms.ChoiceField(required=False, choices=[(key, key) for key in GROUPS])
    support = forms.CharField(required=False)
    year = IdField(required=False)

    @property
    def group_shown(self) -> str:
        return self.value("group") or "support"

    @property
    def unsupported(self) -> bool:
        """Only the pupils flagged with no current support (``?support=none``, on the "Need support" list)."""
        return self.group_shown == "support" and self.data.get("support") == "none"

    def is_narrowed(self) -> bool:
        """Whether any filter of whom to show was given (a value not understood counts: it still asks)."""
        return any(self.data.get(name) for name in self.FLAGS) or self.value("year") is not None

    def filter(self, pupils):
        pupils = super().filter(pupils)
        year = self.value("year")
        return pupils if year is None else pupils.filter(year_group=year)

    def subject_of(self, subjects: list[Subject], counts: dict[int, int]) -> Subject | None:
        """The subject asked for; else the first with pupils listed; else the first."""
        wanted = self.value("subject")
        chosen = next((s for s in subjects if s.pk == wanted), None)
        return chosen or next((s for s in subjects if counts.get(s.pk)), subjects[0] if subjects else None)

    def query_without(self, *names: str) -> str:
        params = self.data.copy() if isinstance(self.data, QueryDict) else QueryDict(mutable=True)
        for name in names:
            params.pop(name, None)
        return params.urlencode()


def picked_assessments(query: QueryDict) -> dict[tuple[int, int], int]:
    """The assessments the reader picked on the disadvantage gap: ``?a_<year group>_<subject id>=<assessment id>``.
    Anything malformed is ignored (the default stands); a pick that is not one of that row's assessments is ignored
    by the gap."""
    picked = {}
    for key, value in query.items():
        parts = key.split("_") if key.startswith("a_") else []
        if len(parts) == 3:
            try:
                picked[(int(parts[1]), int(parts[2]))] = int(value)
            except ValueError:
                continue
    return picked
