"""The school frame: trusts, schools, the school year and who works where in which role."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q


def person_name(user, default: str = "") -> str:
    """How a member of staff (any account) is named on pages, messages and exports: their full name, else their
    username; ``default`` when there is no one (a deleted account, the system)."""
    if user is None:
        return default
    return user.get_full_name() or user.get_username()


class Trust(models.Model):
    """A multi-academy trust: a group of schools run by one body."""

    name = models.CharField(max_length=200, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Phase(models.TextChoices):
    PRIMARY = "primary", "Primary"
    SECONDARY = "secondary", "Secondary"
    ALL_THROUGH = "all_through", "All-through"
    SPECIAL = "special", "Special"


class SchoolQuerySet(models.QuerySet):
    def for_user(self, user, roles: tuple[str, ...] | None = None) -> SchoolQuerySet:
        """Schools where the user holds a staff role (any role, or one of ``roles``)."""
        if not user.is_authenticated:
            return self.none()
        memberships = Membership.objects.filter(user=user)
        if roles is not None:
            memberships = memberships.filter(role__in=roles)
        return self.filter(pk__in=memberships.values("school_id"))


class RetentionBasis(models.TextChoices):
    BIRTH = "birth", "the pupil's date of birth"
    LEAVING = "leaving", "the date the pupil left"


class School(models.Model):
    """A school, identified nationally by its six-digit URN."""

    urn = models.CharField(
        "URN",
        max_length=6,
        unique=True,
        validators=[RegexValidator(r"^\d{6}$", "A URN is six digits.")],
        help_text="The school's Unique Reference Number (six digits, from Get Information About Schools).",
    )
    name = models.CharField(max_length=200)
    trust = models.ForeignKey(Trust, null=True, blank=True, on_delete=models.SET_NULL, related_name="schools")
    phase = models.CharField(max_length=12, choices=Phase.choices, default=Phase.PRIMARY)
    lowest_year = models.SmallIntegerField(default=0, help_text="Lowest year group taught (0 is Reception).")
    highest_year = models.SmallIntegerField(default=6, help_text="Highest year group taught.")
    senco_name = models.CharField("SENCO name", max_length=200, blank=True)
    senco_email = models.EmailField("SENCO email", blank=True)
    recent_terms = models.PositiveSmallIntegerField(
        "terms of recent results",
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(6)],
        help_text="Who needs support looks at results from this many terms: the current one and those before it.",
    )
    two_factor_required = models.BooleanField(
        "require two-factor sign-in for SENCOs and senior leaders",
        default=False,
        help_text="They set up an authenticator app at their next sign-in and type a code each time.",
    )
    # Records management: how long a pupil's record (SEN file included) is kept once they have left. Many schools'
    # schedules keep SEN files until the pupil's 31st birthday, the default here.
    retention_basis = models.CharField(
        "keep records counted from", max_length=7, choices=RetentionBasis.choices, default=RetentionBasis.BIRTH
    )
    retention_years = models.PositiveSmallIntegerField(
        "keep records for (years)", default=31, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )

    objects = SchoolQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(phase__in=[choice.value for choice in Phase]), name="school_phase_valid"
            ),
            models.CheckConstraint(condition=Q(lowest_year__lte=models.F("highest_year")), name="school_year_range"),
            models.CheckConstraint(condition=Q(recent_terms__gte=1, recent_terms__lte=6), name="school_recent_terms"),
            models.CheckConstraint(
                condition=Q(retention_basis__in=[choice.value for choice in RetentionBasis]),
                name="school_retention_basis_valid",
            ),
            models.CheckConstraint(condition=Q(retention_years__gte=1), name="school_retention_years_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.urn})"

    @property
    def year_groups(self) -> range:
        return range(self.lowest_year, self.highest_year + 1)

    def retention_ends(self, *, date_of_birth: dt.date, left_on: dt.date | None) -> dt.date | None:
        """The day a pupil's record may be erased: ``retention_years`` after their birth or their leaving date.
        None while they are on roll (a pupil on roll is never erased)."""
        if left_on is None:
            return None
        start = date_of_birth if self.retention_basis == RetentionBasis.BIRTH else left_on
        try:
            end = start.replace(year=start.year + self.retention_years)
        except ValueError:  # 29 February
            end = start.replace(year=start.year + self.retention_years, day=28)
        return max(end, left_on)


class AcademicYear(models.Model):
    """A school's academic year, e.g. 2026/27; its terms carry the dates that matter."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="academic_years")
    start_year = models.PositiveSmallIntegerField(help_text="The calendar year the academic year starts in.")
    start_date = models.DateField()
    end_date = models.DateField()

    class Meta:
        ordering = ["school", "-start_year"]
        constraints = [
            models.UniqueConstraint(fields=["school", "start_year"], name="academic_year_unique_per_school"),
            models.CheckConstraint(condition=Q(start_date__lt=models.F("end_date")), name="academic_year_dates"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return f"{self.start_year}/{(self.start_year + 1) % 100:02d}"

    def clean(self) -> None:
        if self.start_date and self.end_date and self.start_date >= self.end_date:
            raise ValidationError({"end_date": "The year must end after it starts."})
        if self.start_date and self.start_year and self.start_date.year != self.start_year:
            raise ValidationError({"start_date": f"An academic year {self.name} starts in {self.start_year}."})


class TermName(models.TextChoices):
    AUTUMN = "autumn", "Autumn"
    SPRING = "spring", "Spring"
    SUMMER = "summer", "Summer"


TERM_ORDER = {TermName.AUTUMN: 1, TermName.SPRING: 2, TermName.SUMMER: 3}


class TermQuerySet(models.QuerySet):
    def for_school(self, school: School) -> TermQuerySet:
        return self.filter(academic_year__school=school)

    def current_for(self, school: School, today: dt.date) -> Term | None:
        """The term in progress on ``today``; in a holiday, the term that ended last; before any
        term, the first one. One query."""
        terms = list(self.for_school(school).select_related("academic_year").order_by("start_date"))
        if not terms:
            return None
        current = None
        for term in terms:
            if term.start_date <= today:
                current = term
        return current or terms[0]


class Term(models.Model):
    """One of the three terms of an academic year, with the school's own dates."""

    academic_year = models.ForeignKey(AcademicYear, on_delete=models.CASCADE, related_name="terms")
    name = models.CharField(max_length=6, choices=TermName.choices)
    start_date = models.DateField()
    end_date = models.DateField()

    objects = TermQuerySet.as_manager()

    class Meta:
        ordering = ["start_date"]
        constraints = [
            models.UniqueConstraint(fields=["academic_year", "name"], name="term_unique_per_year"),
            models.CheckConstraint(condition=Q(name__in=[choice.value for choice in TermName]), name="term_name_valid"),
            models.CheckConstraint(condition=Q(start_date__lt=models.F("end_date")), name="term_dates"),
        ]
        indexes = [
            # current_for(): a school's terms ordered by start date.
            models.Index(fields=["academic_year", "start_date"], name="term_year_start_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_name_display()} {self.academic_year.name}"

    def clean(self) -> None:
        if self.start_date and self.end_date and self.start_date >= self.end_date:
            raise ValidationError({"end_date": "The term must end after it starts."})
        year = self.academic_year if self.academic_year_id else None
        outside = (
            year
            and self.start_date
            and self.end_date
            and (self.start_date < year.start_date or self.end_date > year.end_date)
        )
        if outside:
            raise ValidationError(
                f"{self.get_name_display()} term must fall within {year.name} "
                f"({year.start_date:%d/%m/%Y} to {year.end_date:%d/%m/%Y})."
            )

    def contains(self, day: dt.date) -> bool:
        return self.start_date <= day <= self.end_date


class ClosureKind(models.TextChoices):
    HALF_TERM = "half_term", "Half-term"
    INSET = "inset", "INSET day"
    BANK_HOLIDAY = "bank_holiday", "Bank holiday"
    OTHER = "other", "Other closure"


class ClosureQuerySet(models.QuerySet):
    def for_school(self, school: School) -> ClosureQuerySet:
        return self.filter(term__academic_year__school=school)


class Closure(models.Model):
    """Days inside a term when the school is shut (a half-term week, an INSET day, a bank holiday): not school
    days, so no session is planned, costed or expected on them (``provision.calendar``)."""

    term = models.ForeignKey(Term, on_delete=models.CASCADE, related_name="closures")
    kind = models.CharField(max_length=12, choices=ClosureKind.choices)
    name = models.CharField(max_length=100, blank=True, help_text="e.g. Autumn half-term, Staff training day")
    start_date = models.DateField("First day closed")
    end_date = models.DateField("Last day closed", help_text="The same as the first day for a single day.")

    objects = ClosureQuerySet.as_manager()

    class Meta:
        ordering = ["start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=[choice.value for choice in ClosureKind]), name="closure_kind_valid"
            ),
            models.CheckConstraint(condition=Q(start_date__lte=models.F("end_date")), name="closure_dates"),
        ]
        indexes = [
            # provision.calendar.school_calendar(): a term's closures in date order.
            models.Index(fields=["term", "start_date"], name="closure_term_start_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.dates_text})"

    @property
    def label(self) -> str:
        return self.name or self.get_kind_display()

    @property
    def dates_text(self) -> str:
        first, last = self.start_date, self.end_date
        if first == last:
            return f"{first:%a} {first.day} {first:%b %Y}"
        return f"{first:%a} {first.day} {first:%b} to {last:%a} {last.day} {last:%b %Y}"

    def clean(self) -> None:
        """Inside its term, first day on or before the last, and not overlapping another closure of the term
        (one query when the term is known)."""
        if not (self.start_date and self.end_date):
            return
        if self.start_date > self.end_date:
            raise ValidationError({"end_date": "The last day closed must be on or after the first day."})
        if not self.term_id:
            return
        term = self.term
        if self.start_date < term.start_date or self.end_date > term.end_date:
            raise ValidationError(
                f"A closure must fall inside {term} ({term.start_date:%d/%m/%Y} to {term.end_date:%d/%m/%Y})."
            )
        clash = (
            Closure.objects.filter(term=term, start_date__lte=self.end_date, end_date__gte=self.start_date)
            .exclude(pk=self.pk)
            .first()
        )
        if clash:
            raise ValidationError(f"These dates overlap {clash}. Edit that closure instead, or choose other dates.")


class Role(models.TextChoices):
    SENCO = "senco", "SENCO"
    TEACHER = "teacher", "Teacher"
    TA = "ta", "Teaching assistant / tutor"
    LEADER = "leader", "Senior leader"
    ADMIN = "admin", "School admin"


class Membership(models.Model):
    """A member of staff's role at one school. One person may hold roles at several schools."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=8, choices=Role.choices)
    job_title = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["school", "role"]
        constraints = [
            models.UniqueConstraint(fields=["user", "school"], name="membership_one_role_per_school"),
            models.CheckConstraint(
                condition=Q(role__in=[choice.value for choice in Role]), name="membership_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} - {self.get_role_display()} at {self.school.name}"


class UserSession(models.Model):
    """A signed-in session, recorded at sign-in so that "sign out everywhere" can end every one of them
    (whatever the session store: database or cache)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="signed_in_sessions")
    session_key = models.CharField(max_length=40, unique=True)
    started_at = models.DateTimeField(auto_now_add=True)
    user_agent = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.user} since {self.started_at:%d/%m/%Y %H:%M}"


class FiguresVersion(models.Model):
    """The version of a school's computed figures (dashboard, impact, who needs support).

    Cached figures are keyed by it (``provision.figures``); a change to any of their inputs (results, pupils,
    placements, interventions, sessions...) gives the school a new random ``token`` once the change commits, so
    the next visit computes afresh. Random rather than a counter: a school deleted and made again (a demo reset,
    a restored backup) can never meet figures cached for its earlier self. Kept in the database, not the cache,
    so that every worker and server agrees on it even without a shared cache.
    """

    school = models.OneToOneField(School, primary_key=True, on_delete=models.CASCADE, related_name="figures_version")
    token = models.CharField(max_length=32)
    changed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.school_id}: {self.token} ({self.changed_at:%d/%m/%Y %H:%M})"
