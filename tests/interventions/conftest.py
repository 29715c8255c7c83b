"""Fixtures the interventions app's tests share."""

import datetime as dt

import pytest

from tests.clock import frozen_at


@pytest.fixture
def frozen():
    """Wednesday 25 November 2026, 10:00, in the middle of the autumn groups; yields that day."""
    yield from frozen_at(dt.datetime(2026, 11, 25, 10, 0))
