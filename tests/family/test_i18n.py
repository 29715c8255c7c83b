"""The parents' pages are ready for translation: every word is marked, a language a school adds is used, and
rendering in another language works."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.template import engines
from django.template.base import Lexer, TokenType
from django.urls import reverse
from django.utils import translation

TEMPLATES = settings.BASE_DIR / "templates"
PARENT_TEMPLATES = sorted(
    [
        *(TEMPLATES / "family").glob("*.html"),
        TEMPLATES / "pupils" / "invitation_form.html",
        TEMPLATES / "pupils" / "_guardian_invitation.html",
        TEMPLATES / "pupils" / "email" / "invitation_subject.txt",
        TEMPLATES / "pupils" / "email" / "invitation_body.txt",
    ]
)
TAG = re.compile(r"<[^>]*>", re.S)
STYLE_OR_SCRIPT = re.compile(r"<(style|script)\b.*?</\1>", re.S | re.I)
# Attributes people read (or hear from a screen reader).
READ_ATTRIBUTES = re.compile(r'\b(?:aria-label|alt|title|placeholder)="([^"\x00]*)"')
ENTITY = re.compile(r"&[#\w]+;")


def untranslated_text(source: str) -> list[str]:
    """Words in the template's literal text that are outside {% translate %} and {% blocktranslate %}.

    The template's own tags and variables become a placeholder, so that HTML tags built around them
    (``<a href="{% url ... %}">``) are still recognised and stripped as tags."""
    parts: list[str] = []
    inside_block = 0
    in_body_class = False  # {% block body_class %} holds CSS class names, not words
    for token in Lexer(source).tokenize():
        if token.token_type == TokenType.BLOCK:
            name = token.contents.split()[0]
            if name in ("blocktranslate", "blocktrans"):
                inside_block += 1
            elif name in ("endblocktranslate", "endblocktrans"):
                inside_block -= 1
            elif token.contents.split()[:2] == ["block", "body_class"]:
                in_body_class = True
            elif name == "endblock":
                in_body_class = False
        if token.token_type == TokenType.TEXT and not inside_block and not in_body_class:
            parts.append(token.contents)
        else:
            parts.append("\x00")
    text = STYLE_OR_SCRIPT.sub(" ", "".join(parts))
    found = [value for value in READ_ATTRIBUTES.findall(text) if re.search(r"[A-Za-z]", value)]
    text = ENTITY.sub(" ", TAG.sub(" ", text))
    return found + re.findall(r"[A-Za-z]{2,}", text)


@pytest.mark.parametrize("path", PARENT_TEMPLATES, ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_every_word_parents_read_is_marked_for_translation(path):
    source = path.read_text()
    assert "{% load i18n" in source or "{% load static i18n" in source
    assert untranslated_text(source) == []


def test_the_checker_finds_unmarked_words():
    source = '{% load i18n %}<p>{% translate "Fine" %} Not marked</p><a aria-label="Close">x</a>'
    assert untranslated_text(source) == ["Close", "Not", "marked"]


@pytest.fixture
def polish(settings):
    settings.LANGUAGES = [("en-gb", "British English"), ("pl", "Polish")]
    yield
    translation.activate(settings.LANGUAGE_CODE)


def test_pages_render_in_another_language(client, world, polish):
    """A browser asking for Polish gets Polish where there are translations (Django's own: dates), English for
    words not yet translated, the right lang attribute, and no error."""
    client.force_login(world.users["parent"])
    for url in (reverse("family:home"), reverse("family:child", args=[world.pupils[0].pk])):
        response = client.get(url, headers={"accept-language": "pl"})
        assert response.status_code == 200
        assert '<html lang="pl"' in response.content.decode()
    with translation.override("pl"):
        from family import wording

        assert wording.date_words(dt.date(2026, 12, 3)) == "3 grudnia 2026"


def test_a_right_to_left_language_sets_the_direction(client, world, settings):
    settings.LANGUAGES = [("en-gb", "British English"), ("ur", "Urdu")]
    client.force_login(world.users["parent"])
    html = client.get(reverse("family:home"), headers={"accept-language": "ur"}).content.decode()
    assert '<html lang="ur" dir="rtl">' in html
    translation.activate(settings.LANGUAGE_CODE)


def test_english_is_the_default_for_other_browsers(client, world):
    client.force_login(world.users["parent"])
    html = client.get(reverse("family:home"), headers={"accept-language": "pl"}).content.decode()
    assert '<html lang="en-gb"' in html


@pytest.mark.skipif(not (shutil.which("xgettext") and shutil.which("msgfmt")), reason="needs GNU gettext")
def test_a_school_adds_a_language_with_makemessages(client, world, settings, tmp_path, monkeypatch):
    """The README's steps: makemessages finds the parents' words (templates and Python), a translator fills
    one in, compilemessages builds it, and the page shows it to a Polish browser."""
    settings.LOCALE_PATHS = [str(tmp_path)]
    settings.LANGUAGES = [("en-gb", "British English"), ("pl", "Polish")]
    monkeypatch.chdir(settings.BASE_DIR)
    call_command(
        "makemessages",
        locale=["pl"],
        ignore_patterns=["node_modules/*", "tests/*", "bench/*", "staticfiles/*", "test-artifacts/*"],
        verbosity=0,
    )
    po = tmp_path / "pl" / "LC_MESSAGES" / "django.po"
    catalogue = po.read_text()
    for msgid in ("Help %(name)s gets now", "My children", "Every school day, %(length)s each time"):
        assert f'msgid "{msgid}"' in catalogue, msgid
    catalogue = catalogue.replace('msgid "My children"\nmsgstr ""', 'msgid "My children"\nmsgstr "Moje dzieci"')
    po.write_text(catalogue)
    subprocess.run(["msgfmt", "-o", str(po.with_suffix(".mo")), str(po)], check=True)
    client.force_login(world.users["parent"])
    html = client.get(reverse("family:home"), headers={"accept-language": "pl"}).content.decode()
    assert "<h1>Moje dzieci</h1>" in html
    translation.activate(settings.LANGUAGE_CODE)


def test_templates_compile(world):
    engine = engines["django"]
    for path in PARENT_TEMPLATES:
        engine.get_template(str(Path(path).relative_to(TEMPLATES)))
