"""Permission rows for the parents' support offer: the SENCO publishes, the SENCO and senior leaders read the
history, and the public page answers everyone, signed in or not."""

from __future__ import annotations

from reports.models import PublishedOffer

from . import ACTORS, Case, only


def _published_offer(world) -> list:
    offer = PublishedOffer.objects.create(
        school=world.school,
        period_label="Autumn 2026/27",
        introduction="Our offer.",
        content={"format": 1, "period": "Autumn 2026/27", "min_count": 5, "sections": []},
    )
    return [offer.pk]


CASES: dict[str, Case] = {
    "reports:offer_publish": Case(allowed=only("senco", "other_senco")),
    "reports:offer_history": Case(allowed=only("senco", "leader", "other_senco")),
    "reports:offer_version": Case(
        allowed=only("senco", "leader"), args="published_offer", overrides={"other_senco": 404}
    ),
    "reports:offer_public": Case(allowed=ACTORS, args="school_urn", anonymous=200),
}

ARGS = {
    "published_offer": _published_offer,
    "school_urn": lambda world: [world.school.urn],
}
