"""The dashboard's pupils in provision: year groups as they were in the period, only provision that has started,
and wave 1 counted by the year groups and classes it reaches.

Oak Primary (the world fixture: class 3B with three Year 3 pupils) also has two Year 4 pupils, Ava and Ben, who were
in Year 3 last year and had "Inference training: Year 3 (Spring 2026)". This year a maths group runs for one of
the Year 3 pupils, and a spring-term group is planned for Cal (Year 3), whose only group it is.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def oak(world):
    school = world.school
    last = f.school_year(school, start_year=2025)
    ava, ben = (
        f.PupilFactory(school=school, legal_first_name=name, year_group=4, date_of_birth=dt.date(2018, 3, 14))
        for name in ("Ava", "Ben")
    )
    inference = f.InterventionFactory(
        school=school, name="Inference training: Year 3 (Spring 2026)", year_groups=[3], status="completed",
        start_date=dt.date(2026, 1, 12), end_date=dt.date(2026, 3, 20),
    )  # fmt: skip
    for pupil in (ava, ben):
        f.PlacementFactory(intervention=inference, pupil=pupil, exit_date=dt.date(2026, 3, 20), exit_reason="completed")
    maths = f.InterventionFactory(school=school, name="Maths boost", area="maths", status="running")
    f.PlacementFactory(intervention=maths, pupil=world.pupils[0])
    cal = world.pupils[1]
    spring = f.InterventionFactory(
        school=school, name="Spring phonics", area="phonics", status="planned", start_date=dt.date(2027, 1, 11),
        end_date=dt.date(2027, 3, 19),
    )  # fmt: skip
    f.PlacementFactory(intervention=spring, pupil=cal)
    f.InterventionFactory(
        school=school, name="Visual timetables", wave=1, area="social", days=[], year_groups=[3, 4],
        start_date=dt.date(2026, 9, 2), end_date=None, status="running",
    )  # fmt: skip
    return {"last": last, "this": school.academic_years.get(start_year=2026), "spring": spring, "cal": cal}


def _board(client, user, **params):
    client.force_login(user)
    return client.get(reverse("reports:dashboard"), params).context["board"]


def _years(board):
    return {row["label"]: (row["cells"][0]["pupils"], row["cells"][0]["base"]) for row in board.breakdown["year"]}


def test_last_year_places_pupils_in_their_year_group_of_then(client, world, oak, time_machine):
    time_machine.move_to(dt.datetime(2026, 12, 5, 10, 0), tick=False)
    board = _board(client, world.users["leader"], period=f"year-{oak['last'].pk}")
    years = _years(board)
    # Ava and Ben were in Year 3 in 2025/26; so, then, was the roll of today's Year 4 (the two of them), and the
    # three pupils of today's Year 3 were in Year 2.
    assert years["Year 3"] == (2, 2) and years["Year 2"] == (0, 3)
    assert "Year 4" not in years or years["Year 4"][0] == 0
    assert board.past and board.headline["pupils"] == 2
    page = client.get(reverse("reports:dashboard"), {"period": f"year-{oak['last'].pk}"}).content.decode()
    assert "Year groups are the ones pupils were in during 2025/26" in page


def test_the_year_view_counts_only_provision_that_has_started(client, world, oak, time_machine):
    time_machine.move_to(dt.datetime(2026, 12, 5, 10, 0), tick=False)
    board = _board(client, world.users["leader"])  # 2026/27, by default
    assert board.selection.label == "2026/27" and board.started_by == dt.date(2026, 12, 5)
    assert board.headline["pupils"] == 1  # the maths group; Cal's group only starts next term
    assert _years(board)["Year 3"][0] == 1
    # In January the group has started (and been started): Cal counts.
    oak["spring"].status = "running"
    oak["spring"].save()
    time_machine.move_to(dt.datetime(2027, 1, 20, 10, 0), tick=False)
    board = _board(client, world.users["leader"])
    assert board.headline["pupils"] == 2 and _years(board)["Year 3"][0] == 2


def test_wave_1_is_counted_by_year_groups_and_classes_not_pupils(client, world, oak, time_machine):
    time_machine.move_to(dt.datetime(2026, 12, 5, 10, 0), tick=False)
    f.TeachingGroupFactory(school=world.school, name="4A", year_group=4)
    f.TeachingGroupFactory(school=world.school, name="5A", year_group=5)
    board = _board(client, world.users["senco"])
    [reach] = board.wave1
    assert (reach["strategies"], reach["years"], reach["classes"], reach["all_classes"]) == (
        1, ["Year 3", "Year 4"], 2, 3,
    )  # fmt: skip
    assert [row["key"] for row in board.breakdown["wave"]] == [2, 3]
    page = client.get(reverse("reports:dashboard")).content.decode()
    assert "1 strategy covering 2 of 3 year groups (Year 3, Year 4) and 2 of 3 classes" in page
