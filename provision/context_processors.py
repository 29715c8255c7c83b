"""Template context shared by every page: the school frame and the role's navigation."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone

from .models import Role, Term


def school_frame(request: HttpRequest) -> dict:
    school = getattr(request, "school", None)
    if school is None:
        return {"current_school": None, "current_role": None, "current_term": None}
    term = getattr(request, "_current_term", "unset")
    if term == "unset":
        term = Term.objects.current_for(school, timezone.localdate())
        request._current_term = term
    return {
        "current_school": school,
        "current_role": request.role,
        "current_role_label": Role(request.role).label,
        "current_term": term,
        "user_memberships": request.memberships,
        "Role": Role,
    }
