"""Writes to the school frame that touch several rows."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from .models import AcademicYear, School, Term, TermName


@transaction.atomic
def academic_year_create(*, school: School, start_year: int, terms: dict[str, tuple[dt.date, dt.date]]) -> AcademicYear:
    """Create an academic year and its three terms. ``terms`` maps "autumn"/"spring"/"summer" to (start, end)."""
    year = AcademicYear(
        school=school,
        start_year=start_year,
        start_date=terms[TermName.AUTUMN][0],
        end_date=terms[TermName.SUMMER][1],
    )
    year.full_clean()
    year.save()
    for name in TermName:
        start, end = terms[name.value]
        term = Term(academic_year=year, name=name.value, start_date=start, end_date=end)
        term.full_clean()
        term.save()
    return year
