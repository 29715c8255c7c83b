"""Fixtures the pupils app's tests share."""

import datetime as dt

import pytest
from django.urls import reverse

from tests import factories as f
from tests.clock import frozen_at
from tests.pupils import results_world


@pytest.fixture
def autumn_2026():
    """1 November 2026, noon: the imports' files are dated for the school year 2026/27, with October's tests."""
    yield from frozen_at(dt.datetime(2026, 11, 1, 12, 0))


@pytest.fixture
def rw(world):
    """The world's school with subjects, scales and assessments to import results for (see ``results_world``)."""
    return results_world.create(world.school)


@pytest.fixture
def grid(world):
    """The results grid of Year 3's class on one reading assessment."""
    reading = f.AssessmentFactory(school=world.school, name="Autumn reading", taken_on=dt.date(2026, 10, 5))
    group = world.pupils[0].registration_group
    url = reverse("pupils:results_grid") + f"?group={group.pk}&a={reading.pk}"
    return {"reading": reading, "url": url}
