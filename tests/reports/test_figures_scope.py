"""Whole-school figures (provision.access.FIGURES_SCOPE): every impact viewer reads a school's figures whole, the
admin too (who opens no single result), so one cached copy per school serves them all; anyone else is refused
rather than handed, and caching, a part of them."""

from __future__ import annotations

import pandas as pd
import pytest
from django.core.exceptions import PermissionDenied

from provision.access import operator_reads
from reports.dashboard import school_figures as dashboard_figures
from reports.impact import school_figures as impact_figures

from .test_selectors_impact import reading_school

pytestmark = pytest.mark.django_db


def _placements(user, school):
    return impact_figures.impact_frames(user, schools=school).placements.sort_values("placement_id")


def test_every_impact_viewer_reads_the_same_whole_school_figures(world):
    reading_school(world.school, groups=2, pupils_per_group=3)
    with operator_reads():
        whole = _placements(None, world.school)
    assert len(whole) == 6
    for role in ("senco", "leader", "admin"):
        frames = impact_figures.impact_frames(world.users[role], schools=world.school)
        pd.testing.assert_frame_equal(frames.placements.sort_values("placement_id"), whole)
        assert len(frames.results) == len(
            impact_figures.impact_frames(world.users["senco"], schools=world.school).results
        )
    assert len(impact_figures.impact_frames(world.users["admin"], schools=world.school).results) > 0


@pytest.mark.parametrize("role", ["teacher", "ta", "parent", "other_senco"])
def test_anyone_else_is_refused_before_the_cache_is_asked(world, role):
    reading_school(world.school)
    impact_figures.evaluate_school(world.users["senco"], schools=world.school)  # cached for the school now
    with pytest.raises(PermissionDenied):
        impact_figures.evaluate_school(world.users[role], schools=world.school)
    with pytest.raises(PermissionDenied):
        dashboard_figures.has_finished(world.users[role], periods={world.school.pk: None}, today=None)


@pytest.mark.parametrize("role, allowed", [("senco", True), ("leader", True), ("teacher", False), ("admin", False)])
def test_who_needs_support_is_read_whole_by_its_readers_only(world, role, allowed):
    """The identification figures are cached per school: only readers who see the school's results whole
    (RESULT_SCOPE) compute or read them."""
    from reports.tracking.selectors import identification_figures

    if allowed:
        assert identification_figures(world.users[role], world.school, since=None) is not None
    else:
        with pytest.raises(PermissionDenied):
            identification_figures(world.users[role], world.school, since=None)


@pytest.mark.parametrize("role", ["teacher", "ta", "parent", "other_senco"])
def test_the_leader_s_tiles_are_refused_to_a_reader_who_does_not_see_the_school_whole(world, role):
    """One copy of the tiles per school serves every reader, so a narrower reader never computes or reads it."""
    import datetime as dt

    from reports.dashboard.selectors import leader_headline

    reading_school(world.school)
    today = dt.date(2026, 12, 4)
    assert leader_headline(world.users["leader"], world.school, today=today)["running"] >= 0
    with pytest.raises(PermissionDenied):
        leader_headline(world.users[role], world.school, today=today)


def test_a_queued_dashboard_carries_its_reader_by_id_and_the_worker_reads_their_roles_afresh(client, world):
    """The selection pickled into a background job holds no password hash; the worker re-reads the reader, so
    someone who lost their role since asking is refused."""
    import pickle

    from django.urls import reverse

    from provision.models import Membership

    reading_school(world.school)
    leader = world.users["leader"]
    client.force_login(leader)
    selection = client.get(reverse("reports:dashboard")).context["selection"]
    assert selection.reader.pk == leader.pk
    queued = pickle.dumps(selection)
    assert leader.password.encode() not in queued
    assert pickle.loads(queued).reader.pk == leader.pk
    assert [s.pk for s in pickle.loads(queued).schools] == [s.pk for s in selection.schools]

    Membership.objects.filter(user=leader, school=world.school).delete()
    with pytest.raises(PermissionDenied):
        dashboard_figures.has_finished(pickle.loads(queued).reader, periods={world.school.pk: None}, today=None)
