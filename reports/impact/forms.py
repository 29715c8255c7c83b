"""The impact pages' filters, read from the query string: the period (one menu, ``?period=term-<id>``/``year-<id>``/
``12m``, or ``?term=<id>``/``?year=<id>``) and the subject."""

from __future__ import annotations

from django import forms
from django.http import Http404

from provision.models import Term
from provision.params import int_param
from pupils.models import Subject
from reports.maps.build import Period, period_for_term, period_for_year

LAST_12_MONTHS = "12m"  # the menu's value for "the last 12 months"


class ImpactFilterForm(forms.Form):
    period = forms.CharField(required=False)
    term = forms.CharField(required=False)
    year = forms.CharField(required=False)
    subject = forms.CharField(required=False)

    def _asked(self, kind: str) -> tuple[bool, int | None]:
        """Whether a ``kind`` (term or year) was asked for, and its id (None when it is not a number)."""
        menu_kind, _sep, value = self.data.get("period", "").partition("-")
        raw = value if menu_kind == kind and value else self.data.get(kind, "")
        return bool(raw), int_param(raw)

    def asked_period(self, terms: list[Term]) -> tuple[Period, Term | None, object] | None:
        """(period, term, academic year) the reader chose, or None when they chose none (or "the last 12 months").
        An id that is not one of the school's is a 404."""
        asked, term_id = self._asked("term")
        if asked:
            term = next((t for t in terms if t.pk == term_id), None)
            if term is None:
                raise Http404("No such term")
            return period_for_term(term), term, term.academic_year
        asked, year_id = self._asked("year")
        if asked:
            year = {term.academic_year_id: term.academic_year for term in terms}.get(year_id)
            if year is None:
                raise Http404("No such academic year")
            return period_for_year(year), None, year
        return None

    @property
    def last_twelve_months(self) -> bool:
        return self.data.get("period") == LAST_12_MONTHS

    def subject_of(self, subjects: list[Subject]) -> Subject | None:
        wanted = int_param(self.data.get("subject"))
        return next((s for s in subjects if s.pk == wanted), None)
