"""The results grid as a browser would use it: the helpers of the grid's tests (the ``grid`` fixture is in
conftest.py)."""

from __future__ import annotations

from django.test import Client


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def grid_form(client: Client, url: str) -> dict[str, str]:
    """The grid's fields as the page was served (what a browser would post back unchanged)."""
    response = client.get(url)
    assert response.status_code == 200
    data = {}
    for _pupil, cells in response.context["rows"]:
        for cell in cells:
            data[cell["name"]] = cell["value"]
            data[cell["original_name"]] = cell["original"]
    return data


def grid_cell(pupil, assessment) -> str:
    return f"v_{pupil.pk}_{assessment.pk}"
