"""Sections that other apps add to a pupil's profile page (``/pupils/<id>/``).

Data flows one way (provision <- pupils <- interventions <- reports), so the pupils app cannot read groups and
sessions itself: an app that knows something about a pupil registers a function here in its ``AppConfig.ready``
(as ``import_jobs.register_kind`` does for imports), and the profile shows what each returns, in order.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.http import HttpRequest

from .models import Pupil


@dataclass(frozen=True)
class ProfilePanel:
    """A section of the profile: a template, included with ``panel`` (this object: its ``context``) and ``pupil``."""

    template: str
    context: dict = field(default_factory=dict)


PanelFunction = Callable[..., ProfilePanel | None]
_PANELS: list[PanelFunction] = []


def register_panel(function: PanelFunction) -> PanelFunction:
    """Add ``function(request, pupil, *, today) -> ProfilePanel | None`` to every profile (once)."""
    if function not in _PANELS:
        _PANELS.append(function)
    return function


def panels(request: HttpRequest, pupil: Pupil, *, today: dt.date) -> list[ProfilePanel]:
    """The registered sections for this user and pupil; a function returns None to show nothing."""
    shown = []
    for function in _PANELS:
        panel = function(request, pupil, today=today)
        if panel is not None:
            shown.append(panel)
    return shown
