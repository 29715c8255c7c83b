"""A tutor's week: the ``tutor`` login, a teaching assistant at Hazel Grove, leads the school's reading and phonics
catch-up groups every term, so that signing in as the tutor shows this week's sessions to log, last weeks' logs
and the groups' pupils. Other groups are spread over the school's teaching assistants, HLTAs and teachers.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser

from demo.data.trust import PRIMARY
from demo.school import DemoFrame
from interventions.models import Area

TUTOR_LOGIN = "tutor"
# The catch-up groups (wave 2) in these areas.
TUTOR_LEADS = (Area.READING, Area.PHONICS)


def tutor(frame: DemoFrame, key: str) -> AbstractBaseUser | None:
    """The tutor at Hazel Grove; Kingsmead has none."""
    return frame.logins[TUTOR_LOGIN] if key == PRIMARY else None
