"""Who may do what, and the scoped look-ups every view goes through.

A user's role is per school (``Membership``). Views name the roles they allow; objects are fetched only
from the schools where the signed-in user holds one of those roles, so anything else is a 404.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from .models import Role, School

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
SESSION_LOGGERS = (Role.SENCO, Role.TA, Role.TEACHER, Role.LEADER)
PLAN_VIEWERS = (Role.SENCO, Role.LEADER, Role.TEACHER)
PLAN_EDITORS = (Role.SENCO,)
COST_EDITORS = (Role.SENCO, Role.ADMIN)
# Teachers track their own classes only (reports.tracking.tracking narrows them).
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
