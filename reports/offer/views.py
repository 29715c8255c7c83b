"""The support offer for parents: the SENCO previews and publishes it, staff read its history, and anyone (no
sign-in) reads the school's latest publication on its public page."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from interventions.models import Intervention, InterventionStaff
from provision.access import role_required, schools_for
from provision.calendar import terms_in_order
from provision.models import Membership, Role, School, Term
from reports.maps.build import build_map, period_for_term
from reports.models import PublishedOffer
from reports.offer.build import PUBLIC_MIN_COUNT, offer_content

OFFER_PUBLISHERS = (Role.SENCO,)
OFFER_READERS = (Role.SENCO, Role.LEADER)
# Year groups first (they carry the counts), then the same provision by area of need.
OFFER_VIEWS = ("year", "need")


class PublishForm(forms.Form):
    term = forms.ModelChoiceField(queryset=Term.objects.none(), empty_label=None, label="Term")
    introduction = forms.CharField(
        label="A few words to parents",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Shown above the offer. Use plain words. Do not name pupils.",
    )

    def __init__(self, *args, school: School, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["term"].queryset = terms_in_order(school)


def _staff_names(school: School) -> list[str]:
    """Every name of the school's staff and external tutors, so that an intervention called after its tutor is
    shown without the name even when the tutor is not on the map's staff list. Three queries."""
    names: list[str] = []
    for first, last in Membership.objects.filter(school=school).values_list("user__first_name", "user__last_name"):
        names += [first, last]
    names += (
        InterventionStaff.objects.filter(intervention__school=school)
        .exclude(external_name="")
        .values_list("external_name", flat=True)
    )
    for first, last in (
        Intervention.objects.filter(school=school, lead__isnull=False)
        .values_list("lead__first_name", "lead__last_name")
        .distinct()
    ):
        names += [first, last]
    return [name for name in names if name]


def offer_for(user, school: School, term: Term) -> dict:
    """The offer as it would be published for ``term``: the year-group and area-of-need maps (as ``user``, the
    SENCO publishing it, reads them), in plain words."""
    period = period_for_term(term)
    maps = [build_map(user=user, school=school, period=period, view=view) for view in OFFER_VIEWS]
    return offer_content(maps, min_count=PUBLIC_MIN_COUNT, extra_names=_staff_names(school))


@role_required(*OFFER_PUBLISHERS)
def offer_publish(request: HttpRequest) -> HttpResponse:
    """Preview the offer for a term (default: the current one) and publish it as a dated snapshot."""
    school = request.school
    terms = list(terms_in_order(school))
    history = PublishedOffer.objects.filter(school=school).select_related("published_by")
    if not terms:
        return render(request, "reports/offer_publish.html", {"terms": [], "history": history})
    if request.method == "POST":
        form = PublishForm(request.POST, school=school)
        if form.is_valid():
            term = form.cleaned_data["term"]
            offer = PublishedOffer(
                school=school,
                period_label=str(term),
                published_by=request.user,
                introduction=form.cleaned_data["introduction"].strip(),
                content=offer_for(request.user, school, term),
            )
            offer.full_clean()
            offer.save()
            messages.success(request, f"The support offer for {term} is published. Parents now see this version.")
            return redirect(f"{reverse('reports:offer_publish')}?term={term.pk}")
        term = form.cleaned_data.get("term") or Term.objects.current_for(school, timezone.localdate())
    else:
        term = _chosen_term(request, terms) or Term.objects.current_for(school, timezone.localdate())
        latest = history.first()
        form = PublishForm(school=school, initial={"term": term, "introduction": latest.introduction if latest else ""})
    context = {
        "form": form,
        "terms": terms,
        "term": term,
        "content": offer_for(request.user, school, term),
        "history": history,
        "public_url": reverse("reports:offer_public", args=[school.urn]),
        "min_count": PUBLIC_MIN_COUNT,
    }
    return render(request, "reports/offer_publish.html", context)


def _chosen_term(request: HttpRequest, terms: list[Term]) -> Term | None:
    wanted = request.GET.get("term", "")
    return next((term for term in terms if str(term.pk) == wanted), None)


@role_required(*OFFER_READERS)
def offer_history(request: HttpRequest) -> HttpResponse:
    history = PublishedOffer.objects.filter(school=request.school).select_related("published_by")
    return render(
        request,
        "reports/offer_history.html",
        {"history": history, "public_url": reverse("reports:offer_public", args=[request.school.urn])},
    )


@role_required(*OFFER_READERS)
def offer_version(request: HttpRequest, pk: int) -> HttpResponse:
    """One past publication exactly as parents saw it (404 outside the user's schools)."""
    schools = schools_for(request, OFFER_READERS)
    offer = get_object_or_404(
        PublishedOffer.objects.select_related("school", "published_by"), pk=pk, school__in=schools
    )
    latest_id = PublishedOffer.objects.filter(school=offer.school).values_list("pk", flat=True).first()
    return render(request, "reports/offer_version.html", {"offer": offer, "is_latest": offer.pk == latest_id})


def offer_public(request: HttpRequest, urn: str) -> HttpResponse:
    """The school's latest published offer, for anyone: no sign-in, nothing but what was published."""
    school = School.objects.filter(urn=urn).first()
    if school is None:
        raise Http404("No school with that URN")
    offer = PublishedOffer.objects.filter(school=school).first()
    return render(request, "reports/offer_public.html", {"school": school, "offer": offer})
