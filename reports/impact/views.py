"""Impact pages: is each intervention working, for whom, and at what cost.

- the overview: every group and programme of the period with its verdict;
- one intervention: each pupil's entry, exit and gain, the group's figures beside similar pupils who had no
  intervention, whether the progress lasted, the cost per pupil and per month gained;
- one programme: its groups across terms, pooled into one verdict;
- "pupils, not programmes": pupils who have had several interventions in a subject without a lasting gain.

The numbers come from ``reports.impact.evaluation`` (pure, over DataFrames) fed by ``reports.impact.school_figures``
(a constant number of queries, each read through ``visible_to`` with ``FIGURES_SCOPE``); the pages are assembled in
``reports.impact.build``; the verdict rules and their thresholds live in ``evaluation.THRESHOLDS`` and
are printed on every page that shows a verdict. Readers: SENCO, senior leaders and the school admin
(``provision.access.IMPACT_VIEWERS``), for their current school only.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from interventions.models import Programme
from provision import figures
from provision.access import IMPACT_VIEWERS, can_see_costs, role_required
from provision.calendar import terms_in_order
from provision.models import School, Term
from pupils.models import Subject
from reports.formatting import as_number
from reports.impact import build, evaluation, school_figures, selectors
from reports.impact.forms import LAST_12_MONTHS, ImpactFilterForm
from reports.impact.stats import TOOLKIT_MONTHS
from reports.maps.build import Period


def impact_period(
    user, form: ImpactFilterForm, terms: list[Term], today: dt.date, school: School | None = None
) -> tuple[Period | None, Term | None, Any, str]:
    """(period, term, academic year, note): the one the reader chose (``ImpactFilterForm``; an id that is not one of
    the school's is a 404), or "the last 12 months", or the default (``build.default_period``: the current academic
    year when some of its groups have finished, else the last 12 months or the last year with finished groups,
    saying so)."""
    asked = form.asked_period(terms)
    if asked is not None:
        return (*asked, "")
    if not terms:
        return None, None, None, ""
    if form.last_twelve_months or school is None:
        return build.last_twelve_months(today), None, None, ""
    return build.default_period(user, school, terms, today)


@role_required(*IMPACT_VIEWERS)
def impact_overview(request: HttpRequest) -> HttpResponse:
    """Every intervention and programme that ran in the period, with its verdict and recommendation."""
    school, today, form = request.school, timezone.localdate(), ImpactFilterForm(request.GET)
    terms = list(terms_in_order(school))
    period, term, year, period_note = impact_period(request.user, form, terms, today, school)
    subjects = list(Subject.objects.filter(school=school))
    subject = form.subject_of(subjects)
    show_costs = can_see_costs(request.user, school)
    # The tables' cache key: the school's figures token with what the tables depend on.
    tables_key = (period.start, period.end) if period else (None, None)
    tables_key += (subject.pk if subject else None, show_costs, timezone.localdate())
    context = {
        **build.overview(request.user, school, period, subject, show_costs),
        "period": period,
        "period_note": period_note,
        "last_12_months": LAST_12_MONTHS,
        "terms": terms,
        "term": term,
        "year": year if term is None else None,
        "academic_years": list({t.academic_year_id: t.academic_year for t in terms}.values()),
        "subjects": subjects,
        "subject": subject,
        "min_pupils": evaluation.THRESHOLDS.min_pupils,
        "min_comparison": evaluation.THRESHOLDS.min_comparison,
        "thresholds": evaluation.thresholds_text(evaluation.THRESHOLDS),
        "show_costs": show_costs,
        "tables_key": figures.fragment_key("impact-overview-tables", school, tables_key),
    }
    return render(request, "reports/impact_overview.html", context)


@role_required(*IMPACT_VIEWERS)
def impact_intervention(request: HttpRequest, pk: int) -> HttpResponse:
    """One group's impact: each pupil, the group's figures, the comparison, the verdict and why."""
    intervention = get_object_or_404(selectors.interventions_for_impact(request.user, request.school), pk=pk)
    show_costs = can_see_costs(request.user, request.school)
    context = build.intervention_page(request.user, request.school, intervention, show_costs)
    return render(
        request,
        "reports/impact_intervention.html",
        {
            **context,
            "intervention": intervention,
            "thresholds": evaluation.thresholds_text(evaluation.THRESHOLDS),
            "show_costs": show_costs,
        },
    )


@role_required(*IMPACT_VIEWERS)
def impact_programme(request: HttpRequest, pk: int) -> HttpResponse:
    """A programme across every group that ran it at this school, pooled into one verdict."""
    school = request.school
    programme = get_object_or_404(Programme.objects.for_school(school), pk=pk)
    interventions = selectors.programme_groups(request.user, school, programme)
    if not interventions:
        raise Http404("This school has not run that programme.")
    show_costs = can_see_costs(request.user, request.school)
    result = school_figures.evaluate_school(
        request.user, schools=school, intervention_ids=[i.pk for i in interventions]
    )
    by_id = {i.pk: i for i in interventions}
    groups = build.sorted_groups(
        [build.group_row(r, by_id.get(r["intervention_id"]), show_costs) for r in build.records(result.groups)]
    )
    pooled = [r for r in build.records(result.programmes) if r.get("programme_id") == programme.pk]
    summary = build.group_row(pooled[0], None, show_costs) if pooled else None
    if summary:
        summary["n_groups"] = int(as_number(pooled[0].get("n_groups")) or 0)
        summary["n_groups_compared"] = int(as_number(pooled[0].get("n_groups_compared")) or 0)
        build.name_assessments([summary], school)
    return render(
        request,
        "reports/impact_programme.html",
        {
            "programme": programme,
            "groups": groups,
            "summary": summary,
            "thresholds": evaluation.thresholds_text(evaluation.THRESHOLDS),
            "show_costs": show_costs,
        },
    )


@role_required(*IMPACT_VIEWERS)
def impact_rethink(request: HttpRequest) -> HttpResponse:
    """Pupils who have had several interventions in one subject without a gain that lasted: their support needs
    rethinking (and perhaps an SEN assessment), not another group."""
    return render(
        request,
        "reports/impact_rethink.html",
        {
            "rows": build.rethink_rows(request.user, request.school),
            "minimum": evaluation.THRESHOLDS.rethink_min_interventions,
        },
    )


def impact_method(request: HttpRequest) -> HttpResponse:
    """How impact is judged, in plain English for SENCOs and governors: what g, the interval and months mean, why
    a comparison is needed, and every rule with its thresholds. Public: it holds no school's data, and governors
    reading the report may have no account."""
    t = evaluation.THRESHOLDS
    months = [(f"{float(lower):.2f}", months) for lower, months in sorted(TOOLKIT_MONTHS, key=lambda row: row[1])]
    return render(
        request,
        "reports/impact_method.html",
        {
            "t": t,
            "thresholds": evaluation.thresholds_text(t),
            "verdicts": [
                (key, label, _VERDICT_MEANING[key], evaluation.RECOMMENDATIONS[_VERDICT_ADVICE[key]])
                for key, label in evaluation.VERDICTS.items()
            ],
            "months": months,
            "population_sd": [(evaluation.KIND_WORDS.get(k, k), f"{v:g}") for k, v in t.population_sd.items()],
        },
    )


_VERDICT_MEANING = {
    "strong": "The whole 95% interval is above zero and the effect is large enough to matter (g of 0.4 or more, "
    "about five months' extra progress). Only possible with a comparison.",
    "some": "The whole 95% interval is above zero: the pupils did better than similar pupils without it.",
    "promising": "The estimate is large enough to be worth having (g of 0.2 or more) but the interval still "
    "includes zero: it could be chance.",
    "inconclusive": "The interval includes both no effect and a worthwhile one: the data cannot tell yet.",
    "none": "The interval rules out an effect large enough to be worth having (its upper end is below g = 0.2).",
    "negative": "The whole 95% interval is below zero: the pupils did worse than similar pupils without it.",
    "too_little": "Too few pupils with entry and exit results, or too few similar pupils to compare with.",
}
_VERDICT_ADVICE = {
    "strong": "continue",
    "some": "continue",
    "promising": "measure",
    "inconclusive": "measure",
    "none": "review",
    "negative": "review",
    "too_little": "measure",
}
