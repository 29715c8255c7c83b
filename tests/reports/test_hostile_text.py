"""Names typed by staff reach the charts as they are: matplotlib must draw them as text, never read them as
mathematics ("Maths $\\foo$") or choke on control characters, on every page and export that draws them."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests import factories as f
from tests.interventions.test_stale_forms import _opened
from tests.reports.test_dashboard import TODAY, make_oak

pytestmark = pytest.mark.django_db

HOSTILE = "Maths $\\foo$ 50% \\n ^_^ {x} \u202e\U0001f600"


@pytest.fixture(autouse=True)
def spring_day(time_machine):
    time_machine.move_to(TODAY, tick=False)


@pytest.fixture
def hostile(world):
    oak = make_oak(world.school, world.pupils)
    oak["subject"].name = "Reading $\\frac{1}{0}$"
    oak["subject"].save()
    for key in ("catch_up", "talk", "maths"):
        oak[key].name = f"{HOSTILE} {key}"
        oak[key].save()
    world.school.name = "Oak $x^{2}$ Primary"
    world.school.save()
    return oak


def test_the_dashboard_pages_and_exports_draw_dollar_signs_as_text(client, world, hostile):
    leader = world.users["leader"]
    client.force_login(leader)
    page = client.get(reverse("reports:dashboard"))
    assert page.status_code == 200
    assert "$\\foo$" in page.content.decode()  # drawn as typed, in the charts' text
    pdf = client.get(reverse("reports:impact_report_pdf"))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert client.get(reverse("reports:impact_report_xlsx")).status_code == 200
    assert client.get(reverse("reports:impact_intervention", args=[hostile["catch_up"].pk])).status_code == 200


def test_the_trust_dashboard_draws_them_too(client, world, hostile):
    f.school_year(world.other_school)
    trust_leader = f.staff(world.other_school, "leader", username="trustlead")
    f.MembershipFactory(user=trust_leader, school=world.school, role="leader")
    client.force_login(trust_leader)
    response = client.get(reverse("reports:dashboard"), {"school": "all"})
    assert response.status_code == 200
    assert response.context["board"].selection.side_by_side
    assert "$x^{2}$" in response.content.decode()


def test_a_pupils_progress_chart_draws_them_too(client, world, hostile):
    client.force_login(world.users["senco"])
    pupil = hostile["year3"][6]
    response = client.get(reverse("reports:pupil_progress", args=[pupil.pk]))
    assert response.status_code == 200
    assert "$\\frac{1}{0}$" in response.content.decode()


def test_control_characters_never_reach_the_database_charts_or_exports(client, world, hostile):
    """Posted through a form (here the group's edit form), NUL and the like are dropped before any view sees them."""
    from interventions.models import Intervention

    client.force_login(world.users["senco"])
    group = hostile["catch_up"]
    data = _opened(client, reverse("interventions:edit", args=[group.pk]))
    data["name"] = "Catch\x00-up\x01 group\x7f"
    response = client.post(reverse("interventions:edit", args=[group.pk]), data)
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    assert Intervention.objects.get(pk=group.pk).name == "Catch-up group"
    assert client.get(reverse("reports:impact_report_xlsx")).status_code == 200
    assert client.get(reverse("pupils:list"), {"q": "\x00"}).status_code == 200


def test_a_pupils_progress_charts_are_drawn_once_until_their_results_change(client, world, hostile, monkeypatch):
    from django.core.cache import cache

    from pupils.models import Result
    from reports import charts

    cache.clear()
    drawn = []
    real = charts.progress_chart

    def counting(**inputs):
        drawn.append(inputs["title"])
        return real(**inputs)

    monkeypatch.setattr(charts, "progress_chart", counting)
    client.force_login(world.users["senco"])
    pupil = hostile["year3"][6]
    url = reverse("reports:pupil_progress", args=[pupil.pk])
    first = client.get(url).context["sections"]
    assert drawn
    count = len(drawn)
    again = client.get(url).context["sections"]
    assert len(drawn) == count  # from the cache
    assert [s["chart"] for s in again] == [s["chart"] for s in first]
    result = Result.objects.filter(pupil=pupil).order_by("assessment__taken_on").first()
    result.value += 3
    result.save()
    client.get(url)
    assert len(drawn) == count + 1  # only the chart whose results changed is drawn again
