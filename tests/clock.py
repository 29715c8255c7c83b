"""Freezing the clock for tests of date rules (the shared fixtures in the conftest files use it)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import time_machine

LONDON = ZoneInfo("Europe/London")


def frozen_at(moment: dt.datetime) -> Iterator[dt.date]:
    """Time stands still at ``moment`` (London) for the test: what makes date rules (terms, overdue reviews) exact."""
    with time_machine.travel(moment.replace(tzinfo=LONDON), tick=False):
        yield moment.date()
