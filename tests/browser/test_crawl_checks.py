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
