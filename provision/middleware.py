"""Puts the signed-in user's schools, current school and role on every request; keeps control characters out of
every request's fields."""

from __future__ import annotations

import re
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, QueryDict

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


# Control characters other than tab, line feed and carriage return: never part of anything a school types, and
# each breaks something downstream (PostgreSQL refuses NUL in text, Excel files and SVG charts refuse the rest).
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _without_control_characters(values: QueryDict) -> QueryDict:
    if not any(
        CONTROL_CHARACTERS.search(key) or any(CONTROL_CHARACTERS.search(v) for v in items)
        for key, items in values.lists()
    ):
        return values
    cleaned = QueryDict(mutable=True, encoding=values.encoding)
    for key, items in values.lists():
        cleaned.setlist(CONTROL_CHARACTERS.sub("", key), [CONTROL_CHARACTERS.sub("", item) for item in items])
    cleaned._mutable = False
    return cleaned


class ControlCharactersMiddleware:
    """Drops control characters (NUL and the like; not tab or new lines) from the query string and form fields
    of every request, so that no view, query, chart or export ever meets one. Uploaded files are left as they
    are: the importers read them cell by cell (``pupils.tabular``)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.GET = _without_control_characters(request.GET)
        if request.method == "POST" and request.content_type in (
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        ):
            request.POST = _without_control_characters(request.POST)
        return self.get_response(request)
