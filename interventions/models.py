"""What the school does: the programme catalogue, interventions (groups), placements, sessions, support plans."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q

from provision import access
from provision.models import School, person_name
from pupils.models import NeedArea, Pupil, PupilRowsQuerySet, Result, Scale, ScaleKind, Subject, own_children_q


def _values(choices) -> list[str]:
    return [choice.value for choice in choices]


# --- Shared vocabularies ---------------------------------------------------------------------------------


class Wave(models.IntegerChoices):
    QUALITY_FIRST = 1, "Wave 1: quality-first teaching"
    CATCH_UP = 2, "Wave 2: small-group catch-up"
    PERSONALISED = 3, "Wave 3: personalised support"


class Area(models.TextChoices):
    """What a programme works on: a subject of the curriculum or an area of need."""

    READING = "reading", "Reading"
    PHONICS = "phonics", "Phonics"
    WRITING = "writing", "Writing"
    SPELLING = "spelling", "Spelling"
    HANDWRITING = "handwriting", "Handwriting"
    MATHS = "maths", "Maths"
    LANGUAGE = "language", "Speech and language"
    SOCIAL = "social", "Social communication"
    SEMH = "semh", "Social, emotional and mental health"
    MOTOR = "motor", "Motor skills"
    OTHER = "other", "Other"


class KeyStage(models.TextChoices):
    EYFS = "EYFS", "Early years"
    KS1 = "KS1", "Key stage 1"
    KS2 = "KS2", "Key stage 2"
    KS3 = "KS3", "Key stage 3"
    KS4 = "KS4", "Key stage 4"


class Delivery(models.TextChoices):
    ONE_TO_ONE = "one_to_one", "1:1"
    SMALL_GROUP = "small_group", "Small group"
    WHOLE_CLASS = "whole_class", "Whole class"
    ONLINE = "online", "Online"


class StaffRole(models.TextChoices):
    """Who delivers, for costing: each has an hourly rate per school."""

    TEACHER = "teacher", "Teacher"
    TA = "ta", "Teaching assistant"
    HLTA = "hlta", "Higher-level teaching assistant"
    EXTERNAL = "external", "External tutor or specialist"


class EvidenceStrength(models.TextChoices):
    STRONG = "strong", "Strong: several rigorous trials"
    MODERATE = "moderate", "Moderate: at least one rigorous trial"
    PROMISING = "promising", "Promising: early or small studies"
    LIMITED = "limited", "Limited: little independent evidence"
    NONE = "none", "Not evaluated"


# --- Catalogue -----------------------------------------------------------------------------------------


class ProgrammeQuerySet(models.QuerySet):
    def for_school(self, school: School) -> ProgrammeQuerySet:
        """The shared catalogue plus the school's own programmes."""
        return self.filter(Q(school__isnull=True) | Q(school=school))


class Programme(models.Model):
    """A programme in the catalogue (the school's "resource finder"). ``school`` is empty for the shared,
    published programmes every school sees, and set for a school's own or bespoke ones."""

    school = models.ForeignKey(School, null=True, blank=True, on_delete=models.CASCADE, related_name="programmes")
    name = models.CharField(max_length=120)
    area = models.CharField("subject or need", max_length=12, choices=Area.choices)
    key_stages = models.JSONField(default=list, blank=True, help_text="Key stages it is designed for.")
    need_areas = models.JSONField(default=list, blank=True, help_text="Broad areas of need it addresses.")
    wave = models.PositiveSmallIntegerField(choices=Wave.choices, default=Wave.CATCH_UP)
    delivery = models.CharField(max_length=12, choices=Delivery.choices, default=Delivery.SMALL_GROUP)
    group_size_min = models.PositiveSmallIntegerField(default=1)
    group_size_max = models.PositiveSmallIntegerField(default=6)
    sessions_per_week = models.PositiveSmallIntegerField(default=3)
    minutes_per_session = models.PositiveSmallIntegerField(default=30)
    weeks = models.PositiveSmallIntegerField("length in weeks", null=True, blank=True)
    delivered_by = models.CharField(max_length=8, choices=StaffRole.choices, default=StaffRole.TA)
    cost_notes = models.TextField(blank=True)
    summary = models.TextField(blank=True, help_text="What it is and how it works, in a few sentences.")
    evidence_summary = models.TextField(blank=True)
    evidence_strength = models.CharField(max_length=9, choices=EvidenceStrength.choices, default=EvidenceStrength.NONE)
    link = models.URLField(blank=True)
    is_active = models.BooleanField(default=True)

    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["school", "name"], name="programme_unique_per_school"),
            models.UniqueConstraint(
                fields=["name"], condition=Q(school__isnull=True), name="programme_unique_in_catalogue"
            ),
            models.CheckConstraint(condition=Q(area__in=_values(Area)), name="programme_area_valid"),
            models.CheckConstraint(condition=Q(wave__in=[1, 2, 3]), name="programme_wave_valid"),
            models.CheckConstraint(condition=Q(delivery__in=_values(Delivery)), name="programme_delivery_valid"),
            models.CheckConstraint(condition=Q(delivered_by__in=_values(StaffRole)), name="programme_role_valid"),
            models.CheckConstraint(
                condition=Q(evidence_strength__in=_values(EvidenceStrength)), name="programme_evidence_valid"
            ),
            models.CheckConstraint(
                condition=Q(group_size_min__lte=models.F("group_size_max")), name="programme_group_size_order"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_shared(self) -> bool:
        return self.school_id is None


class Training(models.Model):
    """A member of staff trained to deliver a programme, and when."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="trainings")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="trainings")
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="trainings")
    trained_on = models.DateField()
    expires_on = models.DateField(null=True, blank=True, help_text="When the training needs renewing, if ever.")
    notes = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["programme__name", "user__last_name"]
        constraints = [
            models.UniqueConstraint(fields=["school", "user", "programme"], name="training_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} trained in {self.programme} on {self.trained_on:%d/%m/%Y}"

    def is_current(self, on: dt.date) -> bool:
        return self.trained_on <= on and (self.expires_on is None or self.expires_on >= on)


class StaffRate(models.Model):
    """What an hour of a staff role costs the school, for costing provision."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="staff_rates")
    role = models.CharField(max_length=8, choices=StaffRole.choices)
    hourly_rate = models.DecimalField(max_digits=7, decimal_places=2, validators=[MinValueValidator(Decimal("0"))])

    class Meta:
        ordering = ["school", "role"]
        constraints = [
            models.UniqueConstraint(fields=["school", "role"], name="staff_rate_unique"),
            models.CheckConstraint(condition=Q(role__in=_values(StaffRole)), name="staff_rate_role_valid"),
            models.CheckConstraint(condition=Q(hourly_rate__gte=0), name="staff_rate_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: £{self.hourly_rate}/hour"


# --- Interventions -----------------------------------------------------------------------------------


class Status(models.TextChoices):
    PLANNED = "planned", "Planned"
    RUNNING = "running", "Running"
    COMPLETED = "completed", "Completed"
    STOPPED = "stopped", "Stopped"


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"


class ExternalCosting(models.TextChoices):
    """How an intervention's external staff are paid for: one way only, so their time is never costed twice."""

    SESSION = "session", "Per session, at the external hourly rate"
    FEE = "fee", "By the external fee (their time is in the fee)"


class FundingSource(models.TextChoices):
    PUPIL_PREMIUM = "pupil_premium", "Pupil premium"
    SEN_NOTIONAL = "sen_notional", "SEN notional budget"
    HIGH_NEEDS = "high_needs", "High-needs top-up"
    TUTORING = "tutoring", "Tutoring fund"
    OTHER = "other", "Other"


# An intervention that is still going on, or about to: the one spelling of "planned or running".
PLANNED_OR_RUNNING: tuple[str, ...] = (Status.PLANNED, Status.RUNNING)


def planned_or_running_q(path: str = "") -> Q:
    """Rows whose intervention (``path`` leads to it, empty for an intervention itself) is planned or running."""
    return Q(**{f"{path}__status__in" if path else "status__in": PLANNED_OR_RUNNING})


def run_by_q(user) -> Q:
    """Interventions ``user`` runs: they lead it or are on its staff. An ``Exists`` rather than a join, so a
    group with several staff rows still comes back once."""
    on_staff = InterventionStaff.objects.filter(intervention=OuterRef("pk"), user=user)
    return Q(lead=user) | Q(Exists(on_staff))


class GroupRowsQuerySet(models.QuerySet):
    """Rows that belong to an intervention (``intervention_path`` leads from the row to it; empty for
    ``Intervention`` itself), scoped by ``provision.access.GROUP_SCOPE``: the whole school's for most staff, the
    groups they run for a TA."""

    intervention_path = "intervention"

    # The path from the row to its pupil, for the rows a parent or carer sees of their own children.
    pupil_path: str | None = None

    def _scoped(self, user, school, policy: dict[str, str]):
        path = self.intervention_path
        if path:
            runs = Q(**{f"{path}__in": Intervention.objects.filter(run_by_q(user)).values("pk")})
        else:
            runs = run_by_q(user)
        school_field = f"{path}__school" if path else "school"
        query = access.scope_q(user, school, policy, school_field=school_field, narrowed={access.OWN_GROUPS: runs})
        own = (
            own_children_q(user, school, self.pupil_path) if self.pupil_path and policy is access.GROUP_SCOPE else None
        )
        if own is not None:
            query = own if query is None else query | own
        return self.none() if query is None else self.filter(query)

    def visible_to(self, user, school=None, *, policy: dict[str, str] | None = None):
        """The rows ``user`` may see at ``school`` (a school, an id, several, or None for all of theirs). ``policy``:
        another of ``provision.access``'s named policies than ``GROUP_SCOPE``, for a page with a rule of its own
        (the provision map's ``MAP_SCOPE``, a subject access request's ``SUBJECT_ACCESS_SCOPE``)."""
        return self._scoped(user, school, access.GROUP_SCOPE if policy is None else policy)

    def loggable_by(self, user, school=None):
        """The rows of the groups whose sessions ``user`` may log (``provision.access.SESSION_LOG_SCOPE``)."""
        return self._scoped(user, school, access.SESSION_LOG_SCOPE)


class InterventionQuerySet(GroupRowsQuerySet):
    intervention_path = ""

    def for_school(self, school: School) -> InterventionQuerySet:
        return self.filter(school=school)

    def planned_or_running(self) -> InterventionQuerySet:
        return self.filter(planned_or_running_q())


class Intervention(models.Model):
    """A delivered provision: a group (or a 1:1, or a wave 1 strategy for a whole year group) with its staff,
    schedule, dates and costs. Wave 1 strategies have no placements."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="interventions")
    # RESTRICT: a programme in use cannot be deleted on its own, but deleting the whole school may.
    programme = models.ForeignKey(
        Programme, null=True, blank=True, on_delete=models.RESTRICT, related_name="interventions",
        help_text="Leave empty for a bespoke intervention.",
    )  # fmt: skip
    name = models.CharField(max_length=120)
    wave = models.PositiveSmallIntegerField(choices=Wave.choices, default=Wave.CATCH_UP)
    area = models.CharField("subject or need", max_length=12, choices=Area.choices)
    subject = models.ForeignKey(
        Subject, null=True, blank=True, on_delete=models.SET_NULL, related_name="interventions",
        help_text="The assessed subject its impact is measured in, if any.",
    )  # fmt: skip
    need_area = models.CharField(max_length=5, choices=NeedArea.choices, blank=True)
    year_groups = models.JSONField(default=list, blank=True)
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="led_interventions"
    )
    days = models.JSONField(default=list, blank=True, help_text="Weekdays it runs on, 0 = Monday.")
    start_time = models.TimeField(null=True, blank=True)
    minutes_per_session = models.PositiveSmallIntegerField(default=30, validators=[MaxValueValidator(480)])
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=9, choices=Status.choices, default=Status.PLANNED)
    stop_reason = models.TextField(blank=True)
    stopped_on = models.DateField(null=True, blank=True, help_text="The day it was stopped (empty unless stopped).")
    copied_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="copies",
        help_text="The intervention this one was copied forward from (the provision map's copy to next term).",
    )  # fmt: skip
    capacity = models.PositiveSmallIntegerField(default=6)
    entry_criteria = models.TextField(blank=True)
    scale = models.ForeignKey(
        Scale, null=True, blank=True, on_delete=models.SET_NULL, related_name="interventions",
        help_text="The scale entry and exit results are measured on.",
    )  # fmt: skip
    resources_cost = models.DecimalField(
        max_digits=9, decimal_places=2, default=Decimal("0"), validators=[MinValueValidator(Decimal("0"))]
    )
    external_cost = models.DecimalField(
        max_digits=9, decimal_places=2, default=Decimal("0"), validators=[MinValueValidator(Decimal("0"))]
    )
    external_costing = models.CharField(
        "external staff paid", max_length=7, choices=ExternalCosting.choices, default=ExternalCosting.SESSION,
        help_text="Per session at the external hourly rate, or by the external fee: never both.",
    )  # fmt: skip
    funding_source = models.CharField(max_length=13, choices=FundingSource.choices, default=FundingSource.OTHER)
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = InterventionQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=_values(Status)), name="intervention_status_valid"),
            models.CheckConstraint(condition=Q(wave__in=[1, 2, 3]), name="intervention_wave_valid"),
            models.CheckConstraint(condition=Q(area__in=_values(Area)), name="intervention_area_valid"),
            models.CheckConstraint(
                condition=Q(funding_source__in=_values(FundingSource)), name="intervention_funding_valid"
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="intervention_end_after_start",
            ),
            models.CheckConstraint(
                condition=~Q(status=Status.STOPPED) | ~Q(stop_reason=""), name="intervention_stop_has_reason"
            ),
            models.CheckConstraint(
                condition=Q(resources_cost__gte=0) & Q(external_cost__gte=0), name="intervention_costs_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(external_costing__in=_values(ExternalCosting)), name="intervention_external_costing_valid"
            ),
        ]
        indexes = [
            # Intervention list and provision map: a school's interventions by status and dates.
            models.Index(fields=["school", "status", "start_date"], name="intervention_school_status_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def sessions_per_week(self) -> int:
        return len(self.days)

    def get_additional_data(self) -> dict:
        """What the audit log files this row's entries under (provision.audit)."""
        return {"school": self.school_id}

    @property
    def external_by_fee(self) -> bool:
        """Its external staff are paid by the external fee, not per session (``costing.cost_breakdown``)."""
        return self.external_costing == ExternalCosting.FEE

    @property
    def has_no_end_date(self) -> bool:
        return self.end_date is None and self.wave != Wave.QUALITY_FIRST

    def is_overdue(self, today: dt.date) -> bool:
        """Still planned or running after its end date."""
        return bool(self.end_date and self.end_date < today and self.is_planned_or_running)

    @property
    def is_planned_or_running(self) -> bool:
        return self.status in PLANNED_OR_RUNNING

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.end_date and self.start_date and self.end_date < self.start_date:
            errors["end_date"] = "The intervention must end on or after the day it starts."
        if self.status == Status.STOPPED and not self.stop_reason.strip():
            errors["stop_reason"] = "Say why the intervention was stopped."
        if any(day not in Weekday.values for day in self.days or []):
            errors["days"] = "Days must be school weekdays (Monday to Friday)."
        if self.programme_id and self.school_id and self.programme.school_id not in (None, self.school_id):
            errors["programme"] = "That programme belongs to another school."
        for field in ("subject", "scale"):
            related = getattr(self, field) if getattr(self, f"{field}_id") else None
            if related is not None and related.school_id != self.school_id:
                errors[field] = f"That {field} belongs to another school."
        if errors:
            raise ValidationError(errors)


class InterventionStaff(models.Model):
    """A member of staff (or an external tutor) delivering an intervention, with the role that prices their time."""

    intervention = models.ForeignKey(Intervention, on_delete=models.CASCADE, related_name="staff")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="intervention_roles"
    )
    external_name = models.CharField(max_length=120, blank=True, help_text="For an external tutor without an account.")
    role = models.CharField(max_length=8, choices=StaffRole.choices, default=StaffRole.TA)

    objects = GroupRowsQuerySet.as_manager()

    class Meta:
        ordering = ["intervention", "role"]
        constraints = [
            models.UniqueConstraint(fields=["intervention", "user"], name="intervention_staff_unique"),
            models.CheckConstraint(condition=Q(role__in=_values(StaffRole)), name="intervention_staff_role_valid"),
            models.CheckConstraint(
                condition=Q(user__isnull=False) | ~Q(external_name=""), name="intervention_staff_named"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_role_display()})"

    @property
    def name(self) -> str:
        """Who it is: the account's full name (else its username), or the external tutor's name."""
        return person_name(self.user) if self.user_id else self.external_name

    def get_additional_data(self) -> dict:
        return {"school": self.intervention.school_id}


# --- Placements ----------------------------------------------------------------------------------------


class Outcome(models.TextChoices):
    MET = "met", "Target met"
    PARTLY = "partly", "Partly met"
    NOT_MET = "not_met", "Not met"


class ExitReason(models.TextChoices):
    COMPLETED = "completed", "Completed the programme"
    TARGET_MET = "target_met", "Target met early"
    NOT_WORKING = "not_working", "Not working for this pupil"
    MOVED = "moved", "Moved to other support"
    LEFT_SCHOOL = "left_school", "Left the school"
    STOPPED = "stopped", "Intervention stopped"
    OTHER = "other", "Other"


class PlacementQuerySet(GroupRowsQuerySet):
    pupil_path = "pupil"

    def active(self) -> PlacementQuerySet:
        return self.filter(exit_date__isnull=True)


class Placement(models.Model):
    """A pupil in an intervention: entry and exit data, targets, the pupil's own view, and the outcome."""

    intervention = models.ForeignKey(Intervention, on_delete=models.CASCADE, related_name="placements")
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="placements")
    entry_date = models.DateField()
    entry_result = models.ForeignKey(
        Result, null=True, blank=True, on_delete=models.SET_NULL, related_name="entry_placements"
    )
    entry_value = models.FloatField(null=True, blank=True, help_text="Baseline on the intervention's scale.")
    entry_typed = models.CharField(max_length=60, blank=True)
    target = models.TextField(blank=True)
    target_value = models.FloatField(null=True, blank=True)
    pupil_target = models.TextField("the pupil's own target", blank=True, help_text="In the pupil's own words.")
    entry_rating = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text="The pupil's own rating, 1 (not confident) to 5 (very confident).",
    )  # fmt: skip
    exit_date = models.DateField(null=True, blank=True)
    exit_result = models.ForeignKey(
        Result, null=True, blank=True, on_delete=models.SET_NULL, related_name="exit_placements"
    )
    exit_value = models.FloatField(null=True, blank=True)
    exit_typed = models.CharField(max_length=60, blank=True)
    exit_rating = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    outcome = models.CharField(max_length=7, choices=Outcome.choices, blank=True)
    exit_reason = models.CharField(max_length=11, choices=ExitReason.choices, blank=True)
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PlacementQuerySet.as_manager()

    class Meta:
        ordering = ["intervention", "pupil__legal_last_name"]
        constraints = [
            # A pupil can rejoin a group after leaving it, but can only be in it once at a time.
            models.UniqueConstraint(
                fields=["intervention", "pupil"], condition=Q(exit_date__isnull=True), name="placement_one_active"
            ),
            models.CheckConstraint(
                condition=Q(exit_date__isnull=True) | Q(exit_date__gte=models.F("entry_date")),
                name="placement_exit_after_entry",
            ),
            models.CheckConstraint(
                condition=Q(entry_rating__isnull=True) | Q(entry_rating__gte=1, entry_rating__lte=5),
                name="placement_entry_rating_range",
            ),
            models.CheckConstraint(
                condition=Q(exit_rating__isnull=True) | Q(exit_rating__gte=1, exit_rating__lte=5),
                name="placement_exit_rating_range",
            ),
            models.CheckConstraint(
                condition=Q(outcome="") | Q(outcome__in=_values(Outcome)), name="placement_outcome_valid"
            ),
            models.CheckConstraint(
                condition=Q(exit_reason="") | Q(exit_reason__in=_values(ExitReason)), name="placement_exit_reason_valid"
            ),
        ]
        indexes = [
            # A pupil's provision (profile, individual provision map): their placements by date.
            models.Index(fields=["pupil", "entry_date"], name="placement_pupil_entry_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.pupil} in {self.intervention}"

    def get_additional_data(self) -> dict:
        return {"school": self.intervention.school_id, "pupil": self.pupil_id}

    @property
    def is_active(self) -> bool:
        return self.exit_date is None

    def covers(self, day: dt.date) -> bool:
        """Whether the pupil held this place on ``day``: joined on or before it and not left before it."""
        return self.entry_date <= day and (self.exit_date is None or day <= self.exit_date)

    @property
    def entry_exit_text(self) -> str:
        """The baseline and the exit result in words, with what they measure: "7:08 (Reading age, years:months)
        → not yet". Reads the loaded results' assessments and scales and the intervention's scale (a query each
        when they were not selected)."""
        entry = self.entry_result.typed if self.entry_result_id else self.entry_typed
        exit_ = self.exit_result.typed if self.exit_result_id else self.exit_typed
        if self.entry_result_id:
            scale = self.entry_result.assessment.scale
        elif self.exit_result_id:
            scale = self.exit_result.assessment.scale
        else:
            scale = self.intervention.scale if self.intervention.scale_id else None
        unit = ""
        if scale is not None:
            unit = scale.name
            if scale.kind == ScaleKind.AGE and "years:months" not in unit:
                unit += ", years:months"
        shown = f"{entry} ({unit})" if entry and unit else entry or "no baseline"
        if exit_:
            return f"{shown} → {exit_}"
        return f"{shown} → {'not yet' if self.exit_date is None else 'no exit result'}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.exit_date and self.entry_date and self.exit_date < self.entry_date:
            errors["exit_date"] = "A pupil cannot leave an intervention before they joined it."
        if self.pupil_id and self.intervention_id and self.pupil.school_id != self.intervention.school_id:
            errors["pupil"] = "The pupil is at another school."
        if self.exit_date and not self.exit_reason:
            errors["exit_reason"] = "Say why the pupil left the intervention."
        scale = self.intervention.scale if self.intervention_id else None
        if scale is not None:
            low, high = scale.min_value, scale.max_value
            for field in ("entry_value", "exit_value", "target_value"):
                value = getattr(self, field)
                outside = value is not None and (low is not None and value < low or high is not None and value > high)
                if outside:
                    errors[field] = f"{value:g} is outside the {scale.name} range."
        for field in ("entry_result", "exit_result"):
            result = getattr(self, field) if getattr(self, f"{field}_id") else None
            if result is not None and result.pupil_id != self.pupil_id:
                errors[field] = "That result belongs to another pupil."
        if self.pupil_id and self.intervention_id and not self.exit_date:
            clash = Placement.objects.filter(
                intervention_id=self.intervention_id, pupil_id=self.pupil_id, exit_date__isnull=True
            ).exclude(pk=self.pk)
            if clash.exists():
                errors["pupil"] = f"{self.pupil} is already in this intervention."
        if errors:
            raise ValidationError(errors)


# --- Sessions ---------------------------------------------------------------------------------------


class Session(models.Model):
    """One session of an intervention as it happened. The six planning steps are optional."""

    intervention = models.ForeignKey(Intervention, on_delete=models.CASCADE, related_name="sessions")
    date = models.DateField()
    minutes = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(480)])
    focus = models.CharField(max_length=200, blank=True)
    notes = models.TextField(blank=True)
    step_remember = models.TextField("remember", blank=True)
    step_model = models.TextField("model", blank=True)
    step_try = models.TextField("try", blank=True)
    step_apply = models.TextField("apply", blank=True)
    step_secure = models.TextField("secure", blank=True)
    step_review = models.TextField("review", blank=True)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    logged_at = models.DateTimeField(auto_now_add=True)

    objects = GroupRowsQuerySet.as_manager()

    class Meta:
        ordering = ["-date"]
        constraints = [
            # One log per group per day: a second submit of the same session edits it rather than doubling it.
            models.UniqueConstraint(fields=["intervention", "date"], name="session_one_per_day"),
            models.CheckConstraint(condition=Q(minutes__gte=1, minutes__lte=480), name="session_minutes_range"),
        ]

    def __str__(self) -> str:
        return f"{self.intervention} on {self.date:%d/%m/%Y}"

    def get_additional_data(self) -> dict:
        return {"school": self.intervention.school_id}


class AbsenceReason(models.TextChoices):
    ABSENT_FROM_SCHOOL = "school_absence", "Absent from school"
    CLASH = "clash", "Clashed with another activity"
    REFUSED = "refused", "Did not want to come"
    UNWELL = "unwell", "Unwell in school"
    OTHER = "other", "Other"


class AttendanceQuerySet(GroupRowsQuerySet):
    intervention_path = "session__intervention"


class Attendance(models.Model):
    """Whether one pupil (placement) attended one session."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attendance")
    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="attendance")
    present = models.BooleanField(default=True)
    absence_reason = models.CharField(max_length=14, choices=AbsenceReason.choices, blank=True)

    objects = AttendanceQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "placement"], name="attendance_unique"),
            models.CheckConstraint(
                condition=Q(present=True, absence_reason="") | Q(present=False), name="attendance_reason_only_if_absent"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.placement.pupil} {'present' if self.present else 'absent'} {self.session.date:%d/%m/%Y}"

    def get_additional_data(self) -> dict:
        return {"school": self.session.intervention.school_id, "pupil": self.placement.pupil_id}


# --- SEN support plans -----------------------------------------------------------------------------------


class PlanQuerySet(PupilRowsQuerySet):
    # Support plans: the roles of provision.access.PLAN_VIEWERS, each the whole school's.
    policy = access.PLAN_SCOPE


class PlanReviewQuerySet(PlanQuerySet):
    pupil_path = "plan__pupil"


class SupportPlan(models.Model):
    """A pupil's SEN support plan (or the school's record of an EHC plan's provision): needs by area, outcomes,
    linked provision, review dates, and the pupil's own views. Reviews follow assess, plan, do, review."""

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="support_plans")
    start_date = models.DateField()
    review_date = models.DateField(help_text="When the plan is next reviewed.")
    needs = models.JSONField(default=dict, blank=True, help_text="Broad area of need -> what the need is.")
    outcomes = models.TextField("outcomes sought", blank=True)
    strategies = models.TextField("strategies in class", blank=True)
    interventions = models.ManyToManyField(Intervention, blank=True, related_name="support_plans")
    pupil_views = models.TextField("the pupil's views", blank=True)
    parent_views = models.TextField("parents' views", blank=True)
    is_active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PlanQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(review_date__gte=models.F("start_date")), name="support_plan_review_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"Support plan for {self.pupil} from {self.start_date:%d/%m/%Y}"

    def get_additional_data(self) -> dict:
        return {"school": self.pupil.school_id, "pupil": self.pupil_id}

    def clean(self) -> None:
        if self.review_date and self.start_date and self.review_date < self.start_date:
            raise ValidationError({"review_date": "The review must come after the plan starts."})
        unknown = set(self.needs or {}) - set(NeedArea.values)
        if unknown:
            raise ValidationError({"needs": f"Unknown areas of need: {', '.join(sorted(unknown))}"})


class ReviewStage(models.TextChoices):
    ASSESS = "assess", "Assess"
    PLAN = "plan", "Plan"
    DO = "do", "Do"
    REVIEW = "review", "Review"


class PlanReview(models.Model):
    """One step of the graduated approach recorded against a plan."""

    plan = models.ForeignKey(SupportPlan, on_delete=models.CASCADE, related_name="reviews")
    date = models.DateField()
    stage = models.CharField(max_length=6, choices=ReviewStage.choices, default=ReviewStage.REVIEW)
    notes = models.TextField()
    progress = models.TextField("progress towards outcomes", blank=True)
    next_steps = models.TextField(blank=True)
    pupil_views = models.TextField("the pupil's views", blank=True)
    parent_views = models.TextField("parents' views", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = PlanReviewQuerySet.as_manager()

    class Meta:
        ordering = ["-date"]
        constraints = [
            models.CheckConstraint(condition=Q(stage__in=_values(ReviewStage)), name="plan_review_stage_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.get_stage_display()} on {self.date:%d/%m/%Y} for {self.plan.pupil}"

    def get_additional_data(self) -> dict:
        return {"school": self.plan.pupil.school_id, "pupil": self.plan.pupil_id}


class OutcomeRating(models.TextChoices):
    """How far a pupil has come towards one of their plan's outcomes, as judged at a review (in order)."""

    NOT_STARTED = "not_started", "Not started"
    SOME = "some", "Some progress"
    GOOD = "good", "Good progress"
    ACHIEVED = "achieved", "Achieved"


class OutcomeRatingQuerySet(PlanQuerySet):
    pupil_path = "review__plan__pupil"


class ReviewOutcomeRating(models.Model):
    """One plan outcome's rating at one review. The outcome's words are kept as they stood at the review, so
    the timeline stays true when the plan's outcomes are later reworded."""

    review = models.ForeignKey(PlanReview, on_delete=models.CASCADE, related_name="ratings")
    position = models.PositiveSmallIntegerField(help_text="The outcome's place in the plan's list, from 0.")
    outcome = models.TextField()
    rating = models.CharField(max_length=11, choices=OutcomeRating.choices)

    objects = OutcomeRatingQuerySet.as_manager()

    class Meta:
        ordering = ["review", "position"]
        constraints = [
            models.UniqueConstraint(fields=["review", "position"], name="outcome_rating_one_per_outcome"),
            models.CheckConstraint(condition=Q(rating__in=_values(OutcomeRating)), name="outcome_rating_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.get_rating_display()}: {self.outcome[:60]}"

    def get_additional_data(self) -> dict:
        return {"school": self.review.plan.pupil.school_id, "pupil": self.review.plan.pupil_id}

    @property
    def step(self) -> int:
        """1 (not started) to 4 (achieved): the rating's place on the scale, for the timeline's steps."""
        return OutcomeRating.values.index(self.rating) + 1


# --- Progress checks --------------------------------------------------------------------------------------
# They live in their own feature package (interventions/progress/); imported here so that Django registers them
# with this app.
from interventions.progress.models import (  # noqa: E402, F401
    CheckChange,
    CheckGoal,
    CheckReview,
    CheckScore,
    ProgressCheck,
    ScoreSource,
)
