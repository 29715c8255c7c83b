"""Progress checks during an intervention: what a group checks, each pupil's baseline and target on it, the
scores, and the decisions the school acknowledged by changing something.

Registered with Django through ``interventions.models`` (which imports this module), so they belong to the
``interventions`` app and its migrations. Foreign keys name their models as strings: this module is imported
while ``interventions.models`` is still loading.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q


class CheckQuerySet(models.QuerySet):
    """Progress checks, goals, scores and reviews are seen by whoever sees their group: ``visible_to`` defers to
    ``Intervention.objects.visible_to`` (reached through the foreign keys, so this module imports nothing of
    ``interventions.models``, which imports it)."""

    intervention_path = "intervention"

    def _interventions(self):
        model = self.model
        for name in self.intervention_path.split("__"):
            model = model._meta.get_field(name).related_model
        return model.objects

    def visible_to(self, user, school=None, *, policy: dict[str, str] | None = None):
        groups = self._interventions().visible_to(user, school, policy=policy)
        return self.filter(**{f"{self.intervention_path}__in": groups})

    def loggable_by(self, user, school=None):
        return self.filter(**{f"{self.intervention_path}__in": self._interventions().loggable_by(user, school)})


class PlacementRowsQuerySet(CheckQuerySet):
    intervention_path = "placement__intervention"


class ProgressCheck(models.Model):
    """The short, frequent measure a group uses: "Words read correctly in a minute" (unit "words"), "Number facts
    in a minute", "Spelling list score" (0 to 20). Scores may be bounded by ``min_value`` and ``max_value``."""

    intervention = models.OneToOneField(
        "interventions.Intervention", on_delete=models.CASCADE, related_name="progress_check"
    )
    name = models.CharField("what is checked", max_length=120, help_text="e.g. Words read correctly in a minute")
    unit = models.CharField(max_length=30, help_text="What the score counts, e.g. words, facts, marks.")
    higher_is_better = models.BooleanField(
        default=True, help_text="Untick when a lower score is better (errors made, seconds taken)."
    )
    min_value = models.FloatField("lowest possible score", null=True, blank=True, default=0)
    max_value = models.FloatField("highest possible score", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CheckQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(min_value__isnull=True)
                | Q(max_value__isnull=True)
                | Q(min_value__lt=models.F("max_value")),
                name="progress_check_range_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.unit})"

    def get_additional_data(self) -> dict:
        """What the audit log files this row's entries under (provision.audit). Triggers a query when the
        intervention is not loaded."""
        return {"school": self.intervention.school_id}

    def clean(self) -> None:
        if self.min_value is not None and self.max_value is not None and self.min_value >= self.max_value:
            raise ValidationError({"max_value": "The highest possible score must be above the lowest."})

    def range_problem(self, value: float) -> str:
        """Why ``value`` cannot be a score on this check (empty when it can)."""
        if self.min_value is not None and value < self.min_value:
            return f"{value:g} is below the lowest possible score ({self.min_value:g})"
        if self.max_value is not None and value > self.max_value:
            return f"{value:g} is above the highest possible score ({self.max_value:g})"
        return ""


class CheckGoal(models.Model):
    """One pupil's baseline (optional) and target on their group's check: the two ends of the aim line."""

    placement = models.OneToOneField("interventions.Placement", on_delete=models.CASCADE, related_name="check_goal")
    entry_value = models.FloatField(
        "baseline", null=True, blank=True, help_text="On the check's scale; empty: the first check is the baseline."
    )
    target_value = models.FloatField("target", null=True, blank=True, help_text="By the group's end date.")
    updated_at = models.DateTimeField(auto_now=True)

    objects = PlacementRowsQuerySet.as_manager()

    def __str__(self) -> str:
        return f"Progress check target for {self.placement}"

    def get_additional_data(self) -> dict:
        return {"school": self.placement.intervention.school_id, "pupil": self.placement.pupil_id}


class ScoreSource(models.TextChoices):
    SESSION = "session", "Session log"
    GRID = "grid", "Group grid"
    IMPORT = "import", "File import"


class CheckScore(models.Model):
    """One pupil's score on their group's check on one day (one per day: a second entry corrects the first)."""

    placement = models.ForeignKey("interventions.Placement", on_delete=models.CASCADE, related_name="check_scores")
    date = models.DateField()
    value = models.FloatField()
    typed = models.CharField(max_length=30, help_text="As typed or as in the file.")
    source = models.CharField(max_length=7, choices=ScoreSource.choices, default=ScoreSource.GRID)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now=True)

    objects = PlacementRowsQuerySet.as_manager()

    class Meta:
        ordering = ["placement", "date"]
        constraints = [
            # Also the index for a place's scores in date order (every chart and decision).
            models.UniqueConstraint(fields=["placement", "date"], name="check_score_one_per_day"),
            models.CheckConstraint(
                condition=Q(source__in=[choice.value for choice in ScoreSource]), name="check_score_source_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.typed} on {self.date:%d/%m/%Y}"

    def get_additional_data(self) -> dict:
        return {"school": self.placement.intervention.school_id, "pupil": self.placement.pupil_id}


class CheckChange(models.TextChoices):
    """What the school changed after a decision."""

    DOSAGE = "dosage", "More sessions, or longer ones"
    GROUP = "group", "A different group or adult"
    APPROACH = "approach", "A different approach or programme"
    GOAL = "goal", "Raised the goal"
    OTHER = "other", "Something else"


class CheckReview(models.Model):
    """A decision the school acknowledged, with what it changed and the evidence as it stood. Kept as the record:
    the day of the change begins a new phase, judged on the checks after it."""

    placement = models.ForeignKey("interventions.Placement", on_delete=models.CASCADE, related_name="check_reviews")
    decision = models.CharField(max_length=10, help_text="The decision acknowledged (off_track or raise_goal).")
    change = models.CharField("what was changed", max_length=8, choices=CheckChange.choices)
    note = models.TextField("what was changed, in a sentence")
    changed_on = models.DateField("changed from", help_text="Checks after this day are judged afresh.")
    old_target = models.FloatField(null=True, blank=True)
    new_target = models.FloatField(null=True, blank=True)
    evidence = models.JSONField(default=dict, blank=True, help_text="The figures the decision rested on.")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = PlacementRowsQuerySet.as_manager()

    class Meta:
        ordering = ["placement", "changed_on", "recorded_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(change__in=[choice.value for choice in CheckChange]), name="check_review_change_valid"
            ),
            models.CheckConstraint(
                condition=Q(decision__in=["off_track", "raise_goal"]), name="check_review_decision_valid"
            ),
        ]
        indexes = [
            # A group's reviews (its page, its impact): by place.
            models.Index(fields=["placement", "changed_on"], name="check_review_placement_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_change_display()} from {self.changed_on:%d/%m/%Y} for {self.placement}"

    def get_additional_data(self) -> dict:
        return {"school": self.placement.intervention.school_id, "pupil": self.placement.pupil_id}
