"""Pupils, their classes, guardians and SEN register entries."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from provision import access
from provision.models import School

from . import reference, scales


class SenStatus(models.TextChoices):
    NONE = "N", "No SEN"
    SUPPORT = "K", "SEN support"
    EHC_PLAN = "E", "EHC plan"


class NeedType(models.TextChoices):
    SLCN = "SLCN", "SLCN - Speech, language and communication needs"
    ASD = "ASD", "ASD - Autistic spectrum disorder"
    SPLD = "SPLD", "SPLD - Specific learning difficulty"
    MLD = "MLD", "MLD - Moderate learning difficulty"
    SLD = "SLD", "SLD - Severe learning difficulty"
    PMLD = "PMLD", "PMLD - Profound and multiple learning difficulty"
    SEMH = "SEMH", "SEMH - Social, emotional and mental health"
    HI = "HI", "HI - Hearing impairment"
    VI = "VI", "VI - Visual impairment"
    MSI = "MSI", "MSI - Multi-sensory impairment"
    PD = "PD", "PD - Physical disability"
    OTH = "OTH", "OTH - Other difficulty or disability"
    NSA = "NSA", "NSA - No specialist assessment of type of need"


class NeedArea(models.TextChoices):
    CI = "CI", reference.AREA_LABELS["CI"]
    CL = "CL", reference.AREA_LABELS["CL"]
    SEMH = "SEMH", reference.AREA_LABELS["SEMH"]
    SP = "SP", reference.AREA_LABELS["SP"]
    OTHER = "OTHER", reference.AREA_LABELS["OTHER"]


def need_choices_grouped() -> list[tuple[str, list[tuple[str, str]]]]:
    """Need types grouped under the broad areas, for <optgroup> selects."""
    groups = []
    for area in NeedArea:
        codes = [(need.value, need.label) for need in NeedType if reference.need_area(need.value) == area.value]
        groups.append((area.label, codes))
    return groups


class YearGroup(models.IntegerChoices):
    N1 = -2, "Nursery 1"
    N2 = -1, "Nursery 2"
    RECEPTION = 0, "Reception"
    Y1 = 1, "Year 1"
    Y2 = 2, "Year 2"
    Y3 = 3, "Year 3"
    Y4 = 4, "Year 4"
    Y5 = 5, "Year 5"
    Y6 = 6, "Year 6"
    Y7 = 7, "Year 7"
    Y8 = 8, "Year 8"
    Y9 = 9, "Year 9"
    Y10 = 10, "Year 10"
    Y11 = 11, "Year 11"
    Y12 = 12, "Year 12"
    Y13 = 13, "Year 13"
    Y14 = 14, "Year 14"


class Gender(models.TextChoices):
    FEMALE = "F", "Female"
    MALE = "M", "Male"


class GroupKind(models.TextChoices):
    REGISTRATION = "registration", "Registration class"
    TEACHING = "teaching", "Teaching set"


class TeachingGroup(models.Model):
    """A class: a primary class or secondary registration form, or (later) a subject teaching set."""

    Kind = GroupKind

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="teaching_groups")
    name = models.CharField(max_length=40)
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.REGISTRATION)
    year_group = models.SmallIntegerField(choices=YearGroup.choices, null=True, blank=True)
    teachers = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="teaching_groups")

    class Meta:
        ordering = ["school", "year_group", "name"]
        constraints = [
            models.UniqueConstraint(fields=["school", "kind", "name"], name="teaching_group_unique_name"),
            models.CheckConstraint(
                condition=Q(kind__in=[choice.value for choice in GroupKind]), name="teaching_group_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name


def own_children_q(user, school, path: str) -> Q | None:
    """For a parent or carer (someone with no staff role at ``school``), the rows whose pupil (``path`` leads to
    it) is one of their own children there; None for staff and for anyone signed out."""
    wanted = access.school_ids(school)
    if user is None or not user.is_authenticated or (wanted is not None and wanted <= set(access.roles_of(user))):
        return None
    children = Pupil.objects.children_of(user)
    if wanted is not None:
        children = children.filter(school_id__in=sorted(wanted))
    return Q(**{f"{path}__in": children.values("pk")})


class PupilRowsQuerySet(models.QuerySet):
    """Rows that belong to a pupil (``pupil_path`` leads from the row to its pupil; empty for ``Pupil`` itself),
    scoped by one of ``provision.access``'s policies."""

    pupil_path = "pupil"
    policy: dict[str, str] = access.PUPIL_SCOPE
    # Whether a parent or carer sees these rows of their own children (their record, results, support).
    parents_see = False

    def visible_to(self, user, school=None, *, policy: dict[str, str] | None = None):
        """The rows ``user`` may see at ``school`` (a school, an id, several, or None for all of theirs): staff by
        their role's policy (a teacher whose policy says so, only their own classes' pupils); a parent or carer,
        their own children's. ``policy``: another of ``provision.access``'s named policies than the model's own,
        for a page with a rule of its own (the provision map's ``MAP_SCOPE``, ``SUBJECT_ACCESS_SCOPE``)."""
        prefix = f"{self.pupil_path}__" if self.pupil_path else ""
        narrowed = {access.OWN_CLASSES: Q(**{f"{prefix}registration_group__teachers": user})}
        # A parent or carer sees their own children's rows under the model's own policy only: a page with a rule of
        # its own (a named policy) is a staff page, as for the groups' rows (GroupRowsQuerySet).
        own = own_children_q(user, school, self.pupil_path or "pk") if self.parents_see and policy is None else None
        policy = self.policy if policy is None else policy
        query = access.scope_q(user, school, policy, school_field=f"{prefix}school", narrowed=narrowed)
        if own is not None:
            query = own if query is None else query | own
        return self.none() if query is None else self.filter(query)


class PupilQuerySet(PupilRowsQuerySet):
    pupil_path = ""
    parents_see = True

    def children_of(self, user) -> PupilQuerySet:
        """A parent's or carer's own children (through a guardian row linked to their account), at every school."""
        if user is None or not user.is_authenticated:
            return self.none()
        linked = PupilGuardian.objects.filter(pupil=models.OuterRef("pk"), guardian__user=user)
        return self.filter(models.Exists(linked))

    def for_schools(self, schools) -> PupilQuerySet:
        return self.filter(school__in=schools)

    def on_roll(self) -> PupilQuerySet:
        return self.filter(left_on__isnull=True)

    def with_sen(self) -> PupilQuerySet:
        return self.exclude(sen_status=SenStatus.NONE)

    def for_pupil_list(self, school: School) -> PupilQuerySet:
        """The pupil list screen: one query for the page's rows, with their class (anonymised records are only
        figures now, not pupils anyone looks up)."""
        return self.filter(school=school, erased_on__isnull=True).select_related("registration_group")

    def for_sen_register(self, school: School) -> PupilQuerySet:
        return (
            self.filter(school=school)
            .on_roll()
            .with_sen()
            .select_related("registration_group")
            .order_by("year_group", "legal_last_name", "legal_first_name")
        )

    def sen_counts(self) -> dict[str, list[dict]]:
        """Counts of SEN pupils by status, primary need and year group: three aggregate queries."""
        return {
            "by_status": list(self.values("sen_status").annotate(n=Count("id")).order_by("sen_status")),
            "by_need": list(self.values("primary_need").annotate(n=Count("id")).order_by("primary_need")),
            "by_year": list(self.values("year_group").annotate(n=Count("id")).order_by("year_group")),
        }


class Pupil(models.Model):
    """A pupil on (or once on) a school's roll."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="pupils")
    upn = models.CharField("UPN", max_length=13, help_text="Unique Pupil Number: 13 characters, check letter first.")
    legal_first_name = models.CharField("legal forename", max_length=100)
    legal_last_name = models.CharField("legal surname", max_length=100)
    preferred_first_name = models.CharField("preferred forename", max_length=100, blank=True)
    preferred_last_name = models.CharField("preferred surname", max_length=100, blank=True)
    date_of_birth = models.DateField()
    gender = models.CharField(max_length=1, choices=Gender.choices, blank=True)
    year_group = models.SmallIntegerField(choices=YearGroup.choices)
    registration_group = models.ForeignKey(
        TeachingGroup,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="registered_pupils",
        verbose_name="class",
    )
    pupil_premium = models.BooleanField(default=False)
    fsm = models.BooleanField("free school meals", default=False)
    eal = models.BooleanField("EAL", default=False, help_text="English as an additional language.")
    looked_after = models.BooleanField(default=False, help_text="Looked-after child (in local authority care).")
    sen_status = models.CharField("SEN status", max_length=1, choices=SenStatus.choices, default=SenStatus.NONE)
    primary_need = models.CharField(max_length=4, choices=NeedType.choices, blank=True)
    secondary_need = models.CharField(max_length=4, choices=NeedType.choices, blank=True)
    sen_identified_on = models.DateField("SEN identified on", null=True, blank=True)
    sen_review_due = models.DateField("SEN review due", null=True, blank=True)
    admitted_on = models.DateField(null=True, blank=True)
    left_on = models.DateField(null=True, blank=True)
    erased_on = models.DateField(
        null=True, blank=True, editable=False,
        help_text="Set when the record was anonymised at the end of its retention period: only figures remain.",
    )  # fmt: skip
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PupilQuerySet.as_manager()

    class Meta:
        ordering = ["legal_last_name", "legal_first_name"]
        constraints = [
            models.UniqueConstraint(fields=["school", "upn"], name="pupil_upn_unique_per_school"),
            models.CheckConstraint(
                condition=Q(sen_status__in=[choice.value for choice in SenStatus]), name="pupil_sen_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(primary_need="") | Q(primary_need__in=[choice.value for choice in NeedType]),
                name="pupil_primary_need_valid",
            ),
            models.CheckConstraint(
                condition=Q(secondary_need="") | Q(secondary_need__in=[choice.value for choice in NeedType]),
                name="pupil_secondary_need_valid",
            ),
            # A need type is recorded only for pupils on the SEN register (as in the school census).
            models.CheckConstraint(
                condition=~Q(sen_status=SenStatus.NONE) | (Q(primary_need="") & Q(secondary_need="")),
                name="pupil_need_only_with_sen",
            ),
            models.CheckConstraint(
                condition=Q(gender="") | Q(gender__in=[choice.value for choice in Gender]), name="pupil_gender_valid"
            ),
            models.CheckConstraint(condition=Q(year_group__gte=-2, year_group__lte=14), name="pupil_year_group_range"),
        ]
        indexes = [
            # Pupil list: a school's pupils filtered by year group, ordered by name.
            models.Index(fields=["school", "year_group", "legal_last_name"], name="pupil_school_year_name_idx"),
            # Pupil list's default order: a school's pupils by name.
            models.Index(fields=["school", "legal_last_name", "legal_first_name"], name="pupil_school_name_idx"),
            # SEN register and SEN filters: a school's pupils by SEN status.
            models.Index(fields=["school", "sen_status"], name="pupil_school_sen_idx"),
        ]

    def __str__(self) -> str:
        return self.full_name

    def get_absolute_url(self) -> str:
        return reverse("pupils:detail", args=[self.pk])

    def get_additional_data(self) -> dict:
        """What the audit log files this row's entries under (provision.audit)."""
        return {"school": self.school_id, "pupil": self.pk}

    @property
    def first_name(self) -> str:
        return self.preferred_first_name or self.legal_first_name

    @property
    def last_name(self) -> str:
        return self.preferred_last_name or self.legal_last_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def sorting_name(self) -> str:
        return f"{self.last_name}, {self.first_name}"

    @property
    def year_group_short(self) -> str:
        return reference.YEAR_GROUP_SHORT.get(self.year_group, str(self.year_group))

    @property
    def has_sen(self) -> bool:
        return self.sen_status != SenStatus.NONE

    @property
    def primary_need_area(self) -> str:
        return reference.AREA_LABELS[reference.need_area(self.primary_need)] if self.primary_need else ""

    @property
    def is_review_overdue(self) -> bool:
        return bool(self.has_sen and self.sen_review_due and self.sen_review_due < timezone.localdate())

    def age_on(self, day: dt.date) -> int:
        years = day.year - self.date_of_birth.year
        if (day.month, day.day) < (self.date_of_birth.month, self.date_of_birth.day):
            years -= 1
        return years

    def clean(self) -> None:
        errors: dict[str, str] = {}
        self.upn = reference.normalise_upn(self.upn)
        problem = reference.upn_problem(self.upn)
        if problem:
            errors["upn"] = problem
        today = timezone.localdate()
        if self.date_of_birth:
            if self.date_of_birth >= today:
                errors["date_of_birth"] = "Date of birth must be in the past."
            elif self.year_group is not None:
                expected = reference.expected_year_group(self.date_of_birth, today)
                if abs(expected - self.year_group) > 1:
                    errors["year_group"] = (
                        f"A pupil born on {self.date_of_birth:%d/%m/%Y} would be in "
                        f"{reference.YEAR_GROUP_LABELS.get(expected, expected)}; more than one year from "
                        f"{reference.YEAR_GROUP_LABELS.get(self.year_group, self.year_group)}."
                    )
        if self.sen_status == SenStatus.NONE:
            if self.primary_need or self.secondary_need:
                errors["primary_need"] = "A need type is only recorded for pupils on SEN support or with an EHC plan."
        elif self.secondary_need and self.secondary_need == self.primary_need:
            errors["secondary_need"] = "The secondary need must differ from the primary need."
        elif self.secondary_need and not self.primary_need:
            errors["primary_need"] = "Record the primary need before a secondary need."
        if self.sen_identified_on and self.sen_identified_on > today:
            errors["sen_identified_on"] = "The date SEN was identified cannot be in the future."
        if self.sen_identified_on and self.date_of_birth and self.sen_identified_on < self.date_of_birth:
            errors["sen_identified_on"] = "SEN cannot be identified before the pupil was born."
        if self.left_on and self.admitted_on and self.left_on < self.admitted_on:
            errors["left_on"] = "A pupil cannot leave before they were admitted."
        if self.registration_group_id and self.school_id and self.registration_group.school_id != self.school_id:
            errors["registration_group"] = "That class belongs to another school."
        if errors:
            raise ValidationError(errors)


class PassportQuerySet(PupilRowsQuerySet):
    # Every member of staff of the pupil's school (PUPIL_SCOPE), and the pupil's own parents and carers: the
    # words are their child's (pupils.passport).
    parents_see = True


class PupilPassport(models.Model):
    """A pupil's one-page profile ("pupil passport"): what they want staff to know, their strengths, what helps
    and what does not, in their own words; who helped write it and when it was last changed. One per pupil."""

    pupil = models.OneToOneField(Pupil, on_delete=models.CASCADE, related_name="passport")
    about_me = models.TextField("what I want staff to know about me", blank=True)
    strengths = models.TextField("what I'm good at", blank=True)
    what_helps = models.TextField("what helps me", blank=True)
    what_doesnt_help = models.TextField("what doesn't help me", blank=True)
    written_with = models.CharField(
        "who helped write it",
        max_length=200,
        blank=True,
        help_text="Who helped the pupil write it, for example: Mrs Patel (TA) and Mum.",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = PassportQuerySet.as_manager()

    def __str__(self) -> str:
        return f"One-page profile of {self.pupil}"

    def get_additional_data(self) -> dict:
        return {"school": self.pupil.school_id, "pupil": self.pupil_id}

    @property
    def is_empty(self) -> bool:
        return not any((self.about_me, self.strengths, self.what_helps, self.what_doesnt_help))


class PastClass(models.Model):
    """A class a pupil was in before their current one, recorded when their class changed (on their record or by
    an MIS import): what lets a past term's map and dashboard place each pupil in the class they were in then.
    ``since`` is empty when the start is not known (before records began); the name and year group are kept in
    case the class is later renamed or deleted."""

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="past_classes")
    group = models.ForeignKey(
        TeachingGroup, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="class"
    )
    name = models.CharField(max_length=40, blank=True, help_text="The class's name then; empty for no class.")
    year_group = models.SmallIntegerField(choices=YearGroup.choices, null=True, blank=True)
    since = models.DateField(null=True, blank=True)
    until = models.DateField()

    objects = PupilRowsQuerySet.as_manager()

    class Meta:
        ordering = ["pupil", "until"]
        constraints = [
            models.CheckConstraint(
                condition=Q(since__isnull=True) | Q(since__lte=models.F("until")), name="past_class_dates"
            ),
        ]
        indexes = [
            # Maps and the dashboard: the classes of a set of pupils, in date order.
            models.Index(fields=["pupil", "until"], name="past_class_pupil_until_idx"),
        ]

    def __str__(self) -> str:
        since = f"{self.since:%d/%m/%Y}" if self.since else "?"
        return f"{self.pupil} in {self.name or 'no class'} ({since} to {self.until:%d/%m/%Y})"


class GuardianQuerySet(PupilRowsQuerySet):
    """A guardian is seen by the staff who see the pupils of their school (the contacts themselves are a separate
    rule: ``provision.access.can_see_guardian_contacts``)."""

    def visible_to(self, user, school=None, *, policy: dict[str, str] | None = None):
        query = access.scope_q(
            user, school, self.policy if policy is None else policy, school_field="school", narrowed={}
        )
        return self.none() if query is None else self.filter(query)


class Guardian(models.Model):
    """A parent or carer. Linked to a user account once they accept an invitation."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="guardians")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="guardianships"
    )
    title = models.CharField(max_length=20, blank=True)
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=30, blank=True)
    pupils = models.ManyToManyField(Pupil, through="PupilGuardian", related_name="guardians")

    objects = GuardianQuerySet.as_manager()

    class Meta:
        ordering = ["last_name", "first_name"]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def get_additional_data(self) -> dict:
        return {"school": self.school_id}


class Relationship(models.TextChoices):
    MOTHER = "mother", "Mother"
    FATHER = "father", "Father"
    CARER = "carer", "Carer"
    GRANDPARENT = "grandparent", "Grandparent"
    FOSTER_CARER = "foster_carer", "Foster carer"
    SOCIAL_WORKER = "social_worker", "Social worker"
    OTHER = "other", "Other"


class PupilGuardian(models.Model):
    """How a guardian is related to a pupil."""

    Relationship = Relationship

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="guardian_links")
    guardian = models.ForeignKey(Guardian, on_delete=models.CASCADE, related_name="pupil_links")
    relationship = models.CharField(max_length=14, choices=Relationship.choices, default=Relationship.CARER)
    parental_responsibility = models.BooleanField(default=True)
    contact_priority = models.PositiveSmallIntegerField(default=1)

    objects = PupilRowsQuerySet.as_manager()

    class Meta:
        ordering = ["contact_priority"]
        constraints = [
            models.UniqueConstraint(fields=["pupil", "guardian"], name="pupil_guardian_unique"),
            models.CheckConstraint(
                condition=Q(relationship__in=[choice.value for choice in Relationship]),
                name="pupil_guardian_relationship_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.guardian} ({self.get_relationship_display()}) of {self.pupil}"

    def get_additional_data(self) -> dict:
        return {"school": self.guardian.school_id, "pupil": self.pupil_id}


class InvitationQuerySet(PupilRowsQuerySet):
    def visible_to(self, user, school=None, *, policy: dict[str, str] | None = None):
        query = access.scope_q(
            user, school, self.policy if policy is None else policy, school_field="guardian__school", narrowed={}
        )
        return self.none() if query is None else self.filter(query)

    def pending(self, now: dt.datetime) -> InvitationQuerySet:
        """Not yet accepted or revoked, and not expired at ``now``."""
        return self.filter(accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now)


class GuardianInvitation(models.Model):
    """A single-use, expiring link that lets a guardian set up (or link) an account and see their children.

    Only a SHA-256 hash of the link's random token is stored (``pupils.invitations``), so a copy of the database
    cannot be used to accept an invitation. Accepted and revoked invitations are kept: they are the audit trail
    of who gave a parent access, and when.
    """

    guardian = models.ForeignKey(Guardian, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(help_text="Where the link was sent.")
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text="The account the guardian was linked to.",
    )  # fmt: skip
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(accepted_at__isnull=True) | Q(revoked_at__isnull=True),
                name="invitation_not_accepted_and_revoked",
            ),
            models.CheckConstraint(condition=Q(expires_at__gt=models.F("created_at")), name="invitation_expires_later"),
        ]
        indexes = [
            # The pupil profile's latest invitation per guardian, and the per-guardian daily sending limit.
            models.Index(fields=["guardian", "-created_at"], name="invitation_guardian_latest_idx"),
        ]

    def __str__(self) -> str:
        return f"Invitation for {self.guardian} to {self.email} ({self.created_at:%d/%m/%Y})"

    def status(self, now: dt.datetime) -> str:
        """The state at ``now``: "accepted", "revoked", "expired" or "pending"."""
        if self.accepted_at is not None:
            return "accepted"
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at <= now:
            return "expired"
        return "pending"


class ImportStatus(models.TextChoices):
    PREVIEW = "preview", "Awaiting confirmation"
    APPLIED = "applied", "Applied"
    CANCELLED = "cancelled", "Cancelled"


class ImportKind(models.TextChoices):
    PUPILS = "pupils", "Pupils"
    RESULTS = "results", "Assessment results"
    CHECKS = "checks", "Progress check scores"  # read and applied by interventions.progress


class ImportStage(models.TextChoices):
    """Where a held file is, while its status is "preview": being read, ready to confirm, being applied, or
    stopped by an error (it can be tried again or cancelled)."""

    READING = "reading", "Reading the file"
    READY = "ready", "Ready to confirm"
    APPLYING = "applying", "Applying"
    FAILED = "failed", "Stopped"


class DataImport(models.Model):
    """An uploaded MIS export, held between preview and confirm.

    The file itself is dropped once applied or cancelled (it holds children's data we no longer need); the
    counts and the rejected rows stay as the record of what happened.
    """

    Status = ImportStatus
    Kind = ImportKind
    Stage = ImportStage

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="data_imports")
    kind = models.CharField(max_length=8, choices=ImportKind.choices, default=ImportKind.PUPILS)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    filename = models.CharField(max_length=255)
    content = models.BinaryField(editable=False)
    status = models.CharField(max_length=9, choices=ImportStatus.choices, default=ImportStatus.PREVIEW)
    applied_at = models.DateTimeField(null=True, blank=True)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    unchanged_count = models.PositiveIntegerField(default=0)
    rejected_count = models.PositiveIntegerField(default=0)
    rejected_rows = models.JSONField(
        default=list, blank=True, help_text="Each rejected row as {line, column, value, reason}, kept after applying."
    )
    # Reading a large file is a background task (pupils.imports.jobs): its stage and progress are kept here, and
    # what it read is stored once (``parsed``, sealed), with the preview it gave (``preview``) and the school's
    # figures token then (``previewed_token``, to tell whether the school's data has changed since).
    stage = models.CharField(max_length=8, choices=ImportStage.choices, default=ImportStage.READY)
    progress = models.PositiveSmallIntegerField(default=0, help_text="Per cent of the current stage done.")
    progress_text = models.CharField(max_length=200, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True, help_text="When the task last reported progress.")
    failure = models.TextField(blank=True)
    parsed = models.BinaryField(editable=False, default=b"")
    preview = models.BinaryField(editable=False, default=b"")
    previewed_at = models.DateTimeField(null=True, blank=True)
    previewed_token = models.CharField(max_length=32, blank=True)

    class Meta:
        ordering = ["-uploaded_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=[choice.value for choice in ImportStatus]), name="data_import_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=[choice.value for choice in ImportKind]), name="data_import_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(stage__in=[choice.value for choice in ImportStage]), name="data_import_stage_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_status_display()})"


# --- Assessment data ------------------------------------------------------------------------------------


class ScaleKind(models.TextChoices):
    KS2_SCALED = scales.KS2_SCALED, scales.KINDS[scales.KS2_SCALED]
    STANDARDISED = scales.STANDARDISED, scales.KINDS[scales.STANDARDISED]
    AGE = scales.AGE, scales.KINDS[scales.AGE]
    RAW = scales.RAW, scales.KINDS[scales.RAW]
    BANDS = scales.BANDS, scales.KINDS[scales.BANDS]
    GCSE = scales.GCSE, scales.KINDS[scales.GCSE]


class Subject(models.Model):
    """Reading, writing, maths, spelling ... as the school names them."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="subjects")
    name = models.CharField(max_length=60)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["school", "name"], name="subject_unique_per_school")]

    def __str__(self) -> str:
        return self.name


class Scale(models.Model):
    """How results of an assessment are expressed, with the school's thresholds.

    ``expected`` and ``high`` are values on the scale (for bands, the band's rank). For age-equivalent scales the
    expected standard is the pupil's chronological age less ``age_tolerance_months``. ``drop_concern`` is the fall
    between two comparable assessments that the school treats as a concern (for age scales, progress is a concern
    when the gain is smaller than the months elapsed).
    """

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="scales")
    name = models.CharField(max_length=80)
    kind = models.CharField(max_length=12, choices=ScaleKind.choices)
    min_value = models.FloatField(null=True, blank=True)
    max_value = models.FloatField(null=True, blank=True)
    expected = models.FloatField("expected standard", null=True, blank=True)
    high = models.FloatField("high standard", null=True, blank=True)
    drop_concern = models.FloatField(
        "fall that is a concern", null=True, blank=True, help_text="A fall of this much or more is flagged."
    )
    age_tolerance_months = models.PositiveSmallIntegerField(
        default=12, help_text="Age scales: how far below chronological age still counts as expected."
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["school", "name"], name="scale_unique_per_school"),
            models.CheckConstraint(
                condition=Q(kind__in=[choice.value for choice in ScaleKind]), name="scale_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def spec(self, bands: list[ScaleBand] | None = None) -> scales.ScaleSpec:
        """The pure description of this scale. Reads ``self.bands`` (one query) unless ``bands`` are passed
        or were prefetched."""
        if self.kind == ScaleKind.BANDS:
            rows = bands if bands is not None else list(self.bands.all())
            labels = tuple(band.label for band in rows)
            codes = tuple(band.code for band in rows)
        else:
            labels, codes = (), ()
        return scales.ScaleSpec(
            kind=self.kind,
            min_value=self.min_value,
            max_value=self.max_value,
            expected=self.expected,
            high=self.high,
            bands=labels,
            band_codes=codes,
        )

    def clean(self) -> None:
        if self.kind != ScaleKind.BANDS:
            problems = scales.validate_spec(self.spec(bands=[]))
            if problems:
                raise ValidationError(problems)


class ScaleBand(models.Model):
    """One band of a teacher-assessment scale; rank 1 is the lowest."""

    scale = models.ForeignKey(Scale, on_delete=models.CASCADE, related_name="bands")
    rank = models.PositiveSmallIntegerField()
    label = models.CharField(max_length=60)
    code = models.CharField(max_length=10, blank=True)

    class Meta:
        ordering = ["scale", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["scale", "rank"], name="scale_band_rank_unique"),
            models.UniqueConstraint(fields=["scale", "label"], name="scale_band_label_unique"),
        ]

    def __str__(self) -> str:
        return self.label


class Assessment(models.Model):
    """A named assessment point: a subject, a scale, a date (and so a term), for some year groups."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="assessments")
    name = models.CharField(max_length=120)
    # RESTRICT: a subject or scale in use cannot be deleted on its own, but deleting the whole school may.
    subject = models.ForeignKey(Subject, on_delete=models.RESTRICT, related_name="assessments")
    scale = models.ForeignKey(Scale, on_delete=models.RESTRICT, related_name="assessments")
    taken_on = models.DateField("date")
    term = models.ForeignKey(
        "provision.Term", null=True, blank=True, on_delete=models.SET_NULL, related_name="assessments"
    )
    year_groups = models.JSONField(
        default=list, blank=True, help_text="Year groups who sit it, as they are on its date; empty means all."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-taken_on", "name"]
        constraints = [
            models.UniqueConstraint(fields=["school", "subject", "name", "taken_on"], name="assessment_unique"),
        ]
        indexes = [
            # Tracking and identification: a school's assessments of one subject in date order.
            models.Index(fields=["school", "subject", "taken_on"], name="assessment_subject_date_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.taken_on:%d/%m/%Y})"

    def covers(self, year_group: int) -> bool:
        """Whether pupils in ``year_group`` when they sat it were meant to sit it."""
        return not self.year_groups or year_group in self.year_groups

    def covers_pupil(self, pupil: Pupil, today: dt.date) -> bool:
        """Whether ``pupil`` was meant to sit it, judged by the year group they were in on its date."""
        return self.covers(reference.year_group_on(pupil.year_group, self.taken_on, today=today, left_on=pupil.left_on))

    def covers_current_year(self, year_group: int, today: dt.date) -> bool:
        """Whether today's ``year_group`` sat it (in whatever year group they were then)."""
        return self.covers(reference.year_group_on(year_group, self.taken_on, today=today))


class ResultQuerySet(PupilRowsQuerySet):
    # Results (issue 12): a teacher sees those of their own classes' pupils only.
    policy = access.RESULT_SCOPE
    parents_see = True


class Result(models.Model):
    """One pupil's result in one assessment: the number on the scale, and exactly what was typed."""

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="results")
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="results")
    value = models.FloatField()
    typed = models.CharField(max_length=60)  # as long as a band label
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = ResultQuerySet.as_manager()

    class Meta:
        ordering = ["assessment__taken_on"]
        constraints = [
            models.UniqueConstraint(fields=["pupil", "assessment"], name="result_one_per_pupil_assessment"),
        ]
        indexes = [
            # Results grid and identification: every result of an assessment.
            models.Index(fields=["assessment", "pupil"], name="result_assessment_pupil_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.pupil} - {self.assessment}: {self.typed}"

    def get_additional_data(self) -> dict:
        return {"school": self.assessment.school_id, "pupil": self.pupil_id}


class Absence(models.Model):
    """A pupil marked absent from an assessment ("Abs", "A", ... as typed: ``scales.ABSENCE_MARKERS``): not a
    score, so nothing in the figures reads it, but the results grid shows it back so that nobody chases a result
    that will never come. A pupil has a Result or an Absence for an assessment, never both (the grid keeps it so)."""

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="absences")
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="absences")
    typed = models.CharField(max_length=60)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = ResultQuerySet.as_manager()  # seen by whoever may see the pupil's results

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["pupil", "assessment"], name="absence_one_per_pupil_assessment"),
        ]
        indexes = [
            # Results grid: the absences of a class in the assessments shown.
            models.Index(fields=["assessment", "pupil"], name="absence_assessment_pupil_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.pupil} - {self.assessment}: absent ({self.typed})"

    def get_additional_data(self) -> dict:
        return {"school": self.assessment.school_id, "pupil": self.pupil_id}
