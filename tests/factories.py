"""factory_boy factories for the whole suite."""

from __future__ import annotations

import datetime as dt

import factory
from django.contrib.auth import get_user_model

from interventions.models import Intervention, Placement, Programme, Session
from provision.models import AcademicYear, Membership, Role, School, Term, TermName, Trust
from pupils.models import (
    Assessment,
    Guardian,
    Pupil,
    PupilGuardian,
    Scale,
    ScaleKind,
    SenStatus,
    Subject,
    TeachingGroup,
)
from pupils.reference import make_upn

PASSWORD = "correct-horse-battery"


class TrustFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Trust

    name = factory.Sequence(lambda n: f"Test Trust {n}")


class SchoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = School

    urn = factory.Sequence(lambda n: f"{100000 + n:06d}")
    name = factory.Sequence(lambda n: f"Test School {n}")
    lowest_year = 0
    highest_year = 6


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Sam"
    last_name = factory.Sequence(lambda n: f"Staff{n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.save()


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    school = factory.SubFactory(SchoolFactory)
    role = Role.SENCO


def staff(school: School, role: str, **user_fields):
    """A user holding ``role`` at ``school``."""
    return MembershipFactory(school=school, role=role, user=UserFactory(**user_fields)).user


class AcademicYearFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AcademicYear

    school = factory.SubFactory(SchoolFactory)
    start_year = 2026
    start_date = factory.LazyAttribute(lambda o: dt.date(o.start_year, 9, 1))
    end_date = factory.LazyAttribute(lambda o: dt.date(o.start_year + 1, 7, 22))


def school_year(school: School, start_year: int = 2026) -> AcademicYear:
    """An academic year with the usual three terms."""
    year = AcademicYearFactory(school=school, start_year=start_year)
    Term.objects.create(
        academic_year=year,
        name=TermName.AUTUMN,
        start_date=dt.date(start_year, 9, 2),
        end_date=dt.date(start_year, 12, 18),
    )
    Term.objects.create(
        academic_year=year,
        name=TermName.SPRING,
        start_date=dt.date(start_year + 1, 1, 5),
        end_date=dt.date(start_year + 1, 3, 26),
    )
    Term.objects.create(
        academic_year=year,
        name=TermName.SUMMER,
        start_date=dt.date(start_year + 1, 4, 13),
        end_date=dt.date(start_year + 1, 7, 21),
    )
    return year


class TeachingGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TeachingGroup

    school = factory.SubFactory(SchoolFactory)
    name = factory.Sequence(lambda n: f"Class {n}")
    year_group = 3


class PupilFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Pupil

    school = factory.SubFactory(SchoolFactory)
    # The serial wraps at 10,000 (a UPN has 13 characters): a whole suite run makes more pupils than that, one test
    # far fewer, and each test starts from an empty database.
    upn = factory.Sequence(lambda n: make_upn(f"80120262{n % 10000:04d}"))
    legal_first_name = factory.Sequence(lambda n: f"Pupil{n}")
    legal_last_name = factory.Sequence(lambda n: f"Surname{n}")
    date_of_birth = dt.date(2019, 3, 14)
    gender = "F"
    year_group = 3
    sen_status = SenStatus.NONE


class GuardianFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Guardian

    school = factory.SubFactory(SchoolFactory)
    first_name = "Alex"
    last_name = factory.Sequence(lambda n: f"Parent{n}")
    email = factory.Sequence(lambda n: f"parent{n}@example.org")


def parent_of(*pupils: Pupil, **user_fields):
    """A parent user account linked as guardian of ``pupils``."""
    user = UserFactory(**user_fields)
    guardian = GuardianFactory(school=pupils[0].school, user=user)
    for pupil in pupils:
        PupilGuardian.objects.create(pupil=pupil, guardian=guardian, relationship="mother")
    return user


class SubjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Subject
        django_get_or_create = ("school", "name")

    school = factory.SubFactory(SchoolFactory)
    name = "Reading"


class ScaleFactory(factory.django.DjangoModelFactory):
    """A standardised-score scale by default; pass kind= and thresholds for others."""

    class Meta:
        model = Scale

    school = factory.SubFactory(SchoolFactory)
    name = factory.Sequence(lambda n: f"Scale {n}")
    kind = ScaleKind.STANDARDISED
    min_value = 40
    max_value = 160
    expected = 85
    high = 115
    drop_concern = 5


class AssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assessment

    school = factory.SubFactory(SchoolFactory)
    name = factory.Sequence(lambda n: f"Test {n}")
    subject = factory.LazyAttribute(lambda o: SubjectFactory(school=o.school))
    scale = factory.LazyAttribute(lambda o: ScaleFactory(school=o.school))
    taken_on = dt.date(2026, 10, 5)


# --- Interventions ---------------------------------------------------------------------------------------


class ProgrammeFactory(factory.django.DjangoModelFactory):
    """A school's own programme by default (pass school=None for a shared catalogue entry)."""

    class Meta:
        model = Programme

    school = factory.SubFactory(SchoolFactory)
    name = factory.Sequence(lambda n: f"Programme {n}")
    area = "reading"
    key_stages = ["KS2"]
    wave = 2
    delivery = "small_group"
    sessions_per_week = 3
    minutes_per_session = 30
    weeks = 10


class InterventionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Intervention

    school = factory.SubFactory(SchoolFactory)
    name = factory.Sequence(lambda n: f"Group {n}")
    area = "reading"
    wave = 2
    days = [0, 2, 4]
    minutes_per_session = 30
    start_date = dt.date(2026, 9, 14)
    end_date = dt.date(2026, 12, 11)
    status = "running"
    capacity = 6


class PlacementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Placement

    intervention = factory.SubFactory(InterventionFactory)
    pupil = factory.LazyAttribute(lambda o: PupilFactory(school=o.intervention.school))
    entry_date = factory.LazyAttribute(lambda o: o.intervention.start_date)


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session

    intervention = factory.SubFactory(InterventionFactory)
    date = factory.Sequence(lambda n: dt.date(2026, 9, 14) + dt.timedelta(days=n))
    minutes = 30
