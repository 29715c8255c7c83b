"""The programme catalogue ("resource finder") and the record of which staff are trained in which programme."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from interventions.catalogue import selectors
from interventions.catalogue.forms import SORTS, CatalogueFilterForm, ProgrammeForm, TrainingForm
from interventions.models import EvidenceStrength, Training
from provision.access import (
    CATALOGUE_EDITORS,
    CATALOGUE_VIEWERS,
    IMPACT_VIEWERS,
    INTERVENTION_EDITORS,
    TRAINING_EDITORS,
    TRAINING_VIEWERS,
    role_required,
)
from provision.models import person_name
from pupils.models import NeedArea

PAGE_SIZE = 50
# The training record lists every member of staff, so it is for the people who plan provision; teachers and
# assistants see who is trained in a programme on its catalogue page.

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
    programmes = form.filter(selectors.catalogue_for(request.school, today))
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


@role_required(*CATALOGUE_VIEWERS)
def programme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    school = request.school
    programme = selectors.programme_for(school, pk)
    interventions = selectors.programme_groups(programme, user=request.user, school=school)
    for intervention in interventions:
        intervention.url = _optional_url("interventions:detail", intervention.pk)
    impact_url = None
    if request.role in IMPACT_VIEWERS and selectors.has_finished_places(programme, user=request.user, school=school):
        impact_url = _optional_url("reports:impact_programme", programme.pk)
    start_url = None
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
            "trainings": selectors.programme_trainings(programme, school=school, today=timezone.localdate()),
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
    programme = selectors.programme_for(request.school, pk, editable=True)
    form = ProgrammeForm(request.POST or None, instance=programme, school=request.school)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, f"{programme.name} saved.")
        return redirect("interventions:programme_detail", programme.pk)
    return render(request, "interventions/programme_form.html", {"form": form, "programme": programme})


def _training_page(request: HttpRequest, form: TrainingForm) -> HttpResponse:
    """The training record: every member of staff with their training, and the planned or running interventions
    whose staff are not trained in the programme. Five queries however many staff, records and groups."""
    school, today = request.school, timezone.localdate()
    rows, by_programme, training_count = selectors.training_record(school, today)
    untrained = selectors.untrained_groups(by_programme, user=request.user, school=school, today=today)
    return render(
        request,
        "interventions/training.html",
        {
            "rows": rows,
            "warnings": [
                (intervention, _optional_url("interventions:detail", intervention.pk), missing)
                for intervention, missing in untrained
            ],
            "form": form,
            "can_edit": request.role in TRAINING_EDITORS,
            "training_count": training_count,
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
    who = person_name(record.user)
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
    who = person_name(record.user)
    messages.success(request, f"{who}'s training in {record.programme.name} removed.")
    return redirect("interventions:training")
