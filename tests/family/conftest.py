"""Fixtures for the parents' pages: a guardian to invite, and reading the link out of the email."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from pupils.models import PupilGuardian
from tests import factories as f

LINK = re.compile(r"https?://\S+/family/invitation/(?P<token>[\w-]+)/")


@pytest.fixture
def guardian(world):
    """Jordan, the father of the world's first pupil, who has no account yet."""
    guardian = f.GuardianFactory(
        school=world.school, first_name="Jordan", last_name="Okafor", email="Jordan@Example.org"
    )
    PupilGuardian.objects.create(pupil=world.pupils[0], guardian=guardian, relationship="father")
    return guardian


def link_in_outbox(index: int = -1) -> tuple[str, str]:
    """(path, token) of the invitation link in an email the tests sent."""
    match = LINK.search(mail.outbox[index].body)
    assert match, mail.outbox[index].body
    token = match.group("token")
    return f"/family/invitation/{token}/", token
