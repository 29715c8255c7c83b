"""Every URL of the app, visited as every role, anonymous, a parent and a SENCO of another school.

The table below must name every URL pattern: adding a URL without deciding who may see it fails
``test_every_url_is_in_the_table``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from provision.models import Term
from pupils.models import DataImport
from tests.factories import AssessmentFactory, ScaleFactory

ACTORS = ["anonymous", "senco", "teacher", "ta", "leader", "admin", "parent", "other_senco"]
STAFF = ["senco", "teacher", "ta", "leader", "admin"]


@dataclass
class Case:
    """Who gets what from one URL. ``allowed`` get ``ok``; other signed-in users get ``denied``."""

    allowed: list[str]
    ok: int = 200
    denied: int = 403
    method: str = "get"
    data: dict = field(default_factory=dict)
    args: str | None = None  # which object of the world the URL takes
    overrides: dict[str, int] = field(default_factory=dict)
    anonymous: int = 302


def only(*roles: str) -> list[str]:
    return list(roles)


CASES: dict[str, Case] = {
    "reports:home": Case(allowed=STAFF + ["other_senco"], overrides={"parent": 302}),
    "provision:switch_school": Case(
        allowed=STAFF, ok=302, method="post", data={"school": "school"}, overrides={"parent": 404, "other_senco": 404}
    ),
    "provision:calendar": Case(allowed=STAFF + ["other_senco"]),
    "provision:academic_year_new": Case(allowed=only("admin", "leader")),
    "provision:term_edit": Case(allowed=only("admin", "leader"), args="term"),
    "reports:identification": Case(allowed=only("senco", "leader", "other_senco")),
    "reports:disadvantage_gap": Case(allowed=only("senco", "leader", "other_senco")),
    "reports:tracking": Case(allowed=only("senco", "leader", "teacher", "other_senco")),
    "reports:pupil_progress": Case(allowed=STAFF, args="pupil", overrides={"other_senco": 404}),
    "pupils:list": Case(allowed=STAFF + ["other_senco"]),
    "pupils:new": Case(allowed=only("senco", "admin", "other_senco")),
    "pupils:detail": Case(allowed=STAFF, args="pupil", overrides={"other_senco": 404}),
    "pupils:edit": Case(allowed=only("senco", "admin"), args="pupil", overrides={"other_senco": 404}),
    "pupils:sen_register": Case(allowed=only("senco", "leader", "teacher", "admin", "other_senco")),
    "pupils:sen_register_csv": Case(allowed=only("senco", "leader", "admin", "other_senco")),
    "pupils:results_grid": Case(allowed=only("teacher", "senco", "leader", "other_senco")),
    "pupils:assessments": Case(allowed=only("senco", "leader", "admin", "other_senco")),
    "pupils:assessment_new": Case(allowed=only("senco", "leader", "admin", "other_senco")),
    "pupils:assessment_edit": Case(
        allowed=only("senco", "leader", "admin"), args="assessment", overrides={"other_senco": 404}
    ),
    "pupils:scale_new": Case(allowed=only("senco", "leader", "admin", "other_senco")),
    "pupils:scale_edit": Case(allowed=only("senco", "leader", "admin"), args="scale", overrides={"other_senco": 404}),
    "pupils:import_upload": Case(allowed=only("senco", "admin", "other_senco")),
    "pupils:import_preview": Case(allowed=only("senco", "admin"), args="import", overrides={"other_senco": 404}),
    "pupils:results_import_upload": Case(allowed=only("senco", "admin", "other_senco")),
    "family:home": Case(allowed=only("parent")),
    "login": Case(allowed=[], denied=302, anonymous=200),
    "logout": Case(allowed=ACTORS, ok=302, method="post", anonymous=302),
    "password_change": Case(allowed=STAFF + ["parent", "other_senco"]),
    "password_change_done": Case(allowed=STAFF + ["parent", "other_senco"]),
}


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
    if kind == "pupil":
        return [world.pupils[0].pk]
    if kind == "term":
        return [Term.objects.filter(academic_year__school=world.school).first().pk]
    if kind == "assessment":
        return [AssessmentFactory(school=world.school).pk]
    if kind == "scale":
        return [ScaleFactory(school=world.school).pk]
    if kind == "import":
        batch = DataImport.objects.create(
            school=world.school, filename="export.csv", content=b"UPN,Surname,Forename,DOB,Year\r\n"
        )
        return [batch.pk]
    raise AssertionError(kind)


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
    if actor == "anonymous" and expected == 302 and name not in ("logout",):
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
