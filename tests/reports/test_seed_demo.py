"""The ``seed_demo`` command: accounts, realistic proportions, valid pupil data, determinism and re-runs."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pandas as pd
import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import CommandError, call_command
from django.db.models import Count, F
from django.test import RequestFactory
from django.urls import reverse

from demo.assessments import assessment_week_monday
from demo.data.sizes import FORM_SIZE, PRIMARY_PUPILS
from demo.data.trust import DEMO_PASSWORD, DEMO_TRUST_NAME
from demo.roll import roll_plan
from demo.scenarios.calendar import term_dates
from provision.models import Membership, Role, School, Term, Trust
from pupils import reference, scales
from pupils.identification import RESULT_COLUMNS, SLOW_PROGRESS, identify
from pupils.models import Assessment, Guardian, Pupil, PupilGuardian, Result, Scale, SenStatus, TeachingGroup
from tests import factories as f

TODAY = "2026-11-24"
TODAY_DATE = dt.date.fromisoformat(TODAY)
PUPILS = 300
PRIMARY = "Hazel Grove Primary School"
SECONDARY = "Kingsmead Academy"


def seed(*options: str) -> str:
    out = StringIO()
    call_command("seed_demo", f"--pupils={PUPILS}", f"--today={TODAY}", *options, stdout=out)
    return out.getvalue()


def snapshot() -> list[tuple]:
    """The pupils, guardians and accounts in a form that two seeds can be compared by."""
    pupils = list(
        Pupil.objects.order_by("upn").values_list(
            "school__urn",
            "upn",
            "legal_first_name",
            "legal_last_name",
            "preferred_first_name",
            "date_of_birth",
            "gender",
            "year_group",
            "registration_group__name",
            "pupil_premium",
            "fsm",
            "eal",
            "looked_after",
            "sen_status",
            "primary_need",
            "secondary_need",
            "sen_identified_on",
            "sen_review_due",
        )
    )
    guardians = sorted(Guardian.objects.values_list("school__urn", "first_name", "last_name", "email", "phone"))
    users = sorted(get_user_model().objects.values_list("username", "first_name", "last_name", "email"))
    results = sorted(
        Result.objects.values_list(
            "pupil__upn", "assessment__name", "assessment__taken_on", "assessment__scale__name", "value", "typed"
        )
    )
    return [*pupils, *guardians, *users, *results]


@pytest.fixture
def demo(db) -> str:
    return seed()


EXPECTED_POSTS = {
    "senco": {PRIMARY: Role.SENCO},
    "teacher": {PRIMARY: Role.TEACHER},
    "tutor": {PRIMARY: Role.TA},
    "leader": {PRIMARY: Role.LEADER},
    "admin": {PRIMARY: Role.ADMIN},
    "senco2": {SECONDARY: Role.SENCO},
    "trust": {PRIMARY: Role.LEADER, SECONDARY: Role.LEADER},
    "parent": {},
}


def test_logins_have_their_roles_at_their_schools_and_the_demo_password(demo):
    for username, posts in EXPECTED_POSTS.items():
        user = authenticate(RequestFactory().post("/accounts/login/"), username=username, password=DEMO_PASSWORD)
        assert user is not None, username
        held = dict(Membership.objects.filter(user=user).values_list("school__name", "role"))
        assert held == posts, username
    assert not get_user_model().objects.filter(is_superuser=True).exists()
    assert not get_user_model().objects.filter(is_staff=True).exists()
    admin = get_user_model().objects.get(username="admin")
    assert not admin.is_superuser


def test_both_schools_belong_to_the_demo_trust_with_their_sencos(demo):
    trust = Trust.objects.get(name=DEMO_TRUST_NAME)
    schools = {school.name: school for school in trust.schools.all()}
    assert set(schools) == {PRIMARY, SECONDARY}
    assert (schools[PRIMARY].lowest_year, schools[PRIMARY].highest_year) == (0, 6)
    assert (schools[SECONDARY].lowest_year, schools[SECONDARY].highest_year) == (7, 11)
    for school in schools.values():
        assert len(school.urn) == 6 and school.urn.isdigit()
        assert school.senco_name and school.senco_email.endswith(".invalid")


def test_the_current_term_is_known_at_both_schools(demo):
    for school in School.objects.all():
        term = Term.objects.current_for(school, TODAY_DATE)
        assert term is not None and term.contains(TODAY_DATE)
        assert term.name == "autumn" and term.academic_year.start_year == 2026
        assert Term.objects.for_school(school).count() == 6  # this year and last


def test_term_dates_follow_the_english_pattern():
    dates = term_dates(start_year=2026)
    assert dates["autumn"] == (dt.date(2026, 9, 3), dt.date(2026, 12, 18))
    assert dates["spring"] == (dt.date(2027, 1, 4), dt.date(2027, 3, 26))
    assert dates["summer"] == (dt.date(2027, 4, 12), dt.date(2027, 7, 22))


def test_parent_is_guardian_of_two_pupils_at_the_primary(demo):
    guardian = Guardian.objects.get(user__username="parent")
    children = list(guardian.pupils.select_related("school", "registration_group"))
    assert len(children) == 2
    assert {child.school.name for child in children} == {PRIMARY}
    assert guardian.school.name == PRIMARY
    # One of them is in the teacher's class, so the two demo logins meet over the same child.
    teacher_class = TeachingGroup.objects.get(teachers__username="teacher")
    assert teacher_class in {child.registration_group for child in children}
    assert PupilGuardian.objects.filter(guardian=guardian).count() == 2


def test_teacher_has_a_year_4_class_with_its_pupils(demo):
    groups = list(TeachingGroup.objects.filter(teachers__username="teacher"))
    assert len(groups) == 1
    group = groups[0]
    assert group.kind == TeachingGroup.Kind.REGISTRATION
    assert group.year_group == 4 and group.school.name == PRIMARY
    pupils = Pupil.objects.filter(registration_group=group)
    assert 25 <= pupils.count() <= 31
    assert set(pupils.values_list("year_group", flat=True)) == {4}


def test_sizes_follow_the_pupils_option(demo):
    assert Pupil.objects.count() == PUPILS
    assert Pupil.objects.filter(school__name=PRIMARY).count() == PRIMARY_PUPILS
    for group in TeachingGroup.objects.all():
        assert group.registered_pupils.count() <= max(FORM_SIZE, 31)
    assert not Pupil.objects.exclude(registration_group__year_group=F("year_group")).exists()


def test_roll_plan_splits_the_pupils_between_the_schools():
    plan = roll_plan(total_pupils=20_000)
    assert plan.total == 20_000
    assert plan.pupils_at("primary") == PRIMARY_PUPILS
    assert all(
        size / plan.class_counts["secondary"][year] <= FORM_SIZE for year, size in plan.year_sizes["secondary"].items()
    )
    assert roll_plan(total_pupils=None).pupils_at("secondary") == 1000
    with pytest.raises(ValueError):
        roll_plan(total_pupils=100)


@pytest.mark.django_db
def test_too_few_pupils_is_refused_clearly():
    with pytest.raises(CommandError, match="at least"):
        call_command("seed_demo", "--pupils=100", stdout=StringIO())
    assert not Trust.objects.exists()


def share(queryset, **condition) -> float:
    return queryset.filter(**condition).count() / queryset.count()


def test_proportions_are_roughly_national(demo):
    pupils = Pupil.objects.all()
    assert 0.10 <= share(pupils, sen_status=SenStatus.SUPPORT) <= 0.16
    assert 0.02 <= share(pupils, sen_status=SenStatus.EHC_PLAN) <= 0.05
    assert 0.20 <= share(pupils, pupil_premium=True) <= 0.32
    assert 0.17 <= share(pupils, fsm=True) <= 0.27
    assert 0.14 <= share(pupils, eal=True) <= 0.27
    assert 0 < pupils.filter(looked_after=True).count() <= 0.02 * PUPILS
    assert not pupils.filter(fsm=True, pupil_premium=False).exists()
    assert not pupils.filter(looked_after=True, pupil_premium=False).exists()
    # Boys are more often on the SEN register than girls, as nationally.
    sen = pupils.exclude(sen_status=SenStatus.NONE)
    assert sen.filter(gender="M").count() > sen.filter(gender="F").count()


def test_sen_details_are_consistent(demo):
    today = TODAY_DATE
    sen = Pupil.objects.exclude(sen_status=SenStatus.NONE)
    assert not Pupil.objects.filter(sen_status=SenStatus.NONE).exclude(primary_need="", secondary_need="").exists()
    assert not sen.filter(primary_need="").exists()
    assert not sen.filter(sen_identified_on__isnull=True).exists()
    assert not sen.filter(sen_identified_on__gte=today).exists()
    assert not sen.filter(sen_status=SenStatus.EHC_PLAN, primary_need="NSA").exists()
    for pupil in sen:
        assert pupil.secondary_need != pupil.primary_need
        assert pupil.sen_identified_on > pupil.date_of_birth
    due = list(sen.values_list("sen_review_due", flat=True))
    overdue = sum(day < today for day in due)
    assert 0 < overdue < len(due) / 3


def test_pupils_are_valid_for_the_model(demo):
    upns = list(Pupil.objects.values_list("upn", flat=True))
    assert len(upns) == len(set(upns))
    assert [upn for upn in upns if reference.upn_problem(upn)] == []
    for pupil in Pupil.objects.select_related("school", "registration_group"):
        assert reference.expected_year_group(pupil.date_of_birth, TODAY_DATE) == pupil.year_group, pupil.upn
        assert pupil.year_group in pupil.school.year_groups
        assert pupil.registration_group.school_id == pupil.school_id
        assert pupil.admitted_on <= TODAY_DATE
    names = set(Pupil.objects.values_list("legal_last_name", flat=True))
    assert len(names) > 50  # a broad mix, not a handful of names


def test_every_pupil_has_a_guardian_and_guardian_emails_are_never_real(demo):
    assert not Pupil.objects.filter(guardian_links__isnull=True).exists()
    emails = [email for email in Guardian.objects.values_list("email", flat=True) if email]
    assert emails
    assert all(email.endswith(("@example.org", ".invalid")) for email in emails)
    # Siblings share guardians: some guardian looks after more than one pupil.
    assert PupilGuardian.objects.values("guardian").distinct().count() < PupilGuardian.objects.count()


def test_summary_lists_the_logins(demo):
    assert DEMO_PASSWORD in demo
    for username in EXPECTED_POSTS:
        assert f"\n{username} " in demo


@pytest.mark.django_db
def test_same_seed_gives_the_same_data():
    seed("--seed=7")
    first = snapshot()
    seed("--seed=7", "--reset")
    assert snapshot() == first


@pytest.mark.django_db
def test_a_different_seed_gives_different_pupils():
    seed("--seed=7")
    first = {row[1:4] for row in snapshot()[:PUPILS]}
    seed("--seed=8", "--reset")
    second = {row[1:4] for row in snapshot()[:PUPILS]}
    assert len(first & second) < PUPILS / 10


def test_rerun_without_reset_refuses_and_changes_nothing(demo):
    before = snapshot()
    with pytest.raises(CommandError, match="--reset"):
        seed()
    assert snapshot() == before
    assert Trust.objects.filter(name=DEMO_TRUST_NAME).count() == 1


@pytest.mark.django_db
def test_reset_leaves_other_schools_and_accounts_alone():
    other_school = f.SchoolFactory(name="Elm Academy", urn="100001")
    other_user = f.staff(other_school, Role.SENCO, username="someone")
    other_pupil = f.PupilFactory(school=other_school)
    other_result = Result.objects.create(
        pupil=other_pupil, assessment=f.AssessmentFactory(school=other_school), value=97, typed="97"
    )
    seed()
    seed("--reset")
    assert Pupil.objects.filter(pk=other_pupil.pk).exists()
    assert Result.objects.filter(pk=other_result.pk).exists()
    assert get_user_model().objects.filter(pk=other_user.pk).exists()
    assert Pupil.objects.count() == PUPILS + 1
    assert Trust.objects.filter(name=DEMO_TRUST_NAME).count() == 1


@pytest.mark.django_db
def test_reset_never_deletes_someone_who_also_works_elsewhere():
    other_school = f.SchoolFactory(name="Elm Academy", urn="100001")
    seed()
    tutor = get_user_model().objects.get(username="tutor")
    Membership.objects.create(user=tutor, school=other_school, role=Role.TA)
    before = snapshot()
    with pytest.raises(CommandError, match="tutor"):
        seed("--reset")
    # Refused as a whole: the old demo is still there, untouched.
    assert snapshot() == before
    assert Membership.objects.filter(user=tutor, school=other_school).exists()


@pytest.mark.django_db
def test_a_taken_login_name_is_refused_clearly():
    f.UserFactory(username="senco2", is_superuser=True)
    with pytest.raises(CommandError, match="senco2"):
        seed()
    assert not Trust.objects.exists()


# --- Assessment history ---------------------------------------------------------------------------------


def results_frame() -> pd.DataFrame:
    """Every on-roll pupil's results in the columns ``pupils.identification`` reads."""
    rows = Result.objects.filter(pupil__left_on__isnull=True).values_list(
        "pupil_id",
        "pupil__year_group",
        "pupil__date_of_birth",
        "assessment__subject_id",
        "assessment_id",
        "assessment__taken_on",
        "value",
        "assessment__scale_id",
        "assessment__scale__kind",
        "assessment__scale__expected",
        "assessment__scale__high",
        "assessment__scale__drop_concern",
        "assessment__scale__age_tolerance_months",
    )
    frame = pd.DataFrame.from_records(list(rows), columns=RESULT_COLUMNS)
    frame["taken_on"] = pd.to_datetime(frame["taken_on"])
    frame["date_of_birth"] = pd.to_datetime(frame["date_of_birth"])
    return frame


def test_every_pupil_has_results_in_at_least_three_terms(demo):
    terms = dict(
        Result.objects.values("pupil")
        .annotate(terms=Count("assessment__term", distinct=True))
        .values_list("pupil", "terms")
    )
    on_roll = set(Pupil.objects.on_roll().values_list("pk", flat=True))
    assert set(terms) == on_roll
    assert min(terms.values()) >= 3


def test_assessments_are_in_the_past_within_their_terms_and_before_the_term_ends(demo):
    assessments = list(Assessment.objects.select_related("term__academic_year", "subject", "scale", "school"))
    assert assessments
    for assessment in assessments:
        assert assessment.taken_on <= TODAY_DATE, assessment
        assert assessment.term is not None and assessment.term.contains(assessment.taken_on), assessment
        assert assessment.term.academic_year.school_id == assessment.school_id
        assert assessment.subject.school_id == assessment.school_id == assessment.scale.school_id
        # Year groups as on the day: last year's results of today's youngest came with them from their
        # nursery or primary (Reception sat them in Nursery 2, Year 7 sat KS2 in Year 6).
        school = assessment.school
        assert set(assessment.year_groups) <= set(range(school.lowest_year - 1, school.highest_year + 1)), assessment
        if "KS2" not in assessment.name:
            # The test week: a few weeks before the end of term, Monday to Friday.
            days_before_end = (assessment.term.end_date - assessment.taken_on).days
            assert 14 <= days_before_end <= 35, assessment
    # The autumn test week of 2026 is not over on 24 November: last year's three terms are the history.
    terms = {(a.term.academic_year.start_year, a.term.name) for a in assessments}
    assert terms == {(2025, "autumn"), (2025, "spring"), (2025, "summer")}


def test_results_lie_on_their_scales_and_read_back_as_typed(demo):
    specs = {scale.pk: scale.spec() for scale in Scale.objects.prefetch_related("bands")}
    kinds = set()
    rows = Result.objects.values_list("assessment__scale_id", "value", "typed")
    for scale_id, value, typed in rows:
        spec = specs[scale_id]
        kinds.add(spec.kind)
        assert scales.parse(spec, typed) == value, (spec.kind, typed, value)
        assert scales.display(spec, value) == typed
        if spec.min_value is not None:
            assert spec.min_value <= value <= spec.max_value, (spec.kind, value)
    assert kinds == {scales.STANDARDISED, scales.AGE, scales.BANDS, scales.GCSE, scales.KS2_SCALED}


def test_every_pupil_sits_the_assessments_of_their_year_with_a_few_absences(demo):
    assessments = list(Assessment.objects.all())
    pupils = list(Pupil.objects.on_roll().values_list("pk", "school_id", "year_group"))
    expected = {
        (pupil, assessment.pk)
        for pupil, school, year in pupils
        for assessment in assessments
        if assessment.school_id == school and assessment.covers_current_year(year, TODAY_DATE)
    }
    taken = set(Result.objects.values_list("pupil_id", "assessment_id"))
    assert taken <= expected
    absent = len(expected - taken) / len(expected)
    assert 0.01 <= absent <= 0.06


def test_the_teachers_class_has_results_in_the_grid(client, demo):
    teacher = get_user_model().objects.get(username="teacher")
    group = TeachingGroup.objects.get(teachers=teacher)
    pupils = set(Pupil.objects.filter(registration_group=group).values_list("pk", flat=True))
    with_results = set(Result.objects.filter(pupil__in=pupils).values_list("pupil_id", flat=True))
    assert with_results == pupils
    client.force_login(teacher)
    rows = client.get(reverse("pupils:results_grid")).context["rows"]
    cells = [cell["value"] for _, cells in rows for cell in cells]
    assert len(rows) == len(pupils) and cells
    assert sum(1 for value in cells if value) >= 0.9 * len(cells)


def test_identification_finds_a_reasonable_share_of_pupils(demo):
    frame = results_frame()
    flagged = identify(frame)
    pupils = Pupil.objects.on_roll()
    support = set(flagged.loc[flagged["group"] == "support", "pupil_id"])
    assert 0.05 <= len(support) / pupils.count() <= 0.40
    assert set(flagged.loc[flagged["group"] == "more_able", "pupil_id"])  # some high attainers slipping
    # Pupils with SEN are flagged far more often than the others.
    sen = set(pupils.with_sen().values_list("pk", flat=True))
    others = set(pupils.values_list("pk", flat=True)) - sen
    assert len(support & sen) / len(sen) > 2 * len(support & others) / len(others)


def test_some_pupils_improve_and_some_stall(demo):
    frame = results_frame().sort_values("taken_on")
    pupils = frame["pupil_id"].nunique()
    standardised = frame[frame["scale_kind"] == scales.STANDARDISED]
    change = standardised.groupby(["pupil_id", "subject_id", "scale_id"])["value"].agg(["first", "last"])
    improving = change[change["last"] - change["first"] >= 5].index.get_level_values("pupil_id").unique()
    flagged = identify(frame)
    stalling = flagged.loc[flagged[SLOW_PROGRESS], "pupil_id"].unique()
    assert 0.05 <= len(improving) / pupils <= 0.35
    assert 0.05 <= len(stalling) / pupils <= 0.35


def test_results_are_correlated_and_sen_pupils_are_behind(demo):
    frame = results_frame()
    frame["week"] = frame["taken_on"].dt.to_period("W")
    names = dict(Assessment.objects.values_list("subject_id", "subject__name"))
    frame["subject"] = frame["subject_id"].map(names)
    standardised = frame[frame["scale_kind"] == scales.STANDARDISED].pivot_table(
        index=["pupil_id", "week"], columns="subject", values="value"
    )
    assert 0.3 <= standardised["Reading"].corr(standardised["Maths"]) <= 0.85
    ages = frame[frame["scale_kind"] == scales.AGE].copy()
    ages["behind"] = chronological_months(ages) - ages["value"]
    behind = ages.pivot_table(index=["pupil_id", "week"], columns="subject", values="behind")
    assert behind["Reading"].corr(behind["Spelling"]) >= 0.7
    sen = set(Pupil.objects.with_sen().values_list("pk", flat=True))
    behind_sen = ages[ages["pupil_id"].isin(sen)]["behind"].mean()
    behind_others = ages[~ages["pupil_id"].isin(sen)]["behind"].mean()
    assert 8 <= behind_sen <= 30 and behind_others < 3
    scores = frame[frame["scale_kind"] == scales.STANDARDISED]
    with_sen = scores["pupil_id"].isin(sen)
    assert scores[~with_sen]["value"].mean() - scores[with_sen]["value"].mean() >= 10


def chronological_months(frame: pd.DataFrame) -> pd.Series:
    return frame.apply(lambda row: reference.age_in_months(row["date_of_birth"].date(), row["taken_on"].date()), axis=1)


@pytest.mark.django_db
def test_a_seed_in_july_keeps_four_terms_and_this_years_ks2_results():
    out = StringIO()
    call_command("seed_demo", f"--pupils={PUPILS}", "--today=2027-07-20", stdout=out)
    assert "over 4 terms (Summer 2026 to Summer 2027)" in out.getvalue()
    assert not Assessment.objects.filter(taken_on__gt=dt.date(2027, 7, 20)).exists()
    ks2 = Assessment.objects.filter(scale__name="KS2 scaled score")
    primary = ks2.filter(school__name=PRIMARY)
    assert [a.year_groups for a in primary] == [[6]] * 3
    assert {a.taken_on for a in primary} == {dt.date(2027, 5, 10), dt.date(2027, 5, 11), dt.date(2027, 5, 12)}
    secondary = ks2.get(school__name=SECONDARY, subject__name="Reading")
    assert secondary.year_groups == [6] and secondary.taken_on == dt.date(2026, 5, 12)  # sat in Year 6
    year_6 = Pupil.objects.filter(school__name=PRIMARY, year_group=6).count()
    assert Result.objects.filter(assessment__in=primary).count() >= 0.9 * 3 * year_6
    terms = Result.objects.values("pupil").annotate(n=Count("assessment__term", distinct=True))
    assert min(row["n"] for row in terms) >= 4


def test_assessment_weeks_fall_three_weeks_before_the_end_of_term():
    assert assessment_week_monday(dt.date(2026, 12, 18)) == dt.date(2026, 11, 23)
    assert assessment_week_monday(dt.date(2027, 7, 22)) == dt.date(2027, 6, 28)
