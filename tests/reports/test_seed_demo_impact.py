"""What the impact evaluation finds in the demo at its usual size (``seed_demo`` with no ``--pupils``): realistic
effect sizes on the attainment scale, a readable mix of verdicts over the last twelve months (including
"promising" and "inconclusive"), one harmful group, a short list of pupils to rethink, and a gain for the demo
parent's child."""

from __future__ import annotations

import datetime as dt

import pytest

from demo.management.commands.seed_demo import seed_demo
from interventions.models import Placement
from provision.access import operator_reads
from provision.models import School
from pupils.models import SenStatus
from reports.impact.school_figures import evaluate_school

TODAY = dt.date(2026, 11, 24)
PRIMARY = "Hazel Grove Primary School"
SECONDARY = "Kingsmead Academy"


@pytest.mark.django_db
def test_the_impact_pages_have_a_realistic_and_varied_story_to_tell():
    summary = seed_demo(pupils=None, seed=1, reset=False, today=TODAY)
    with operator_reads():
        found = {
            name: evaluate_school(
                None, schools=School.objects.get(name=name), start=TODAY - dt.timedelta(days=365), end=TODAY
            )
            for name in (PRIMARY, SECONDARY)
        }

    # Realistic effect sizes on the attainment scale: no judged group beyond 1, the secondary's effective
    # programmes pooled at 0.2-0.8 (the design draws 0.25-0.55 per group).
    for evaluation in found.values():
        compared = evaluation.groups.dropna(subset=["g"])
        judged = compared[compared["verdict"] != "too_little"]
        assert (judged["g"].abs() <= 1.0).all(), judged[["name", "g"]]
        assert (evaluation.groups["months"].dropna().abs() <= 12).all()
    pooled = found[SECONDARY].programmes.dropna(subset=["g"])
    effective = pooled[pooled["g"] > 0.15]
    assert len(effective) >= 2 and (effective["g"] <= 0.8).all(), pooled[["programme_name", "g"]]

    # The secondary: a readable mix of programme verdicts and exactly one harmful group.
    groups, programmes = found[SECONDARY].groups, found[SECONDARY].programmes
    negative = groups[groups["verdict"] == "negative"]
    assert list(negative["name"].str.startswith("Maths withdrawal group")) == [True]
    assert {"some", "none", "negative", "too_little"} <= set(programmes["verdict"])
    assert {"promising", "inconclusive"} & set(programmes["verdict"])
    # Small groups and 1:1s stay too little to judge on their own.
    for evaluation in found.values():
        frame = evaluation.groups
        small = frame[(frame["n_measured"] < 5) | ((frame["measure"] == "comparison") & (frame["n_compared"] < 5))]
        assert (small["verdict"] == "too_little").all()
        # Too little data is never a reason to stop.
        assert not (frame.loc[frame["verdict"] == "too_little", "recommendation"] == "review").any()

    # The primary: impact where its small year groups allow, nothing harmful.
    groups, programmes = found[PRIMARY].groups, found[PRIMARY].programmes
    assert "negative" not in set(groups["verdict"])
    assert "too_little" in set(programmes["verdict"])
    assert {"strong", "some"} & set(programmes["verdict"]), programmes[["programme_name", "g", "verdict"]]

    # Across the trust, every verdict a school will meet appears somewhere.
    seen = {v for e in found.values() for frame in (e.groups, e.programmes) for v in frame["verdict"]}
    assert {"strong", "some", "promising", "inconclusive", "none", "negative", "too_little"} <= seen

    # A few pupils to rethink in each school.
    for evaluation in found.values():
        assert 1 <= len(evaluation.rethink) <= 25

    # The demo parent's child on SEN support gained in their finished support.
    children = [child.pk for child in summary.roll.parent_children if child.sen_status != SenStatus.NONE]
    finished = Placement.objects.filter(pupil_id__in=children, exit_value__isnull=False)
    assert finished and all(p.exit_value > p.entry_value for p in finished)
