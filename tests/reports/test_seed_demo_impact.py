"""What the impact evaluation finds in the demo at its usual size (``seed_demo`` with no ``--pupils``): realistic
effect sizes, a readable mix of verdicts over the last twelve months, one harmful group, a short list of pupils
to rethink, and a gain for the demo parent's child."""

from __future__ import annotations

import datetime as dt

import pytest

from interventions.models import Placement
from provision.models import School
from pupils.models import SenStatus
from reports.management.commands.seed_demo import seed_demo
from reports.selectors_impact import evaluate_school

TODAY = dt.date(2026, 11, 24)
PRIMARY = "Hazel Grove Primary School"
SECONDARY = "Kingsmead Academy"


@pytest.mark.django_db
def test_the_impact_pages_have_a_realistic_and_varied_story_to_tell():
    summary = seed_demo(pupils=None, seed=1, reset=False, today=TODAY)
    found = {
        name: evaluate_school(schools=School.objects.get(name=name), start=TODAY - dt.timedelta(days=365), end=TODAY)
        for name in (PRIMARY, SECONDARY)
    }

    # Realistic effect sizes: no judged group beyond 2, the secondary's effective programmes pooled at 0.3-1.5.
    for evaluation in found.values():
        compared = evaluation.groups.dropna(subset=["g"])
        judged = compared[compared["verdict"] != "too_little"]
        assert (judged["g"].abs() <= 2.0).all(), judged[["name", "g"]]
    pooled = found[SECONDARY].programmes.dropna(subset=["g"])
    effective = pooled[pooled["g"] > 0.25]
    assert (effective["g"] <= 1.5).all() and (effective["g"] >= 0.5).sum() >= 3, pooled[["programme_name", "g"]]

    # The secondary: a readable mix of programme verdicts and exactly one harmful group.
    groups, programmes = found[SECONDARY].groups, found[SECONDARY].programmes
    negative = groups[groups["verdict"] == "negative"]
    assert list(negative["name"].str.startswith("Maths withdrawal group")) == [True]
    assert {"strong", "some", "none", "negative", "too_little"} <= set(programmes["verdict"])
    # Small groups and 1:1s stay too little to judge on their own.
    for evaluation in found.values():
        small = evaluation.groups[evaluation.groups["n_measured"] < 5]
        assert (small["verdict"] == "too_little").all()

    # The primary: impact where its small year groups allow, nothing harmful.
    groups, programmes = found[PRIMARY].groups, found[PRIMARY].programmes
    assert "negative" not in set(groups["verdict"])
    assert {"strong", "some", "too_little"} <= set(programmes["verdict"])

    # A few pupils to rethink in each school.
    for evaluation in found.values():
        assert 1 <= len(evaluation.rethink) <= 25

    # The demo parent's child on SEN support gained in their finished support.
    children = [child.pk for child in summary.roll.parent_children if child.sen_status != SenStatus.NONE]
    finished = Placement.objects.filter(pupil_id__in=children, exit_value__isnull=False)
    assert finished and all(p.exit_value > p.entry_value for p in finished)
