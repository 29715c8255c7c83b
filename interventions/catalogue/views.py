"""The programme catalogue ("resource finder") and the record of which staff are trained in which programme."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from interventions.catalogue.forms import SORTS, CatalogueFilterForm, ProgrammeForm, TrainingForm, with_evidence_rank
from interventions.catalogue.training import untrained_staff
from interventions.models import EvidenceStrength, Intervention, InterventionStaff, Placement, Programme, Training
from provision.access import (
    CATALOGUE_EDITORS,
    CATALOGUE_VIEWERS,
    IMPACT_VIEWERS,
    INTERVENTION_EDITORS,
    TRAINING_EDITORS,
    TRAINING_VIEWERS,
    role_required,
)
from provision.models import Membership, School
from pupils.models import NeedArea

PAGE_SIZE = 50
# The training record lists every member of staff, so it is for the people who plan provision; teachers and
# assistants see who is trained in a programme on its catalogue page.
EXPIRY_WARNING_DAYS = 60

EVIDENCE_BADGES = {
    EvidenceStrength.STRONG: "text-bg-success",
    EvidenceStrength.MODERATE: "text-bg-primary",
    EvidenceStrength.PROMISING: "text-bg-info",
    EvidenceStrength.LIMITED: "text-bg-warning",
    EvidenceStrength.NONE: "text-bg-secondary",
}


def _optional_url(name: str, *args) -> str | None:
    """The URL called ``name``, or None while that page does not exist yet (it belongs to another area)."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def _count_subquery(queryset: QuerySet) -> Coalesce:
    """A correlated COUNT(*) of ``queryset`` (already filtered on OuterRef), 0 when there are none."""
    counted = queryset.order_by().values("programme").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def catalogue_for(school: School, today: dt.date) -> QuerySet[Programme]:
    """The shared catalogue plus ``school``'s own programmes, each annotated with ``intervention_count`` (the
    school's interventions using it), ``trained_count`` (the school's staff currently trained in it) and
    ``evidence_rank``. Subqueries rather than joins, so the counts do not multiply each other: one query."""
    used = Intervention.objects.filter(school=school, programme=OuterRef("pk"))
    trained = Training.objects.filter(school=school, programme=OuterRef("pk"), trained_on__lte=today).filter(
        Q(expires_on__isnull=True) | Q(expires_on__gte=today)
    )
    programmes = Programme.objects.for_school(school).annotate(
        intervention_count=_count_subquery(used), trained_count=_count_subquery(trained)
    )
    return with_evidence_rank(programmes)


def get_programme(request: HttpRequest, pk: int, *, editable: bool = False) -> Programme:
    """A programme the current school can see (the shared catalogue and its own), or only its own when
    ``editable``; anything else is a 404."""
    programmes = (
        Programme.objects.filter(school=request.school) if editable else Programme.objects.for_school(request.school)
    )
    try:
        return programmes.select_related("school").get(pk=pk)
    except Programme.DoesNotExist as exc:
        raise Http404("No such programme") from exc


def _sort_links(params, sort: str) -> dict[str, str]:
    """Query strings for the sortable headers: a second click reverses the order."""
    links = {}
    for key in ("name", "evidence", "used"):
        linked = params.copy()
        linked["sort"] = f"-{key}" if sort == key else key
        links[key] = "?" + linked.urlencode()
    return links


@role_required(*CATALOGUE_VIEWERS)
def catalogue(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    form = CatalogueFilterForm(request.GET or None)
    programmes = form.filter(catalogue_for(request.school, today))
    page = Paginator(programmes, PAGE_SIZE).get_page(request.GET.get("page"))
    for programme in page.object_list:
        programme.evidence_badge = EVIDENCE_BADGES.get(programme.evidence_strength, "text-bg-secondary")
        programme.evidence_short = programme.get_evidence_strength_display().split(":")[0]
    page_params = request.GET.copy()
    page_params.pop("page", None)
    params = page_params.copy()
    params.pop("sort", None)
    sort = request.GET.get("sort") if request.GET.get("sort") in SORTS else "name"
    return render(
        request,
        "interventions/catalogue.html",
        {
            "form": form,
            "page": page,
            "query_without_page": page_params.urlencode(),
            "sort": sort,
            "sort_links": _sort_links(params, sort),
            "can_edit": request.role in CATALOGUE_EDITORS,
        },
    )


def _has_finished_places(user, school: School, programme: Programme) -> bool:
    """Whether a pupil has left one of the school's groups of ``programme`` with entry and exit results, so that
    its impact page has something to judge (one query)."""
    return (
        Placement.objects.visible_to(user, school)
        .filter(intervention__programme=programme)
        .filter(Q(entry_result__isnull=False) | Q(entry_value__isnull=False))
        .filter(Q(exit_result__isnull=False) | Q(exit_value__isnull=False))
        .exists()
    )


@role_required(*CATALOGUE_VIEWERS)
def programme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    programme = get_programme(request, pk)
    school = request.school
    today = timezone.localdate()
    interventions = (
        Intervention.objects.visible_to(request.user, school)
        .filter(programme=programme)
        .select_related("lead")
        .order_by("-start_date", "name")
    )
    interventions = list(interventions)
    for intervention in interventions:
        intervention.url = _optional_url("interventions:detail", intervention.pk)
    trainings = list(
        Training.objects.filter(school=school, programme=programme)
        .select_related("user")
        .order_by("user__last_name", "user__first_name")
    )
    for training in trainings:
        training.current = training.is_current(today)
    start_url = None
    impact_url = None
    if request.role in IMPACT_VIEWERS and _has_finished_places(request.user, school, programme):
        impact_url = _optional_url("reports:impact_programme", programme.pk)
    if request.role in INTERVENTION_EDITORS and programme.is_active:
        new_url = _optional_url("interventions:intervention_new")
        start_url = f"{new_url}?programme={programme.pk}" if new_url else None
    return render(
        request,
        "interventions/programme_detail.html",
        {
            "programme": programme,
            "evidence_badge": EVIDENCE_BADGES.get(programme.evidence_strength, "text-bg-secondary"),
            "need_labels": [NeedArea(code).label for code in programme.need_areas if code in NeedArea.values],
            "interventions": interventions,
            "trainings": trainings,
            "start_url": start_url,
            "impact_url": impact_url,
            "can_edit": request.role in CATALOGUE_EDITORS and programme.school_id == school.pk,
            "can_see_training": request.role in TRAINING_VIEWERS,
        },
    )


@role_required(*CATALOGUE_EDITORS)
def programme_new(request: HttpRequest) -> HttpResponse:
    form = ProgrammeForm(request.POST or None, school=request.school)
    if request.method == "POST" and form.is_valid():
        programme = form.save()
        messages.success(request, f"{programme.name} added to your school's catalogue.")
        return redirect("interventions:programme_detail", programme.pk)
    return render(request, "interventions/programme_form.html", {"form": form, "programme": None})


@role_required(*CATALOGUE_EDITORS)
def programme_edit(request: HttpRequest, pk: int) -> HttpResponse:
    programme = get_programme(request, pk, editable=True)
    form = ProgrammeForm(request.POST or None, instance=programme, school=request.school)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, f"{programme.name} saved.")
        return redirect("interventions:programme_detail", programme.pk)
    return render(request, "interventions/programme_form.html", {"form": form, "programme": programme})


def _training_status(training: Training, today: dt.date) -> tuple[str, str]:
    """A label and badge class: current, due for renewal soon, or expired."""
    if not training.is_current(today):
        return "Expired", "text-bg-danger"
    if training.expires_on and training.expires_on <= today + dt.timedelta(days=EXPIRY_WARNING_DAYS):
        return "Renew soon", "text-bg-warning"
    return "Current", "text-bg-success"


def _training_page(request: HttpRequest, form: TrainingForm) -> HttpResponse:
    """The training record: every member of staff with their training, and the planned or running interventions
    whose staff are not trained in the programme. Five queries however many staff, records and groups."""
    school = request.school
    today = timezone.localdate()
    memberships = list(
        Membership.objects.filter(school=school)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "user__pk")
    )
    trainings = list(
        Training.objects.filter(school=school)
        .select_related("programme", "user")
        .order_by("programme__name", "trained_on")
    )
    by_user: dict[int, list[Training]] = defaultdict(list)
    by_programme: dict[int, list[Training]] = defaultdict(list)
    for training in trainings:
        training.status, training.badge = _training_status(training, today)
        by_user[training.user_id].append(training)
        by_programme[training.programme_id].append(training)
    rows = [(m.user, m.get_role_display(), by_user.pop(m.user_id, [])) for m in memberships]
    # People who have left the school keep their records (for the history), listed after current staff.
    for records in by_user.values():
        rows.append((records[0].user, None, records))

    interventions = (
        Intervention.objects.visible_to(request.user, school)
        .planned_or_running()
        .filter(programme__isnull=False)
        .select_related("programme")
        .prefetch_related(Prefetch("staff", queryset=InterventionStaff.objects.select_related("user")))
        .order_by("start_date", "name")
    )
    warnings = []
    for intervention in interventions:
        missing = untrained_staff(
            intervention=intervention, today=today, trainings=by_programme.get(intervention.programme_id, [])
        )
        if missing:
            url = _optional_url("interventions:detail", intervention.pk)
            warnings.append((intervention, url, missing))
    return render(
        request,
        "interventions/training.html",
        {
            "rows": rows,
            "warnings": warnings,
            "form": form,
            "can_edit": request.role in TRAINING_EDITORS,
            "training_count": len(trainings),
        },
    )


@role_required(*TRAINING_VIEWERS)
def training(request: HttpRequest) -> HttpResponse:
    form = TrainingForm(school=request.school, today=timezone.localdate())
    return _training_page(request, form)


@role_required(*TRAINING_EDITORS)
@require_POST
def training_add(request: HttpRequest) -> HttpResponse:
    form = TrainingForm(request.POST, school=request.school, today=timezone.localdate())
    if not form.is_valid():
        # Show the page again with what was typed and the reasons, so it can be corrected.
        return _training_page(request, form)
    record, created = form.save()
    who = record.user.get_full_name() or record.user.username
    verb = "recorded" if created else "updated"
    messages.success(request, f"{who}'s training in {record.programme.name} {verb}.")
    return redirect("interventions:training")


@role_required(*TRAINING_EDITORS)
@require_POST
def training_delete(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        record = Training.objects.select_related("user", "programme").get(pk=pk, school=request.school)
    except Training.DoesNotExist as exc:
        raise Http404("No such training record") from exc
    record.delete()
    who = record.user.get_full_name() or record.user.username
    messages.success(request, f"{who}'s training in {record.programme.name} removed.")
    return redirect("interventions:training")
