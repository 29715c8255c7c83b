"""Every page of every role, found by crawling the demo school as each demo login would (from their home, following
the links the pages show them), in real Chromium:

- at phone width (390 px), with every <details> open, nothing is wider than the screen: not the page, and no
  element reaching past the screen's edge or cut off by its box, unless it sits in a region that scrolls sideways,
  and such a region can be reached with the keyboard and has a name;
- at phone width and at desktop width (1280 px) axe-core finds no serious or critical violation (each URL pattern
  once per width, as the first role in ``ROLES`` that reaches it: the roles that see the most come first), nor a
  skipped heading level;
- no link a page shows its user leads to an error or a refusal, and no page's script or style is blocked.

The demo is rich enough that tables have rows, maps have provisions and charts have data: an empty page cannot
show an overflow.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from demo.data.sizes import MIN_TOTAL_PUPILS
from demo.data.trust import DEMO_PASSWORD
from demo.management.commands.seed_demo import seed_demo
from tests.browser.axe import AXE, BLOCKING, _describe
from tests.browser.conftest import _watch_policy, sign_in
from tests.browser.crawl import Visit, crawl, open_details, overflow_problems

pytestmark = pytest.mark.browser

# A Thursday in the autumn term: groups are running, some have finished, sessions are due today.
NOW = dt.datetime(2026, 12, 3, 10, 0, tzinfo=ZoneInfo("Europe/London"))
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
# Who sees the fullest version of a page comes first: axe checks each page as the first of these to reach it.
ROLES = ("senco", "leader", "admin", "teacher", "tutor", "parent", "trust", "senco2")
# Held to as well, though axe calls it moderate: a skipped heading level loses a screen reader's user in a form.
ALSO_HELD = {"heading-order"}


def _axe(page, what: str) -> list[str]:
    page.evaluate(AXE.read_text() + "\n;undefined")
    results = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [f"axe: {_describe(v)}" for v in results["violations"] if v["impact"] in BLOCKING or v["id"] in ALSO_HELD]


@pytest.fixture
def demo(transactional_db):
    with time_machine.travel(NOW, tick=True):
        seed_demo(pupils=MIN_TOTAL_PUPILS, seed=1, reset=False, today=NOW.date())
        yield


def test_every_page_of_every_role_fits_a_phone_and_passes_axe(browser, live_server, demo):
    assert AXE.exists(), f"axe-core is not installed at {AXE}: run `make test` (or `npm ci`)"
    problems: list[str] = []
    first_seen: dict[str, Visit] = {}
    states: dict[str, dict] = {}
    routes_by_role: dict[str, set[str]] = {}

    def at_phone_width(page, visit: Visit) -> list[str]:
        open_details(page)
        found = overflow_problems(page)
        if visit.route not in first_seen:
            first_seen[visit.route] = visit
            found += _axe(page, visit.url)
        return found

    for role in ROLES:
        context = browser.new_context(viewport=PHONE, locale="en-GB", is_mobile=True)
        page = context.new_page()
        page.set_default_timeout(15_000)
        refused = _watch_policy(page)
        sign_in(page, live_server, role, DEMO_PASSWORD)
        result = crawl(page, live_server.url, role, at_phone_width)
        problems += result.problems + [f"{role}: {message}" for message in refused]
        routes_by_role[role] = result.routes()
        states[role] = context.storage_state()
        context.close()

    # The same pages at desktop width, each as the role that first reached it at phone width.
    for role in ROLES:
        visits = [visit for visit in first_seen.values() if visit.role == role]
        if not visits:
            continue
        context = browser.new_context(viewport=DESKTOP, locale="en-GB", storage_state=states[role])
        page = context.new_page()
        page.set_default_timeout(15_000)
        refused = _watch_policy(page)
        for visit in visits:
            page.goto(visit.url, wait_until="load")
            open_details(page)
            problems += [f"{role} {visit.url} at 1280 px: {problem}" for problem in _axe(page, visit.url)]
        problems += [f"{role}: {message}" for message in refused]
        context.close()

    assert not problems, "\n".join(problems)
    # The crawl really went round: each role reached the pages of its job, not just its home.
    assert {"reports:map", "reports:tracking", "reports:identification", "interventions:list"} <= routes_by_role[
        "senco"
    ]
    assert {"reports:dashboard", "reports:impact_overview", "pupils:results_grid"} <= routes_by_role["leader"]
    assert {"reports:pupil_map", "interventions:detail", "pupils:detail"} <= routes_by_role["teacher"]
    assert {"interventions:today", "interventions:session_log"} <= routes_by_role["tutor"]
    assert {"family:home", "family:child"} <= routes_by_role["parent"]
    assert len(first_seen) >= 50
