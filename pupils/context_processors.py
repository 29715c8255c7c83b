"""Template context from the pupils app: whether the signed-in user is a parent or carer (for the navigation).
Here rather than in ``provision``, which comes before pupils and does not know how guardians are linked."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from .selectors import has_children


def guardian(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    # Evaluated only by templates that ask (the navigation of a user who is not staff).
    return {"is_guardian": SimpleLazyObject(lambda: has_children(user)) if user is not None else False}
