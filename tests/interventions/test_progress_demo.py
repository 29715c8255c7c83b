"""The demo's progress checks (``demo.scenarios.progress_checks``): weekly scores in a few of the primary's groups that
show every decision, taken only on days the pupil attended, a finished group with a change recorded after a pupil
fell off track, the demo parent's child on track, and the same checks for the same seed."""

from __future__ import annotations

import datetime as dt

from demo.management.commands.seed_demo import seed_demo
from interventions.models import Attendance, CheckReview, CheckScore, Placement, ProgressCheck, Status
from interventions.progress import rules
from interventions.progress.selectors import progress_for
from pupils.models import Pupil

TODAY = dt.date(2026, 11, 24)


def test_the_demo_shows_every_decision_and_the_record_of_a_change(db):
    summary = seed_demo(pupils=300, seed=1, reset=False, today=TODAY)
    assert summary.interventions.progress.checks >= 5 and summary.interventions.progress.reviews == 1
    assert "groups with a weekly progress check" in summary.interventions.describe()
    placements = Placement.objects.filter(intervention__progress_check__isnull=False).select_related("intervention")
    progress = progress_for(placements)
    decisions = {p.decision for p in progress.values()}
    assert decisions == set(rules.Decision)
    # Weekly, on days the pupil was at the group's session, never in the future.
    for place in progress.values():
        days = [score.date for score in place.scores]
        assert all(day <= TODAY for day in days)
        assert len({day.isocalendar()[:2] for day in days}) == len(days)
    present = set(Attendance.objects.filter(present=True).values_list("placement_id", "session__date"))
    assert all((s.placement_id, s.date) in present for s in CheckScore.objects.all())
    # A finished group whose pupil fell off track; the change is recorded and the impact page counts it.
    review = CheckReview.objects.get()
    finished = review.placement.intervention
    assert finished.status == Status.COMPLETED and progress[review.placement_id].was_off_track
    # The demo parent's child is on track in a checked group.
    child = Pupil.objects.get(
        guardian_links__guardian__user__username="parent", placements__intervention__progress_check__isnull=False
    )
    assert any(p.decision == rules.Decision.ON_TRACK for p in progress.values() if p.placement.pupil_id == child.pk)
    checks = list(ProgressCheck.objects.values_list("intervention__name", "name"))
    scores = list(CheckScore.objects.order_by("placement__pupil__upn", "date").values_list("date", "value"))
    summary = seed_demo(pupils=300, seed=1, reset=True, today=TODAY)
    assert list(ProgressCheck.objects.values_list("intervention__name", "name")) == checks
    assert list(CheckScore.objects.order_by("placement__pupil__upn", "date").values_list("date", "value")) == scores
