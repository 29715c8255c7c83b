"""Puts the signed-in user's schools, current school and role on every request."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

SESSION_SCHOOL_KEY = "current_school_id"


class SchoolContextMiddleware:
    """Sets ``request.memberships``, ``request.school``, ``request.role`` and ``request.is_parent``.

    One query for a signed-in member of staff (their memberships with schools); the current school is the
    one chosen in the school switcher, kept in the session, and always one of the user's own.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.memberships = []
        request.school = None
        request.role = None
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            from .models import Membership

            request.memberships = list(
                Membership.objects.filter(user=user).select_related("school", "school__trust").order_by("school__name")
            )
            chosen = request.session.get(SESSION_SCHOOL_KEY)
            current = next((m for m in request.memberships if m.school_id == chosen), None)
            if current is None and request.memberships:
                current = request.memberships[0]
            if current is not None:
                request.school = current.school
                request.role = current.role
        return self.get_response(request)
