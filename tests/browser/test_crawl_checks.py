"""The checks the every-page crawl relies on, tried on pages made to fail them: a crawl whose checks saw nothing
would pass on anything."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.browser.crawl import overflow_problems, route_of

pytestmark = pytest.mark.browser


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    yield page
    context.close()


def test_a_page_wider_than_the_phone_is_reported(phone):
    phone.set_content('<meta name="viewport" content="width=device-width"><body><div style="width:700px">wide</div>')
    problems = overflow_problems(phone)
    assert any("wide in a 390 px viewport" in problem for problem in problems), problems
    assert any('div "wide"' in problem and "off a 390 px screen" in problem for problem in problems), problems


def test_text_cut_off_inside_its_box_is_reported(phone):
    phone.set_content(
        '<meta name="viewport" content="width=device-width"><body>'
        '<div class="box" style="overflow:hidden;width:200px"><span style="display:inline-block;width:300px">'
        "Constantin</span></div>"
    )
    problems = overflow_problems(phone)
    assert any('"Constantin" is cut off inside div.box' in problem for problem in problems), problems


def test_a_badge_spilling_out_of_its_tile_is_reported(phone):
    phone.set_content(
        '<meta name="viewport" content="width=device-width"><body>'
        '<div class="tile" style="width:100px;border:1px solid #ccc">'
        '<span style="display:inline-block;white-space:nowrap">Promising, not yet clear</span></div>'
    )
    problems = overflow_problems(phone)
    assert any('"Promising, not yet clear" spills out of div.tile' in problem for problem in problems), problems


def test_a_sideways_scroller_must_be_a_focusable_named_region(phone):
    table = '<table style="width:900px"><tr><td>Greenwood</td></tr></table>'
    phone.set_content(
        '<meta name="viewport" content="width=device-width"><body>'
        f'<div class="plain" style="overflow-x:auto">{table}</div>'
    )
    problems = overflow_problems(phone)
    assert len(problems) == 1 and "div.plain" in problems[0] and "focusable region" in problems[0], problems

    phone.set_content(
        '<meta name="viewport" content="width=device-width"><body>'
        f'<div style="overflow-x:auto" tabindex="0" role="region" aria-label="Results">{table}</div>'
    )
    assert overflow_problems(phone) == []


def test_a_page_that_fits_has_no_problems(phone):
    phone.set_content(
        '<meta name="viewport" content="width=device-width"><body style="margin:0">'
        '<p>Short</p><span style="position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0,0,0,0);'
        '">hidden text</span>'
    )
    assert overflow_problems(phone) == []


def test_the_crawl_follows_pages_and_skips_downloads_sign_out_and_destructive_links():
    assert route_of("http://testserver" + reverse("pupils:detail", args=[3])) == "pupils:detail"
    assert route_of("http://testserver" + reverse("reports:map") + "?term=2") == "reports:map"
    for url in (
        reverse("logout"),
        reverse("reports:map_pdf"),
        reverse("pupils:sen_register_csv"),
        reverse("pupils:delete", args=[3]),
        reverse("interventions:plan_close", args=[3]),
        "/admin/",
        "/no-such-page/",
    ):
        assert route_of("http://testserver" + url) is None, url


def _wide_table_page(live_server) -> str:
    static = live_server.url + "/static/"
    heads = "".join(f"<th>Assessment {n}</th>" for n in range(1, 9))
    cells = "".join(f"<td>{100 + n}</td>" for n in range(1, 9))
    return (
        '<!doctype html><html><head><meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<link rel="stylesheet" href="{static}vendor/bootstrap/bootstrap.min.css">'
        f'<link rel="stylesheet" href="{static}css/app.css"></head><body><main class="container-xl">'
        '<h2>Reading</h2><div class="table-responsive"><table class="table table-app">'
        f"<caption>Tracking grid</caption><thead><tr><th>Pupil</th>{heads}</tr></thead>"
        f"<tbody><tr><th>Greenwood, Florence</th>{cells}</tr></tbody></table></div>"
        f'<a href="#after">After</a></main><script src="{static}js/app.js"></script></body></html>'
    )


def test_a_wide_table_scrolls_in_a_named_focusable_region_keeping_its_first_column(phone, live_server):
    phone.set_content(_wide_table_page(live_server), wait_until="load")
    box = phone.locator(".table-responsive")
    assert box.get_attribute("role") == "region" and box.get_attribute("tabindex") == "0"
    assert box.get_attribute("aria-label") == "Tracking grid"
    assert overflow_problems(phone) == []

    phone.keyboard.press("Tab")
    assert phone.evaluate("document.activeElement.getAttribute('aria-label')") == "Tracking grid"
    for _ in range(6):
        phone.keyboard.press("ArrowRight")
    assert box.evaluate("el => el.scrollLeft") > 0
    # The pupil's name stays at the box's left edge while the results scroll under it.
    name_left = phone.locator("tbody th").evaluate("el => el.getBoundingClientRect().left")
    box_left = box.evaluate("el => el.getBoundingClientRect().left")
    assert abs(name_left - box_left) < 2

    # Wide enough for the table: no scrolling, so no tab stop and no region.
    phone.set_viewport_size({"width": 1400, "height": 900})
    phone.wait_for_function("() => !document.querySelector('.table-responsive').hasAttribute('role')")
    assert box.get_attribute("tabindex") is None and box.get_attribute("aria-label") is None
