"""Fixtures the pupils app's tests share."""

import pytest

from tests.pupils import results_world


@pytest.fixture
def rw(world):
    """The world's school with subjects, scales and assessments to import results for (see ``results_world``)."""
    return results_world.create(world.school)
