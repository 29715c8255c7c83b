"""Who may do what, and the scoped look-ups every view goes through.

A user's role is per school (``Membership``). Views name the roles they allow; objects are fetched only
from the schools where the signed-in user holds one of those roles, so anything else is a 404.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest, HttpResponse

from .models import Membership, Role, School

ALL_STAFF: tuple[str, ...] = tuple(role.value for role in Role)
PUPIL_VIEWERS = ALL_STAFF
PUPIL_EDITORS = (Role.SENCO, Role.ADMIN)
# Who invites parents and carers to see their children's support (from the pupil's profile).
GUARDIAN_INVITERS = (Role.SENCO, Role.ADMIN)
SEN_EDITORS = (Role.SENCO,)
SEN_REGISTER_VIEWERS = (Role.SENCO, Role.LEADER, Role.TEACHER, Role.ADMIN)
SEN_REGISTER_EXPORTERS = (Role.SENCO, Role.LEADER, Role.ADMIN)
IMPORTERS = (Role.ADMIN, Role.SENCO)
CALENDAR_EDITORS = (Role.ADMIN, Role.LEADER)
# Closures inside terms (half-terms, INSET days, bank holidays) change planned sessions and costs, which the
# SENCO plans with: the SENCO records them too.
CLOSURE_EDITORS = (Role.SENCO, Role.ADMIN, Role.LEADER)
# Teachers enter results for their own classes only (see pupils.assessments.groups_for_results).
RESULT_ENTRY = (Role.TEACHER, Role.SENCO, Role.LEADER)
ASSESSMENT_EDITORS = (Role.SENCO, Role.LEADER, Role.ADMIN)
IDENTIFICATION_VIEWERS = (Role.SENCO, Role.LEADER)
# Interventions: everyone on the staff can see them (a TA only the groups they run, narrowed in the views);
# only the SENCO plans and changes them. Sessions are logged by whoever runs the group, or the SENCO.
INTERVENTION_VIEWERS = (Role.SENCO, Role.LEADER, Role.TEACHER, Role.TA, Role.ADMIN)
INTERVENTION_EDITORS = (Role.SENCO,)
CATALOGUE_VIEWERS = (Role.SENCO, Role.LEADER, Role.TEACHER, Role.TA)
CATALOGUE_EDITORS = (Role.SENCO,)
# Who has been trained in which programme: the SENCO and leaders read it, the SENCO keeps it.
TRAINING_VIEWERS = (Role.SENCO, Role.LEADER)
TRAINING_EDITORS = CATALOGUE_EDITORS
SESSION_LOGGERS = (Role.SENCO, Role.TA, Role.TEACHER, Role.LEADER)
PLAN_VIEWERS = (Role.SENCO, Role.LEADER, Role.TEACHER)
PLAN_EDITORS = (Role.SENCO,)
COST_EDITORS = (Role.SENCO, Role.ADMIN)
# Teachers track their own classes only (reports.tracking.views.tracking narrows them).
TRACKING_VIEWERS = (Role.SENCO, Role.LEADER, Role.TEACHER)
# Impact evaluation, the leaders' dashboard and the governors' report: the people who decide what provision runs.
IMPACT_VIEWERS = (Role.SENCO, Role.LEADER, Role.ADMIN)


def schools_for(request: HttpRequest, roles: Iterable[str]) -> list[School]:
    """The user's schools where they hold one of ``roles`` (from the memberships loaded once per request)."""
    allowed = set(roles)
    return [m.school for m in request.memberships if m.role in allowed]


def role_required(*roles: str) -> Callable:
    """Sign-in required, and one of ``roles`` at the current school; otherwise 403."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if request.school is None or request.role not in roles:
                raise PermissionDenied("Your role does not give access to this page.")
            return view(request, *args, **kwargs)

        wrapped.allowed_roles = roles  # read by the permission test's sanity checks
        return wrapped

    return decorator


def staff_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Any staff role at some school: for views that scope their objects themselves."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.memberships:
            raise PermissionDenied("This page is for school staff.")
        return view(request, *args, **kwargs)

    return wrapped


# --- Data protection (README, "Audit trail" and "Data-protection rights") ---------------------------------------
# A pupil's history (every change to their record, who made it and when).
HISTORY_VIEWERS = (Role.SENCO, Role.LEADER)
# The school's whole audit log as CSV, for a date range.
AUDIT_LOG_EXPORTERS = (Role.LEADER,)
# Everything held about one pupil as a zip (a subject access request), and erasing pupils past retention.
PUPIL_DATA_EXPORTERS = (Role.SENCO, Role.ADMIN)
PUPIL_ERASERS = (Role.SENCO, Role.ADMIN)
# Two-factor rules and the records-retention period of the school.
SCHOOL_SETTINGS_EDITORS = (Role.LEADER, Role.ADMIN)
# Parents' and carers' phone numbers and email addresses: the roles that contact parents. Teachers see them for
# pupils in their own classes only (can_see_guardian_contacts).
GUARDIAN_CONTACT_VIEWERS = (Role.SENCO, Role.LEADER, Role.ADMIN)


def can_see_guardian_contacts(request: HttpRequest, pupil) -> bool:
    """Whether this user may see the phone numbers and email addresses of ``pupil``'s parents and carers: the
    SENCO, leaders and the admin of the pupil's school, and the teachers of the pupil's class."""
    role = next((m.role for m in request.memberships if m.school_id == pupil.school_id), None)
    if role in GUARDIAN_CONTACT_VIEWERS:
        return True
    if role == Role.TEACHER and pupil.registration_group_id is not None:
        return pupil.registration_group.teachers.filter(pk=request.user.pk).exists()
    return False


def can_see_results(request: HttpRequest, pupil) -> bool:
    """Results history follows the tracking rule (TRACKING_VIEWERS): the SENCO and leaders see every pupil of
    their school, a teacher the pupils of their own classes; TAs and the admin none."""
    role = next((m.role for m in request.memberships if m.school_id == pupil.school_id), None)
    if role in (Role.SENCO, Role.LEADER):
        return True
    if role == Role.TEACHER and pupil.registration_group_id is not None:
        return pupil.registration_group.teachers.filter(pk=request.user.pk).exists()
    return False


# --- Row scoping: which rows of pupil data each role sees at its school ------------------------------------------
# Every model that holds pupil data has a ``visible_to(user, school)`` queryset method (pupils.models,
# interventions.models, interventions.progress.models); each is built from one of the policies below, so a rule is
# written once. A policy maps a role to how much of its school it sees: everything (``ALL_ROWS``), the groups the
# user runs (``OWN_GROUPS``), the pupils of their own classes (``OWN_CLASSES``); a role missing from it sees nothing.
ALL_ROWS = "all"
OWN_GROUPS = "own groups"
OWN_CLASSES = "own classes"

# Pupils and their records (classes, SEN, guardians): every member of staff sees the school's pupils.
PUPIL_SCOPE: dict[str, str] = dict.fromkeys(ALL_STAFF, ALL_ROWS)
# Interventions and everything under them (staff lines, placements, sessions, attendance, progress checks): the
# whole school's, except a TA, who sees the groups they run (lead, or one of the staff).
GROUP_SCOPE: dict[str, str] = dict.fromkeys(ALL_STAFF, ALL_ROWS) | {Role.TA: OWN_GROUPS}
# Logging a session: the SENCO any group of the school; the others who log sessions only the groups they run.
SESSION_LOG_SCOPE: dict[str, str] = {Role.SENCO: ALL_ROWS, Role.TEACHER: OWN_GROUPS, Role.TA: OWN_GROUPS,
                                     Role.LEADER: OWN_GROUPS}  # fmt: skip
# Results (issue 12): the SENCO and leaders see the whole school's, a teacher those of their own classes' pupils;
# TAs and the admin none (imports write results without reading them back through a view).
RESULT_SCOPE: dict[str, str] = {Role.SENCO: ALL_ROWS, Role.LEADER: ALL_ROWS, Role.TEACHER: OWN_CLASSES}
# Support plans and their reviews: the roles of PLAN_VIEWERS, each the whole school's.
PLAN_SCOPE: dict[str, str] = dict.fromkeys(PLAN_VIEWERS, ALL_ROWS)


def remember_roles(user, memberships: Iterable[Membership]) -> None:
    """Keep the user's role at each of their schools on the user object, so that ``visible_to`` needs no query
    (the middleware calls this with the memberships it has loaded for the request)."""
    user._provision_roles = {m.school_id: m.role for m in memberships}


def roles_of(user) -> dict[int, str]:
    """The user's role at each of their schools, by school id (one query the first time for a user object that
    did not come through the middleware)."""
    if user is None or not user.is_authenticated:
        return {}
    roles = getattr(user, "_provision_roles", None)
    if roles is None:
        remember_roles(user, Membership.objects.filter(user=user).only("school_id", "role"))
        roles = user._provision_roles
    return roles


def role_at(user, school: School | int | None) -> str | None:
    """The user's role at ``school`` (None where they have none)."""
    if school is None:
        return None
    return roles_of(user).get(school if isinstance(school, int) else school.pk)


def school_ids(school) -> set[int] | None:
    if school is None:
        return None
    if isinstance(school, (School, int)):
        school = [school]
    return {s if isinstance(s, int) else s.pk for s in school}


# Management commands are run by the school's operators on the server, with no signed-in user: inside
# ``operator_reads()`` every ``visible_to`` returns all the rows of the schools asked for (pretix's
# ``scopes_disabled()``). Only a command enters it, never a view (a request always has a user to scope by).
_OPERATOR_READS: ContextVar[bool] = ContextVar("operator_reads", default=False)


@contextmanager
def operator_reads() -> Iterator[None]:
    """For operators' management commands only: ``visible_to`` reads every row of the schools it is given."""
    token = _OPERATOR_READS.set(True)
    try:
        yield
    finally:
        _OPERATOR_READS.reset(token)


def scope_q(user, school, policy: dict[str, str], *, school_field: str, narrowed: dict[str, Q]) -> Q | None:
    """The filter of the rows ``policy`` lets ``user`` see at ``school`` (a school, an id, several, or None for
    every school of theirs): ``school_field`` is the path to the row's school, ``narrowed`` the filter of each
    narrowing level the model knows (``OWN_GROUPS``, ``OWN_CLASSES``). None when the user sees nothing there."""
    wanted = school_ids(school)
    if _OPERATOR_READS.get():
        if wanted is None:
            raise ValueError("An operator's read names the school it reads.")
        return Q(**{f"{school_field}__in": sorted(wanted)})
    by_level: dict[str, list[int]] = {}
    for school_id, role in roles_of(user).items():
        level = policy.get(role)
        if level is None or (wanted is not None and school_id not in wanted):
            continue
        by_level.setdefault(level, []).append(school_id)
    query: Q | None = None
    for level, ids in sorted(by_level.items()):
        part = Q(**{f"{school_field}__in": sorted(ids)})
        if level != ALL_ROWS:
            part &= narrowed[level]
        query = part if query is None else query | part
    return query


def scoped(queryset, user, school, policy: dict[str, str], *, school_field: str, narrowed: dict[str, Q] | None = None):
    """``queryset`` narrowed by ``scope_q`` (empty when the user sees nothing): the body of every ``visible_to``."""
    query = scope_q(user, school, policy, school_field=school_field, narrowed=narrowed or {})
    return queryset.none() if query is None else queryset.filter(query)


# --- Named policies: what a role may see beyond the rows themselves --------------------------------------------
# Costs are worked out from what staff are paid, so only the people who hold the budget see them (intervention
# pages, the provision map and its exports, impact and the dashboard).
_COST_VIEWERS = (Role.SENCO, Role.LEADER, Role.ADMIN)
# Who opens the provision map (a staff screen: parents see only the published offer), and whose map shows pupils'
# names (staff, who already see the pupils themselves).
MAP_VIEWERS: tuple[str, ...] = ALL_STAFF
_MAP_NAME_VIEWERS = ALL_STAFF
# The provision map and a pupil's individual provision map are whole-school pictures: every member of staff who
# opens them sees every group on them (a TA too, beyond the groups they run; GROUP_SCOPE is for the group pages).
MAP_SCOPE: dict[str, str] = dict.fromkeys(MAP_VIEWERS, ALL_ROWS)
# A subject access request: everything the school holds about a pupil (results and plans too), for the roles who
# answer one.
SUBJECT_ACCESS_SCOPE: dict[str, str] = dict.fromkeys(PUPIL_DATA_EXPORTERS, ALL_ROWS)


def can_see_costs(user, school: School | int | None) -> bool:
    """Whether ``user`` sees the costs of ``school``'s provision."""
    return role_at(user, school) in _COST_VIEWERS


def can_log_sessions(user, school: School | int | None, *, runs: Callable[[], bool]) -> bool:
    """Whether ``user`` may log the sessions of a group of ``school`` (``SESSION_LOG_SCOPE``): the SENCO any group,
    the others who log sessions a group they run (``runs`` says whether they do; asked only when it matters)."""
    level = SESSION_LOG_SCOPE.get(role_at(user, school))
    return level == ALL_ROWS or (level == OWN_GROUPS and runs())


def can_see_names_on_map(user, school: School | int | None) -> bool:
    """Whether ``school``'s provision map (and its exports) shows ``user`` the pupils' names."""
    return role_at(user, school) in _MAP_NAME_VIEWERS
