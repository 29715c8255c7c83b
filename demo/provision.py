"""The demo trust's provision: staff rates, training, programmes, three terms of interventions with their
placements, session logs and attendance, SEN support plans with their reviews, and progress checks.

Built on the frame (``demo.school``), the pupils (``demo.pupils``) and the assessment history
(``demo.assessments``). The stories are in ``demo.scenarios`` (one module each: what works, what did not help,
the loose ends, the plans, the tutor's week, the checks), written in the vocabulary of ``demo.build``. Each school
draws from its own random stream (``demo_rng``), so one seed and one ``today`` always give the same provision,
and the primary's does not change with the secondary's size.

Which terms: the term in progress on ``today`` (or the last one to start), the two before it, and the next one
(planned groups only). Groups in past terms start in the second or third week of term and end before that term's
test week, so the test week before the start gives the **entry** result and the term's own test week the
**exit** result, both Results of named assessments. Groups in the current term are still running (or planned, if
they have not started). Waves: wave 1 strategies for whole year groups (no placements), wave 2 small groups of
three to six pupils flagged by their results, wave 3 1:1 and pairs for pupils on the SEN register.

The results were drawn without knowing about interventions; for the groups designed to work (or to harm) the
pupils' later results in the group's subject are moved here, inside the scale, with ``typed`` rewritten as
``scales.display`` shows it. ``InterventionSummary.designs`` gives each wave 2 and 3 intervention's design, for
tests and for checking an evaluation against what was intended. Staff delivering a programme they were never
trained in, or whose training has expired, give the training warnings cases. Shared catalogue programmes are
picked by area (and a few name hints), never by exact name; when the catalogue has nothing suitable for an area,
the school gets its own programme instead.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from demo.build.everyday import everyday_teaching
from demo.build.groups import groups
from demo.build.plans import plans
from demo.build.save import save
from demo.build.staff import choose_programmes, staff_rates
from demo.build.state import Provision, load
from demo.build.summary import InterventionSummary
from demo.data.trust import PRIMARY, SECONDARY
from demo.roll import RollSummary
from demo.scenarios import everyday_teaching as wave_1
from demo.scenarios import hazel_grove, kingsmead, parents, support_plans, tutors_week
from demo.scenarios.progress_checks import checks_create, checks_delete
from demo.school import DemoFrame, demo_rng
from interventions.models import (
    Attendance,
    Intervention,
    InterventionStaff,
    Placement,
    PlanReview,
    Programme,
    Session,
    StaffRate,
    SupportPlan,
    Training,
)
from provision.models import School

SCHOOLS = {PRIMARY: hazel_grove, SECONDARY: kingsmead}


@transaction.atomic
def interventions_create(*, frame: DemoFrame, roll: RollSummary, today: dt.date) -> InterventionSummary:
    """Create both demo schools' provision (see the module docstring), then the primary's progress checks. Run
    after ``demo.assessments.assessments_create``. Bulk inserts only; the same seed and ``today`` give the same
    provision."""
    summary = InterventionSummary()
    catalogue = list(Programme.objects.filter(school__isnull=True, is_active=True).order_by("name", "pk"))
    for key in (PRIMARY, SECONDARY):
        prov = _school_provision(key, frame=frame, roll=roll, today=today, catalogue=catalogue, summary=summary)
        if key == PRIMARY:
            summary.progress = checks_create(
                school=prov.school,
                seed=frame.seed,
                today=today,
                senco=prov.senco,
                favoured=[pupil.pk for pupil in roll.parent_children],
            )
    return summary


def _school_provision(
    key: str,
    *,
    frame: DemoFrame,
    roll: RollSummary,
    today: dt.date,
    catalogue: list[Programme],
    summary: InterventionSummary,
) -> Provision:
    """One school's story: its programmes, its groups term by term, its everyday teaching, then its plans."""
    story = SCHOOLS[key]
    school_roll = roll.schools[key]
    prov = load(
        Provision(
            key=key,
            frame=frame,
            today=today,
            school=school_roll.demo_school.school,
            pupils=[pupil for pupil in school_roll.pupils if pupil.left_on is None],
            recipes=story.RECIPES,
            catalogue=catalogue,
            summary=summary,
            rng=demo_rng(frame.seed, f"interventions:{key}"),
            senco=frame.logins["senco" if key == PRIMARY else "senco2"],
            favoured=parents.favoured(roll, key),
            tutor=tutors_week.tutor(frame, key),
            tutor_leads=tutors_week.TUTOR_LEADS,
        )
    )
    staff_rates(prov, story.STAFF_RATES)
    choose_programmes(prov)
    groups(prov, story.runs(frame, roll))
    everyday_teaching(prov, this_year=wave_1.THIS_YEAR[key], last_year=wave_1.LAST_YEAR[key])
    save(prov)
    plans(prov, share=support_plans.SHARE[key], overdue_at_least=support_plans.OVERDUE_AT_LEAST)
    return prov


@transaction.atomic
def interventions_delete(*, schools: list[School]) -> None:
    """Delete these schools' provision: attendance, sessions, placements, support plans, interventions,
    training, staff rates and their own programmes, leaf tables first so that no delete has to walk a cascade
    (and a school's own programme is no longer protected by interventions that use it)."""
    checks_delete(schools=schools)
    Attendance.objects.filter(session__intervention__school__in=schools).delete()
    Session.objects.filter(intervention__school__in=schools).delete()
    PlanReview.objects.filter(plan__pupil__school__in=schools).delete()
    SupportPlan.interventions.through.objects.filter(supportplan__pupil__school__in=schools).delete()
    SupportPlan.objects.filter(pupil__school__in=schools).delete()
    Placement.objects.filter(intervention__school__in=schools).delete()
    InterventionStaff.objects.filter(intervention__school__in=schools).delete()
    Intervention.objects.filter(school__in=schools).delete()
    Training.objects.filter(school__in=schools).delete()
    StaffRate.objects.filter(school__in=schools).delete()
    Programme.objects.filter(school__in=schools).delete()
