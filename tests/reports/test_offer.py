"""The parents' support offer: the plain-English transformation of a provision map (nothing that could identify a
child or name a member of staff), publishing with a dated history, and the public page."""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from interventions.models import InterventionStaff, StaffRate
from provision.models import Term
from reports.maps.build import Cell, Period, Provision, ProvisionMap, Row
from reports.models import PublishedOffer
from reports.offer import build as offer_module
from reports.offer.build import (
    PUBLIC_MIN_COUNT,
    offer_content,
    offer_from_map,
    plain_count,
    plain_frequency,
    plain_roles,
)
from tests import factories as f

PERIOD = Period(label="Autumn 2026/27", start=dt.date(2026, 9, 2), end=dt.date(2026, 12, 18))


def provision(**overrides) -> Provision:
    values = {
        "intervention_id": 1,
        "name": "Reading boosters",
        "programme": "",
        "wave": 2,
        "status": "running",
        "status_label": "Running",
        "staff_roles": ["Teaching assistant"],
        "staff_names": ["Philippa Wolstenholme"],
        "frequency": "3 x 30 min a week",
        "group_size": "Group of 3",
        "pupil_count": 3,
        "pupil_names": ["Fairweather, Ignatius", "Okonkwo, Kwabena", "Pemberton, Hyacinth"],
        "cost": Decimal("352.50"),
        "funding_source": "pupil_premium",
        "funding_label": "Pupil premium",
        "start_date": dt.date(2026, 9, 14),
        "end_date": dt.date(2026, 12, 11),
    }
    return Provision(**(values | overrides))


def a_map(rows: list[Row], view: str = "year") -> ProvisionMap:
    return ProvisionMap(
        school_name="Oak Primary",
        period=PERIOD,
        view=view,
        rows=rows,
        wave_costs={1: Decimal("0"), 2: Decimal("352.50"), 3: Decimal("0")},
        wave_pupils={1: 0, 2: 3, 3: 0},
        funding_costs={"Pupil premium": Decimal("352.50")},
        total_cost=Decimal("352.50"),
        pupils_in_provision=3,
        cost_per_pupil=Decimal("117.50"),
    )


def row(key: str, label: str, *provisions: Provision) -> Row:
    cells = {wave: Cell() for wave in (1, 2, 3)}
    for p in provisions:
        cells[p.wave].provisions.append(p)
    return Row(key=key, label=label, cells=cells, pupil_count=sum(p.pupil_count for p in provisions), cost=Decimal(1))


def items(content: dict, section: int = 0) -> list[dict]:
    return [
        item for group in content["sections"][section]["groups"] for wave in group["kinds"] for item in wave["items"]
    ]


def leaves(value):
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from ((f"{key}.{k}".rstrip("."), v) for k, v in leaves(inner))
    elif isinstance(value, list):
        for inner in value:
            yield from leaves(inner)
    else:
        yield "", value


# --- the pure transformation ------------------------------------------------------------------------------------


def test_threshold_is_five_and_is_the_default():
    assert PUBLIC_MIN_COUNT == 5
    assert plain_count(0) == ""
    assert plain_count(1) == "A small number of pupils"
    assert plain_count(4) == "A small number of pupils"
    assert plain_count(5) == "5 pupils"
    assert plain_count(12) == "12 pupils"
    assert plain_count(7, min_count=10) == "A small number of pupils"


def test_frequency_and_roles_in_plain_words():
    assert plain_frequency("3 x 30 min a week") == "3 times a week, 30 minutes each time"
    assert plain_frequency("1 x 60 min a week") == "Once a week, 1 hour each time"
    assert plain_frequency("2 x 20 min a week") == "Twice a week, 20 minutes each time"
    assert plain_frequency("Ongoing") == "Every day, in lessons"
    assert plain_frequency("30 min, no days set") == ""
    assert plain_roles(["Teaching assistant"]) == "A teaching assistant"
    assert plain_roles(["Teacher", "External tutor or specialist"]) == "A teacher and an external tutor or specialist"
    assert plain_roles([]) == "School staff"


def test_small_counts_hidden_and_groups_in_words():
    content = offer_from_map(
        a_map([row("3", "Year 3", provision()), row("4", "Year 4", provision(pupil_count=6, group_size="Group of 6"))])
    )
    year3, year4 = content["sections"][0]["groups"]
    assert year3["title"] == "Year 3"
    item3 = year3["kinds"][0]["items"][0]
    assert item3 == {
        "what": "Reading boosters",
        "how_often": "3 times a week, 30 minutes each time",
        "group": "In a small group",
        "who": "A teaching assistant",
        "pupils": "A small number of pupils",
        "when": "",
    }
    assert year3["kinds"][0]["title"] == "Extra help to catch up"
    assert year4["kinds"][0]["items"][0]["pupils"] == "6 pupils"
    # No number in the JSON but the format version and the threshold: no totals, no costs, no group sizes.
    numbers = [(key, value) for key, value in leaves(content) if not isinstance(value, str)]
    assert numbers == [("format", 1), ("min_count", 5)]
    text = json.dumps(content)
    for hidden in ("3 pupils", "Group of", "352", "117", "Pupil premium", "£", "Wave", "wave"):
        assert hidden not in text


def test_no_pupil_or_staff_names_and_person_named_provisions_made_generic():
    names = provision(name="Phonics with Mrs Wolstenholme", programme="", staff_names=["Philippa Wolstenholme"], wave=2)
    own_name = provision(name="Ignatius's 1:1 speech", programme="Talk Boost", wave=3, group_size="1:1")
    nothing_left = provision(name="Hyacinth Pemberton", programme="", wave=3, group_size="1:1")
    extra = provision(name="Reading with Mr Quartermaine", programme="", staff_names=[])
    outsider = provision(name="Spelling club (Zebedee)", programme="", staff_names=[])
    content = offer_from_map(
        a_map([row("3", "Year 3", names, own_name, nothing_left, extra, outsider)]), extra_names=["Zebedee Jones"]
    )
    whats = sorted(item["what"] for item in items(content))
    # A name that names someone is replaced whole (by the programme's name, else the wave's), never cut down.
    assert whats == [
        "A catch-up programme",
        "A catch-up programme",
        "A catch-up programme",
        "A support programme",
        "Talk Boost",
    ]
    text = json.dumps(content)
    for name in (
        "Wolstenholme",
        "Philippa",
        "Ignatius",
        "Fairweather",
        "Kwabena",
        "Hyacinth",
        "Quartermaine",
        "Zebedee",
    ):
        assert name not in text
    one_to_one = next(item for item in items(content) if item["what"] == "Talk Boost")
    assert one_to_one["group"] == "One to one (one adult with one child)"


def test_names_with_internal_codes_are_replaced_whole():
    coded = provision(name="Wave 2 SEMH nurture group (K)", programme="")
    ehcp = provision(name="EHCP SLCN speech 1:1", programme="Talk Boost", wave=3)
    content = offer_from_map(a_map([row("5", "Year 5", coded, ehcp)]))
    whats = sorted(item["what"] for item in items(content))
    assert whats == ["A catch-up programme", "Talk Boost"]
    text = json.dumps(content)
    assert not re.search(r"\b[KEN]\b", text)
    assert "SEMH" not in text and "SLCN" not in text and "Wave" not in text


def test_names_are_never_edited_when_staff_and_provision_names_share_words():
    """A staff member known by a description ("Speech and language therapist (NHS)") once had each of its words
    cut out of every name: "Visual timetables now- -next boards", "Nuffield Early Intervention (NELI)",
    "Reception (Autumn 2026". Names are shown exactly as written, or replaced whole."""
    names = [
        "Visual timetables and now-and-next boards",
        "Nuffield Early Language Intervention (NELI): Reception (Autumn 2026)",
        "Speech and language programme: Year 1, 1:1 (Autumn 2026)",
        "Talk Boost KS1: Year 1 (Autumn 2026)",
        "Reading with de Souza",
    ]
    therapist = "Speech and language therapist (NHS)"
    provisions = [
        provision(intervention_id=i, name=name, staff_names=[therapist, "Ana de Souza"], wave=1 if i == 0 else 2)
        for i, name in enumerate(names)
    ]
    provisions.append(provision(intervention_id=9, name=f"Sessions with the {therapist}", programme="Talk Boost"))
    content = offer_from_map(a_map([row("R", "Reception", *provisions)]), extra_names=[therapist, "Rachel", "Adeyemi"])
    whats = sorted(item["what"] for item in items(content))
    assert whats == sorted(
        [
            "Visual timetables and now-and-next boards",
            # A staff member's whole description in a name hides the name: the programme's is shown instead.
            "Talk Boost",
            "Speech and language programme: Year 1, 1:1 (Autumn 2026)",
            "Talk Boost KS1: Year 1 (Autumn 2026)",
            "Nuffield Early Language Intervention (NELI): Reception (Autumn 2026)",
            # A surname after a lower-case particle is still a name.
            "A catch-up programme",
        ]
    )
    assert therapist not in json.dumps(content) and "Souza" not in json.dumps(content)


def test_wave_one_strategy_stopped_hidden_planned_marked_and_empty_rows_dropped():
    strategy = provision(
        name="Visual timetables", wave=1, frequency="Ongoing", group_size="Whole class", pupil_count=0, pupil_names=[]
    )
    stopped = provision(name="Old group", status="stopped")
    planned = provision(name="Spring phonics", status="planned", pupil_count=8)
    content = offer_from_map(a_map([row("3", "Year 3", strategy, stopped, planned), row("4", "Year 4")]))
    (group,) = content["sections"][0]["groups"]
    assert [wave["title"] for wave in group["kinds"]] == ["Help for everyone in class", "Extra help to catch up"]
    first = group["kinds"][0]["items"][0]
    assert (first["what"], first["how_often"], first["group"], first["pupils"]) == (
        "Visual timetables",
        "Every day, in lessons",
        "With the whole class",
        "",
    )
    assert [item["what"] for item in group["kinds"][1]["items"]] == ["Spring phonics"]
    assert group["kinds"][1]["items"][0]["when"] == "Starting soon"


def test_need_section_has_plain_titles_and_no_counts():
    year = a_map([row("3", "Year 3", provision(pupil_count=9))])
    need = a_map(
        [row("CL", "Cognition and learning", provision(pupil_count=6)), row("SEMH", "SEMH", provision(pupil_count=3))],
        view="need",
    )
    content = offer_content([year, need])
    assert [section["view"] for section in content["sections"]] == ["year", "need"]
    assert items(content, 0)[0]["pupils"] == "9 pupils"
    # The need view counts the same pupils again: shown by year only, so that nothing can be subtracted.
    assert all(item["pupils"] == "" for item in items(content, 1))
    titles = [group["title"] for group in content["sections"][1]["groups"]]
    assert titles == ["Reading, writing, maths and learning", "Feelings, behaviour and friendships"]
    assert content["period"] == "Autumn 2026/27"


def test_empty_map_gives_no_groups():
    content = offer_from_map(a_map([]))
    assert content["sections"][0]["groups"] == []


# --- publishing and the pages -------------------------------------------------------------------------------------

PUPIL_NAMES = ("Ignatius", "Fairweather", "Kwabena", "Okonkwo", "Hyacinth", "Pemberton")
STAFF_NAMES = ("Philippa", "Wolstenholme", "Zebedee", "Quartermaine")


@pytest.fixture
def offer_school(world):
    """Oak Primary with distinctive names: a SENCO and a TA, three Year 3 pupils in a TA-led phonics group named
    after the TA (a count under 5), six Year 4 pupils in reading boosters, and an EHC-plan pupil's 1:1."""
    school = world.school
    school.senco_name = "Mrs Quartermaine"
    school.senco_email = "senco@oak.example"
    school.save()
    senco = world.users["senco"]
    senco.first_name, senco.last_name = "Zebedee", "Quartermaine"
    senco.save()
    ta = f.staff(school, "ta", username="philippa", first_name="Philippa", last_name="Wolstenholme")
    StaffRate.objects.create(school=school, role="ta", hourly_rate=Decimal("15"))
    phonics = f.InterventionFactory(
        school=school, name="Phonics with Mrs Wolstenholme", wave=2, lead=ta, resources_cost=Decimal("250")
    )
    InterventionStaff.objects.create(intervention=phonics, user=ta, role="ta")
    for first, last in (("Ignatius", "Fairweather"), ("Hyacinth", "Pemberton"), ("Rowena", "Ashdown")):
        pupil = f.PupilFactory(school=school, year_group=3, legal_first_name=first, legal_last_name=last)
        f.PlacementFactory(intervention=phonics, pupil=pupil)
    boosters = f.InterventionFactory(school=school, name="Reading boosters", wave=2)
    InterventionStaff.objects.create(intervention=boosters, user=ta, role="ta")
    for _ in range(6):
        f.PlacementFactory(intervention=boosters, pupil=f.PupilFactory(school=school, year_group=4))
    speech = f.InterventionFactory(school=school, name="Kwabena 1:1 speech", wave=3, area="language", days=[1])
    f.PlacementFactory(
        intervention=speech,
        pupil=f.PupilFactory(
            school=school,
            year_group=5,
            legal_first_name="Kwabena",
            legal_last_name="Okonkwo",
            sen_status="E",
            primary_need="SLCN",
        ),
    )
    return world


def autumn(school) -> Term:
    return Term.objects.for_school(school).get(name="autumn")


def visible_text(html: str) -> str:
    body = re.sub(r"(?s)<(script|style)\b.*?</\1>", " ", html)
    return re.sub(r"<[^>]+>", " ", body)


def publish(client, world, introduction: str = "Hello parents."):
    client.force_login(world.users["senco"])
    return client.post(
        reverse("reports:offer_publish"), {"term": autumn(world.school).pk, "introduction": introduction}
    )


def assert_public_safe(html: str) -> None:
    text = visible_text(html)
    for name in PUPIL_NAMES + STAFF_NAMES:
        assert name not in html, name
    assert "£" not in text and "250" not in text
    assert "3 pupils" not in text and "Group of" not in text
    assert not re.search(r"\bwave\b", text, re.IGNORECASE)
    assert not re.search(r"\b[KEN]\b", text)


def test_preview_shows_the_offer_in_plain_words(client, offer_school):
    client.force_login(offer_school.users["senco"])
    response = client.get(reverse("reports:offer_publish"), {"term": autumn(offer_school.school).pk})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Reading boosters" in html and "6 pupils" in html and "A small number of pupils" in html
    # "Phonics with Mrs Wolstenholme" names the TA, so parents see a plain description, not a cut-down name.
    assert "A catch-up programme" in html and "Phonics" not in html
    for name in PUPIL_NAMES + ("Philippa", "Wolstenholme"):
        assert name not in html, name


def test_publishing_keeps_a_dated_history_and_the_public_page_shows_the_latest(client, offer_school):
    school = offer_school.school
    response = publish(client, offer_school, "First words.")
    assert response.status_code == 302
    publish(client, offer_school, "Second words.")
    offers = list(PublishedOffer.objects.filter(school=school))
    assert len(offers) == 2
    latest, first = offers
    assert latest.introduction == "Second words." and first.introduction == "First words."
    assert latest.published_by == offer_school.users["senco"]
    assert latest.period_label == "Autumn 2026/27"
    assert latest.published_at >= first.published_at
    text = json.dumps(latest.content)
    for name in PUPIL_NAMES + STAFF_NAMES:
        assert name not in text

    history = client.get(reverse("reports:offer_history")).content.decode()
    assert history.count(reverse("reports:offer_version", args=[first.pk])) == 1
    assert history.count(reverse("reports:offer_version", args=[latest.pk])) == 1
    old = client.get(reverse("reports:offer_version", args=[first.pk])).content.decode()
    assert "First words." in old and "A newer version has replaced it" in old

    client.logout()
    response = client.get(reverse("reports:offer_public", args=[school.urn]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Second words." in html and "First words." not in html
    assert "Reading boosters" in html and "6 pupils" in html and "A small number of pupils" in html
    assert "senco@oak.example" in html
    # The SENCO's contact is the school's published contact; its name is the one staff name on the page.
    html = html.replace("Mrs Quartermaine", "")
    assert_public_safe(html)


def test_public_page_signed_out_before_anything_is_published(client, world):
    world.school.senco_name, world.school.senco_email = "Ms Senco", "senco@oak.example"
    world.school.save()
    response = client.get(reverse("reports:offer_public", args=[world.school.urn]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Not published yet." in html and "has not put its support offer on this page yet" in html
    # The SENCO's contact, as the school has set it, so that parents are not left with an empty page.
    assert "Talk to the special needs coordinator (SENCO), Ms Senco" in html
    assert 'href="mailto:senco@oak.example"' in html


def test_public_page_before_publication_without_a_senco_contact_points_to_the_school(client, world):
    response = client.get(reverse("reports:offer_public", args=[world.school.urn]))
    html = response.content.decode()
    assert "Not published yet." in html
    assert "ask the school office for the special needs coordinator (SENCO)" in html
    assert "mailto:" not in html


def test_public_page_unknown_urn_is_404(client, world):
    assert client.get(reverse("reports:offer_public", args=["999999"])).status_code == 404
    assert client.get("/schools/not-a-urn/support/").status_code == 404


def test_only_the_senco_publishes(client, offer_school):
    client.force_login(offer_school.users["leader"])
    response = client.post(reverse("reports:offer_publish"), {"term": autumn(offer_school.school).pk})
    assert response.status_code == 403
    assert not PublishedOffer.objects.exists()


def test_a_term_of_another_school_cannot_be_published(client, offer_school):
    other_year = f.school_year(offer_school.other_school)
    other_term = other_year.terms.first()
    response = publish(client, offer_school)
    assert response.status_code == 302
    client.post(reverse("reports:offer_publish"), {"term": other_term.pk, "introduction": "x"})
    assert PublishedOffer.objects.count() == 1


def test_other_school_senco_cannot_read_a_version(client, offer_school):
    publish(client, offer_school)
    offer = PublishedOffer.objects.get()
    client.force_login(offer_school.users["other_senco"])
    assert client.get(reverse("reports:offer_version", args=[offer.pk])).status_code == 404


def test_parents_page_links_to_each_school_offer(client, world):
    client.force_login(world.users["parent"])
    html = client.get(reverse("family:home")).content.decode()
    url = reverse("reports:offer_public", args=[world.school.urn])
    assert html.count(f'href="{url}"') == 1
    assert "What support the school offers" in html


def test_module_threshold_is_the_one_the_views_use():
    from reports.offer import views as views_offer

    assert views_offer.PUBLIC_MIN_COUNT is offer_module.PUBLIC_MIN_COUNT
