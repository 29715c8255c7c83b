"""What each role sees on its home page: the reads behind ``reports.views.home``.

Each list on a home links to the page that lists exactly its items, and counts them with the same selector that
page uses (``interventions.groups.attention`` for groups, ``interventions.plans.services`` for support plans,
``reports.tracking.selectors.without_current_support`` for pupils flagged with no support), so the two numbers agree.
Every function here runs a fixed number of queries whatever the number of groups or pupils.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import Count, Max, OuterRef, Q, Subquery
from django.urls import reverse

from interventions import costing
from interventions.groups import attention
from interventions.models import Intervention, Placement, Session, Status, Wave
from interventions.plans import services as plans
from interventions.progress.selectors import off_track_at
from interventions.selectors import term_ranges
from interventions.sessions import services as logs
from provision.figures import cached_figures
from provision.models import Membership, School
from pupils.models import Assessment, DataImport, ImportStatus, Pupil, Result, SenStatus, TeachingGroup
from reports.dashboard.build import QUIET_SCHOOL_DAYS, school_days_before
from reports.tracking.selectors import identification_figures, without_current_support

ACTIVE = (Status.PLANNED, Status.RUNNING)
# The assessment points a teacher is asked about: those dated in the last six weeks or the next two.
RESULTS_BACK_DAYS = 42
RESULTS_AHEAD_DAYS = 14


# --- Tutor / TA --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Slot:
    """One planned meeting of a group this week."""

    group: Intervention
    date: dt.date
    logged: bool
    due: bool  # today or earlier: it can be logged (or edited)

    @property
    def log_url(self) -> str:
        return f"{reverse('interventions:session_log', args=[self.group.pk])}?date={self.date.isoformat()}"


@dataclass
class TutorHome:
    today: list[Slot]
    week: list[Slot]  # this week's other days, Monday first
    groups: list[Intervention]
    quiet: list[Intervention]  # running groups with no session logged for two school weeks
    off_track: list = field(default_factory=list)  # interventions.progress PlaceProgress rows


def week_of(today: dt.date) -> tuple[dt.date, dt.date]:
    monday = today - dt.timedelta(days=today.weekday())
    return monday, monday + dt.timedelta(days=4)


def tutor_home(school: School, user, today: dt.date) -> TutorHome:
    """The open groups ``user`` runs, their planned sessions this week (school days only) with whether each is
    logged, the running ones with no session for two school weeks, and their pupils who are off track.
    Eight queries."""
    monday, friday = week_of(today)
    groups = list(
        logs.run_by(Intervention.objects.for_school(school).planned_or_running(), user)
        .exclude(wave=Wave.QUALITY_FIRST)
        .annotate(last_logged=Max("sessions__date"))
        .order_by("start_time", "name")
    )
    logged = set(
        Session.objects.filter(intervention__in=groups, date__range=(monday, friday)).values_list(
            "intervention_id", "date"
        )
    )
    terms = term_ranges(school)
    today_slots, week_slots = [], []
    for group in groups:
        start, end = max(group.start_date, monday), min(group.end_date or friday, friday)
        if start > end:
            continue
        for day in costing.planned_dates(days=group.days or [], start=start, end=end, terms=terms):
            slot = Slot(group=group, date=day, logged=(group.pk, day) in logged, due=day <= today)
            (today_slots if day == today else week_slots).append(slot)
    week_slots.sort(key=lambda s: (s.date, s.group.start_time is None, s.group.start_time or dt.time(), s.group.name))
    quiet_since = school_days_before(today, terms, QUIET_SCHOOL_DAYS)
    quiet = [
        g
        for g in groups
        if g.status == Status.RUNNING
        and g.start_date < quiet_since
        and (g.last_logged is None or g.last_logged < quiet_since)
    ]
    mine = logs.run_by(Intervention.objects.for_school(school), user)
    return TutorHome(
        today=today_slots,
        week=week_slots,
        groups=groups,
        quiet=quiet,
        off_track=off_track_at(user, school, interventions=mine) if groups else [],
    )


# --- Teacher -----------------------------------------------------------------------------------------------


@dataclass
class ResultsDue:
    group: TeachingGroup
    assessments: list[tuple[Assessment, int]]  # each with how many pupils of the class have no result yet
    pupils: int

    @property
    def grid_url(self) -> str:
        query = urlencode([("group", self.group.pk)] + [("a", a.pk) for a, _missing in self.assessments])
        return f"{reverse('pupils:results_grid')}?{query}"


@dataclass
class TeacherHome:
    classes: list[TeachingGroup]
    results_due: list[ResultsDue]
    in_provision: list[Placement]  # with ``last_on``, ``last_focus``, ``last_notes`` of the group's last session


def teacher_home(school: School, user, today: dt.date) -> TeacherHome:
    """The classes ``user`` teaches; per class, the assessment points dated from six weeks ago to two weeks
    ahead that its year group sits and some of its pupils have no result for (the results grid opened on
    them); the class's pupils now in a planned or running group, each with what the group's last session
    worked on and the tutor's notes. Six queries."""
    classes = list(TeachingGroup.objects.filter(school=school, teachers=user).order_by("year_group", "name"))
    pupils = list(
        Pupil.objects.filter(school=school, registration_group__in=classes).on_roll().only("pk", "registration_group")
    )
    assessments = list(
        Assessment.objects.filter(
            school=school,
            taken_on__gte=today - dt.timedelta(days=RESULTS_BACK_DAYS),
            taken_on__lte=today + dt.timedelta(days=RESULTS_AHEAD_DAYS),
        )
        .select_related("subject")
        .order_by("taken_on", "subject__name", "name")
    )
    have = set()
    if pupils and assessments:
        have = set(
            Result.objects.filter(pupil__in=pupils, assessment__in=assessments).values_list("pupil_id", "assessment_id")
        )
    by_class: dict[int, list[int]] = defaultdict(list)
    for pupil in pupils:
        by_class[pupil.registration_group_id].append(pupil.pk)
    results_due = []
    for group in classes:
        ids = by_class.get(group.pk, [])
        sits = [a for a in assessments if group.year_group is None or a.covers_current_year(group.year_group, today)]
        missing = [(a, sum(1 for pk in ids if (pk, a.pk) not in have)) for a in sits]
        missing = [(a, n) for a, n in missing if n]
        if ids and missing:
            results_due.append(ResultsDue(group=group, assessments=missing, pupils=len(ids)))
    last = Session.objects.filter(intervention=OuterRef("intervention")).order_by("-date", "-pk")
    in_provision = list(
        Placement.objects.active()
        .filter(pupil__in=pupils, intervention__status__in=ACTIVE)
        .select_related("pupil", "pupil__registration_group", "intervention", "intervention__lead")
        .annotate(
            last_on=Subquery(last.values("date")[:1]),
            last_focus=Subquery(last.values("focus")[:1]),
            last_notes=Subquery(last.values("notes")[:1]),
        )
        .order_by("pupil__registration_group__name", "pupil__legal_last_name", "pupil__legal_first_name", "pk")
    )
    return TeacherHome(classes=classes, results_due=results_due, in_provision=in_provision)


# --- SENCO -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Todo:
    key: str
    count: int
    text: str  # follows the count: "support-plan reviews overdue"
    url: str
    urgent: bool = False


def _plans_url(**params: str) -> str:
    return f"{reverse('interventions:plans')}?{urlencode(params)}"


def _groups_url(flag: str) -> str:
    return f"{reverse('interventions:list')}?{urlencode({'flag': flag})}"


def unsupported_count(school: School, today: dt.date) -> int:
    """Pupils on "who needs support" (any subject) in no planned or running group: what the identification
    page lists with ``?support=none``. Cached figures, then one query."""
    from reports.tracking.views import recent_since  # the page's own window (a views module: imported late)

    since, _words = recent_since(school, today)
    figures = identification_figures(school, since=since)
    return int(without_current_support(figures.pupil_groups, school)["pupil_id"].nunique())


def senco_todo(school: School, today: dt.date) -> list[Todo]:
    """The SENCO's to-do list, each item linking to the page that lists exactly those items. Five queries
    (when the identification figures are cached)."""
    plan = plans.plan_counts(school, today=today)
    flags = attention.flag_counts(Intervention.objects.for_school(school), today)
    support_url = f"{reverse('reports:identification')}?{urlencode({'group': 'support', 'support': 'none'})}"
    return [
        Todo(
            "reviews_overdue",
            plan["overdue"],
            "pupils with a support-plan review overdue",
            _plans_url(overdue="on"),
            True,
        ),
        Todo(
            "reviews_due",
            plan["due_soon"],
            f"pupils with a support-plan review due in the next {plans.REVIEW_SOON_DAYS} days or overdue",
            _plans_url(due="on"),
        ),
        Todo(
            "past_end", flags["past_end"], f"groups {attention.FLAGS['past_end'].label}", _groups_url("past_end"), True
        ),
        Todo("ending", flags["ending"], f"groups {attention.FLAGS['ending'].label}", _groups_url("ending")),
        Todo(
            "missing_exit",
            flags["missing_exit"],
            f"groups {attention.FLAGS['missing_exit'].label}",
            _groups_url("missing_exit"),
        ),
        Todo(
            "unsupported",
            unsupported_count(school, today),
            "pupils on “who needs support” with no current support",
            support_url,
        ),
        Todo(
            "untrained",
            flags["untrained"],
            f"open groups {attention.FLAGS['untrained'].label}",
            _groups_url("untrained"),
        ),
    ]


# --- Leader ------------------------------------------------------------------------------------------------


@cached_figures("home_headline", schools=lambda school, *, today: school, key=lambda school, *, today: today)
def leader_headline(school: School, *, today: dt.date) -> dict[str, int | None]:
    """The leader's tiles, cached per school until its data changes (``provision.figures``): pupils in a running
    group now, of them SEN and pupil premium, groups running, and the share of this school year's finished
    places with an exit result. Three queries when not cached."""
    placed = Placement.objects.active().filter(intervention__school=school, intervention__status=Status.RUNNING)
    pupils = Pupil.objects.filter(pk__in=placed.values("pupil_id")).aggregate(
        total=Count("pk"),
        sen=Count("pk", filter=~Q(sen_status=SenStatus.NONE)),
        pupil_premium=Count("pk", filter=Q(pupil_premium=True)),
    )
    year_start = dt.date(today.year if today.month >= 9 else today.year - 1, 9, 1)
    finished = Placement.objects.filter(intervention__school=school).filter(
        Q(exit_date__gte=year_start) | Q(exit_date__isnull=True, intervention__status__in=attention.FINISHED)
    )
    exits = finished.aggregate(
        finished=Count("pk"), missing=Count("pk", filter=Q(exit_result__isnull=True, exit_value__isnull=True))
    )
    running = Intervention.objects.for_school(school).filter(status=Status.RUNNING).count()
    pct = round(100 * (exits["finished"] - exits["missing"]) / exits["finished"]) if exits["finished"] else None
    return {**pupils, "running": running, "finished": exits["finished"], "pct_exit": pct}


LEADER_TODO = ("reviews_overdue", "past_end", "missing_exit", "unsupported", "untrained")


# --- School admin and people with several schools -----------------------------------------------------------


@dataclass
class AdminHome:
    imports: list[DataImport]  # the latest five
    open_imports: int  # previews never confirmed or cancelled
    missing: dict[str, int]  # pupils on roll with no class / no gender / SEN with no primary need


def admin_home(school: School) -> AdminHome:
    """The school admin's data tasks (three queries)."""
    imports = list(
        DataImport.objects.filter(school=school).select_related("uploaded_by").defer("content", "parsed", "preview")[:5]
    )
    open_imports = DataImport.objects.filter(school=school, status=ImportStatus.PREVIEW).count()
    missing = (
        Pupil.objects.filter(school=school)
        .on_roll()
        .aggregate(
            no_class=Count("pk", filter=Q(registration_group__isnull=True)),
            no_gender=Count("pk", filter=Q(gender="")),
            no_need=Count("pk", filter=~Q(sen_status=SenStatus.NONE) & Q(primary_need="")),
        )
    )
    return AdminHome(imports=imports, open_imports=open_imports, missing=missing)


def schools_of(user) -> list[dict]:
    """Each school where ``user`` holds a role, with its pupils on roll and pupils in a running group: a trust
    user's overview (two queries)."""
    memberships = list(Membership.objects.filter(user=user).select_related("school").order_by("school__name"))
    if len(memberships) < 2:
        return []
    ids = [m.school_id for m in memberships]
    on_roll = dict(
        Pupil.objects.filter(school_id__in=ids)
        .on_roll()
        .values("school_id")
        .annotate(n=Count("pk"))
        .values_list("school_id", "n")
    )
    placed = dict(
        Placement.objects.active()
        .filter(intervention__school_id__in=ids, intervention__status=Status.RUNNING)
        .values("intervention__school_id")
        .annotate(n=Count("pupil", distinct=True))
        .values_list("intervention__school_id", "n")
    )
    return [
        {
            "school": m.school,
            "role": m.get_role_display(),
            "on_roll": on_roll.get(m.school_id, 0),
            "placed": placed.get(m.school_id, 0),
        }
        for m in memberships
    ]
