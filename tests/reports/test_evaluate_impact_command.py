"""``python manage.py evaluate_impact``: the impact figures for analysts, as a table and as JSON."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from reports.management.commands.evaluate_impact import Command

from .test_impact_views import impact  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db

KEYS = {
    "id", "name", "n_placed", "n_measured", "n_compared", "n_comparison", "method", "g", "ci_low", "ci_high",
    "months", "verdict", "recommendation", "reasons",
}  # fmt: skip


def test_json_rows_for_groups_and_programmes(world, impact, tmp_path):  # noqa: F811
    path = tmp_path / "impact.json"
    out = io.StringIO()
    call_command(
        "evaluate_impact",
        school=world.school.urn,
        start="2025-09-01",
        end="2026-08-31",
        json_path=str(path),
        stdout=out,
    )
    document = json.loads(path.read_text())
    assert (document["school"], document["from"], document["to"]) == (world.school.urn, "2025-09-01", "2026-08-31")
    group = next(row for row in document["groups"] if row["id"] == impact["group"].pk)
    assert KEYS | {"programme"} <= set(group)
    assert group["name"] == "Reading Boost Y4" and group["programme"] == "Reading Boost"
    assert (group["n_placed"], group["n_measured"], group["n_compared"], group["n_comparison"]) == (8, 8, 8, 12)
    assert group["method"] == "comparison" and group["verdict"] == "strong" and group["recommendation"] == "continue"
    assert isinstance(group["g"], float) and group["ci_low"] < group["g"] < group["ci_high"]
    assert isinstance(group["months"], float) and group["months"] >= 1
    assert all(isinstance(reason, str) for reason in group["reasons"]) and group["reasons"]
    programme = document["programmes"][0]
    assert set(programme) >= KEYS and "programme" not in programme
    assert programme["id"] == impact["programme"].pk and programme["name"] == "Reading Boost"
    assert programme["n_comparison"] == 12  # distinct pupils
    text = out.getvalue()
    assert "Reading Boost Y4" in text and "Strong evidence of impact" in text and str(path) in text


def test_nothing_in_the_period_gives_empty_lists(world, impact, tmp_path):  # noqa: F811
    path = tmp_path / "impact.json"
    call_command("evaluate_impact", school=world.school.urn, start="2020-01-01", end="2020-12-31",
                 json_path=str(path), stdout=io.StringIO())  # fmt: skip
    assert json.loads(path.read_text())["groups"] == []


def test_no_verdict_is_null_and_numbers_are_null_when_missing(world, tmp_path):
    from tests import factories as f

    intervention = f.InterventionFactory(school=world.school, start_date=dt.date(2026, 9, 7), end_date=None)
    f.PlacementFactory(intervention=intervention, pupil=world.pupils[0])
    path = tmp_path / "impact.json"
    call_command("evaluate_impact", school=world.school.urn, end="2026-12-05", json_path=str(path),
                 stdout=io.StringIO())  # fmt: skip
    row = json.loads(path.read_text())["groups"][0]
    assert row["method"] == "none" and row["g"] is None and row["months"] is None
    assert row["verdict"] == "too_little" and row["recommendation"] in ("continue", "measure")


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--school", "999999"], "No school with URN '999999'"),
        (["--from", "2026-13-01"], "--from '2026-13-01' is not a date"),
        (["--to", "yesterday"], "--to 'yesterday' is not a date"),
        (["--from", "2026-06-01", "--to", "2026-01-01"], "--from 2026-06-01 is after --to 2026-01-01"),
    ],
)
def test_bad_input_is_one_line_and_exit_code_two(world, arguments, message, capsys):
    if "--school" not in arguments:
        arguments = ["--school", world.school.urn, *arguments]
    with pytest.raises(CommandError) as raised:
        call_command("evaluate_impact", *arguments, stdout=io.StringIO())
    assert raised.value.returncode == 2 and str(raised.value).startswith(message) and "\n" not in str(raised.value)
    with pytest.raises(SystemExit) as exited:
        Command().run_from_argv(["manage.py", "evaluate_impact", *arguments])
    assert exited.value.code == 2
    assert capsys.readouterr().err.strip().count("\n") == 0
