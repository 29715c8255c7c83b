"""Reports owns little: only snapshots of what was published, so that what parents were shown on a date is kept."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from provision.models import School


class PublishedOffer(models.Model):
    """The school's support offer for parents as published on a date: a provision map without pupil names or
    counts small enough to identify a child, in plain language. Each publication is kept (a dated history)."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="published_offers")
    period_label = models.CharField(max_length=40, help_text="The term or year the offer describes.")
    published_at = models.DateTimeField(auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    introduction = models.TextField(blank=True, help_text="A few words from the SENCO to parents.")
    content = models.JSONField(help_text="The offer as shown: sections of plain-language entries, no names.")

    class Meta:
        ordering = ["-published_at"]
        indexes = [
            # Parents' and the public page: a school's latest publication.
            models.Index(fields=["school", "-published_at"], name="offer_school_latest_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.school.name} offer, {self.period_label} (published {self.published_at:%d/%m/%Y})"
