"""Everything the school holds about one pupil, as a zip: the answer to a subject access request.

One CSV per kind of record (opening cleanly in Excel: UTF-8 with a BOM, formula-looking cells escaped), each
support plan and the individual provision map as PDF, and a README naming what each file holds. Used by the
pupil page's download and by ``python manage.py export_pupil``; every export is in the audit log.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Iterable, Sequence

from django.contrib.auth.models import AbstractBaseUser
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone

from interventions.models import (
    Attendance,
    CheckGoal,
    CheckReview,
    CheckScore,
    Placement,
    ReviewOutcomeRating,
    SupportPlan,
)
from interventions.plans import services as plan_rules
from provision import audit
from provision.access import SUBJECT_ACCESS_SCOPE, operator_reads
from provision.models import School, person_name
from pupils.models import Absence, GuardianInvitation, Pupil, PupilGuardian, PupilPassport, Result
from pupils.reference import AREA_LABELS
from reports.maps.exports import map_to_pdf
from reports.maps.selectors import pupil_map_context


def _safe(value: object) -> str:
    """A cell as text; one starting with = + - @ is kept as text by Excel (no formula injection)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).strftime("%d/%m/%Y %H:%M")
    elif isinstance(value, dt.date):
        value = value.strftime("%d/%m/%Y")
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_safe(value) for value in row])
    return buffer.getvalue().encode("utf-8")


# The columns of each CSV file.
_PUPIL_COLUMNS = (
    "UPN", "Legal forename", "Legal surname", "Preferred forename", "Preferred surname", "Date of birth", "Gender",
    "Year group", "Class", "Pupil premium", "Free school meals", "EAL", "Looked after", "SEN status", "Primary need",
    "Secondary need", "SEN identified on", "SEN review due", "Admitted on", "Left on", "Record created",
    "Record last changed",
)  # fmt: skip
_PARENTS_AND_CARERS_COLUMNS = (
    "Title", "Forename", "Surname", "Relationship", "Parental responsibility", "Contact priority", "Email", "Phone",
    "Has an account",
)  # fmt: skip
_ASSESSMENT_RESULTS_COLUMNS = (
    "Subject", "Assessment", "Date", "Scale", "Result as typed", "Value on the scale", "Entered by", "Last changed",
)  # fmt: skip
_INTERVENTIONS_COLUMNS = (
    "Intervention", "Programme", "Wave", "Subject or need", "Joined", "Entry result", "Target", "Own target",
    "Own rating at the start", "Left", "Exit result", "Own rating at the end", "Outcome", "Why they left", "Notes",
)  # fmt: skip
_SUPPORT_PLANS_COLUMNS = (
    "Start", "Review by", "Active", "Needs", "Outcomes sought", "Strategies in class", "Linked provision",
    "The pupil's views", "Parents' views", "Written by",
)  # fmt: skip
_PLAN_REVIEWS_COLUMNS = (
    "Plan from", "Date", "Stage", "Notes", "Progress towards outcomes", "Next steps", "The pupil's views",
    "Parents' views", "Recorded by",
)  # fmt: skip
_ONE_PAGE_PROFILE_COLUMNS = (
    "What I want you to know about me", "What I'm good at", "What helps me", "What doesn't help me", "Written with",
    "Last updated", "Updated by",
)  # fmt: skip


def _pupil_table(p: Pupil, school: School, user: AbstractBaseUser | None) -> dict[str, bytes]:
    """The pupil's own record."""
    return {
        "pupil.csv": _csv(
            _PUPIL_COLUMNS,
            [
                [
                    p.upn,
                    p.legal_first_name,
                    p.legal_last_name,
                    p.preferred_first_name,
                    p.preferred_last_name,
                    p.date_of_birth,
                    p.get_gender_display(),
                    p.get_year_group_display(),
                    p.registration_group.name if p.registration_group else "",
                    p.pupil_premium,
                    p.fsm,
                    p.eal,
                    p.looked_after,
                    p.get_sen_status_display(),
                    p.get_primary_need_display(),
                    p.get_secondary_need_display(),
                    p.sen_identified_on,
                    p.sen_review_due,
                    p.admitted_on,
                    p.left_on,
                    p.created_at,
                    p.updated_at,
                ]
            ],  # fmt: skip
        )
    }


def _carer_tables(p: Pupil, school: School, user: AbstractBaseUser | None) -> dict[str, bytes]:
    """Parents and carers, and the invitations sent to them."""
    files = {}
    links = list(
        PupilGuardian.objects.visible_to(user, school, policy=SUBJECT_ACCESS_SCOPE)
        .filter(pupil=p)
        .select_related("guardian")
        .order_by("contact_priority")
    )
    files["parents_and_carers.csv"] = _csv(
        _PARENTS_AND_CARERS_COLUMNS,
        [
            [
                l.guardian.title,
                l.guardian.first_name,
                l.guardian.last_name,
                l.get_relationship_display(),
                l.parental_responsibility,
                l.contact_priority,
                l.guardian.email,
                l.guardian.phone,
                bool(l.guardian.user_id),
            ]  # fmt: skip
            for l in links  # noqa: E741
        ],
    )
    invitations = (
        GuardianInvitation.objects.visible_to(user, school, policy=SUBJECT_ACCESS_SCOPE)
        .filter(guardian__in=[link.guardian_id for link in links])
        .select_related("guardian", "created_by")
    )
    now = timezone.now()
    files["parent_invitations.csv"] = _csv(
        ["Parent or carer", "Sent to", "Sent", "Sent by", "Valid until", "Status"],
        [
            [str(i.guardian), i.email, i.created_at, person_name(i.created_by), i.expires_at, i.status(now)]
            for i in invitations
        ],
    )
    return files


def _result_table(p: Pupil, school: School, user: AbstractBaseUser | None) -> dict[str, bytes]:
    """Every result, and every absence marked in the results grid."""
    results = (
        Result.objects.visible_to(user, school, policy=SUBJECT_ACCESS_SCOPE)
        .filter(pupil=p)
        .select_related("assessment__subject", "assessment__scale", "entered_by")
    )
    return {
        "assessment_results.csv": _csv(
            _ASSESSMENT_RESULTS_COLUMNS,
            [
                [
                    r.assessment.subject.name,
                    r.assessment.name,
                    r.assessment.taken_on,
                    r.assessment.scale.name,
                    r.typed,
                    r.value,
                    person_name(r.entered_by),
                    r.updated_at,
                ]  # fmt: skip
                for r in results.order_by("assessment__taken_on", "assessment__subject__name")
            ]
            # Marked absent in the results grid: what was typed, and no value (it is not a score).
            + [
                [
                    a.assessment.subject.name,
                    a.assessment.name,
                    a.assessment.taken_on,
                    a.assessment.scale.name,
                    a.typed,
                    "absent",
                    person_name(a.entered_by),
                    a.updated_at,
                ]  # fmt: skip
                for a in Absence.objects.visible_to(user, school, policy=SUBJECT_ACCESS_SCOPE)
                .filter(pupil=p)
                .select_related("assessment__subject", "assessment__scale", "entered_by")
                .order_by("assessment__taken_on", "assessment__subject__name")
            ],
        )
    }


def _intervention_table(p: Pupil, school: School, user: AbstractBaseUser | None) -> dict[str, bytes]:
    """Every place in a group, with targets and outcome."""
    placements = list(
        Placement.objects.visible_to(user, school, policy=SUBJECT_ACCESS_SCOPE)
        .filter(pupil=p)
        .select_related("intervention__programme")
        .order_by("entry_date", "pk")
    )
    return {
        "interventions.csv": _csv(
            _INTERVENTIONS_COLUMNS,
            [
                [
                    x.intervention.name,
                    x.intervention.programme.name if x.intervention.programme else "",
                    x.intervention.wave,
                    x.intervention.get_area_display(),
                    x.entry_date,
                    x.entry_typed or x.entry_value,
                    x.target,
                    x.pupil_target,
                    x.entry_rating,
                    x.exit_date,
                    x.exit_typed or x.exit_value,
                    x.exit_rating,
                    x.get_outcome_display(),
                    x.get_exit_reason_display(),
                    x.notes,
                ]  # fmt: skip
                for x in placements
            ],
        )
    }


def _attendance_and_check_tables(p: Pupil, school: School, user: AbstractBaseUser | None) -> dict[str, bytes]:
    """Attendance at the sessions of those groups, and the scores on their progress checks."""
    files = {}
    marks = (
        Attendance.objects.visible_to(user, school, policy=SUBJECT_ACCESS_SCOPE)
        .filter(placement__pupil=p)
        .select_related("session__intervention")
    )
    files["attendance.csv"] = _csv(
        ["Intervention", "Date", "Minutes", "Present", "Reason for absence"],
        [
            [a.session.intervention.name, a.session.date, a.session.minutes, a.present, a.get_absence_reason_display()]
            for a in marks.order_by("session__date", "session__intervention__name")
        ],
    )
    scores = (
        CheckScore.objects.visible_to(user, school, policy=SUBJECT_ACCESS_SCOPE)
        .filter(placement__pupil=p)
        .select_related("placement__intervention__progress_check")
    )
    files["progress_checks.csv"] = _csv(
        ["Intervention", "Check", "Unit", "Date", "Score", "Recorded from"],
        [
            [
                x.placement.intervention.name,
                x.placement.intervention.progress_check.name,
                x.placement.intervention.progress_check.unit,
                x.date,
                x.typed,
                x.get_source_display(),
            ]
            for x in scores.order_by("placement__intervention__name", "date")
        ],
    )
    return files


def _decision_table(p: Pupil, school: School, user: AbstractBaseUser | None) -> dict[str, bytes]:
    """The targets on the progress checks, and the decisions acted on."""
    files = {}
    goals = (
        CheckGoal.objects.visible_to(user, school, policy=SUBJECT_ACCESS_SCOPE)
        .filter(placement__pupil=p)
        .select_related("placement__intervention")
    )
    reviews = (
        CheckReview.objects.visible_to(user, school, policy=SUBJECT_ACCESS_SCOPE)
        .filter(placement__pupil=p)
        .select_related("placement__intervention")
    )
    files["progress_decisions.csv"] = _csv(
        ["Intervention", "What", "Date", "Decision", "What was changed", "In words", "Old target", "New target"],
        [
            *(
                [g.placement.intervention.name, "Baseline and target", "", "", "", "", g.entry_value, g.target_value]
                for g in goals.order_by("placement__entry_date")
            ),
            *(
                [
                    r.placement.intervention.name,
                    "Decision acted on",
                    r.changed_on,
                    r.decision,
                    r.get_change_display(),
                    r.note,
                    r.old_target,
                    r.new_target,
                ]  # fmt: skip
                for r in reviews.order_by("changed_on", "pk")
            ),
        ],
    )
    return files


def _plan_tables(p: Pupil, school: School, user: AbstractBaseUser | None) -> dict[str, bytes]:
    """Support plans, their reviews and each outcome's rating at each review."""
    plans = list(
        SupportPlan.objects.visible_to(user, school, policy=SUBJECT_ACCESS_SCOPE)
        .filter(pupil=p)
        .prefetch_related("reviews", "interventions")
        .order_by("start_date")
    )
    files = {"support_plans.csv": _plans_csv(plans), "plan_reviews.csv": _plan_reviews_csv(plans)}
    files["plan_outcome_ratings.csv"] = _csv(
        ["Plan from", "Review date", "Stage", "Outcome", "Rating"],
        [
            [r.review.plan.start_date, r.review.date, r.review.get_stage_display(), r.outcome, r.get_rating_display()]
            for r in ReviewOutcomeRating.objects.visible_to(user, school, policy=SUBJECT_ACCESS_SCOPE)
            .filter(review__plan__pupil=p)
            .select_related("review__plan")
            .order_by("review__plan__start_date", "review__date", "review__pk", "position")
        ],
    )
    return files


def _plans_csv(plans: list[SupportPlan]) -> bytes:
    return _csv(
        _SUPPORT_PLANS_COLUMNS,
        [
            [
                plan.start_date,
                plan.review_date,
                plan.is_active,
                "; ".join(f"{AREA_LABELS.get(k, k)}: {v}" for k, v in (plan.needs or {}).items()),
                plan.outcomes,
                plan.strategies,
                ", ".join(i.name for i in plan.interventions.all()),
                plan.pupil_views,
                plan.parent_views,
                person_name(plan.created_by),
            ]  # fmt: skip
            for plan in plans
        ],
    )


def _plan_reviews_csv(plans: list[SupportPlan]) -> bytes:
    return _csv(
        _PLAN_REVIEWS_COLUMNS,
        [
            [
                plan.start_date,
                r.date,
                r.get_stage_display(),
                r.notes,
                r.progress,
                r.next_steps,
                r.pupil_views,
                r.parent_views,
                person_name(r.recorded_by),
            ]  # fmt: skip
            for plan in plans
            for r in plan.reviews.all()
        ],
    )


def _profile_and_history_tables(p: Pupil, school: School, user: AbstractBaseUser | None) -> dict[str, bytes]:
    """The one-page profile, and the history of changes to the pupil's records."""
    files = {}
    passport = (
        PupilPassport.objects.visible_to(user, school, policy=SUBJECT_ACCESS_SCOPE)
        .filter(pupil=p)
        .select_related("updated_by")
        .first()
    )
    files["one_page_profile.csv"] = _csv(
        _ONE_PAGE_PROFILE_COLUMNS,
        [
            [
                passport.about_me,
                passport.strengths,
                passport.what_helps,
                passport.what_doesnt_help,
                passport.written_with,
                timezone.localtime(passport.updated_at).strftime("%d/%m/%Y %H:%M"),
                person_name(passport.updated_by),
            ]
        ]
        if passport
        else [],
    )
    lines = audit.describe(audit.pupil_entries(p).order_by("timestamp", "pk"), school)
    files["history_of_changes.csv"] = _csv(
        ["When", "Who", "Role", "What", "Action", "Changes", "Note"],
        [
            [
                line.when,
                line.who,
                line.role,
                line.what,
                line.action,
                "; ".join(f"{label}: {old} -> {new}" for label, old, new in line.changes),
                line.note,
            ]  # fmt: skip
            for line in lines
        ],
    )
    return files


# Each CSV file of the export, in the order the README lists them.
_TABLES = (
    _pupil_table,
    _carer_tables,
    _result_table,
    _intervention_table,
    _attendance_and_check_tables,
    _decision_table,
    _plan_tables,
    _profile_and_history_tables,
)


def pupil_tables(pupil: Pupil, school: School, *, user: AbstractBaseUser | None) -> dict[str, bytes]:
    """Each CSV file of the export by its name: every row ``user`` may read of the pupil at ``school`` under
    ``SUBJECT_ACCESS_SCOPE`` (everything, for the roles who answer a subject access request)."""
    files: dict[str, bytes] = {}
    for tables in _TABLES:
        files |= tables(pupil, school, user)
    return files


PDF_STYLE = "css/pdf-pupil-data.css"


def pupil_pdfs(pupil: Pupil, school: School, *, user: AbstractBaseUser | None) -> dict[str, bytes]:
    """Each support plan, and the individual provision map, as PDF (read as ``pupil_tables`` reads)."""
    today = timezone.localdate()
    files = {}
    for plan in (
        SupportPlan.objects.visible_to(user, school, policy=SUBJECT_ACCESS_SCOPE)
        .filter(pupil=pupil)
        .order_by("start_date", "pk")
    ):
        html = render_to_string(
            "reports/pupil_data_plan_pdf.html",
            {
                "school": school,
                "pupil": pupil,
                "plan": plan,
                "needs": [(AREA_LABELS.get(k, k), v) for k, v in (plan.needs or {}).items()],
                "provision": plan_rules.plan_provision(plan, today=today),
                "outcomes": plan_rules.outcome_timelines(plan),
                "reviews": plan.reviews.select_related("recorded_by").order_by("date", "pk"),
                "printed_on": today,
            },
        )
        files[f"support_plan_{plan.start_date:%Y-%m-%d}_{plan.pk}.pdf"] = map_to_pdf(html, stylesheet=PDF_STYLE)
    context = pupil_map_context(
        user, school, pupil, show_costs=True, show_plan=True, today=today, policy=SUBJECT_ACCESS_SCOPE
    )
    context.update(school=school, printed_on=today)
    html = render_to_string("reports/pupil_data_map_pdf.html", context)
    files["individual_provision_map.pdf"] = map_to_pdf(html, stylesheet=PDF_STYLE)
    return files


README = """Everything {school} holds about {name} (UPN {upn}), exported on {when} by {by}.

pupil.csv                    the pupil's record: names, date of birth, class, flags, SEN status and needs
parents_and_carers.csv       parents and carers with how they are related, and their contact details
parent_invitations.csv       invitations sent to parents and carers to see their child's support online
assessment_results.csv       every assessment result, as typed and as a number on its scale
interventions.csv            every intervention (support group) the pupil joined, with targets and outcome
attendance.csv               attendance at each session of those interventions
progress_checks.csv          scores on the weekly progress checks in those interventions
progress_decisions.csv       targets on those checks, and the decisions acted on, with what was changed
support_plans.csv            SEN support plans; plan_reviews.csv: their assess-plan-do-review records
plan_outcome_ratings.csv     each plan outcome's rating at each review
one_page_profile.csv         the pupil's one-page profile, in their own words
history_of_changes.csv       every change to these records, who made it and when, and who viewed or exported them
support_plan_*.pdf           each support plan as printed
individual_provision_map.pdf the pupil's provision over time, with dosage and cost
"""


def pupil_export_zip(pupil: Pupil, *, school: School, by: HttpRequest) -> bytes:
    """The zip for the signed-in exporter of ``by`` (the request), and an audit entry saying who exported it."""
    return _export_zip(pupil, school=school, user=by.user, by=by)


def pupil_export_zip_for_operators(pupil: Pupil, *, school: School) -> bytes:
    """For operators' management commands only (``export_pupil``, run on the server with no signed-in user): the
    same zip, every row held about the pupil at ``school`` read under ``provision.access.operator_reads``. Never
    call it from a view: a request has a user to read as (``pupil_export_zip``)."""
    with operator_reads():
        return _export_zip(pupil, school=school, user=None, by=None)


def _export_zip(pupil: Pupil, *, school: School, user: AbstractBaseUser | None, by) -> bytes:
    """The zip, and an audit entry saying who exported it (``by``: the request, or None for a command)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "README.txt",
            README.format(
                school=school.name,
                name=pupil.full_name,
                upn=pupil.upn,
                when=timezone.localtime().strftime("%d/%m/%Y %H:%M"),
                by=person_name(user) or "the command line",
            ),
        )
        files = {**pupil_tables(pupil, school, user=user), **pupil_pdfs(pupil, school, user=user)}
        for name, content in files.items():
            archive.writestr(name, content)
    audit.log_export(by, school=school, what="Everything held about the pupil (zip)", pupil=pupil)
    return buffer.getvalue()
