"""Progress checks in use: setting up a group's check and targets, the grid of scores, the score box on the session
log, acknowledging a decision, and what the group's page, the SENCO's home, the impact page, the pupil's page, the
data export and erasure show or keep."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse

from interventions.models import (
    Attendance,
    CheckChange,
    CheckGoal,
    CheckReview,
    CheckScore,
    Placement,
    ProgressCheck,
    ScoreSource,
    Session,
)
from interventions.progress import rules, services
from interventions.progress.charts import place_chart
from interventions.progress.selectors import progress_for
from provision.security import MATPLOTLIB_SVG_STYLE
from tests import factories as f

TODAY = dt.date(2026, 11, 20)  # a Friday
START = dt.date(2026, 9, 14)
END = dt.date(2026, 12, 11)
AIM = round(12 / (88 / 7), 3)  # from 20 on 14/9 to 32 on 11/12 (88 days): 0.955 a week


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(dt.datetime(2026, 11, 20, 12, 0, tzinfo=ZoneInfo("Europe/London")), tick=False):
        yield


@pytest.fixture
def group(world):
    """A reading group led by the TA, with a check, three pupils: Ava flat (off track), Ben at the aim, Cara new."""
    intervention = f.InterventionFactory(
        school=world.school, name="Reading $5 group", lead=world.users["ta"], start_date=START, end_date=END
    )
    check = ProgressCheck.objects.create(
        intervention=intervention, name="Words read correctly in a minute", unit="words", min_value=0, max_value=200
    )
    ava, ben, cara = (
        f.PlacementFactory(intervention=intervention, pupil=pupil, entry_date=START) for pupil in world.pupils
    )
    for placement in (ava, ben):
        CheckGoal.objects.create(placement=placement, target_value=32)  # 20 to 32 in 12.6 weeks: AIM
    mondays = [START + dt.timedelta(days=7 * i) for i in range(8)]
    for i, day in enumerate(mondays):
        CheckScore.objects.create(placement=ava, date=day, value=20 + (i % 2), typed=str(20 + (i % 2)))
        CheckScore.objects.create(placement=ben, date=day, value=20 + i, typed=str(20 + i))
    intervention.check = check
    intervention.ava, intervention.ben, intervention.cara = ava, ben, cara
    return intervention


def progress_of(placement: Placement):
    placement = Placement.objects.select_related("intervention").get(pk=placement.pk)
    return progress_for([placement])[placement.pk]


# --- Setting up ------------------------------------------------------------------------------------------------


def test_the_senco_sets_up_a_check_and_targets(client, world):
    intervention = f.InterventionFactory(school=world.school, start_date=START, end_date=END)
    ava = f.PlacementFactory(intervention=intervention, pupil=world.pupils[0])
    client.force_login(world.users["senco"])
    url = reverse("interventions:checks_setup", args=[intervention.pk])
    assert "Set up a progress check" in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "name": "Errors in a passage",
            "unit": "errors",
            "direction": "lower",
            "min_value": "0",
            "max_value": "",
            f"entry-{ava.pk}": "30",
            f"target-{ava.pk}": "10",
        },
    )
    assert response.status_code == 302 and response["Location"].endswith("#progress")
    check = ProgressCheck.objects.get(intervention=intervention)
    assert (check.name, check.unit, check.higher_is_better, check.max_value) == (
        "Errors in a passage", "errors", False, None
    )  # fmt: skip
    goal = CheckGoal.objects.get(placement=ava)
    assert (goal.entry_value, goal.target_value) == (30, 10)
    assert LogEntry.objects.filter(content_type__model="checkgoal", additional_data__pupil=ava.pupil_id).exists()
    assert LogEntry.objects.filter(content_type__model="progresscheck").exists()


def test_setup_refuses_bad_values_and_keeps_what_was_typed(client, world, group):
    client.force_login(world.users["senco"])
    url = reverse("interventions:checks_setup", args=[group.pk])
    page = client.get(url).content.decode()
    assert f'name="target-{group.ava.pk}" value="32"' in page and 'value="200"' in page  # what is stored, to edit
    data = {"name": "Words", "unit": "words", "direction": "higher", "min_value": "0", "max_value": "200"}
    response = client.post(url, {**data, f"target-{group.ava.pk}": "lots", f"entry-{group.ben.pk}": "999"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "The baseline and the target must be numbers" in page and 'value="lots"' in page
    response = client.post(url, {**data, f"entry-{group.ben.pk}": "999"})
    assert "Baseline: 999 is above the highest possible score (200)" in response.content.decode()
    for hostile in ("nan", "inf", "-inf", "1e999", "<script>", "' OR 1=1"):
        response = client.post(url, {**data, "max_value": hostile, f"target-{group.ava.pk}": hostile})
        assert response.status_code == 200
    assert CheckGoal.objects.get(placement=group.ava).target_value == 32  # nothing half-saved


def test_a_range_that_leaves_scores_outside_is_refused(world, group):
    with pytest.raises(ValidationError) as excinfo:
        services.check_define(
            intervention=group, name="Words", unit="words", higher_is_better=True, min_value=0, max_value=25, by=None
        )
    assert "2 scores already recorded would be outside that range" in excinfo.value.message_dict["max_value"][0]
    with pytest.raises(ValidationError, match="cannot change which way is better"):
        services.check_define(
            intervention=group, name="Words", unit="words", higher_is_better=False, min_value=0, max_value=200, by=None
        )


# --- The grid of scores ----------------------------------------------------------------------------------------


def _grid_url(group, day=TODAY):
    return reverse("interventions:checks_record", args=[group.pk]) + f"?date={day.isoformat()}"


def test_the_tutor_records_a_day_of_checks_in_the_grid(client, world, group):
    client.force_login(world.users["ta"])
    page = client.get(_grid_url(group)).content.decode()
    key = f"score-{group.cara.pk}-{TODAY.isoformat()}"
    assert f'name="{key}"' in page
    response = client.post(
        _grid_url(group),
        {key: "25", f"was-{group.cara.pk}-{TODAY.isoformat()}": "", f"score-{group.ava.pk}-{TODAY.isoformat()}": ""},
    )
    assert response.status_code == 302
    score = CheckScore.objects.get(placement=group.cara)
    assert (score.date, score.value, score.source, score.recorded_by) == (
        TODAY,
        25,
        ScoreSource.GRID,
        world.users["ta"],
    )
    entry = LogEntry.objects.get(content_type__model="checkscore", object_id=score.pk)
    assert entry.additional_data == {"school": world.school.pk, "pupil": group.cara.pupil_id}


def test_the_grid_corrects_and_clears_scores(client, world, group):
    client.force_login(world.users["ta"])
    day = START + dt.timedelta(days=7)
    ava, ben = f"{group.ava.pk}-{day.isoformat()}", f"{group.ben.pk}-{day.isoformat()}"
    response = client.post(
        _grid_url(group, day), {f"score-{ava}": "24", f"was-{ava}": "21", f"score-{ben}": "", f"was-{ben}": "21"}
    )
    assert response.status_code == 302
    assert CheckScore.objects.get(placement=group.ava, date=day).value == 24
    assert not CheckScore.objects.filter(placement=group.ben, date=day).exists()
    assert LogEntry.objects.filter(content_type__model="checkscore", action=LogEntry.Action.DELETE).count() == 1


def test_a_score_someone_else_changed_meanwhile_is_not_overwritten(client, world, group):
    client.force_login(world.users["ta"])
    day = START
    key = f"{group.ava.pk}-{day.isoformat()}"
    CheckScore.objects.filter(placement=group.ava, date=day).update(value=23, typed="23")  # the SENCO, meanwhile
    response = client.post(_grid_url(group, day), {f"score-{key}": "26", f"was-{key}": "20"})
    assert response.status_code == 200
    assert "was changed by someone else since this page was opened (now 23)" in response.content.decode()
    assert CheckScore.objects.get(placement=group.ava, date=day).value == 23
    # A box left as the page showed it keeps whatever is stored now.
    response = client.post(_grid_url(group, day), {f"score-{key}": "20", f"was-{key}": "20"})
    assert response.status_code == 302 and CheckScore.objects.get(placement=group.ava, date=day).value == 23


def test_a_check_on_a_day_the_pupil_was_absent_is_refused(client, world, group):
    session = Session.objects.create(intervention=group, date=TODAY, minutes=30)
    Attendance.objects.create(session=session, placement=group.cara, present=False, absence_reason="unwell")
    client.force_login(world.users["ta"])
    key = f"{group.cara.pk}-{TODAY.isoformat()}"
    page = client.get(_grid_url(group)).content.decode()
    assert "absent" in page
    response = client.post(_grid_url(group), {f"score-{key}": "22", f"was-{key}": ""})
    assert response.status_code == 200
    assert "is marked absent from the session on 20/11/2026: a check needs the pupil there" in response.content.decode()
    assert not CheckScore.objects.filter(placement=group.cara).exists()


def test_grid_refuses_bad_scores_pupils_outside_the_group_and_future_days(client, world, group):
    other = f.PlacementFactory(intervention=f.InterventionFactory(school=world.school), pupil=world.pupils[0])
    client.force_login(world.users["ta"])
    day = TODAY.isoformat()
    for data, message in (
        ({f"score-{group.cara.pk}-{day}": "250"}, "above the highest possible score"),
        ({f"score-{group.cara.pk}-{day}": "ten"}, "is not a score"),
        ({f"score-{other.pk}-{day}": "20"}, "A pupil who is not in this group"),
        ({f"score-{group.cara.pk}-2026-11-27": "20"}, "is in the future"),
        ({f"score-{group.cara.pk}-2026-09-01": "20"}, "was not in the group on 01/09/2026"),
    ):
        response = client.post(_grid_url(group), data)
        assert response.status_code == 200 and message in response.content.decode(), message
    assert not CheckScore.objects.filter(placement__in=[group.cara, other]).exists()
    # Malformed field names and dates are ignored, never a 500.
    assert client.post(
        _grid_url(group), {"score-x-2026": "1", f"score-{group.cara.pk}-2026-02-30": "1"}
    ).status_code in (
        200,
        302,
    )


def test_the_grid_of_a_group_without_a_check(client, world):
    intervention = f.InterventionFactory(school=world.school, lead=world.users["ta"])
    client.force_login(world.users["ta"])
    assert client.get(reverse("interventions:checks_record", args=[intervention.pk])).status_code == 404
    client.force_login(world.users["senco"])
    response = client.get(reverse("interventions:checks_record", args=[intervention.pk]))
    assert response["Location"] == reverse("interventions:checks_setup", args=[intervention.pk])


# --- The session log's score box ---------------------------------------------------------------------------------


def _log_post(group, *, absent=None, scores=None):
    data = {"date": TODAY.isoformat(), "minutes": "30", "focus": "", "notes": ""}
    for placement in (group.ava, group.ben, group.cara):
        if placement == absent:
            data[f"att-{placement.pk}"], data[f"reason-{placement.pk}"] = "absent", "unwell"
        else:
            data[f"att-{placement.pk}"] = "present"
    for placement, (typed, was) in (scores or {}).items():
        data[f"check-{placement.pk}"] = typed
        data[f"check-was-{placement.pk}"] = was
    return data


def test_the_session_log_on_a_phone_records_scores_with_the_register(client, world, group):
    client.force_login(world.users["ta"])
    url = reverse("interventions:session_log", args=[group.pk])
    page = client.get(url).content.decode()
    assert f'name="check-{group.cara.pk}"' in page and "Check score" in page and 'inputmode="decimal"' in page
    response = client.post(url, _log_post(group, scores={group.cara: ("24", ""), group.ava: ("", "")}))
    assert response.status_code == 302
    assert CheckScore.objects.get(placement=group.cara, date=TODAY).source == ScoreSource.SESSION
    assert not CheckScore.objects.filter(placement=group.ava, date=TODAY).exists()  # optional
    # Reopening the day shows the score, and a corrected one replaces it.
    assert 'value="24"' in client.get(url + f"?date={TODAY.isoformat()}").content.decode()
    client.post(url + f"?date={TODAY.isoformat()}", _log_post(group, scores={group.cara: ("26", "24")}))
    assert CheckScore.objects.get(placement=group.cara, date=TODAY).value == 26


def test_a_score_for_a_pupil_marked_absent_saves_nothing(client, world, group):
    client.force_login(world.users["ta"])
    url = reverse("interventions:session_log", args=[group.pk])
    response = client.post(url, _log_post(group, absent=group.cara, scores={group.cara: ("24", "")}))
    page = response.content.decode()
    assert response.status_code == 200 and "Nothing was saved yet" in page
    assert "is marked absent from the session on 20/11/2026" in page
    assert not Session.objects.filter(intervention=group).exists()  # the session waits for its scores
    assert not CheckScore.objects.filter(placement=group.cara).exists()


def test_score_and_register_problems_are_shown_together(client, world, group):
    client.force_login(world.users["ta"])
    url = reverse("interventions:session_log", args=[group.pk])
    data = _log_post(group, scores={group.ben: ("abc", "")})
    del data[f"att-{group.ava.pk}"]  # a pupil not marked
    page = client.post(url, data).content.decode()
    assert "Mark whether" in page and "is not a score" in page


def test_the_session_log_without_a_check_has_no_score_box(client, world):
    intervention = f.InterventionFactory(school=world.school, lead=world.users["ta"])
    f.PlacementFactory(intervention=intervention, pupil=world.pupils[0])
    client.force_login(world.users["ta"])
    page = client.get(reverse("interventions:session_log", args=[intervention.pk])).content.decode()
    assert "Check score" not in page


# --- Acknowledging a decision ------------------------------------------------------------------------------------


def test_the_senco_records_what_was_changed_and_a_new_phase_begins(client, world, group):
    assert progress_of(group.ava).decision == rules.Decision.OFF_TRACK
    client.force_login(world.users["senco"])
    url = reverse("interventions:checks_review", args=[group.ava.pk])
    page = client.get(url).content.decode()
    assert "Record what you change" in page and "the whole interval falls short" in page
    response = client.post(
        url, {"change": "dosage", "note": "Daily sessions from Monday", "changed_on": TODAY.isoformat()}
    )
    assert response.status_code == 302
    review = CheckReview.objects.get(placement=group.ava)
    assert (review.decision, review.change, review.note, review.changed_on) == (
        "off_track", CheckChange.DOSAGE, "Daily sessions from Monday", TODAY
    )  # fmt: skip
    assert review.evidence["n_checks"] == 8 and review.evidence["aim_per_week"] == AIM
    assert review.evidence["interval"][1] < 1.0 and review.recorded_by == world.users["senco"]
    assert LogEntry.objects.filter(content_type__model="checkreview", additional_data__pupil=group.ava.pupil_id)
    after = progress_of(group.ava)
    assert after.decision == rules.Decision.TOO_FEW and after.judgement.phase_start == TODAY
    assert after.was_off_track  # kept in the record


def test_a_change_cannot_start_before_the_evidence_or_in_the_future(client, world, group):
    client.force_login(world.users["senco"])
    url = reverse("interventions:checks_review", args=[group.ava.pk])
    for day, message in (("2026-10-01", "The decision rests on checks up to 02/11/2026"), ("2026-12-01", "future")):
        response = client.post(url, {"change": "group", "note": "Moved", "changed_on": day})
        assert response.status_code == 200 and message in response.content.decode()
    response = client.post(url, {"change": "group", "note": "Moved", "changed_on": "2026-11-20", "new_target": "40"})
    assert "A new target goes with" in response.content.decode()
    assert not CheckReview.objects.exists()


def test_raising_the_goal_sets_the_new_target(client, world, group):
    for i in range(8):  # Cara races ahead: 20 to 41 in 7 weeks
        day = START + dt.timedelta(days=7 * i)
        CheckScore.objects.create(placement=group.cara, date=day, value=20 + 3 * i, typed=str(20 + 3 * i))
    CheckGoal.objects.create(placement=group.cara, target_value=32)
    assert progress_of(group.cara).decision == rules.Decision.RAISE_GOAL
    client.force_login(world.users["senco"])
    url = reverse("interventions:checks_review", args=[group.cara.pk])
    response = client.post(
        url, {"change": "goal", "note": "Higher", "changed_on": TODAY.isoformat(), "new_target": "30"}
    )
    assert "A raised goal goes beyond the current target (32)" in response.content.decode()
    client.post(url, {"change": "goal", "note": "Higher", "changed_on": TODAY.isoformat(), "new_target": "60"})
    assert CheckGoal.objects.get(placement=group.cara).target_value == 60
    review = CheckReview.objects.get(placement=group.cara)
    assert (review.decision, review.old_target, review.new_target) == ("raise_goal", 32, 60)


def test_no_decision_to_act_on(client, world, group):
    client.force_login(world.users["senco"])
    url = reverse("interventions:checks_review", args=[group.ben.pk])
    assert "There is no decision to act on" in client.get(url).content.decode()
    response = client.post(url, {"change": "dosage", "note": "x", "changed_on": TODAY.isoformat()})
    assert response.status_code == 200 and not CheckReview.objects.exists()


# --- What the pages show -------------------------------------------------------------------------------------------


def test_the_group_page_lists_who_is_off_track_with_charts_and_the_rules(client, world, group):
    client.force_login(world.users["senco"])
    page = client.get(reverse("interventions:detail", args=[group.pk])).content.decode()
    assert "Change something now for 1 pupil" in page
    assert (
        "8 checks over 7 weeks; trend 0 words a week (90% interval 0 to +0.2): the whole interval falls short of the "
        "aim of +0.95 words a week." in page
    )
    assert page.count('class="chart progress-chart') == 2  # Ava and Ben have checks; Cara none yet
    assert "1 off track · 1 on track · 1 with too few checks yet" in page
    assert "Fewer than 6 checks, or checks spanning less than 3 weeks" in page
    assert reverse("interventions:checks_review", args=[group.ava.pk]) in page
    client.force_login(world.users["teacher"])
    page = client.get(reverse("interventions:detail", args=[group.pk])).content.decode()
    assert "Change something now" in page and reverse("interventions:checks_review", args=[group.ava.pk]) not in page


@pytest.mark.parametrize("pupils", [3, 12])
def test_the_group_page_queries_do_not_grow_with_pupils(client, world, group, django_assert_num_queries, pupils):
    for _ in range(pupils - 3):
        placement = f.PlacementFactory(intervention=group, entry_date=START)
        CheckGoal.objects.create(placement=placement, target_value=30)
        for i in range(6):
            CheckScore.objects.create(placement=placement, date=START + dt.timedelta(days=7 * i), value=i, typed=str(i))
    client.force_login(world.users["senco"])
    url = reverse("interventions:detail", args=[group.pk])
    client.get(url)
    with django_assert_num_queries(QUERIES["detail"]):
        assert client.get(url).status_code == 200


# The page's own 13, and the progress checks' three: goals, scores, reviews (the check comes with the group).
QUERIES = {"detail": 16}


def test_the_chart_prints_dollar_signs_and_carries_only_the_allowed_style(world, group):
    ProgressCheck.objects.filter(pk=group.check.pk).update(unit="$ words")
    svg = place_chart(progress_of(group.ben))
    assert "$ words" in svg  # mathtext would have eaten the dollar sign
    styles = [part.split("</style>")[0] for part in svg.split("<style")[1:]]
    assert all(MATPLOTLIB_SVG_STYLE in style for style in styles)
    assert "<script" not in svg


def test_the_senco_home_lists_off_track_pupils_with_the_evidence(client, world, group):
    client.force_login(world.users["senco"])
    page = client.get(reverse("reports:home")).content.decode()
    assert "Progress checks: change something now for 1 pupil" in page
    assert group.ava.pupil.sorting_name in page and "the whole interval falls short" in page
    client.force_login(world.users["leader"])
    assert "change something now" not in client.get(reverse("reports:home")).content.decode()


def test_the_impact_page_counts_pupils_off_track_at_some_point_and_the_changes(client, world, group):
    client.force_login(world.users["senco"])
    url = reverse("reports:impact_intervention", args=[group.pk])
    page = client.get(url).content.decode()
    assert "1 of 3 pupils was off track at some point" in page and "No change was recorded for that pupil." in page
    services.review_record(
        progress=progress_of(group.ava), change="approach", note="Switched to paired reading", changed_on=TODAY,
        new_target=None, by=world.users["senco"], today=TODAY,
    )  # fmt: skip
    page = client.get(url).content.decode()
    assert "1 of 3 pupils was off track at some point" in page
    assert "The group changed something 1 time" in page and "Switched to paired reading" in page


def test_the_pupils_page_shows_their_chart(client, world, group):
    client.force_login(world.users["ta"])
    page = client.get(reverse("reports:pupil_map", args=[group.ava.pupil_id])).content.decode()
    assert "Progress checks" in page and 'class="chart progress-chart' in page and "Off track" in page


def test_the_data_export_and_erasure_keep_the_checks_right(world, group):
    from interventions.erasure import pupil_erase
    from reports.records.pupil_data import pupil_tables

    services.review_record(
        progress=progress_of(group.ava), change="dosage", note="Daily with Mrs Smith", changed_on=TODAY,
        new_target=None, by=None, today=TODAY,
    )  # fmt: skip
    tables = pupil_tables(group.ava.pupil, world.school, user=world.users["senco"])
    assert tables["progress_checks.csv"].decode().count("Words read correctly in a minute") == 8
    assert "Daily with Mrs Smith" in tables["progress_decisions.csv"].decode()
    pupil = group.ava.pupil
    pupil.left_on = dt.date(2000, 1, 1)
    pupil.save()
    world.school.retention_years = 1
    world.school.save()
    pupil_erase(pupil=pupil, by=None, today=TODAY)
    review = CheckReview.objects.get(placement=group.ava)
    assert review.note == "" and review.change == CheckChange.DOSAGE  # the words go, the figures stay
    assert CheckScore.objects.filter(placement=group.ava).count() == 8


# --- The command -------------------------------------------------------------------------------------------------


def test_progress_check_prints_and_writes_json(world, group, tmp_path):
    f.InterventionFactory(school=world.school, status="planned")  # no check: not listed
    out = StringIO()
    path = tmp_path / "progress.json"
    call_command("progress_check", "--school", world.school.urn, "--json", str(path), stdout=out)
    text = out.getvalue()
    assert "3 pupil places in groups with a progress check." in text and "off_track" in text
    data = json.loads(path.read_text())
    assert set(data) == {"placements"} and len(data["placements"]) == 3
    keys = {"upn", "intervention", "n_checks", "weeks", "slope_per_week", "aim_per_week", "decision"}
    assert all(set(row) == keys for row in data["placements"])
    by_upn = {row["upn"]: row for row in data["placements"]}
    ava, ben, cara = (by_upn[p.pupil.upn] for p in (group.ava, group.ben, group.cara))
    assert ava["decision"] == "off_track" and ava["intervention"] == "Reading $5 group"
    assert ava["n_checks"] == 8 and ava["weeks"] == 7.0 and ava["aim_per_week"] == AIM
    assert isinstance(ava["slope_per_week"], float) and ben["decision"] == "on_track" and ben["slope_per_week"] == 1.0
    assert cara == {**cara, "n_checks": 0, "slope_per_week": None, "aim_per_week": None, "decision": "too_few"}


def test_progress_check_unknown_school(world):
    with pytest.raises(CommandError, match="No school has the URN"):
        call_command("progress_check", "--school", "000000", stdout=StringIO())


# --- The parent's page ---------------------------------------------------------------------------------------------


def test_the_parent_sees_on_track_or_not_yet_in_plain_words(client, world, group):
    client.force_login(world.users["parent"])
    ava = client.get(reverse("family:child", args=[world.pupils[0].pk])).content.decode()
    name = world.pupils[0].first_name
    assert f"{name} is not yet on track in the weekly check (words read correctly in a minute)" in ava
    ben = client.get(reverse("family:child", args=[world.pupils[1].pk])).content.decode()
    assert f"{world.pupils[1].first_name} is on track to reach the target by 11 December 2026" in ben
    for page in (ava, ben):  # no rules, slopes, intervals or staff words
        assert "interval" not in page and "off_track" not in page and "Reading $5 group" not in page
    services.review_record(
        progress=progress_of(group.ava), change="dosage", note="Daily with Mrs Smith", changed_on=TODAY,
        new_target=None, by=None, today=TODAY,
    )  # fmt: skip
    ava = client.get(reverse("family:child", args=[world.pupils[0].pk])).content.decode()
    assert f"It is too early to say whether {name} is on track" in ava
    assert f"The school changed how it helps {name} on 20 November 2026." in ava
    assert "Mrs Smith" not in ava  # what was changed, in staff words, stays with staff


def test_the_parent_sees_nothing_about_checks_without_scores_or_a_target(client, world, group):
    CheckScore.objects.filter(placement=group.ava).delete()
    client.force_login(world.users["parent"])
    page = client.get(reverse("family:child", args=[world.pupils[0].pk])).content.decode()
    assert "weekly check" not in page and "Progress:" not in page


def test_family_progress_words_go_through_translation(monkeypatch):
    from family import wording

    monkeypatch.setattr(wording, "_", lambda text: f"\u00ab{text}\u00bb")  # a "translation" that shows itself
    for decision, start in (
        ("on_track", "\u00abEvie is on track"),
        ("raise_goal", "\u00abEvie is on track"),
        ("off_track", "\u00abEvie is not yet on track"),
        ("too_few", "\u00abIt is too early to say"),
    ):
        text = wording.progress_words("Evie", decision, check="words", by=END, changed_on=TODAY)
        assert text.startswith(start) and text.endswith(
            "\u00abThe school changed how it helps Evie on 20 November 2026.\u00bb"
        )
    assert wording.progress_words("Evie", "no_aim", check="words", by=END, changed_on=None) == ""


@pytest.mark.parametrize("pupils", [3, 20])
def test_the_session_log_with_score_boxes_queries_do_not_grow(client, world, django_assert_num_queries, pupils):
    intervention = f.InterventionFactory(school=world.school, lead=world.users["ta"], start_date=START, end_date=END)
    ProgressCheck.objects.create(intervention=intervention, name="Words", unit="words")
    placements = [f.PlacementFactory(intervention=intervention, entry_date=START) for _ in range(pupils)]
    client.force_login(world.users["ta"])
    url = reverse("interventions:session_log", args=[intervention.pk])
    client.get(url)
    # Session, user, memberships; the group with its check; the day's session; the placements with dosage; the
    # terms; the day's scores; and for the navigation bar, the current term and whether the user is also a parent.
    with django_assert_num_queries(10):
        assert client.get(url).status_code == 200
    data = {"date": TODAY.isoformat(), "minutes": "30", "focus": "", "notes": ""}
    for placement in placements:
        data[f"att-{placement.pk}"] = "present"
        data[f"check-{placement.pk}"], data[f"check-was-{placement.pk}"] = "12", ""
    response = client.post(url, data)
    assert response.status_code == 302 and CheckScore.objects.count() == pupils


def test_a_pupil_who_left_or_a_finished_group_is_not_listed_to_act_on(client, world, group):
    client.force_login(world.users["senco"])
    Placement.objects.filter(pk=group.ava.pk).update(exit_date=TODAY, exit_reason="moved")
    page = client.get(reverse("interventions:detail", args=[group.pk])).content.decode()
    assert "Change something now" not in page and "Off track" in page  # the card stays, the call to act goes
    assert "change something now" not in client.get(reverse("reports:home")).content.decode()
    response = client.post(
        reverse("interventions:checks_review", args=[group.ava.pk]),
        {"change": "dosage", "note": "x", "changed_on": TODAY.isoformat()},
    )
    assert "has left the group" in response.content.decode() and not CheckReview.objects.exists()


def test_setup_opened_before_someone_else_saved_a_target_saves_nothing(client, world, group):
    import re

    client.force_login(world.users["senco"])
    url = reverse("interventions:checks_setup", args=[group.pk])
    page = client.get(url).content.decode()
    token = re.search(r'name="opened_as" value="([^"]+)"', page).group(1)
    CheckGoal.objects.filter(placement=group.ben).update(target_value=40)  # another SENCO, meanwhile
    data = {
        "name": "Words read correctly in a minute", "unit": "words", "direction": "higher", "min_value": "0",
        "max_value": "200", "opened_as": token, f"target-{group.ava.pk}": "35", f"target-{group.ben.pk}": "32",
    }  # fmt: skip
    response = client.post(url, data)
    page = response.content.decode()
    assert response.status_code == 200 and 'id="stale-form"' in page
    assert f"{group.ben.pupil.full_name}: baseline / target" in page
    assert CheckGoal.objects.get(placement=group.ava).target_value == 32  # nothing saved
    assert CheckGoal.objects.get(placement=group.ben).target_value == 40
    fresh = re.search(r'name="opened_as" value="([^"]+)"', page).group(1)
    response = client.post(url, {**data, "opened_as": fresh})  # saving again, knowing both
    assert response.status_code == 302 and CheckGoal.objects.get(placement=group.ava).target_value == 35
