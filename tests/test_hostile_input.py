"""Random and hostile values posted to every form and query string of the app, as every role: never a 500.

For each URL of the permission table (tests/permission_cases/) the page is opened once as a user allowed to see
it, and the names of its form fields are read from its HTML (every form on it, GET or POST). Hypothesis then
sends query strings and bodies made of those names (and some it makes up) with values such as NUL bytes, "$"
mathtext, right-to-left overrides, emoji, 100,000-character strings, impossible dates, numbers too large for any
column, lists where one value is expected, empty bodies and random files, as each actor of the table: anonymous,
every staff role, a parent and another school's SENCO. Any response under 500 is fine (a form error, a 400, a
404); a 500 fails with the request that caused it.

The number of examples per URL is kept small so that the suite stays fast (``HOSTILE_EXAMPLES``, default 3:
each example is sent as all eight actors); run with ``HOSTILE_EXAMPLES=50`` for a longer hunt.
"""

from __future__ import annotations

import os
from html.parser import HTMLParser

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.permission_cases import ACTORS, merged

CASES, ARGS = merged()
EXAMPLES = int(os.environ.get("HOSTILE_EXAMPLES", "3"))

HOSTILE_TEXT = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "%00",
    "$\\foo$",
    "Maths $x^{2}$",
    "$",
    "\\",
    "-1",
    "0",
    "007",
    "99999999999999999999999999",
    "1e309",
    "NaN",
    "-inf",
    "1.5",
    "1,5",
    "\u0663",  # Arabic-Indic three
    "\u00b2",  # superscript two: str.isdigit() says yes, int() says no
    "2026-02-30",
    "31/12/9999",
    "0000-00-00",
    "25:61",
    "\u202eevil\u202c",
    "\U0001f600\U0001f468\u200d\U0001f469",
    "' OR 1=1 --",
    "<script>alert(1)</script>",
    "../../etc/passwd",
    "None",
    "null",
    "true",
    "[]",
    "{}",
    "\ufeff",
    "\r\n\r\n",
    "=cmd|' /C calc'!A0",
    "x" * 100_000,
]
VALUE = st.one_of(
    st.sampled_from(HOSTILE_TEXT),
    st.text(max_size=30),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
)
FIELD_VALUE = st.one_of(VALUE, st.lists(VALUE, min_size=0, max_size=3))
HOSTILE_FILES = [
    b"",
    b"\x00" * 64,
    b"PK\x03\x04" + b"\x00" * 100,
    b"UPN,Surname\n\x00\xff\xfe,\xe9\n",
    "UPN;Surname;Forename\n$\\foo$;\u202e;\U0001f600\n".encode(),
    b"<html><body>not a spreadsheet</body></html>",
]
FILE = st.one_of(st.sampled_from(HOSTILE_FILES), st.binary(max_size=2000))


class _Fields(HTMLParser):
    """The names of the form fields in a page (inputs, selects, text areas, buttons with a name)."""

    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()
        self.files: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ("input", "select", "textarea", "button"):
            return
        found = dict(attrs)
        name = found.get("name")
        if not name or name == "csrfmiddlewaretoken":
            return
        (self.files if found.get("type") == "file" else self.names).add(name)


DISCOVERED: dict[str, tuple[list[str], list[str]]] = {}
URLS: dict[str, tuple[object, str]] = {}

# Names many views read from the query string or a body although no form on their page shows them.
COMMON = ["q", "page", "sort", "next", "action", "school", "period", "term", "year", "subject", "group", "date", "a"]


def _url(world, name: str) -> str:
    case = CASES[name]
    return reverse(name, args=ARGS[case.args](world) if case.args else [])


def _discover(world, name: str, url: str) -> tuple[list[str], list[str]]:
    """The field names on the page (opened as the first actor allowed to), and its file fields."""
    case = CASES[name]
    fields = _Fields()
    opener = next((actor for actor in case.allowed if actor != "anonymous"), None)
    if case.method == "get":
        client = Client()
        if opener is not None:
            client.force_login(world.users[opener])
        response = client.get(url)
        if response.status_code == 200 and "html" in response.get("Content-Type", ""):
            fields.feed(response.content.decode(errors="replace"))
    names = sorted(fields.names | set(case.data) | set(COMMON))
    return names, sorted(fields.files)


@pytest.mark.parametrize("name", sorted(CASES))
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data())
def test_no_input_gives_a_500(world, name, data):
    # The URL's objects are made once per test (the argument builders create rows), not once per example.
    if URLS.get(name, (None,))[0] is not world:
        URLS[name] = (world, _url(world, name))
    url = URLS[name][1]
    if name not in DISCOVERED:  # once per URL, not once per example
        DISCOVERED[name] = _discover(world, name, url)
    names, files = DISCOVERED[name]

    keys = st.one_of(st.sampled_from(names), st.text(min_size=1, max_size=12))
    fields = data.draw(st.dictionaries(keys, FIELD_VALUE, max_size=8), label="fields")
    method = data.draw(st.sampled_from(["get", "post"]) if CASES[name].method == "get" else st.just("post"))
    body = dict(fields)
    if method == "post" and files and data.draw(st.booleans(), label="with a file"):
        body[files[0]] = SimpleUploadedFile(
            data.draw(st.sampled_from(["x.csv", "x.xlsx", "x", "x.exe"])), data.draw(FILE)
        )

    for actor in ACTORS:
        client = Client()  # an exception in the view fails the test with its traceback
        if actor != "anonymous":
            client.force_login(world.users[actor])
        if method == "get":
            response = client.get(url, fields)
        else:
            for upload in body.values():
                if isinstance(upload, SimpleUploadedFile):
                    upload.seek(0)
            response = client.post(url, body)
        assert response.status_code < 500, f"{actor} {method.upper()} {url} {fields!r:.500}"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name", ["provision:switch_school", "interventions:add_from_identification", "sign_out_everywhere"]
)
@pytest.mark.parametrize("next_value", [":", "ab", "reports:home", "//evil.example/", "https://evil.example/"])
def test_a_next_that_is_not_a_path_here_goes_to_a_safe_page(client, world, name, next_value):
    """Found by the test above: a "next" without a slash was looked up as a view's name (a 500)."""
    client.force_login(world.users["senco"])
    response = client.post(reverse(name), {"next": next_value, "school": world.school.pk})
    assert response.status_code == 302
    assert response["Location"].startswith("/") and not response["Location"].startswith("//")
