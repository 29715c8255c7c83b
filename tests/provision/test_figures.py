"""Cached figures: per school, thrown away when their inputs change, never stale inside the writing transaction."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from interventions.models import Session
from interventions.sessions.services import session_delete
from provision import figures
from provision.models import FiguresVersion
from pupils.imports.results_apply import results_import_file
from pupils.models import Result
from pupils.services import results_save
from tests import factories as f


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.mark.django_db
def test_cached_computes_once_until_the_school_changes(world, committed):
    committed()
    calls = []

    def compute() -> list[int]:
        calls.append(1)
        return [len(calls)]

    first = figures.cached("sums", schools=world.school, key=("a",), compute=compute)
    again = figures.cached("sums", schools=world.school, key=("a",), compute=compute)
    other_key = figures.cached("sums", schools=world.school, key=("b",), compute=compute)
    assert (first, again, other_key) == ([1], [1], [2])

    token = FiguresVersion.objects.get(school=world.school).token
    figures.figures_changed(world.school.pk)
    # Not committed yet: this transaction sees its own change (computes afresh) and caches nothing for it.
    assert figures.uncommitted_changes() == {world.school.pk}
    assert figures.cached("sums", schools=world.school, key=("a",), compute=compute) == [3]
    assert FiguresVersion.objects.get(school=world.school).token == token
    committed()
    assert FiguresVersion.objects.get(school=world.school).token != token
    assert figures.cached("sums", schools=world.school, key=("a",), compute=compute) == [4]
    assert figures.cached("sums", schools=world.school, key=("a",), compute=compute) == [4]
    # Another school's change leaves this school's figures alone.
    figures.figures_changed(world.other_school.pk)
    committed()
    assert figures.cached("sums", schools=world.school, key=("a",), compute=compute) == [4]


@pytest.mark.django_db
def test_a_rolled_back_change_leaves_the_token(world, committed):
    committed()
    token = figures.school_tokens(world.school)[world.school.pk]
    with pytest.raises(RuntimeError), transaction.atomic():
        figures.figures_changed(world.school.pk)
        raise RuntimeError("undo")
    assert figures.uncommitted_changes() == set()
    committed()
    assert figures.school_tokens(world.school)[world.school.pk] == token


@pytest.mark.django_db(transaction=True)
def test_a_real_commit_gives_a_new_token_once_per_transaction(world):
    token = figures.school_tokens(world.school)[world.school.pk]
    with transaction.atomic():
        figures.figures_changed(world.school.pk)
        figures.figures_changed(world.school.pk, world.other_school.pk)
        assert FiguresVersion.objects.get(school=world.school).token == token
    assert FiguresVersion.objects.get(school=world.school).token != token


def _token(school) -> str:
    return FiguresVersion.objects.get(school=school).token


@pytest.fixture
def placed(world):
    school = world.school
    intervention = f.InterventionFactory(school=school)
    placement = f.PlacementFactory(intervention=intervention, pupil=world.pupils[0])
    assessment = f.AssessmentFactory(school=school, taken_on=dt.date(2026, 10, 5))
    return {"intervention": intervention, "placement": placement, "assessment": assessment}


@pytest.mark.django_db
def test_every_input_of_the_figures_marks_its_school_stale(world, placed, committed):
    """Signals (one row at a time) and the bulk paths named in reports.invalidation."""
    committed()
    figures.school_tokens([world.school, world.other_school])
    pupil, assessment = world.pupils[0], placed["assessment"]

    def changes(action) -> bool:
        before = _token(world.school), _token(world.other_school)
        action()
        committed()
        after = _token(world.school), _token(world.other_school)
        assert after[1] == before[1], "another school's figures were thrown away"
        return after[0] != before[0]

    assert changes(lambda: Result.objects.create(pupil=pupil, assessment=assessment, value=90, typed="90"))
    assert changes(
        lambda: results_save(
            pupils=world.pupils, assessments=[assessment], entries={(world.pupils[1].pk, assessment.pk): "95"}, by=None
        )
    )
    csv = f"UPN,Assessment,Result\n{world.pupils[2].upn},{assessment.name},101\n".encode()
    assert changes(lambda: results_import_file(school=world.school, content=csv, filename="r.csv", dry_run=False))
    assert not changes(lambda: results_import_file(school=world.school, content=csv, filename="r.csv", dry_run=True))
    placement = placed["placement"]
    placement.notes = "Moved to the morning group"
    assert changes(placement.save)
    intervention = placed["intervention"]
    intervention.capacity = 9
    assert changes(intervention.save)
    session = f.SessionFactory(intervention=intervention)
    assert changes(lambda: session_delete(session=Session.objects.get(pk=session.pk), by=None))
    pupil.eal = not pupil.eal
    assert changes(pupil.save)
    assert changes(lambda: f.InterventionFactory(school=world.school).delete())


@pytest.mark.django_db
def test_dashboard_repeat_visit_reads_the_cache_and_a_new_placement_shows(client, world, placed, committed):
    client.force_login(world.users["leader"])
    url = reverse("reports:dashboard")
    committed()
    first = client.get(url)
    assert first.context["board"].headline["pupils"] == 1
    with CaptureQueriesContext(connection) as repeat:
        again = client.get(url)
    assert again.context["board"].headline == first.context["board"].headline
    # The request's own (session, user, school, term and menus) and the figures token: no dashboard frames.
    assert len(repeat) <= 10, [q["sql"] for q in repeat]
    assert not any("interventions_placement" in q["sql"] for q in repeat)

    f.PlacementFactory(intervention=placed["intervention"], pupil=world.pupils[1])
    committed()
    assert client.get(url).context["board"].headline["pupils"] == 2


@pytest.mark.django_db
def test_while_one_process_works_a_figure_out_the_others_wait_for_it(world, committed, monkeypatch):
    committed()
    key = figures.cache_key("slow", world.school, ())
    cache.add(f"{key}:computing", 1, 30)  # another process is working it out
    sleeps = []

    def sleep(seconds):
        sleeps.append(seconds)
        if len(sleeps) == 3:
            cache.set(key, "theirs")  # ... and finishes

    monkeypatch.setattr(figures.time, "sleep", sleep)
    assert figures.cached("slow", schools=world.school, compute=lambda: "mine") == "theirs"
    # If the one computing gives up (its lock goes), the page works it out itself.
    cache.delete(key)
    cache.delete(f"{key}:computing")
    assert figures.cached("slow", schools=world.school, compute=lambda: "mine") == "mine"
    assert cache.get(f"{key}:computing") is None


@pytest.mark.django_db
def test_the_impact_tables_are_cached_with_the_figures_and_never_stale(client, world, placed, committed):
    client.force_login(world.users["leader"])
    url = reverse("reports:impact_overview")
    intervention = placed["intervention"]
    committed()
    assert intervention.name in client.get(url).content.decode()
    with CaptureQueriesContext(connection) as repeat:
        again = client.get(url).content.decode()
    assert intervention.name in again
    assert not any("interventions_placement" in q["sql"] for q in repeat)  # the evaluation came from the cache
    intervention.name = "Renamed reading group"
    intervention.save()
    # Uncommitted: this transaction sees its own change ...
    assert "Renamed reading group" in client.get(url).content.decode()
    committed()
    # ... and once committed, so does everyone.
    assert "Renamed reading group" in client.get(url).content.decode()
