"""Template mistakes Django does not report: a ``{# ... #}`` comment must open and close on one line, or its text
(and everything up to the next ``#}``) is printed on the page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.urls import reverse

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def test_no_template_has_a_comment_spread_over_lines():
    unclosed = [
        f"{path.relative_to(TEMPLATES)}:{number}"
        for path in sorted(TEMPLATES.rglob("*.html"))
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if any("#}" not in rest for rest in re.split(r"\{#", line)[1:])
    ]
    assert unclosed == []


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["pupils:list", "interventions:catalogue"])
def test_the_shared_filter_form_prints_no_template_text(client, world, name):
    client.force_login(world.users["senco"])
    page = client.get(reverse(name)).content.decode()
    assert "Apply filters" in page
    assert "{#" not in page and "{% comment" not in page and "toggle (the checkbox" not in page
