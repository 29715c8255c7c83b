"""Every URL of the app, visited as every role, anonymous, a parent and a SENCO of another school.

The table in tests/permission_cases/ must name every URL pattern: adding a URL without deciding who may see it fails
``test_every_url_is_in_the_table``.
"""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.permission_cases import ACTORS, STAFF, merged

CASES, ARGS = merged()


def _url_names(resolver: URLResolver, namespace: str = "") -> set[str]:
    names = set()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            names |= _url_names(entry, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            names.add(f"{namespace}{entry.name}")
    return names


def test_every_url_is_in_the_table():
    missing = _url_names(get_resolver()) - set(CASES)
    assert not missing, f"Add these URLs to the permission table: {sorted(missing)}"


def _args(world, kind: str | None) -> list:
    if kind is None:
        return []
    return ARGS[kind](world)


@pytest.mark.parametrize("name", sorted(CASES))
@pytest.mark.parametrize("actor", ACTORS)
def test_permission_matrix(client, world, name, actor):
    case = CASES[name]
    url = reverse(name, args=_args(world, case.args))
    data = {key: (world.school.pk if value == "school" else value) for key, value in case.data.items()}
    if actor == "anonymous":
        expected = case.anonymous
    else:
        client.force_login(world.users[actor])
        expected = case.overrides.get(actor, case.ok if actor in case.allowed else case.denied)
    response = getattr(client, case.method)(url, data)
    assert response.status_code == expected, f"{actor} {case.method.upper()} {url}"
    # Logging out, and a reset link (Django swaps the token into the session, then redirects), go elsewhere.
    if actor == "anonymous" and expected == 302 and name not in ("logout", "password_reset_confirm"):
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("actor", STAFF + ["parent"])
def test_admin_site_is_for_superusers_only(client, world, actor):
    client.force_login(world.users[actor])
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_superuser_reaches_every_admin_changelist(admin_client):
    from django.contrib import admin

    for model in admin.site._registry:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        assert admin_client.get(url).status_code == 200, url
