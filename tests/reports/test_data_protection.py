"""Data-protection rights: everything about one pupil as a zip (page and command), erasing a pupil past their
retention period while the school's impact figures stay the same, deleting a pupil with their orphaned guardians,
all in the audit log; and the need-to-know rules on the individual provision map and guardians' contacts."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from decimal import Decimal

import pytest
import time_machine
from auditlog.models import LogEntry
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from interventions.erasure import NotDue, pupil_erase, pupils_due
from interventions.models import (
    Attendance,
    Placement,
    PlanReview,
    ReviewOutcomeRating,
    Session,
    StaffRate,
    SupportPlan,
)
from pupils.invitations import invitation_create
from pupils.models import (
    Absence,
    Guardian,
    GuardianInvitation,
    Pupil,
    PupilGuardian,
    PupilPassport,
    Result,
    ScaleKind,
)
from pupils.services import pupil_delete
from reports.impact import selectors as selectors_impact
from tests import factories as f

pytestmark = pytest.mark.django_db


def _rich_pupil(world) -> Pupil:
    """The world's first pupil with a guardian, results, a place in a group with attendance, and a plan."""
    pupil = world.pupils[0]
    Pupil.objects.filter(pk=pupil.pk).update(sen_status="K", primary_need="SPLD")
    pupil.refresh_from_db()
    guardian = f.GuardianFactory(school=world.school, first_name="Robin", email="robin@example.org", phone="0770")
    PupilGuardian.objects.create(pupil=pupil, guardian=guardian, relationship="father")
    invitation_create(guardian=guardian, email="robin@example.org", by=world.users["senco"])
    assessment = f.AssessmentFactory(school=world.school, name="Autumn reading")
    Result.objects.create(pupil=pupil, assessment=assessment, value=98, typed="=98")  # formula-looking
    spelling = f.AssessmentFactory(school=world.school, name="Spelling test")
    Absence.objects.create(pupil=pupil, assessment=spelling, typed="Abs")  # marked absent in the results grid
    group = f.InterventionFactory(school=world.school, name="Reading Boost")
    placement = f.PlacementFactory(intervention=group, pupil=pupil, target="Read fluently")
    session = Session.objects.create(intervention=group, date=dt.date(2026, 9, 14), minutes=30)
    Attendance.objects.create(session=session, placement=placement, present=False, absence_reason="unwell")
    plan = SupportPlan.objects.create(
        pupil=pupil, start_date=dt.date(2026, 9, 14), review_date=dt.date(2026, 12, 11),
        needs={"CL": "Decoding well below age"}, outcomes="Read 40 words a minute", pupil_views="I like comics",
    )  # fmt: skip
    plan.interventions.add(group)
    review = PlanReview.objects.create(plan=plan, date=dt.date(2026, 10, 12), notes="Good progress")
    ReviewOutcomeRating.objects.create(review=review, position=0, outcome="Read 40 words a minute", rating="some")
    PupilPassport.objects.create(pupil=pupil, what_helps="Quiet corner to read", written_with="Mum")
    return pupil


def _csv_rows(archive: zipfile.ZipFile, name: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(archive.read(name).decode("utf-8-sig"))))


def test_export_zip_holds_every_table_and_the_pdfs(client, world):
    pupil = _rich_pupil(world)
    client.force_login(world.users["senco"])
    response = client.get(reverse("reports:pupil_data_export", args=[pupil.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "no-store" in response["Cache-Control"]
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = set(archive.namelist())
    assert {
        "README.txt", "pupil.csv", "parents_and_carers.csv", "parent_invitations.csv", "assessment_results.csv",
        "interventions.csv", "attendance.csv", "support_plans.csv", "plan_reviews.csv", "history_of_changes.csv",
        "individual_provision_map.pdf",
    } <= names  # fmt: skip
    assert any(name.startswith("support_plan_2026-09-14") and name.endswith(".pdf") for name in names)
    assert _csv_rows(archive, "pupil.csv")[1][0] == pupil.upn
    carers = _csv_rows(archive, "parents_and_carers.csv")
    robin = next(row for row in carers if row[1] == "Robin")
    assert robin[6:8] == ["robin@example.org", "0770"]
    assert len(carers) == 3  # the header, the world's parent and Robin
    assert _csv_rows(archive, "assessment_results.csv")[1][4] == "'=98"  # no formula injection
    assert _csv_rows(archive, "assessment_results.csv")[2][1:2] + _csv_rows(archive, "assessment_results.csv")[2][
        4:6
    ] == ["Spelling test", "Abs", "absent"]
    assert _csv_rows(archive, "attendance.csv")[1][3:] == ["No", "Unwell in school"]
    assert "Decoding well below age" in _csv_rows(archive, "support_plans.csv")[1][3]
    assert _csv_rows(archive, "plan_reviews.csv")[1][3] == "Good progress"
    assert _csv_rows(archive, "interventions.csv")[1][0] == "Reading Boost"
    assert _csv_rows(archive, "plan_outcome_ratings.csv")[1][3:] == ["Read 40 words a minute", "Some progress"]
    assert _csv_rows(archive, "one_page_profile.csv")[1][2] == "Quiet corner to read"
    history = _csv_rows(archive, "history_of_changes.csv")
    assert any("Support plan" in row[3] for row in history[1:])
    plan_pdf = next(name for name in names if name.startswith("support_plan_"))
    text = PdfReader(io.BytesIO(archive.read(plan_pdf))).pages[0].extract_text()
    assert "Decoding well below age" in text and pupil.legal_first_name in text
    assert (
        "Provision during the plan" in text and "Boost" in text and "0 of 1 held" in text
    )  # the provision during the plan, with dosage
    assert "12/10/2026: Some progress" in text  # each outcome's rating at each review
    map_text = PdfReader(io.BytesIO(archive.read("individual_provision_map.pdf"))).pages[0].extract_text()
    assert "Reading Boost" in map_text
    entry = LogEntry.objects.get(additional_data__event="export", additional_data__pupil=pupil.pk)
    assert entry.actor == world.users["senco"]


def test_export_command_writes_the_same_zip(tmp_path, world):
    pupil = _rich_pupil(world)
    out = tmp_path / "pupil.zip"
    call_command("export_pupil", pupil.upn, "--school", world.school.urn, "--out", str(out), stdout=io.StringIO())
    archive = zipfile.ZipFile(out)
    assert "support_plans.csv" in archive.namelist()
    # No signed-in user, yet every row (provision.access.operator_reads): the same tables as the page's zip.
    assert "Decoding well below age" in _csv_rows(archive, "support_plans.csv")[1][3]
    assert _csv_rows(archive, "assessment_results.csv")[1][4] == "'=98"
    assert _csv_rows(archive, "interventions.csv")[1][0] == "Reading Boost"
    assert LogEntry.objects.filter(additional_data__event="export", additional_data__pupil=pupil.pk).exists()


def test_the_admins_export_holds_the_results_and_plans_their_role_does_not_read_elsewhere(client, world):
    """A subject access request is answered whole (SUBJECT_ACCESS_SCOPE), whoever of its roles exports it."""
    pupil = _rich_pupil(world)
    client.force_login(world.users["admin"])
    archive = zipfile.ZipFile(io.BytesIO(client.get(reverse("reports:pupil_data_export", args=[pupil.pk])).content))
    assert _csv_rows(archive, "assessment_results.csv")[1][1] == "Autumn reading"
    assert "Decoding well below age" in _csv_rows(archive, "support_plans.csv")[1][3]
    assert _csv_rows(archive, "plan_outcome_ratings.csv")[1][3] == "Read 40 words a minute"


@pytest.mark.parametrize(
    "args, message",
    [
        (["A999999999999", "--school", "SCHOOL"], "No pupil with UPN"),
        (["UPN", "--school", "999999"], "No school with URN"),
    ],
)
def test_export_command_names_what_is_wrong(tmp_path, world, args, message):
    args = [world.pupils[0].upn if a == "UPN" else world.school.urn if a == "SCHOOL" else a for a in args]
    with pytest.raises(CommandError, match=message):
        call_command("export_pupil", *args, "--out", str(tmp_path / "x.zip"))


def _impact_world(world):
    """A completed reading group of three pupils with entry and exit results, one of whom has left long ago."""
    school = world.school
    reading = f.SubjectFactory(school=school, name="Reading")
    age = f.ScaleFactory(school=school, kind=ScaleKind.AGE, min_value=36, max_value=216, expected=None, high=None)
    sept = f.AssessmentFactory(school=school, subject=reading, scale=age, name="Sept", taken_on=dt.date(2026, 9, 7))
    dec = f.AssessmentFactory(school=school, subject=reading, scale=age, name="Dec", taken_on=dt.date(2026, 12, 7))
    StaffRate.objects.create(school=school, role="ta", hourly_rate=Decimal("20.00"))
    group = f.InterventionFactory(
        school=school, subject=reading, scale=age, name="Reading group", days=[0], status="completed",
        start_date=dt.date(2026, 9, 14), end_date=dt.date(2026, 9, 28), resources_cost=Decimal("90"),
    )  # fmt: skip
    pupils = []
    for n, (entry, exit_) in enumerate([(96, 105), (90, 97), (100, 112)]):
        pupil = f.PupilFactory(school=school, year_group=4, pupil_premium=n == 0)
        e = Result.objects.create(pupil=pupil, assessment=sept, value=entry, typed=str(entry))
        x = Result.objects.create(pupil=pupil, assessment=dec, value=exit_, typed=str(exit_))
        Placement.objects.create(
            intervention=group, pupil=pupil, entry_date=group.start_date, exit_date=group.end_date, entry_result=e,
            entry_value=entry, exit_result=x, exit_value=exit_, outcome="met", exit_reason="completed",
            target="Close the gap",
        )  # fmt: skip
        pupils.append(pupil)
    return group, pupils


def test_erasure_past_retention_keeps_the_impact_figures(client, world):
    group, pupils = _impact_world(world)
    leaver = pupils[0]
    guardian = f.GuardianFactory(school=world.school, first_name="Kim")
    PupilGuardian.objects.create(pupil=leaver, guardian=guardian)
    SupportPlan.objects.create(pupil=leaver, start_date=dt.date(2026, 9, 14), review_date=dt.date(2026, 12, 1))
    PupilPassport.objects.create(pupil=leaver, about_me="I love horses.")
    leaver.left_on = dt.date(2026, 12, 18)
    leaver.save()
    before = selectors_impact.evaluate_school(schools=world.school).groups.set_index("intervention_id").loc[group.pk]
    client.force_login(world.users["leader"])
    overview_before = client.get(reverse("reports:impact_overview")).content.decode()

    today = timezone.localdate()
    with pytest.raises(NotDue):
        pupil_erase(pupil=leaver, by=world.users["senco"], today=today)  # kept until their 31st birthday
    world.school.retention_basis, world.school.retention_years = "leaving", 1
    world.school.save()
    assert pupils_due(world.school, dt.date(2027, 12, 17)) == []
    assert pupils_due(world.school, dt.date(2027, 12, 18)) == [leaver]
    with time_machine.travel(dt.datetime(2028, 1, 10, 9, tzinfo=dt.UTC), tick=False):
        client.force_login(world.users["senco"])
        listing = client.get(reverse("reports:retention")).content.decode()
        assert leaver.legal_first_name in listing and pupils[1].legal_first_name not in listing
        response = client.post(reverse("reports:retention_erase", args=[leaver.pk]), follow=True)
        assert "anonymised" in response.content.decode()
        # Someone on roll is never erased, whatever the dates.
        client.post(reverse("reports:retention_erase", args=[pupils[1].pk]), follow=True)
    leaver.refresh_from_db()
    assert leaver.erased_on is not None
    assert leaver.legal_first_name == "Erased" and leaver.upn.startswith("X")
    assert not Guardian.objects.filter(pk=guardian.pk).exists()
    assert not SupportPlan.objects.filter(pupil=leaver).exists()
    assert not PupilPassport.objects.filter(pupil=leaver).exists()  # their own words identify them
    assert Placement.objects.get(pupil=leaver).target == ""
    assert Pupil.objects.get(pk=pupils[1].pk).erased_on is None
    # The personal details are gone from the audit log too; the erasure itself is recorded.
    assert (
        not LogEntry.objects.filter(additional_data__pupil=leaver.pk, object_repr__contains="Pupil")
        .exclude(object_repr__startswith="Erased")
        .exclude(additional_data__event="erase")
        .exists()
    )
    assert LogEntry.objects.get(additional_data__event="erase").actor == world.users["senco"]
    # The same impact figures, and the same page for the leader.
    after = selectors_impact.evaluate_school(schools=world.school).groups.set_index("intervention_id").loc[group.pk]
    for column in ("n_placed", "n_measured", "mean_gain", "pct_target_met", "cost_per_pupil"):
        assert after[column] == before[column], column
    client.force_login(world.users["leader"])
    overview_after = client.get(reverse("reports:impact_overview")).content.decode()
    assert _without_tokens(overview_after) == _without_tokens(overview_before)
    # The erased record is not a pupil anyone looks up.
    client.force_login(world.users["senco"])
    assert "Erased" not in client.get(reverse("pupils:list") + "?left=on").content.decode()


def _without_tokens(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def test_deleting_a_pupil_removes_guardians_linked_to_no_one_else(world):
    pupil, sibling = world.pupils[0], world.pupils[1]
    only_theirs = f.GuardianFactory(school=world.school, first_name="Lone")
    PupilGuardian.objects.create(pupil=pupil, guardian=only_theirs)
    invitation_create(guardian=only_theirs, email="lone@example.org", by=None)
    parent_user = world.users["parent"]  # guardian of pupils[0] and pupils[1]
    pupil_pk = pupil.pk
    pupil_delete(pupil=pupil, by=world.users["admin"], reason="entered twice")
    assert not Pupil.objects.filter(pk=pupil_pk).exists()
    assert not Guardian.objects.filter(pk=only_theirs.pk).exists()
    assert not GuardianInvitation.objects.filter(email="lone@example.org").exists()
    assert Guardian.objects.filter(user=parent_user).exists()  # still the sibling's parent
    assert get_user_model().objects.filter(pk=parent_user.pk).exists()
    pupil_delete(pupil=sibling, by=world.users["admin"])
    assert not Guardian.objects.filter(user=parent_user).exists()
    assert not get_user_model().objects.filter(pk=parent_user.pk).exists()  # an account with no child left
    deleted = LogEntry.objects.get(additional_data__event="delete", additional_data__pupil=pupil_pk)
    assert deleted.actor == world.users["admin"] and deleted.additional_data["note"] == "entered twice"


def test_delete_page_asks_for_the_upn(client, world):
    pupil = world.pupils[2]
    client.force_login(world.users["senco"])
    wrong = client.post(reverse("pupils:delete", args=[pupil.pk]), {"upn": "A123", "reason": "twice"})
    assert wrong.status_code == 200 and Pupil.objects.filter(pk=pupil.pk).exists()
    right = client.post(reverse("pupils:delete", args=[pupil.pk]), {"upn": pupil.upn.lower(), "reason": "twice"})
    assert right.status_code == 302 and not Pupil.objects.filter(pk=pupil.pk).exists()


# --- Need to know -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("actor, sees", [("senco", True), ("leader", True), ("teacher", True), ("ta", False),
                                         ("admin", False)])  # fmt: skip
def test_individual_map_shows_plan_contents_only_to_plan_readers(client, world, actor, sees):
    pupil = world.pupils[0]
    SupportPlan.objects.create(
        pupil=pupil, start_date=dt.date(2026, 9, 14), review_date=dt.date(2026, 12, 11),
        needs={"CL": "Secret decoding need"}, outcomes="Secret outcome",
    )  # fmt: skip
    client.force_login(world.users[actor])
    page = client.get(reverse("reports:pupil_map", args=[pupil.pk])).content.decode()
    assert ("Secret decoding need" in page) is sees
    assert ("Secret outcome" in page) is sees
    assert "support plan" in page.lower()


@pytest.mark.parametrize("actor, sees", [("senco", True), ("leader", True), ("admin", True), ("teacher", True),
                                         ("ta", False)])  # fmt: skip
def test_guardian_contacts_only_for_roles_that_contact_parents(client, world, actor, sees):
    pupil = world.pupils[0]  # in the world's teacher's class
    guardian = f.GuardianFactory(school=world.school, email="carer@example.org", phone="07700 900456")
    PupilGuardian.objects.create(pupil=pupil, guardian=guardian)
    client.force_login(world.users[actor])
    page = client.get(reverse("pupils:detail", args=[pupil.pk])).content.decode()
    assert ("carer@example.org" in page) is sees
    assert ("07700 900456" in page) is sees
    assert guardian.last_name in page  # the name is still shown


def test_teacher_of_another_class_does_not_see_guardian_contacts(client, world):
    other = f.PupilFactory(school=world.school, year_group=3)
    guardian = f.GuardianFactory(school=world.school, email="far@example.org")
    PupilGuardian.objects.create(pupil=other, guardian=guardian)
    client.force_login(world.users["teacher"])
    assert "far@example.org" not in client.get(reverse("pupils:detail", args=[other.pk])).content.decode()
