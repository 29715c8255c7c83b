"""The permission table, split by area so that each part of the app keeps its own rows.

Each module here defines ``CASES`` (URL name -> Case) and ``ARGS`` (kind -> function of the test world returning
the URL's arguments). ``tests/test_permissions.py`` merges them and fails when any URL of the app is missing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

ACTORS = ["anonymous", "senco", "teacher", "ta", "leader", "admin", "parent", "other_senco"]
STAFF = ["senco", "teacher", "ta", "leader", "admin"]


@dataclass
class Case:
    """Who gets what from one URL. ``allowed`` get ``ok``; other signed-in users get ``denied``."""

    allowed: list[str]
    ok: int = 200
    denied: int = 403
    method: str = "get"
    data: dict = field(default_factory=dict)
    args: str | None = None  # which object of the world the URL takes (a key of ARGS)
    overrides: dict[str, int] = field(default_factory=dict)
    anonymous: int = 302


def only(*roles: str) -> list[str]:
    return list(roles)


def merged() -> tuple[dict[str, Case], dict[str, Callable]]:
    """Every area's cases and argument builders; a URL named twice is an error."""
    from . import (
        core,
        family,
        interventions_catalogue,
        interventions_groups,
        interventions_plans,
        interventions_sessions,
        reports_dashboard,
        reports_exports,
        reports_impact,
        reports_maps,
        reports_offer,
        security,
    )

    cases: dict[str, Case] = {}
    args: dict[str, Callable] = {}
    for module in (
        core,
        family,
        interventions_catalogue,
        interventions_groups,
        interventions_sessions,
        interventions_plans,
        reports_offer,
        reports_exports,
        reports_maps,
        reports_dashboard,
        reports_impact,
        security,
    ):
        clash = set(cases) & set(module.CASES)
        assert not clash, f"URLs in two permission tables: {clash}"
        clash = set(args) & set(module.ARGS)
        assert not clash, f"Argument builders named twice (one would silently replace the other): {clash}"
        cases.update(module.CASES)
        args.update(module.ARGS)
    return cases, args
