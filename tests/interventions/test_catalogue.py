"""The programme catalogue: the seeded shared programmes, search and filters, a school's own programmes."""

from __future__ import annotations

import importlib
import re

import pytest
from django.apps import apps as django_apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse

from interventions.catalogue.data import PROGRAMMES
from interventions.models import Area, Delivery, EvidenceStrength, KeyStage, Programme, StaffRole
from provision.models import Role
from pupils.models import NeedArea
from tests import factories as f

seed_migration = importlib.import_module("interventions.migrations.0002_shared_catalogue")

LITERACY = {Area.READING, Area.PHONICS, Area.WRITING, Area.SPELLING, Area.HANDWRITING}
NUMERACY = {Area.MATHS}
SEMH_AND_COMMUNICATION = {Area.SEMH, Area.LANGUAGE, Area.SOCIAL}


def _programme_data(**changes) -> dict:
    """A valid POST for the programme form."""
    data = {
        "name": "Our phonics booster",
        "area": "phonics",
        "key_stages": ["KS2", "KS1"],
        "need_areas": ["CL"],
        "wave": "2",
        "delivery": "small_group",
        "group_size_min": "2",
        "group_size_max": "4",
        "sessions_per_week": "3",
        "minutes_per_session": "20",
        "weeks": "8",
        "delivered_by": "ta",
        "summary": "Daily sounds practice for Year 3 pupils who did not pass the phonics check.",
        "evidence_strength": "none",
        "evidence_summary": "",
        "cost_notes": "",
        "link": "",
        "is_active": "on",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


# --- The data and its migration ---------------------------------------------------------------------------


def test_the_migration_seeds_the_same_list_as_catalogue_data():
    assert seed_migration.PROGRAMMES == PROGRAMMES


def test_catalogue_data_is_complete_and_valid():
    assert len(PROGRAMMES) >= 30
    names = [entry["name"] for entry in PROGRAMMES]
    assert len(names) == len({name.lower() for name in names}), "names must be unique"
    fields = {field.name for field in Programme._meta.get_fields()}
    for entry in PROGRAMMES:
        name = entry["name"]
        assert set(entry) <= fields, name
        assert entry["area"] in Area.values, name
        assert entry["key_stages"] and set(entry["key_stages"]) <= set(KeyStage.values), name
        assert entry["need_areas"] and set(entry["need_areas"]) <= {"CI", "CL", "SEMH", "SP"}, name
        assert entry["wave"] in (1, 2, 3), name
        assert entry["delivery"] in Delivery.values, name
        assert entry["delivered_by"] in StaffRole.values, name
        assert entry["evidence_strength"] in EvidenceStrength.values, name
        assert 1 <= entry["group_size_min"] <= entry["group_size_max"], name
        assert 1 <= entry["sessions_per_week"] <= 10, name
        assert 5 <= entry["minutes_per_session"] <= 240, name
        assert entry["weeks"] is None or 1 <= entry["weeks"] <= 52, name
        assert entry["link"] == "" or entry["link"].startswith("https://"), name
        assert entry["summary"] and entry["evidence_summary"], name
        assert len(entry["name"]) <= 120, name


def test_the_seeded_catalogue_spans_literacy_numeracy_and_semh_communication(db):
    shared = Programme.objects.filter(school__isnull=True)
    assert shared.count() >= 25
    assert set(shared.values_list("name", flat=True)) >= {entry["name"] for entry in PROGRAMMES}
    areas = list(shared.values_list("area", flat=True))
    assert sum(area in LITERACY for area in areas) >= 8
    assert sum(area in NUMERACY for area in areas) >= 5
    assert sum(area in SEMH_AND_COMMUNICATION for area in areas) >= 8
    neli = shared.get(name__startswith="Nuffield Early Language")
    assert neli.key_stages == ["EYFS"] and neli.evidence_strength == "strong" and neli.weeks == 20


def test_seeding_again_changes_nothing_and_unseeding_keeps_programmes_in_use(db):
    before = Programme.objects.filter(school__isnull=True).count()
    toe_by_toe = Programme.objects.get(school__isnull=True, name="Toe by Toe")
    toe_by_toe.minutes_per_session = 45
    toe_by_toe.save()

    seed_migration.seed_catalogue(django_apps, None)
    assert Programme.objects.filter(school__isnull=True).count() == before
    toe_by_toe.refresh_from_db()
    assert toe_by_toe.minutes_per_session == 20  # put back to the catalogue's value

    school = f.SchoolFactory()
    used = Programme.objects.get(school__isnull=True, name="Catch Up Numeracy")
    f.InterventionFactory(school=school, programme=used, area="maths")
    own = f.ProgrammeFactory(school=school, name="Our own maths group")
    seed_migration.unseed_catalogue(django_apps, None)
    assert list(Programme.objects.filter(school__isnull=True)) == [used]
    assert Programme.objects.filter(pk=own.pk).exists()


# --- The list: search, filters, sorting, counts ---------------------------------------------------------------


def _names(client, query: str = "") -> list[str]:
    response = client.get(reverse("interventions:catalogue") + query)
    assert response.status_code == 200
    return [programme.name for programme in response.context["page"]]


def test_catalogue_filters_and_search(client, world):
    own = f.ProgrammeFactory(
        school=world.school,
        name="Rapid Reading Rockets",
        area="reading",
        key_stages=["KS1", "KS2"],
        need_areas=["CL", "SP"],
        wave=3,
        delivery="online",
        evidence_strength="moderate",
        summary="Tablet-based decoding games for Year 2.",
    )
    client.force_login(world.users["teacher"])

    everything = _names(client)
    assert own.name in everything and "Reading Recovery" in everything
    assert _names(client, "?q=tablet-based") == [own.name]
    assert _names(client, "?q=rockets+rapid") == [own.name]
    assert "Zones of Regulation" in _names(client, "?q=coloured+zones")

    maths = _names(client, "?area=maths")
    assert "Catch Up Numeracy" in maths and own.name not in maths and "Reading Recovery" not in maths

    eyfs = _names(client, "?key_stage=EYFS")
    assert "Nuffield Early Language Intervention (NELI)" in eyfs
    assert own.name not in eyfs and "Reading Recovery" not in eyfs
    assert own.name in _names(client, "?key_stage=KS2")

    sensory = _names(client, "?need=SP")
    assert own.name in sensory and "Sensory circuits" in sensory and "Catch Up Numeracy" not in sensory
    semh = _names(client, "?need=SEMH")
    assert "Drawing and Talking" in semh and "LEGO-based therapy (Brick-by-Brick)" in semh
    assert "Toe by Toe" not in semh

    wave_one = _names(client, "?wave=1")
    assert "Zones of Regulation" in wave_one and own.name not in wave_one
    online = _names(client, "?delivery=online")
    assert own.name in online and "Lexia Core5 Reading" in online and "Toe by Toe" not in online

    # Evidence is "at least": moderate includes strong, excludes promising.
    moderate_up = _names(client, "?evidence=moderate")
    assert own.name in moderate_up and "Nuffield Early Language Intervention (NELI)" in moderate_up
    assert "Switch-on Reading" not in moderate_up
    assert _names(client, "?evidence=strong") == ["Nuffield Early Language Intervention (NELI)"]

    assert _names(client, "?owner=own") == [own.name]
    assert own.name not in _names(client, "?owner=shared")
    assert _names(client, "?area=reading&wave=3&delivery=online&need=CL&key_stage=KS1") == [own.name]
    # Nonsense in the query string is ignored rather than an error.
    assert len(_names(client, "?wave=banana&key_stage=KS9")) == len(everything)


def test_retired_programmes_are_hidden_unless_asked_for(client, world):
    old = f.ProgrammeFactory(school=world.school, name="Old spelling scheme", is_active=False)
    client.force_login(world.users["senco"])
    assert old.name not in _names(client)
    assert old.name in _names(client, "?retired=on")


def test_catalogue_sorts_by_name_evidence_and_use(client, world):
    client.force_login(world.users["senco"])
    by_name = _names(client)
    assert by_name == sorted(by_name)
    assert _names(client, "?sort=-name") == list(reversed(by_name))
    strongest_first = _names(client, "?sort=evidence")
    assert strongest_first[0] == "Nuffield Early Language Intervention (NELI)"
    weakest_first = _names(client, "?sort=-evidence")
    assert weakest_first[-1] == "Nuffield Early Language Intervention (NELI)"

    popular = Programme.objects.get(school__isnull=True, name="Toe by Toe")
    for _ in range(2):
        f.InterventionFactory(school=world.school, programme=popular)
    assert _names(client, "?sort=used")[0] == "Toe by Toe"


def test_catalogue_counts_only_this_schools_interventions_and_current_training(client, world):
    programme = Programme.objects.get(school__isnull=True, name="Catch Up Literacy")
    f.InterventionFactory(school=world.school, programme=programme)
    f.InterventionFactory(school=world.school, programme=programme, status="completed")
    f.InterventionFactory(school=world.other_school, programme=programme)
    from interventions.models import Training

    Training.objects.create(school=world.school, user=world.users["ta"], programme=programme, trained_on="2020-01-01")
    Training.objects.create(
        school=world.school,
        user=world.users["teacher"],
        programme=programme,
        trained_on="2020-01-01",
        expires_on="2021-01-01",
    )
    client.force_login(world.users["senco"])
    response = client.get(reverse("interventions:catalogue") + "?q=catch+up+literacy")
    [row] = response.context["page"]
    assert row.intervention_count == 2
    assert row.trained_count == 1


def _catalogue_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.django_db
def test_catalogue_query_count_is_the_same_for_5_and_50_own_programmes(client):
    counts = []
    for n in (5, 50):
        school = f.SchoolFactory()
        programmes = [f.ProgrammeFactory(school=school, name=f"Own {school.pk}-{i}") for i in range(n)]
        for programme in programmes[::2]:
            f.InterventionFactory(school=school, programme=programme)
        client.force_login(f.staff(school, Role.SENCO))
        url = reverse("interventions:catalogue")
        counts.append(
            (
                _catalogue_queries(client, url),
                _catalogue_queries(client, url + "?sort=-evidence&key_stage=KS2&page=2"),
                _catalogue_queries(client, url + "?sort=used&need=CL&evidence=limited"),
            )
        )
    assert counts[0] == counts[1], counts


# --- Visibility and editing -----------------------------------------------------------------------------------


def test_a_schools_own_programme_is_seen_only_by_that_school(client, world):
    mine = f.ProgrammeFactory(school=world.school, name="Oak word wizards")
    theirs = f.ProgrammeFactory(school=world.other_school, name="Elm number ninjas")
    client.force_login(world.users["ta"])
    names = _names(client)
    assert mine.name in names and theirs.name not in names
    assert client.get(reverse("interventions:programme_detail", args=[mine.pk])).status_code == 200
    assert client.get(reverse("interventions:programme_detail", args=[theirs.pk])).status_code == 404

    client.force_login(world.users["other_senco"])
    names = _names(client)
    assert theirs.name in names and mine.name not in names
    assert "Reading Recovery" in names
    assert client.get(reverse("interventions:programme_detail", args=[mine.pk])).status_code == 404
    assert client.get(reverse("interventions:programme_edit", args=[mine.pk])).status_code == 404


def test_shared_programmes_are_read_only(client, world):
    shared = Programme.objects.get(school__isnull=True, name="Reading Recovery")
    client.force_login(world.users["senco"])
    detail = client.get(reverse("interventions:programme_detail", args=[shared.pk]))
    assert detail.status_code == 200
    assert detail.context["can_edit"] is False
    assert reverse("interventions:programme_edit", args=[shared.pk]) not in detail.content.decode()

    edit_url = reverse("interventions:programme_edit", args=[shared.pk])
    assert client.get(edit_url).status_code == 404
    assert client.post(edit_url, _programme_data(name="Reading Recovery")).status_code == 404
    shared.refresh_from_db()
    assert shared.school_id is None and shared.area == "reading" and shared.minutes_per_session == 30


def test_senco_adds_and_edits_their_own_programme(client, world):
    client.force_login(world.users["senco"])
    response = client.post(reverse("interventions:programme_new"), _programme_data(link="example.org/booster"))
    programme = Programme.objects.get(name="Our phonics booster")
    assert response.status_code == 302
    assert response["Location"] == reverse("interventions:programme_detail", args=[programme.pk])
    assert programme.school == world.school
    assert programme.key_stages == ["KS1", "KS2"]  # stored in key-stage order, whatever the order ticked
    assert programme.need_areas == ["CL"]
    assert (programme.group_size_min, programme.group_size_max, programme.weeks) == (2, 4, 8)
    assert programme.link == "https://example.org/booster"

    edit_url = reverse("interventions:programme_edit", args=[programme.pk])
    page = client.get(edit_url)
    assert page.status_code == 200 and page.context["form"].initial["key_stages"] == ["KS1", "KS2"]
    # Saving under its own name is not a clash with itself; an open-ended length is allowed.
    response = client.post(edit_url, _programme_data(weeks="", is_active=None, need_areas=["CL", "SP"]))
    assert response.status_code == 302
    programme.refresh_from_db()
    assert programme.weeks is None and programme.is_active is False and programme.need_areas == ["CL", "SP"]

    detail = client.get(reverse("interventions:programme_detail", args=[programme.pk]))
    assert detail.context["can_edit"] is True
    assert edit_url in detail.content.decode()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"group_size_min": "5", "group_size_max": "3"}, "group_size_max", "cannot be smaller"),
        ({"group_size_min": "0"}, "group_size_min", "greater than or equal to 1"),
        ({"minutes_per_session": "4"}, "minutes_per_session", "greater than or equal to 5"),
        ({"minutes_per_session": "241"}, "minutes_per_session", "less than or equal to 240"),
        ({"sessions_per_week": "0"}, "sessions_per_week", "greater than or equal to 1"),
        ({"sessions_per_week": "11"}, "sessions_per_week", "less than or equal to 10"),
        ({"weeks": "0"}, "weeks", "greater than or equal to 1"),
        ({"weeks": "53"}, "weeks", "less than or equal to 52"),
        ({"name": "  reading   RECOVERY "}, "name", "already in the shared catalogue"),
        ({"name": "Oak spelling club"}, "name", "already has a programme called"),
        ({"key_stages": ["KS9"]}, "key_stages", "Select a valid choice"),
        ({"area": "astrology"}, "area", "Select a valid choice"),
        ({"link": "not a web address"}, "link", "Enter a valid URL"),
    ],
)
def test_programme_form_rejects_bad_input_and_keeps_what_was_typed(client, world, changes, field, message):
    f.ProgrammeFactory(school=world.school, name="Oak Spelling Club")
    client.force_login(world.users["senco"])
    before = Programme.objects.count()
    response = client.post(reverse("interventions:programme_new"), _programme_data(**changes))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors and message in " ".join(errors[field]), errors
    assert Programme.objects.count() == before
    assert "Daily sounds practice for Year 3" in response.content.decode()


def test_the_same_name_may_be_used_by_another_school(client, world):
    f.ProgrammeFactory(school=world.other_school, name="Our phonics booster")
    client.force_login(world.users["senco"])
    response = client.post(reverse("interventions:programme_new"), _programme_data())
    assert response.status_code == 302
    assert Programme.objects.filter(name="Our phonics booster").count() == 2


@pytest.mark.parametrize("role", ["teacher", "ta", "leader", "admin"])
def test_only_the_senco_adds_or_edits_programmes(client, world, role):
    own = f.ProgrammeFactory(school=world.school)
    client.force_login(world.users[role])
    assert client.post(reverse("interventions:programme_new"), _programme_data()).status_code == 403
    assert client.post(reverse("interventions:programme_edit", args=[own.pk]), _programme_data()).status_code == 403
    assert not Programme.objects.filter(name="Our phonics booster").exists()


# --- The programme page ------------------------------------------------------------------------------------------


def _start_url(programme: Programme) -> str | None:
    try:
        return reverse("interventions:intervention_new") + f"?programme={programme.pk}"
    except NoReverseMatch:
        return None


def test_programme_page_shows_delivery_training_and_this_schools_interventions(client, world):
    from interventions.models import InterventionStaff, Training

    programme = Programme.objects.get(school__isnull=True, name="1stClass@Number")
    ours = f.InterventionFactory(school=world.school, programme=programme, name="Y2 number group", area="maths")
    InterventionStaff.objects.create(intervention=ours, user=world.users["ta"], role="ta")
    f.InterventionFactory(school=world.school, programme=programme, name="Y2 autumn group", area="maths")
    f.InterventionFactory(school=world.other_school, programme=programme, name="Elm secret group", area="maths")
    Training.objects.create(school=world.school, user=world.users["ta"], programme=programme, trained_on="2024-09-01")
    Training.objects.create(
        school=world.other_school, user=world.users["other_senco"], programme=programme, trained_on="2024-09-01"
    )

    client.force_login(world.users["senco"])
    response = client.get(reverse("interventions:programme_detail", args=[programme.pk]))
    html = response.content.decode()
    assert "Y2 number group" in html and "Y2 autumn group" in html and "Elm secret group" not in html
    assert [t.user for t in response.context["trainings"]] == [world.users["ta"]]
    assert "Cognition and learning" in html and "3 a week, 30 minutes each" in html and "10 weeks" in html
    start = _start_url(programme)
    if start is None:
        assert response.context["start_url"] is None
        assert "Start an intervention with this programme" not in html
    else:
        assert response.context["start_url"] == start
        assert re.search(r'href="' + re.escape(start.replace("&", "&amp;")) + '"', html)

    # An assistant sees only the groups they run, and is not offered to start one.
    client.force_login(world.users["ta"])
    response = client.get(reverse("interventions:programme_detail", args=[programme.pk]))
    assert [i.name for i in response.context["interventions"]] == ["Y2 number group"]
    assert response.context["start_url"] is None


def test_need_area_codes_are_the_shared_vocabulary():
    # The catalogue filters on NeedArea codes; the data must use the same ones.
    assert {"CI", "CL", "SEMH", "SP"} <= set(NeedArea.values)
