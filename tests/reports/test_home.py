"""The overview each role lands on: school counts and the quick links that fit the role."""

from __future__ import annotations

import pytest
from django.urls import reverse


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "link", "absent"),
    [
        ("ta", "interventions:today", "pupils:import_upload"),
        ("teacher", "pupils:results_grid", "reports:map"),
        ("senco", "reports:identification", "pupils:import_upload"),
        ("leader", "reports:disadvantage_gap", "pupils:results_grid"),
        ("admin", "pupils:import_upload", "interventions:today"),
    ],
)
def test_overview_quick_links_fit_the_role(client, world, role, link, absent):
    client.force_login(world.users[role])
    response = client.get(reverse("reports:home"))
    quick = response.content.decode().split('aria-label="Quick links"')[1].split("</nav>")[0]
    assert f'href="{reverse(link)}"' in quick
    assert f'href="{reverse(absent)}"' not in quick
    assert response.context["totals"]["on_roll"] == 3


@pytest.mark.django_db
def test_parent_lands_on_their_children(client, world):
    client.force_login(world.users["parent"])
    response = client.get(reverse("reports:home"))
    assert response.status_code == 302 and response["Location"] == reverse("family:home")
