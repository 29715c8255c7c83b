"""Small security helpers the settings name: the client's address behind proxies, lockout usernames, and the
hash of the one inline style element the charts carry.

Imported by ``settings.py`` itself, so nothing here may import models or read settings at import time.
"""

from __future__ import annotations

import base64
import hashlib

# matplotlib writes this exact <style> element into every SVG it draws (stroke joins and caps). The charts are
# embedded inline, so the Content-Security-Policy allows this one element by its SHA-256 hash rather than
# allowing inline styles in general. tests/provision/test_security_headers.py draws a chart and checks the hash.
MATPLOTLIB_SVG_STYLE = "*{stroke-linejoin: round; stroke-linecap: butt}"


def csp_hash(text: str) -> str:
    """The CSP source expression allowing an inline element whose content is exactly ``text``."""
    digest = hashlib.sha256(text.encode()).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"


MATPLOTLIB_SVG_STYLE_HASH = csp_hash(MATPLOTLIB_SVG_STYLE)


def client_ip(request) -> str | None:
    """The client's address: the connection's own, or, behind ``TRUSTED_PROXY_COUNT`` proxies that each append
    to X-Forwarded-For, the address that many hops from the right (anything further left could be forged by
    the client). Used for lockouts (django-axes) and the audit log."""
    from django.conf import settings

    count = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    remote = request.META.get("REMOTE_ADDR")
    if count <= 0:
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    if len(hops) < count:
        return remote
    return hops[-count]


def axes_username(request, credentials: dict | None) -> str:
    """The username a sign-in attempt is counted against: as typed, trimmed and in lower case."""
    from django.conf import settings

    field = getattr(settings, "AXES_USERNAME_FORM_FIELD", "username")
    raw = (credentials or {}).get("username") or (credentials or {}).get(str(field))
    if raw is None and request is not None:
        raw = request.POST.get(str(field)) or request.POST.get("username")
    return (raw or "").strip().lower()
