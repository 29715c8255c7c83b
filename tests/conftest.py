"""Shared fixtures: two schools of one trust, with a user in every role, and a school outside the trust."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from provision.models import Role, School
from tests import factories as f
from tests.clock import frozen_at


@dataclass
class World:
    school: School
    other_school: School
    users: dict[str, object]
    pupils: list
    other_pupil: object


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Real hashing costs a third of a second per user; tests create dozens."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def frozen_today():
    """Monday 2 November 2026, 10:00: the first day back after the autumn half-term (plans, profiles)."""
    yield from frozen_at(dt.datetime(2026, 11, 2, 10, 0))


@pytest.fixture
def world(db) -> World:
    """A primary school with staff in each role, a parent of two of its pupils, and another school."""
    trust = f.TrustFactory()
    school = f.SchoolFactory(name="Oak Primary", trust=trust)
    other = f.SchoolFactory(name="Elm Academy", trust=trust, lowest_year=7, highest_year=11)
    f.school_year(school)
    group = f.TeachingGroupFactory(school=school, name="3B", year_group=3)
    pupils = [f.PupilFactory(school=school, registration_group=group) for _ in range(3)]
    other_pupil = f.PupilFactory(school=other, year_group=8, date_of_birth=pupils[0].date_of_birth.replace(year=2014))
    users = {role.value: f.staff(school, role.value, username=role.value) for role in Role}
    users["parent"] = f.parent_of(pupils[0], pupils[1], username="parent")
    users["other_senco"] = f.staff(other, Role.SENCO, username="senco2")
    group.teachers.add(users["teacher"])
    return World(school=school, other_school=other, users=users, pupils=pupils, other_pupil=other_pupil)


@pytest.fixture
def committed():
    """Call to make the writes so far count as committed for the cached figures: the test's own transaction never
    commits, so the on-commit hooks that give schools new figures tokens (provision.figures) are run here."""
    from django.db import connection

    from provision.figures import _Bump

    def run() -> None:
        for _savepoints, callback, _robust in list(connection.run_on_commit):
            if isinstance(callback, _Bump) and not callback.done:
                callback()

    return run


@pytest.fixture
def scratch(django_db_blocker):
    """A scratch database beside the test database (PostgreSQL when the suite runs on it, else a SQLite file),
    for tests whose other processes must see committed rows; its URL. Dropped afterwards."""
    import os

    from bench.database import scratch_database
    from tests.test_faults import suite_database_url

    with django_db_blocker.unblock():
        database = scratch_database(suite_database_url(), suffix=f"scratch{os.getpid()}")
    yield database.url
    database.drop()
