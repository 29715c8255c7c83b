"""The audit trail: history entries with who, when and old -> new for each kind of record, a pupil's history page
in plain words, the leader's CSV of the school's log, one entry per import, views of SEN details and exports."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from auditlog.models import LogEntry
from django.urls import reverse
from django.utils import timezone

from interventions.models import PlanReview, SupportPlan
from interventions.sessions.services import session_log
from provision import audit
from pupils.models import Guardian, Pupil, PupilGuardian, Result
from pupils.services import results_save
from tests import factories as f


def _entries_for(obj) -> list[LogEntry]:
    return list(LogEntry.objects.get_for_object(obj).order_by("timestamp", "pk"))


def test_editing_a_pupils_sen_details_records_who_when_and_old_to_new(client, world):
    pupil = world.pupils[0]
    client.force_login(world.users["senco"])
    data = {
        "upn": pupil.upn,
        "legal_first_name": pupil.legal_first_name,
        "legal_last_name": pupil.legal_last_name,
        "date_of_birth": pupil.date_of_birth.isoformat(),
        "year_group": pupil.year_group,
        "registration_group": pupil.registration_group_id,
        "sen_status": "K",
        "primary_need": "SPLD",
        "pupil_premium": "on",
    }
    response = client.post(reverse("pupils:edit", args=[pupil.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    entry = _entries_for(pupil)[-1]
    assert entry.action == LogEntry.Action.UPDATE
    assert entry.actor == world.users["senco"]
    assert entry.changes["sen_status"] == ["N", "K"]
    assert entry.changes["primary_need"] == ["", "SPLD"]
    assert entry.changes["pupil_premium"] == [False, True]
    assert entry.remote_addr == "127.0.0.1"
    assert entry.additional_data == {"school": world.school.pk, "pupil": pupil.pk}
    assert (timezone.now() - entry.timestamp).total_seconds() < 60

    page = client.get(reverse("pupils:history", args=[pupil.pk])).content.decode()
    assert "SEN status" in page
    assert "<del>No SEN</del>" in page and "<ins>SEN support</ins>" in page
    assert "<ins>SPLD - Specific learning difficulty</ins>" in page
    assert "SENCO" in page  # the role of who did it


def test_guardians_are_in_the_pupils_history(client, world):
    pupil = world.pupils[0]
    guardian = f.GuardianFactory(school=world.school, first_name="Robin", phone="01234 567890")
    PupilGuardian.objects.create(pupil=pupil, guardian=guardian, relationship="father")
    guardian.phone = "07700 900123"
    guardian.save()
    entry = _entries_for(guardian)[-1]
    assert entry.changes["phone"] == ["01234 567890", "07700 900123"]
    assert _entries_for(PupilGuardian.objects.get(guardian=guardian))[0].action == LogEntry.Action.CREATE
    client.force_login(world.users["senco"])
    page = client.get(reverse("pupils:history", args=[pupil.pk])).content.decode()
    assert "07700 900123" in page and "Parent or carer" in page


def test_plans_reviews_interventions_placements_sessions_and_results_are_logged(world):
    pupil = world.pupils[0]
    plan = SupportPlan.objects.create(
        pupil=pupil, start_date=dt.date(2026, 9, 14), review_date=dt.date(2026, 12, 11), needs={"CL": "Reading"}
    )
    plan.outcomes = "Read 20 words a minute more"
    plan.save()
    assert _entries_for(plan)[-1].changes["outcomes"] == ["", "Read 20 words a minute more"]
    review = PlanReview.objects.create(plan=plan, date=dt.date(2026, 10, 1), notes="Going well")
    assert _entries_for(review)[0].additional_data["pupil"] == pupil.pk
    intervention = f.InterventionFactory(school=world.school)
    plan.interventions.add(intervention)
    assert _entries_for(plan)[-1].changes["interventions"]["operation"] == "add"
    intervention.status = "running"
    intervention.save()
    assert _entries_for(intervention)[-1].changes["status"][1] == "running"
    placement = f.PlacementFactory(intervention=intervention, pupil=pupil)
    placement.target = "Reading age up 6 months"
    placement.save()
    assert _entries_for(placement)[-1].changes["target"] == ["", "Reading age up 6 months"]
    assessment = f.AssessmentFactory(school=world.school)
    result = Result.objects.create(pupil=pupil, assessment=assessment, value=100, typed="100")
    result.typed, result.value = "104", 104
    result.save()
    assert _entries_for(result)[-1].changes["typed"] == ["100", "104"]
    result.delete()
    assert LogEntry.objects.filter(action=LogEntry.Action.DELETE, additional_data__pupil=pupil.pk).exists()


def test_results_grid_logs_each_result_with_old_and_new_in_one_insert(world, django_assert_num_queries):
    pupil = world.pupils[0]
    assessment = f.AssessmentFactory(school=world.school)
    by = world.users["teacher"]
    results_save(pupils=[pupil], assessments=[assessment], entries={(pupil.pk, assessment.pk): "98"}, by=by)
    results_save(pupils=[pupil], assessments=[assessment], entries={(pupil.pk, assessment.pk): "101"}, by=by)
    results_save(pupils=[pupil], assessments=[assessment], entries={(pupil.pk, assessment.pk): ""}, by=by)
    logs = list(LogEntry.objects.filter(content_type__model="result", additional_data__pupil=pupil.pk).order_by("pk"))
    assert [log.action for log in logs] == [LogEntry.Action.CREATE, LogEntry.Action.UPDATE, LogEntry.Action.DELETE]
    assert logs[1].changes["typed"] == ["98", "101"]
    assert logs[2].changes["typed"] == ["101", None]
    assert {log.actor for log in logs} == {by}


def test_attendance_is_logged_per_pupil(world):
    intervention = f.InterventionFactory(school=world.school, lead=world.users["ta"], days=[0, 1, 2, 3, 4])
    placement = f.PlacementFactory(intervention=intervention, pupil=world.pupils[0], entry_date=dt.date(2026, 9, 7))
    day = dt.date(2026, 11, 16)
    session_log(
        intervention=intervention, date=day, minutes=30, focus="", notes="", steps={},
        attendance={placement.pk: (True, "")}, by=world.users["ta"], today=day,
    )  # fmt: skip
    session_log(
        intervention=intervention, date=day, minutes=30, focus="", notes="", steps={},
        attendance={placement.pk: (False, "unwell")}, by=world.users["ta"], today=day,
    )  # fmt: skip
    marks = LogEntry.objects.filter(content_type__model="attendance", additional_data__pupil=world.pupils[0].pk)
    assert [m.action for m in marks.order_by("pk")] == [LogEntry.Action.CREATE, LogEntry.Action.UPDATE]
    assert marks.order_by("pk").last().changes["present"] == [True, False]


def test_a_pupil_import_is_one_entry_with_counts_plus_each_pupils_changes(client, world):
    from pupils.imports.pupil_apply import import_parse, pupils_import

    pupil = world.pupils[0]
    content = (
        "UPN,Legal Surname,Legal Forename,DOB,Year,SEN Status\r\n"
        f"{pupil.upn},{pupil.legal_last_name},{pupil.legal_first_name},{pupil.date_of_birth:%d/%m/%Y},3,K\r\n"
    ).encode()
    parsed = import_parse(school=world.school, content=content, filename="sims.csv")
    pupils_import(school=world.school, parsed=parsed, dry_run=False, by=world.users["admin"])
    summary = LogEntry.objects.get(additional_data__event="import")
    assert summary.additional_data["counts"] == {"created": 0, "updated": 1, "unchanged": 0, "rejected": 0}
    assert summary.actor == world.users["admin"]
    change = LogEntry.objects.filter(additional_data__pupil=pupil.pk, action=LogEntry.Action.UPDATE).get()
    assert change.changes["sen_status"] == ["N (No SEN)", "K (SEN support)"]  # as the import's preview shows them


def test_results_import_is_one_entry_however_many_rows(world):
    from pupils.imports.results_apply import results_import, results_parse

    assessment = f.AssessmentFactory(school=world.school, name="Autumn reading")
    lines = ["UPN,Assessment,Result"] + [f"{p.upn},{assessment.name},{100 + i}" for i, p in enumerate(world.pupils)]
    parsed = results_parse(school=world.school, content="\r\n".join(lines).encode(), filename="results.csv")
    before = LogEntry.objects.count()
    outcome = results_import(school=world.school, parsed=parsed, dry_run=False, by=world.users["senco"])
    assert LogEntry.objects.count() == before + 1
    entry = LogEntry.objects.get(additional_data__event="import")
    assert entry.additional_data["counts"]["created"] == outcome.created_count
    assert entry.additional_data["kind"] == "results"


def test_viewing_sen_details_and_exports_are_logged(client, world):
    pupil = world.pupils[0]
    Pupil.objects.filter(pk=pupil.pk).update(sen_status="K", primary_need="SPLD")
    client.force_login(world.users["teacher"])
    client.get(reverse("pupils:detail", args=[pupil.pk]))
    view = LogEntry.objects.get(action=LogEntry.Action.ACCESS, additional_data__event="view")
    assert view.actor == world.users["teacher"] and view.additional_data["pupil"] == pupil.pk
    client.force_login(world.users["leader"])
    client.get(reverse("pupils:sen_register_csv"))
    export = LogEntry.objects.get(additional_data__event="export")
    assert export.additional_data["what"] == "SEN register (CSV)" and export.additional_data["rows"] == 1


def test_leader_downloads_the_schools_log_for_a_date_range(client, world):
    pupil = world.pupils[0]
    other = world.other_pupil
    with audit_time(dt.datetime(2026, 10, 1, 9, 0)):
        pupil.sen_status, pupil.primary_need = "K", "MLD"
        pupil.save()
        other.eal = True
        other.save()  # another school's: never in this school's log
    with audit_time(dt.datetime(2026, 11, 20, 9, 0)):
        pupil.eal = True
        pupil.save()
    client.force_login(world.users["leader"])
    response = client.get(reverse("provision:audit_log"), {"start": "2026-10-01", "end": "2026-10-31"})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:5] == ["When", "Who", "Role", "What", "Action"]
    body = rows[1:]
    assert len(body) == 1
    assert body[0][0].startswith("01/10/2026")
    assert "SEN status: No SEN -> SEN support" in body[0][5]
    assert "EAL" not in body[0][5]
    assert LogEntry.objects.filter(additional_data__event="export", actor=world.users["leader"]).exists()


def test_a_bad_date_range_gets_the_form_back(client, world):
    client.force_login(world.users["leader"])
    response = client.get(reverse("provision:audit_log"), {"start": "2026-10-31", "end": "2026-10-01"})
    assert response.status_code == 200
    assert "must be on or after" in response.content.decode()
    assert client.get(reverse("provision:audit_log"), {"start": "not a date", "end": "x"}).status_code == 200


def test_history_page_is_scoped_to_the_pupil(client, world):
    world.pupils[1].eal = True
    world.pupils[1].save()
    client.force_login(world.users["senco"])
    page = client.get(reverse("pupils:history", args=[world.pupils[0].pk])).content.decode()
    assert world.pupils[1].legal_first_name not in page


class audit_time:  # noqa: N801 - used as a context manager
    def __init__(self, when: dt.datetime) -> None:
        import time_machine

        self.travel = time_machine.travel(timezone.make_aware(when), tick=False)

    def __enter__(self):
        return self.travel.__enter__()

    def __exit__(self, *exc):
        return self.travel.__exit__(*exc)


@pytest.mark.parametrize("value, expected", [(None, "(blank)"), ("", "(blank)"), ("2026-09-01", "01/09/2026")])
def test_values_in_plain_words(value, expected):
    field = Pupil._meta.get_field("sen_identified_on")
    assert audit._value_words(field, value, {}) == expected


def test_guardian_model_words():
    assert audit.MODEL_LABELS[Guardian._meta.model_name] == "Parent or carer"
