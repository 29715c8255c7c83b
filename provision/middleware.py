"""Puts the signed-in user's schools, current school and role on every request; keeps control characters out of
every request's fields."""

from __future__ import annotations

import re
import time
from collections.abc import Callable

from auditlog.context import auditlog_value
from auditlog.middleware import AuditlogMiddleware
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, QueryDict
from django.urls import reverse
from django.utils.cache import add_never_cache_headers

from .security import client_ip

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
            from .access import remember_roles
            from .models import Membership

            request.memberships = list(
                Membership.objects.filter(user=user).select_related("school", "school__trust").order_by("school__name")
            )
            remember_roles(user, request.memberships)
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


class PermissionsPolicyMiddleware:
    """Switches off browser features no page uses (camera, microphone, location...): ``PERMISSIONS_POLICY``."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if settings.PERMISSIONS_POLICY:
            response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


class AuditActorMiddleware(AuditlogMiddleware):
    """django-auditlog's middleware (the signed-in user becomes the actor of every entry written during the
    request), with the client address read as the lockouts read it (``provision.security.client_ip``): the
    library's own trusts any X-Forwarded-For header, which a client can forge."""

    @staticmethod
    def _get_remote_addr(request: HttpRequest) -> str | None:
        return client_ip(request)

    @staticmethod
    def _get_remote_port(request: HttpRequest) -> int | None:
        return None

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # The library leaves its context variable set after the request; anything later on the same thread
        # (another request's code outside it, a test, a task) would be logged as this user. Put it back.
        token = auditlog_value.set({})
        try:
            return super().__call__(request)
        finally:
            auditlog_value.reset(token)


def is_staff_user(request: HttpRequest) -> bool:
    user = request.user
    return bool(request.memberships) or user.is_staff or user.is_superuser


class SessionSecurityMiddleware:
    """Ends a member of staff's session after ``STAFF_IDLE_MINUTES`` without a request.

    The time of the last request is kept in the session (set at sign-in by ``provision.accounts``) and written
    back at most once a minute, so an ordinary page costs no extra query. Signing out everywhere deletes the
    user's other sessions outright (``provision.accounts.sign_out_everywhere``).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and is_staff_user(request):
            from .accounts import LAST_SEEN_KEY

            now = time.time()
            last_seen = request.session.get(LAST_SEEN_KEY)
            if last_seen is not None and now - last_seen > settings.STAFF_IDLE_MINUTES * 60:
                logout(request)
                hours, minutes = divmod(settings.STAFF_IDLE_MINUTES, 60)
                idle = f"{hours} hours" if not minutes else f"{settings.STAFF_IDLE_MINUTES} minutes"
                messages.info(request, f"You were signed out after {idle} without activity. Please sign in again.")
                return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
            if last_seen is None or now - last_seen > 60:
                request.session[LAST_SEEN_KEY] = now
        return self.get_response(request)


# Pages a member of staff reaches before typing their two-factor code (or setting one up when it is required).
TWO_FACTOR_OPEN_URLS = ("two_factor_verify", "two_factor_setup", "logout")


class TwoFactorMiddleware:
    """Sends a member of staff who has a two-factor device, or whose school requires one for their role, to type
    a code (or set one up) before any other page. No query: the device flag is kept in the session at sign-in,
    the school's rule comes with the memberships already loaded."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and request.memberships and not user.is_verified():
            from django.urls import resolve

            from .accounts import HAS_DEVICE_KEY, two_factor_required

            try:
                name = resolve(request.path_info).url_name
            except Exception:  # noqa: BLE001 - an unknown URL is a 404 further on
                name = None
            if name not in TWO_FACTOR_OPEN_URLS:
                if request.session.get(HAS_DEVICE_KEY):
                    return redirect_to_login(request.get_full_path(), reverse("two_factor_verify"))
                if two_factor_required(request.memberships):
                    return redirect_to_login(request.get_full_path(), reverse("two_factor_setup"))
        return self.get_response(request)


class NoStoreMiddleware:
    """``Cache-Control: no-store`` (and private, no-cache) on every response to a signed-in user: pages and exports
    with children's data must not be kept by the browser's back button, a shared computer's cache or a proxy."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
        return response
