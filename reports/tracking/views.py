"""Views of assessment data: who needs support, tracking grids, one pupil's progress, the disadvantage gap.

Each view reads its filters with a form (``reports.tracking.forms``) and has its page assembled by
``reports.tracking.build`` from the reads in ``reports.tracking.selectors``."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from interventions.models import Programme
from provision.access import (
    IDENTIFICATION_VIEWERS,
    INTERVENTION_EDITORS,
    TRACKING_VIEWERS,
    can_see_results,
    role_required,
)
from provision.models import Role, School
from pupils import identification as ident
from pupils.models import YearGroup
from pupils.selectors import get_pupil_for_user
from reports.tracking import build
from reports.tracking.forms import GROUPS, IdentificationFilterForm, TrackingFilterForm, picked_assessments


@role_required(*IDENTIFICATION_VIEWERS)
def identification(request: HttpRequest) -> HttpResponse:
    """The pupils whose recent results give a reason for concern, and why: one subject at a time (tabs show
    every subject's count), 100 pupils a page, so that a large secondary's list stays quick to read and load.

    Every assessment of the subject since the start of the recent window counts, each on its own scale
    (``pupils.identification``); pupils whose results are all older are listed under "No recent result". The
    rules run over the whole roll, so the filters (year group, pupil premium, SEN, EAL, gender) choose whom to
    show without changing the year group medians the rules compare with."""
    school = request.school
    context = build.identification_page(
        request.user,
        school,
        IdentificationFilterForm(request.GET),
        today=timezone.localdate(),
        page_number=request.GET.get("page"),
        can_place=request.role in INTERVENTION_EDITORS,
    )
    programmes = Programme.objects.for_school(school).filter(is_active=True) if context["can_place"] else []
    return render(
        request,
        "reports/identification.html",
        {
            **context,
            "programmes": programmes,
            "years": [(y, YearGroup(y).label) for y in school.year_groups],
            "groups": GROUPS,
            "reason_labels": ident.REASON_LABELS,
            "recent_terms": school.recent_terms,
            "term_choices": RECENT_TERM_CHOICES,
        },
    )


RECENT_TERM_CHOICES = [(1, "This term only"), (2, "This term and last term"), (3, "The last three terms")] + [
    (n, f"The last {n} terms") for n in range(4, 7)
]


@require_POST
@role_required(*IDENTIFICATION_VIEWERS)
def identification_window(request: HttpRequest) -> HttpResponse:
    """Set how many terms of results count as recent for the school (the current term and those before it).
    ``was`` is the setting the form showed: if someone changed it meanwhile, nothing is saved and they are told."""
    school = request.school
    back = reverse("reports:identification")
    try:
        terms, was = int(request.POST.get("terms", "")), int(request.POST.get("was", ""))
    except ValueError:
        messages.error(request, "Choose how many terms of results count as recent.")
        return redirect(back)
    if terms not in dict(RECENT_TERM_CHOICES):
        messages.error(request, "Choose between 1 and 6 terms.")
        return redirect(back)
    with transaction.atomic():
        # Two leaders saving at once: the second sees the first's choice rather than silently replacing it.
        locked = School.objects.select_for_update().get(pk=school.pk)
        if locked.recent_terms != was:
            messages.warning(
                request,
                f"Someone changed the setting meanwhile to {locked.recent_terms} term(s): it was left as it is.",
            )
            return redirect(back)
        locked.recent_terms = terms
        locked.full_clean()
        locked.save(update_fields=["recent_terms"])
    messages.success(
        request, f"Who needs support now looks at results from {dict(RECENT_TERM_CHOICES)[terms].lower()}."
    )
    return redirect(back)


@role_required(*TRACKING_VIEWERS)
def tracking(request: HttpRequest) -> HttpResponse:
    """A class or year group's results in one subject, coloured against the expected and high standards. A
    teacher tracks their own classes only."""
    school, teacher = request.school, request.role == Role.TEACHER
    form = TrackingFilterForm(request.GET)
    try:
        context = build.tracking_grid(request.user, school, form, own_classes=teacher, today=timezone.localdate())
    except LookupError:
        raise Http404("No such class") from None
    years = [] if teacher else [(y, YearGroup(y).label) for y in school.year_groups]
    return render(request, "reports/tracking.html", {**context, "years": years})


@role_required(*TRACKING_VIEWERS)
def pupil_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """One pupil's results over time, a chart and a table per subject. The tracking rule (``can_see_results``):
    the SENCO and leaders see any pupil of their school, a teacher the pupils of their own classes (another
    class's pupil is a 404, as a pupil of another school is)."""
    pupil = get_pupil_for_user(request, pk, TRACKING_VIEWERS)
    if not can_see_results(request, pupil):
        raise Http404("No such pupil")
    sections = build.progress_sections(request.user, request.school, pupil)
    return render(
        request,
        "reports/pupil_progress.html",
        {"pupil": pupil, "sections": sections, "today": timezone.localdate()},
    )


@role_required(*IDENTIFICATION_VIEWERS)
def disadvantage_gap(request: HttpRequest) -> HttpResponse:
    """Pupil premium pupils against the others, per year group and subject, on one named assessment each: the
    reader picks it; by default the most informative of the latest half term (``pupils.identification``)."""
    picked = picked_assessments(request.GET)
    rows = build.gap_rows(request.user, request.school, picked)
    return render(
        request,
        "reports/disadvantage_gap.html",
        {"rows": rows, "today": timezone.localdate(), "picked": bool(picked)},
    )
