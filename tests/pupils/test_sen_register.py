"""The SEN register page and its CSV export."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse

from tests import factories as f


@pytest.fixture
def register(world):
    school = world.school
    pupils = {
        "k_mld": f.PupilFactory(
            school=school,
            legal_last_name="Able",
            sen_status="K",
            primary_need="MLD",
            sen_review_due=dt.date(2020, 1, 1),
        ),
        "k_slcn": f.PupilFactory(
            school=school,
            legal_last_name="=HYPERLINK(1)",
            sen_status="K",
            primary_need="SLCN",
            secondary_need="SEMH",
            year_group=4,
            date_of_birth=dt.date(2018, 5, 1),
        ),
        "e_asd": f.PupilFactory(
            school=school,
            legal_last_name="Çelik",
            sen_status="E",
            primary_need="ASD",
            sen_identified_on=dt.date(2022, 9, 12),
        ),
        "k_none": f.PupilFactory(school=school, legal_last_name="Unrecorded", sen_status="K"),
        "left": f.PupilFactory(
            school=school, legal_last_name="Left", sen_status="E", primary_need="HI", left_on=dt.date(2025, 7, 1)
        ),
    }
    f.PupilFactory(
        school=world.other_school,
        legal_last_name="Other",
        sen_status="E",
        primary_need="PD",
        year_group=8,
        date_of_birth=dt.date(2014, 1, 1),
    )
    return pupils


@pytest.mark.django_db
def test_register_lists_only_this_schools_sen_pupils_on_roll_with_counts(client, world, register):
    client.force_login(world.users["senco"])
    response = client.get(reverse("pupils:sen_register"))
    names = [p.legal_last_name for p in response.context["pupils"]]
    assert sorted(names) == sorted(["Able", "=HYPERLINK(1)", "Çelik", "Unrecorded"])
    totals = response.context["totals"]
    assert (totals["support"], totals["ehcp"], totals["overdue"]) == (3, 1, 1)
    assert response.context["sen_total"] == 4
    groups = {
        area.value: ({need.value: n for need, n in rows}, total)
        for area, rows, total in response.context["need_groups"]
    }
    assert groups["CI"] == ({"SLCN": 1, "ASD": 1}, 2)
    assert groups["CL"][1] == 1 and groups["CL"][0]["MLD"] == 1
    assert groups["SP"][1] == 0  # the pupil who left and the other school's pupil are not counted
    assert response.context["unrecorded"] == 1
    assert ("Year 3", 2, 1, 3) in response.context["year_rows"]
    assert ("Year 4", 1, 0, 1) in response.context["year_rows"]


@pytest.mark.django_db
def test_register_filters_by_status_and_area(client, world, register):
    client.force_login(world.users["leader"])
    e_only = client.get(reverse("pupils:sen_register") + "?status=E").context["pupils"]
    assert [p.legal_last_name for p in e_only] == ["Çelik"]
    ci = client.get(reverse("pupils:sen_register") + "?area=CI").context["pupils"]
    assert sorted(p.legal_last_name for p in ci) == sorted(["=HYPERLINK(1)", "Çelik"])


@pytest.mark.django_db
def test_csv_export_is_excel_friendly_and_safe(client, world, register):
    client.force_login(world.users["senco"])
    response = client.get(reverse("pupils:sen_register_csv"))
    assert response["Content-Type"].startswith("text/csv")
    assert f"sen-register-{world.school.urn}" in response["Content-Disposition"]
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(body.lstrip("\ufeff"))))
    assert len(rows) == 4
    by_name = {row["Surname"]: row for row in rows}
    assert by_name["Çelik"]["SEN status"] == "E"
    assert by_name["Çelik"]["Primary need description"] == "Autistic spectrum disorder"
    assert by_name["Çelik"]["Broad area of need"] == "Communication and interaction"
    assert by_name["Çelik"]["Date identified"] == "12/09/2022"
    # A name that looks like a formula is neutralised so Excel does not run it.
    assert "'=HYPERLINK(1)" in by_name
    assert by_name["Able"]["Review due"] == "01/01/2020"
    assert "\r\n" in body


@pytest.mark.django_db
def test_csv_export_respects_filters(client, world, register):
    client.force_login(world.users["senco"])
    body = client.get(reverse("pupils:sen_register_csv") + "?status=E").content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(body)))
    assert [row["Surname"] for row in rows] == ["Çelik"]


@pytest.mark.django_db
def test_register_and_assessment_list_query_counts_are_constant(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from provision.models import Role
    from pupils.models import Pupil

    counts = []
    for size in (4, 60):
        school = f.SchoolFactory()
        Pupil.objects.bulk_create(
            [f.PupilFactory.build(school=school, sen_status="K", primary_need="MLD") for _ in range(size)]
        )
        for i in range(size // 4):
            f.AssessmentFactory(school=school, name=f"Test {i}")
        client.force_login(f.staff(school, Role.SENCO))
        row = []
        for name in ("pupils:sen_register", "pupils:sen_register_csv", "pupils:assessments"):
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(reverse(name)).status_code == 200
            row.append(len(ctx.captured_queries))
        counts.append(row)
    assert counts[0] == counts[1], counts
