"""Placements: every rule for adding pupils, editing their entry and recording their exit (services and forms),
the two-step add form, and adding pupils straight from the "pupils who need support" list."""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from interventions.groups import services
from interventions.groups.services import PlacementErrors, PupilEntry
from interventions.models import Intervention, Placement, Training
from provision.models import Role
from pupils.models import Pupil, Result, ScaleBand, ScaleKind
from tests import factories as f
from tests.forms import formset_data

TODAY = dt.date(2026, 11, 25)  # a Wednesday in the autumn term


@pytest.fixture
def reading(world):
    """A running reading group measured on a standardised scale (40-160), with reading tests in October and in
    July before it, a reading age test (another scale) and a maths test. Pupil a: 78 then 84 (newest October)."""
    school = world.school
    subject = f.SubjectFactory(school=school, name="Reading")
    scale = f.ScaleFactory(school=school, name="Standardised reading")
    summer = f.AssessmentFactory(school=school, name="Summer reading", subject=subject, scale=scale,
                                 taken_on=dt.date(2026, 7, 8))  # fmt: skip
    autumn = f.AssessmentFactory(school=school, name="Autumn reading", subject=subject, scale=scale,
                                 taken_on=dt.date(2026, 10, 5))  # fmt: skip
    age_scale = f.ScaleFactory(school=school, name="Reading age", kind=ScaleKind.AGE, min_value=36, max_value=216,
                               expected=None, high=None)  # fmt: skip
    age_test = f.AssessmentFactory(school=school, name="Reading age test", subject=subject, scale=age_scale,
                                   taken_on=dt.date(2026, 10, 12))  # fmt: skip
    maths = f.AssessmentFactory(school=school, name="Maths test", subject=f.SubjectFactory(school=school, name="Maths"))
    a, b, c = world.pupils
    results = {}
    for pupil, first, second in ((a, 78, 84), (b, 80, 75), (c, 99, 101)):
        Result.objects.create(pupil=pupil, assessment=summer, value=first, typed=str(first))
        results[pupil.pk] = Result.objects.create(pupil=pupil, assessment=autumn, value=second, typed=str(second))
    results["age"] = Result.objects.create(pupil=a, assessment=age_test, value=90, typed="7:06")
    results["maths"] = Result.objects.create(pupil=a, assessment=maths, value=70, typed="70")
    group = f.InterventionFactory(school=school, name="Reading boost", subject=subject, scale=scale)
    return {"group": group, "scale": scale, "subject": subject, "autumn": autumn, "results": results}


def _add(group, *pupils, entry_date=TODAY):
    return services.placements_add(intervention=group, pupils=list(pupils), entry_date=entry_date, by=None)


def _problems(excinfo) -> dict:
    return excinfo.value.problems


# --- Adding: the services ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_pupils_are_added_with_a_baseline_result_targets_and_self_rating(world, reading):
    a, b, _ = world.pupils
    result = reading["results"][a.pk]
    added = _add(
        reading["group"],
        PupilEntry(pupil=a, entry_result=result, target="Read 90 words a minute", target_typed="95",
                   pupil_target="I want to read chapter books", entry_rating=2),
        b,
    )  # fmt: skip
    assert len(added) == 2
    placement = Placement.objects.get(pupil=a)
    assert placement.entry_result == result and placement.entry_value == 84 and placement.entry_typed == "84"
    assert placement.target_value == 95 and placement.entry_rating == 2 and placement.entry_date == TODAY
    assert placement.pupil_target == "I want to read chapter books"
    assert Placement.objects.get(pupil=b).entry_value is None


@pytest.mark.django_db
def test_a_typed_baseline_is_read_on_the_intervention_scale(world, reading):
    a, _, _ = world.pupils
    _add(reading["group"], PupilEntry(pupil=a, entry_typed=" 92 "))
    placement = Placement.objects.get()
    assert placement.entry_value == 92.0 and placement.entry_typed == "92" and placement.entry_result is None


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("entry", "field", "message"),
    [
        ({"entry_typed": "200"}, "entry_typed", "200 is outside the standardised score range 40-160."),
        ({"entry_typed": "ninety"}, "entry_typed", "'ninety' is not a number."),
        ({"target_typed": "39"}, "target_value", "39 is outside the standardised score range 40-160."),
        ({"entry_rating": 6}, "entry_rating", "Ensure this value is less than or equal to 5."),
        ({"entry_rating": 0}, "entry_rating", "Ensure this value is greater than or equal to 1."),
    ],
)
def test_values_outside_the_scale_or_rating_are_rejected_and_nobody_is_added(world, reading, entry, field, message):
    a, b, _ = world.pupils
    with pytest.raises(PlacementErrors) as excinfo:
        _add(reading["group"], b, PupilEntry(pupil=a, **entry))
    assert _problems(excinfo) == {a.pk: {field: [message]}}
    assert not Placement.objects.exists()  # b was fine, but it is all or nothing


@pytest.mark.django_db
def test_errors_name_the_pupil_and_the_field(world, reading):
    a = world.pupils[0]
    with pytest.raises(PlacementErrors) as excinfo:
        _add(reading["group"], PupilEntry(pupil=a, entry_typed="200"))
    assert excinfo.value.messages == [f"{a.full_name}: Baseline: 200 is outside the standardised score range 40-160."]


@pytest.mark.django_db
def test_band_scales_take_band_names_and_reject_others(world, reading):
    bands = f.ScaleFactory(school=world.school, name="Writing bands", kind=ScaleKind.BANDS, min_value=None,
                           max_value=None, expected=2, high=3)  # fmt: skip
    for rank, (label, code) in enumerate(
        [("Working towards", "WTS"), ("Expected", "EXS"), ("Greater depth", "GDS")], 1
    ):
        ScaleBand.objects.create(scale=bands, rank=rank, label=label, code=code)
    group = f.InterventionFactory(school=world.school, area="writing", scale=bands)
    a, b, _ = world.pupils
    with pytest.raises(PlacementErrors) as excinfo:
        _add(group, PupilEntry(pupil=a, entry_typed="Brilliant"))
    assert "is not one of this scale's bands" in _problems(excinfo)[a.pk]["entry_typed"][0]
    _add(group, PupilEntry(pupil=a, entry_typed="wts", target_typed="Expected"))
    placement = Placement.objects.get()
    assert placement.entry_value == 1.0 and placement.target_value == 2.0


@pytest.mark.django_db
def test_without_a_scale_a_typed_baseline_is_kept_as_written_but_a_target_value_cannot_be(world):
    group = f.InterventionFactory(school=world.school, area="semh")
    a, b, _ = world.pupils
    with pytest.raises(PlacementErrors) as excinfo:
        _add(group, PupilEntry(pupil=a, target_typed="100"))
    assert "has no scale" in _problems(excinfo)[a.pk]["target_value"][0]
    _add(group, PupilEntry(pupil=b, entry_typed="Boxall profile: 3 strands of concern"))
    placement = Placement.objects.get()
    assert placement.entry_typed == "Boxall profile: 3 strands of concern" and placement.entry_value is None


@pytest.mark.django_db
def test_a_baseline_result_must_be_the_pupils_own_in_the_subject_and_on_the_scale(world, reading):
    a, b, _ = world.pupils
    results = reading["results"]
    cases = [
        (results[b.pk], "entry_result", "That result belongs to another pupil."),
        (results["maths"], "entry_result", "Maths test is in Maths, not Reading."),
        (results["age"], "entry_result", "Reading age test is on the Reading age scale, not Standardised reading."),
    ]
    for result, field, message in cases:
        with pytest.raises(PlacementErrors) as excinfo:
            _add(reading["group"], PupilEntry(pupil=a, entry_result=result))
        assert message in _problems(excinfo)[a.pk][field], message
    with pytest.raises(PlacementErrors) as excinfo:
        _add(reading["group"], PupilEntry(pupil=a, entry_result=results[a.pk], entry_typed="90"))
    assert _problems(excinfo)[a.pk] == {"entry_typed": ["Pick a result or type a value, not both."]}
    assert not Placement.objects.exists()


@pytest.mark.django_db
def test_a_second_active_placement_in_the_same_group_is_rejected_but_rejoining_later_is_not(world, reading):
    a = world.pupils[0]
    group = reading["group"]
    first = _add(group, a, entry_date=dt.date(2026, 9, 14))[0]
    with pytest.raises(PlacementErrors) as excinfo:
        _add(group, a)
    assert _problems(excinfo) == {a.pk: {"pupil": [f"{a.full_name} is already in this intervention."]}}
    services.placement_exit(placement=first, exit_date=dt.date(2026, 10, 23), exit_reason="moved", by=None)
    _add(group, a)
    assert Placement.objects.filter(pupil=a).count() == 2
    # The same pupil in another group at the same time is fine.
    _add(f.InterventionFactory(school=world.school), a)


@pytest.mark.django_db
def test_a_pupil_listed_twice_at_another_school_or_who_has_left_is_rejected(world, reading):
    a, b, _ = world.pupils
    b.left_on = dt.date(2026, 10, 31)
    b.save()
    with pytest.raises(PlacementErrors) as excinfo:
        _add(reading["group"], a, a, b, world.other_pupil)
    problems = _problems(excinfo)
    assert problems[a.pk] == {"pupil": ["Listed twice."]}
    assert problems[b.pk] == {"pupil": ["Left the school on 31/10/2026."]}
    assert problems[world.other_pupil.pk] == {"pupil": ["The pupil is at another school."]}
    assert not Placement.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"status": "completed"}, "Pupils cannot join a completed intervention."),
        ({"status": "stopped", "stop_reason": "Clash"}, "Pupils cannot join a stopped intervention."),
        ({"wave": 1}, "Wave 1 strategies are for whole classes or year groups"),
    ],
)
def test_only_planned_or_running_groups_beyond_wave_1_take_pupils(world, changes, message):
    group = f.InterventionFactory(school=world.school, **changes)
    with pytest.raises(ValidationError) as excinfo:
        _add(group, world.pupils[0])
    assert message in str(excinfo.value)
    assert not Placement.objects.exists()


@pytest.mark.django_db
def test_nobody_joins_after_the_group_ends_or_from_an_empty_list(world, reading):
    with pytest.raises(ValidationError) as excinfo:
        _add(reading["group"], world.pupils[0], entry_date=dt.date(2026, 12, 14))
    assert excinfo.value.message_dict == {
        "entry_date": ["The intervention ends on 11/12/2026; pupils cannot join after that."]
    }
    with pytest.raises(ValidationError):
        _add(reading["group"])


# --- Editing the entry and recording the exit: the services --------------------------------------------


@pytest.fixture
def placed(world, reading):
    a = world.pupils[0]
    return _add(reading["group"], PupilEntry(pupil=a, entry_result=reading["results"][a.pk]),
                entry_date=dt.date(2026, 9, 14))[0]  # fmt: skip


def _exit(placement, **changes):
    kwargs = {"exit_date": dt.date(2026, 12, 11), "exit_reason": "completed", "by": None} | changes
    return services.placement_exit(placement=placement, **kwargs)


@pytest.mark.django_db
def test_an_exit_is_recorded_with_result_rating_and_outcome(world, reading, placed):
    spring = f.AssessmentFactory(school=world.school, name="Spring reading", subject=reading["subject"],
                                 scale=reading["scale"], taken_on=dt.date(2026, 12, 7))  # fmt: skip
    result = Result.objects.create(pupil=placed.pupil, assessment=spring, value=93, typed="93")
    _exit(placed, exit_result=result, exit_rating=4, outcome="met", notes="Much more fluent")
    placed.refresh_from_db()
    assert placed.exit_value == 93 and placed.exit_result == result and placed.exit_rating == 4
    assert placed.outcome == "met" and placed.notes == "Much more fluent" and not placed.is_active
    # Correcting it later: a typed exit result replaces the picked one.
    _exit(placed, exit_typed="95", outcome="met")
    placed.refresh_from_db()
    assert placed.exit_result is None and placed.exit_value == 95


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"exit_date": dt.date(2026, 9, 1)},
            "exit_date",
            "A pupil cannot leave an intervention before they joined it.",
        ),
        ({"exit_reason": ""}, "exit_reason", "Say why the pupil left the intervention."),
        ({"exit_typed": "161"}, "exit_typed", "161 is outside the standardised score range 40-160."),
        ({"exit_rating": 6}, "exit_rating", "Ensure this value is less than or equal to 5."),
        ({"outcome": "brilliant"}, "outcome", "Value 'brilliant' is not a valid choice."),
        ({"exit_reason": "bored"}, "exit_reason", "Value 'bored' is not a valid choice."),
    ],
)
def test_exit_rules(placed, changes, field, message):
    with pytest.raises(ValidationError) as excinfo:
        _exit(placed, **changes)
    assert message in excinfo.value.message_dict[field]
    placed.refresh_from_db()
    assert placed.is_active


@pytest.mark.django_db
def test_entry_details_are_corrected_with_the_same_rules(world, reading, placed):
    services.placement_update(
        placement=placed, entry_date=dt.date(2026, 9, 16), entry_typed="80", target="Close the gap",
        target_typed="90", pupil_target="Read to my sister", entry_rating=3, by=None,
    )  # fmt: skip
    placed.refresh_from_db()
    assert placed.entry_result is None and placed.entry_value == 80 and placed.target_value == 90
    assert placed.entry_date == dt.date(2026, 9, 16) and placed.entry_rating == 3
    with pytest.raises(ValidationError) as excinfo:
        services.placement_update(placement=placed, entry_date=dt.date(2026, 9, 16), entry_typed="20", by=None)
    assert excinfo.value.message_dict == {"entry_typed": ["20 is outside the standardised score range 40-160."]}
    _exit(placed, exit_date=dt.date(2026, 10, 1))
    with pytest.raises(ValidationError) as excinfo:
        services.placement_update(placement=placed, entry_date=dt.date(2026, 10, 2), by=None)
    assert "exit_date" in excinfo.value.message_dict


# --- The add-pupils form ---------------------------------------------------------------------------------


def _add_url(group, *pupils, **params) -> str:
    query = "&".join([f"pupil={p.pk}" for p in pupils] + [f"{k}={v}" for k, v in params.items()])
    return reverse("interventions:placements_add", args=[group.pk]) + ("?" + query if query else "")


def _row_data(pupil, **fields) -> dict:
    data = {"pupil": str(pupil.pk), f"p{pupil.pk}-include": "on"}
    data.update({f"p{pupil.pk}-{name}": value for name, value in fields.items()})
    return data


def _post_rows(client, group, *rows, entry_date="2026-11-25", **extra):
    data: dict[str, list[str]] = {"entry_date": [entry_date]}
    for row in rows:
        for key, value in row.items():
            data.setdefault(key, []).append(value)
    for key, value in extra.items():
        data[key] = [value]
    return client.post(reverse("interventions:placements_add", args=[group.pk]), data)


@pytest.mark.django_db
def test_step_one_lists_pupils_on_roll_in_the_groups_years(client, world, reading, frozen):
    group = reading["group"]
    group.year_groups = [3]
    group.save()
    a, b, c = world.pupils
    c.left_on = dt.date(2026, 10, 1)
    c.save()
    year5 = f.PupilFactory(school=world.school, year_group=5, date_of_birth=dt.date(2016, 3, 1))
    _add(group, b)
    client.force_login(world.users["senco"])
    response = client.get(_add_url(group))
    assert [p.pk for p in response.context["pupils"]] == [p.pk for p in sorted([a, b], key=lambda p: p.legal_last_name)]
    assert response.context["in_group"] == {b.pk}
    everyone = client.get(_add_url(group, year="all")).context["pupils"]
    assert year5 in everyone and c not in everyone
    # "Next" with nobody ticked stays on this step and says why.
    response = client.get(_add_url(group, step="details"))
    assert "Tick at least one pupil" in response.content.decode()


@pytest.mark.django_db
def test_step_two_offers_the_pupils_results_newest_first(client, world, reading, frozen):
    a = world.pupils[0]
    client.force_login(world.users["senco"])
    response = client.get(_add_url(reading["group"], a, step="details"))
    row = response.context["rows"][0]
    choices = [label for value, label in row.fields["baseline_result"].choices if value]
    # Reading results on the group's scale only (not the reading age or maths), newest first.
    assert choices == ["Autumn reading (05/10/2026): 84", "Summer reading (08/07/2026): 78"]
    assert row.initial["baseline_result"] == reading["results"][a.pk].pk
    assert response.context["date_form"].initial["entry_date"] == TODAY


@pytest.mark.django_db
def test_the_form_adds_ticked_pupils_and_leaves_unticked_ones_out(client, world, reading, frozen):
    a, b, _ = world.pupils
    client.force_login(world.users["senco"])
    result = reading["results"][a.pk]
    response = _post_rows(
        client, reading["group"],
        _row_data(a, baseline_result=str(result.pk), target="Read fluently", target_typed="90", entry_rating="2",
                  pupil_target="Read to my brother"),
        {"pupil": str(b.pk)},  # left unticked
    )  # fmt: skip
    assert response.status_code == 302
    assert response["Location"] == reverse("interventions:detail", args=[reading["group"].pk])
    placement = Placement.objects.get()
    assert placement.pupil == a and placement.entry_result == result and placement.entry_rating == 2
    assert placement.pupil_target == "Read to my brother" and placement.target_value == 90


@pytest.mark.django_db
def test_the_form_shows_each_pupils_errors_keeps_their_input_and_adds_nobody(client, world, reading, frozen):
    a, b, _ = world.pupils
    client.force_login(world.users["senco"])
    response = _post_rows(
        client, reading["group"],
        _row_data(a, baseline_result="", baseline_typed="200"),
        _row_data(b, baseline_result="", entry_rating="2"),
    )  # fmt: skip
    assert response.status_code == 200
    rows = {row.pupil.pk: row for row in response.context["rows"]}
    assert rows[a.pk].errors["baseline_typed"] == ["200 is outside the standardised score range 40-160."]
    assert not rows[b.pk].errors
    page = response.content.decode()
    assert "Nobody was added" in page and f"{a.full_name}: Baseline: 200 is outside" in page
    assert 'value="200"' in page
    assert not Placement.objects.exists()


@pytest.mark.django_db
def test_the_form_rejects_a_rating_off_the_scale_and_both_kinds_of_baseline(client, world, reading, frozen):
    a = world.pupils[0]
    client.force_login(world.users["senco"])
    result = reading["results"][a.pk]
    response = _post_rows(
        client, reading["group"], _row_data(a, baseline_result=str(result.pk), baseline_typed="90", entry_rating="7")
    )
    errors = response.context["rows"][0].errors
    assert "entry_rating" in errors
    response = _post_rows(client, reading["group"], _row_data(a, baseline_result=str(result.pk), baseline_typed="90"))
    assert response.context["rows"][0].errors["baseline_typed"] == ["Pick a result or type a value, not both."]
    response = _post_rows(client, reading["group"], _row_data(a), entry_date="2026-12-14")
    assert "entry_date" in response.context["date_form"].errors
    assert not Placement.objects.exists()


@pytest.mark.django_db
def test_pupils_already_in_the_group_are_set_aside(client, world, reading, frozen):
    a, b, _ = world.pupils
    _add(reading["group"], a)
    client.force_login(world.users["senco"])
    response = client.get(_add_url(reading["group"], a, b, step="details"))
    assert response.context["already"] == [a]
    assert [row.pupil for row in response.context["rows"]] == [b]


@pytest.mark.django_db
def test_another_schools_pupil_is_a_404(client, world, reading):
    client.force_login(world.users["senco"])
    response = client.get(_add_url(reading["group"], world.other_pupil, step="details"))
    assert response.status_code == 404


@pytest.mark.django_db
def test_warns_when_the_group_goes_over_capacity(client, world, reading, frozen):
    group = reading["group"]
    group.capacity = 1
    group.save()
    a, b, _ = world.pupils
    client.force_login(world.users["senco"])
    response = _post_rows(client, group, _row_data(a, baseline_result=""), _row_data(b, baseline_result=""))
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "now over its capacity of 1" in page
    assert Placement.objects.count() == 2


# --- Editing and exit forms --------------------------------------------------------------------------


@pytest.mark.django_db
def test_placement_edit_form_names_the_field_in_error(client, world, reading, placed):
    client.force_login(world.users["senco"])
    url = reverse("interventions:placement_edit", args=[placed.pk])
    form = client.get(url).context["form"]
    assert form.initial["baseline_result"] == placed.entry_result_id
    response = client.post(url, {"entry_date": "2026-09-14", "baseline_result": "", "baseline_typed": "7:06"})
    assert response.context["form"].errors["baseline_typed"] == ["'7:06' is not a number."]
    response = client.post(url, {"entry_date": "2026-09-14", "baseline_result": "", "baseline_typed": "88",
                                 "entry_rating": "4", "target": "Reach 95"})  # fmt: skip
    assert response.status_code == 302
    placed.refresh_from_db()
    assert placed.entry_value == 88 and placed.entry_rating == 4 and placed.target == "Reach 95"


@pytest.mark.django_db
def test_placement_exit_form(client, world, reading, placed, frozen):
    client.force_login(world.users["senco"])
    url = reverse("interventions:placement_exit", args=[placed.pk])
    form = client.get(url).context["form"]
    # Joined 14 Sep: the October result is the newest since, so it is offered first; today is the exit date.
    assert form.initial["exit_result"] == reading["results"][placed.pupil_id].pk
    assert form.initial["exit_date"] == TODAY
    response = client.post(url, {"exit_date": "2026-09-01", "exit_reason": "completed"})
    assert response.context["form"].errors["exit_date"] == [
        "A pupil cannot leave an intervention before they joined it."
    ]
    response = client.post(url, {"exit_date": "2026-11-25", "exit_reason": ""})
    assert "exit_reason" in response.context["form"].errors
    response = client.post(url, {"exit_date": "2026-11-25", "exit_reason": "completed", "exit_typed": "99",
                                 "exit_rating": "4", "outcome": "partly"})  # fmt: skip
    assert response.status_code == 302
    placed.refresh_from_db()
    assert placed.exit_value == 99 and placed.outcome == "partly" and placed.exit_rating == 4
    page = client.get(reverse("interventions:detail", args=[placed.intervention_id])).content.decode()
    assert "Partly met" in page and "(+15)" in page  # 84 -> 99


@pytest.mark.django_db
def test_placements_of_another_school_are_a_404(client, world):
    other = f.PlacementFactory(intervention=f.InterventionFactory(school=world.other_school), pupil=world.other_pupil)
    client.force_login(world.users["senco"])
    assert client.get(reverse("interventions:placement_edit", args=[other.pk])).status_code == 404
    assert client.get(reverse("interventions:placement_exit", args=[other.pk])).status_code == 404


# --- From the identification list -----------------------------------------------------------------------


@pytest.fixture
def groups(world, reading):
    """Groups the identification list's reading tab may offer, and some it must not."""
    school = world.school
    return {
        "reading": reading["group"],  # measured in Reading
        "by_area": f.InterventionFactory(school=school, name="Toe by Toe", area="reading", status="planned"),
        "maths": f.InterventionFactory(school=school, name="Number club", area="maths"),
        "other_subject": f.InterventionFactory(
            school=school, name="Spelling", area="reading", subject=f.SubjectFactory(school=school, name="Spelling")
        ),
        "done": f.InterventionFactory(school=school, name="Finished", area="reading", status="completed"),
        "wave1": f.InterventionFactory(school=school, name="Whole class", area="reading", wave=1),
        "elsewhere": f.InterventionFactory(school=world.other_school, name="Elsewhere", area="reading"),
    }


def _identification(client, user, subject):
    client.force_login(user)
    response = client.get(reverse("reports:identification") + f"?subject={subject.pk}")
    assert response.status_code == 200
    return response


@pytest.mark.django_db
def test_senco_can_tick_pupils_and_choose_a_fitting_group(client, world, reading, groups):
    response = _identification(client, world.users["senco"], reading["subject"])
    assert [g.name for g in response.context["fitting_interventions"]] == ["Reading boost", "Toe by Toe"]
    page = response.content.decode()
    assert 'name="pupil"' in page and reverse("interventions:add_from_identification") in page
    assert "Add selected to an intervention" in page


@pytest.mark.django_db
def test_leaders_see_the_list_without_the_controls(client, world, reading, groups):
    response = _identification(client, world.users["leader"], reading["subject"])
    page = response.content.decode()
    assert 'name="pupil"' not in page and reverse("interventions:add_from_identification") not in page
    assert response.context["fitting_interventions"] == []


@pytest.mark.django_db
def test_current_support_shows_the_groups_a_pupil_is_in_now_in_that_subject(client, world, reading, groups, frozen):
    b = world.pupils[1]  # 75 in October's reading test: below the expected 85
    _add(groups["reading"], b, entry_date=dt.date(2026, 9, 14))
    _add(groups["maths"], b, entry_date=dt.date(2026, 9, 14))
    left = _add(groups["by_area"], b, entry_date=dt.date(2026, 9, 14))[0]
    services.placement_exit(placement=left, exit_date=dt.date(2026, 10, 1), exit_reason="moved", by=None)
    # Running, in reading by its area (no assessed subject): current support too.
    by_area = f.InterventionFactory(school=world.school, name="Paired reading", area="reading")
    _add(by_area, b, entry_date=dt.date(2026, 9, 14))
    # Planned for next term, in reading: shown apart as planned, with the day it starts.
    next_term = f.InterventionFactory(school=world.school, name="Spring reading", subject=reading["subject"],
                                      status="planned", start_date=dt.date(2027, 1, 5), end_date=dt.date(2027, 3, 26))  # fmt: skip
    _add(next_term, b, entry_date=dt.date(2027, 1, 5))
    response = _identification(client, world.users["leader"], reading["subject"])
    rows = {row["pupil"].pk: row for row in response.context["rows"]}
    # Not Toe by Toe (left), not Number club (maths), not Spring reading (not started).
    assert [g.name for g in rows[b.pk]["interventions"]] == ["Paired reading", "Reading boost"]
    assert [(g.name, day) for g, day in rows[b.pk]["planned"]] == [("Spring reading", dt.date(2027, 1, 5))]
    page = response.content.decode()
    assert reverse("interventions:detail", args=[groups["maths"].pk]) not in page
    assert "planned: " in page and "Spring reading</a> from 5 Jan 2027" in page


@pytest.mark.django_db
def test_two_steps_from_identification_to_placements(client, world, reading, groups, frozen):
    a, b, _ = world.pupils
    group = groups["reading"]
    client.force_login(world.users["senco"])
    back = reverse("reports:identification") + f"?subject={reading['subject'].pk}"
    response = client.post(
        reverse("interventions:add_from_identification"),
        {"pupil": [str(a.pk), str(b.pk)], "intervention": str(group.pk), "next": back},
    )
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location.path == reverse("interventions:placements_add", args=[group.pk])
    query = parse_qs(location.query)
    assert query["step"] == ["details"] and query["pupil"] == [str(a.pk), str(b.pk)] and query["next"] == [back]

    step_two = client.get(response["Location"])
    rows = {row.pupil.pk: row for row in step_two.context["rows"]}
    # Each pupil's latest reading result on the group's scale is their baseline, ready to confirm.
    assert rows[a.pk].initial["baseline_result"] == reading["results"][a.pk].pk
    assert rows[b.pk].initial["baseline_result"] == reading["results"][b.pk].pk
    data = {
        "pupil": [str(a.pk), str(b.pk)], "entry_date": "2026-11-25", "next": back,
        f"p{a.pk}-include": "on", f"p{a.pk}-baseline_result": str(reading["results"][a.pk].pk),
        f"p{b.pk}-include": "on", f"p{b.pk}-baseline_result": str(reading["results"][b.pk].pk),
    }  # fmt: skip
    done = client.post(response["Location"], data)
    assert done.status_code == 302 and done["Location"] == back
    assert {(p.pupil_id, p.entry_value) for p in Placement.objects.all()} == {(a.pk, 84), (b.pk, 75)}


@pytest.mark.django_db
def test_add_from_identification_needs_pupils_and_an_open_group_of_the_school(client, world, reading, groups):
    a = world.pupils[0]
    client.force_login(world.users["senco"])
    url = reverse("interventions:add_from_identification")
    response = client.post(url, {"intervention": str(groups["reading"].pk)}, follow=True)
    assert "Tick the pupils to add first." in response.content.decode()
    for bad in ("done", "wave1", "elsewhere"):
        response = client.post(url, {"pupil": str(a.pk), "intervention": str(groups[bad].pk)})
        assert response["Location"] == reverse("reports:identification"), bad
    response = client.post(url, {"pupil": str(a.pk), "intervention": "x", "next": "https://evil.example/"})
    assert response["Location"] == reverse("reports:identification")
    assert client.get(url).status_code == 405
    assert not Placement.objects.exists()


@pytest.mark.django_db
def test_identification_query_count_stays_constant_with_groups_and_placements(client):
    counts = []
    for size in (4, 40):
        school = f.SchoolFactory()
        senco = f.staff(school, Role.SENCO)
        first = f.AssessmentFactory(school=school, taken_on=dt.date(2026, 10, 5))
        second = f.AssessmentFactory(
            school=school, taken_on=dt.date(2027, 2, 1), subject=first.subject, scale=first.scale
        )
        pupils = Pupil.objects.bulk_create([f.PupilFactory.build(school=school) for _ in range(size)])
        Result.objects.bulk_create(
            [
                Result(pupil=p, assessment=a, value=v, typed=str(v))
                for p in pupils
                for a, v in ((first, 95), (second, 80))
            ]
        )
        groups = [f.InterventionFactory(school=school, subject=first.subject) for _ in range(3)]
        Placement.objects.bulk_create(
            [
                Placement(intervention=groups[i % 3], pupil=p, entry_date=dt.date(2026, 9, 14))
                for i, p in enumerate(pupils)
            ]
        )
        client.force_login(senco)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(reverse("reports:identification"))
        assert len(response.context["rows"]) == size
        assert len(response.context["fitting_interventions"]) == 3
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts
    assert Intervention.objects.count() == 6


@pytest.mark.django_db(transaction=True)
def test_two_staff_adding_the_same_pupil_at_once_make_one_placement(world):
    """Two SENCO tabs adding the same pupil at the same moment: the group's row lock queues the second, which
    then sees the first's placement and is told the pupil is already in the group (no database error)."""
    from concurrent.futures import ThreadPoolExecutor
    from threading import Barrier

    from django.db import connections

    if connection.vendor != "postgresql":
        pytest.skip("Row locks need PostgreSQL; SQLite writes one transaction at a time anyway.")
    group = f.InterventionFactory(school=world.school)
    pupil = world.pupils[0]
    start = Barrier(2)

    def add() -> str:
        try:
            start.wait()
            _add(group, pupil)
            return "added"
        except PlacementErrors as exc:
            return exc.messages[0]
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=2) as pool:
        outcomes = set(pool.map(lambda _: add(), range(2)))
    assert outcomes == {"added", f"{pupil.full_name}: {pupil.full_name} is already in this intervention."}
    assert Placement.objects.filter(intervention=group, pupil=pupil).count() == 1


# --- Planning a new group for the ticked pupils ------------------------------------------------------------


def _plan(client, world, reading, *pupils, **extra):
    """Tick ``pupils`` on the reading tab and press "Plan a group": the redirect, then the form it leads to."""
    client.force_login(world.users["senco"])
    back = reverse("reports:identification") + f"?subject={reading['subject'].pk}"
    data = {"pupil": [str(p.pk) for p in pupils], "subject": str(reading["subject"].pk), "next": back, **extra}
    response = client.post(reverse("interventions:plan_from_identification"), data)
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location.path == reverse("interventions:intervention_new")
    return response["Location"], client.get(response["Location"])


def _group_form_data(form, **changes) -> dict:
    """What the pre-filled form posts back when the SENCO changes nothing but ``changes``."""
    data = {name: form.initial.get(name, "") for name in ("name", "wave", "area", "subject", "scale", "capacity")}
    data.update({
        "year_groups": [str(y) for y in form.initial.get("year_groups", [])],
        "start_date": form.initial["start_date"].isoformat(), "end_date": form.initial["end_date"].isoformat(),
        "days": ["1", "3"], "minutes_per_session": "30", "lead_role": "ta", "wave": "2", "capacity": "6",
        "resources_cost": "0", "external_cost": "0", "funding_source": "other",
        **formset_data("staff", [{"role": "ta"}], max_num=12),
    })  # fmt: skip
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


@pytest.mark.django_db
def test_the_list_offers_planning_a_group_for_the_ticked_pupils(client, world, reading, groups):
    page = _identification(client, world.users["senco"], reading["subject"]).content.decode()
    # The ticks belong to the form the planning button submits, with the subject: nothing to retype.
    assert 'form="place-form"' in page and 'id="place-form"' in page
    assert f'formaction="{reverse("interventions:plan_from_identification")}"' in page
    assert f'name="subject" value="{reading["subject"].pk}"' in page


@pytest.mark.django_db
def test_planning_from_the_list_fills_in_the_new_group(client, world, reading, frozen):
    a, b, _ = world.pupils
    b.year_group = 4
    b.save()
    url, response = _plan(client, world, reading, a, b)
    assert parse_qs(urlsplit(url).query)["pupil"] == [str(a.pk), str(b.pk)]
    form = response.context["form"]
    # Wednesday 25/11/2026: the next school day, Thursday; a term on is the spring term's last day (the
    # Christmas holiday not counted); the scale both pupils were assessed on (not the reading age one pupil sat).
    assert form.initial["subject"] == reading["subject"].pk and form.initial["area"] == "reading"
    assert form.initial["year_groups"] == [3, 4]
    assert form.initial["scale"] == reading["scale"].pk
    assert form.initial["start_date"] == dt.date(2026, 11, 26)
    assert form.initial["end_date"] == dt.date(2027, 3, 26)
    assert form.initial["name"] == "Reading: Years 3 and 4 (Autumn 2026)"
    page = response.content.decode()
    assert f"{a.full_name} (Y3)" in page and f'<input type="hidden" name="pupil" value="{b.pk}">' in page


@pytest.mark.django_db
def test_near_the_end_of_term_the_group_starts_next_term_named_after_the_programme(client, world, reading):
    programme = f.ProgrammeFactory(school=world.school, name="Inference training", weeks=None)
    with time_machine.travel(dt.datetime(2026, 12, 7, 10, 0, tzinfo=ZoneInfo("Europe/London")), tick=False):
        _, response = _plan(client, world, reading, world.pupils[0], programme=str(programme.pk))
    form = response.context["form"]
    # Nine school days left after Monday 07/12: it starts on the spring term's first day and runs the term.
    assert form.initial["start_date"] == dt.date(2027, 1, 5)
    assert form.initial["end_date"] == dt.date(2027, 3, 26)
    assert form.initial["programme"] == programme.pk
    assert form.initial["name"] == "Inference training: Year 3 (Spring 2027)"


@pytest.mark.django_db
def test_saving_the_planned_group_goes_on_to_add_the_ticked_pupils_with_their_baselines(client, world, reading, frozen):
    a, b, c = world.pupils
    url, response = _plan(client, world, reading, a, b)
    data = _group_form_data(response.context["form"], pupil=[str(a.pk), str(b.pk)], subject=reading["subject"].pk)
    saved = client.post(url, data)
    assert saved.status_code == 302, saved.context["form"].errors
    group = Intervention.objects.get(name="Reading: Year 3 (Autumn 2026)")
    assert group.subject == reading["subject"] and group.scale == reading["scale"] and group.year_groups == [3]
    location = urlsplit(saved["Location"])
    assert location.path == reverse("interventions:placements_add", args=[group.pk])
    assert parse_qs(location.query)["pupil"] == [str(a.pk), str(b.pk)]
    step_two = client.get(saved["Location"])
    rows = {row.pupil.pk: row for row in step_two.context["rows"]}
    assert set(rows) == {a.pk, b.pk}  # the ticked pupils, and only them
    assert rows[a.pk].initial["baseline_result"] == reading["results"][a.pk].pk
    assert step_two.context["date_form"].initial["entry_date"] == dt.date(2026, 11, 26)  # the group's start
    done = client.post(
        saved["Location"],
        {"pupil": [str(a.pk), str(b.pk)], "entry_date": "2026-11-26",
         f"p{a.pk}-include": "on", f"p{a.pk}-baseline_result": str(reading["results"][a.pk].pk),
         f"p{b.pk}-include": "on", f"p{b.pk}-baseline_result": str(reading["results"][b.pk].pk)},
    )  # fmt: skip
    assert done.status_code == 302
    assert {(p.pupil_id, p.entry_value) for p in group.placements.all()} == {(a.pk, 84), (b.pk, 75)}


@pytest.mark.django_db
def test_planning_needs_ticked_pupils_of_this_school(client, world, reading):
    client.force_login(world.users["senco"])
    back = reverse("reports:identification")
    response = client.post(reverse("interventions:plan_from_identification"), {"next": back}, follow=True)
    assert "Tick the pupils to plan a group for first." in response.content.decode()
    # Another school's pupil is never listed, pre-filled or carried to the placements.
    url = reverse("interventions:intervention_new") + f"?pupil={world.other_pupil.pk}&subject=abc&programme="
    response = client.get(url)
    assert response.status_code == 200 and response.context["plan"].pupils == []
    for user in ("teacher", "ta", "leader"):
        client.force_login(world.users[user])
        assert client.post(reverse("interventions:plan_from_identification"), {"pupil": "1"}).status_code == 403


@pytest.mark.django_db
def test_staff_trained_in_the_programme_come_first_and_the_others_are_flagged_before_saving(
    client, world, reading, frozen
):
    programme = f.ProgrammeFactory(school=world.school, name="Inference training")
    tutor, teacher = world.users["ta"], world.users["teacher"]
    for user, first, last in ((tutor, "Zoe", "Young"), (teacher, "Adam", "Ash")):
        user.first_name, user.last_name = first, last
        user.save()
    Training.objects.create(school=world.school, user=tutor, programme=programme, trained_on=dt.date(2025, 9, 1))
    # Training that has run out does not count.
    Training.objects.create(school=world.school, user=teacher, programme=programme, trained_on=dt.date(2023, 9, 1),
                            expires_on=dt.date(2026, 8, 31))  # fmt: skip
    url, response = _plan(client, world, reading, world.pupils[0], programme=str(programme.pk))
    form, formset = response.context["form"], response.context["formset"]
    for field in (form.fields["lead"], formset.forms[0].fields["user"]):
        labels = [label for value, label in field.choices if value]
        assert labels[0] == "Zoe Young"  # trained: first, though alphabetically last
        assert "Adam Ash (not trained in Inference training)" in labels
    page = response.content.decode()
    # Each programme option says who is trained in it, for the page's script to relabel when it changes.
    assert f'data-trained="{tutor.pk}"' in page and 'data-label="Adam Ash"' in page
    assert "js/plan-group.js" in page and "Staff trained in Inference training are listed first" in page
    # Without a programme, nobody is flagged.
    _, bespoke = _plan(client, world, reading, world.pupils[0])
    assert not any("not trained" in label for _, label in bespoke.context["form"].fields["lead"].choices)
    # Saved with an untrained lead anyway: the server says so again.
    data = _group_form_data(form, programme=str(programme.pk), lead=str(teacher.pk), pupil=str(world.pupils[0].pk))
    saved = client.post(url, data, follow=True)
    assert "Not trained (or training expired) in Inference training: Adam Ash." in saved.content.decode()


@pytest.mark.django_db
def test_choosing_another_programme_on_the_form_relabels_the_staff_on_the_server_too(client, world, reading, frozen):
    programme = f.ProgrammeFactory(school=world.school, name="Inference training")
    url, response = _plan(client, world, reading, world.pupils[0])
    # An invalid post (no name) with a programme chosen: the form comes back flagged for that programme.
    data = _group_form_data(response.context["form"], programme=str(programme.pk), name="")
    again = client.post(url, data)
    assert again.status_code == 200
    labels = [label for value, label in again.context["form"].fields["lead"].choices if value]
    assert labels and all(label.endswith("(not trained in Inference training)") for label in labels)


@pytest.mark.django_db
def test_the_two_targets_say_what_each_is(client, world, reading, placed):
    client.force_login(world.users["senco"])
    page = client.get(reverse("interventions:placement_edit", args=[placed.pk])).content.decode()
    assert "Target, in words" in page and "Target result" in page and "Target on the scale" not in page


@pytest.mark.django_db
def test_planning_ignores_pupil_numbers_that_name_no_pupil(client, world, reading):
    client.force_login(world.users["senco"])
    a = world.pupils[0]
    url = reverse("interventions:intervention_new") + f"?pupil=-1&pupil={10**30}&pupil=x&pupil={a.pk}"
    response = client.get(url + f"&subject={reading['subject'].pk}&programme=")
    assert response.status_code == 200 and response.context["plan"].pupils == [a]
