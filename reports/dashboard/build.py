"""The leaders' dashboard and the governors' impact report, computed from DataFrames. Pure: no Django imports.

The selector (``reports.dashboard.school_figures``) hands over one frame per kind of row, already narrowed to each
school's period and subject; the evaluation (``reports.impact.evaluation``) supplies the verdicts. Everything here is
arithmetic over those frames, so that one school or ten cost the same handful of queries and the rules can be
tested with worked numbers:

* **pupils in provision**: distinct pupils with a place in provision that had started by the end of the period
  (or by today, while the period runs), by wave (2 and 3: wave 1 strategies have no places), by the year group
  they were in during the period and by primary SEN need, with the share of the roll as it was in the period (of
  the whole roll, of the year group's roll, of the pupils with that need);
* **wave 1 reach**: the whole-class strategies running in the period and the year groups and classes they cover;
* **the disadvantage gap trend**: the percentage of pupil premium and of other pupils at or above the expected
  standard in each half term in one subject, each year group on its most informative assessment there
  (``pupils.identification.gap_options`` and ``disadvantage_gap``), the gap being the difference of the whole
  percentages shown;
* **impact**: each intervention's effect and 95% CI, a comparison-group Hedges' g where there is one, else the
  before-after d_z; cost per pupil beside it;
* **attendance**: sessions attended of those marked, per intervention, in the period;
* **needs attention**: running past the end date, finished placements without exit data, running groups with no
  session logged in the last two school weeks.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence

import numpy as np
import pandas as pd

from provision.school_days import SchoolDays
from pupils.identification import disadvantage_gap, gap_options, half_terms, whole_percent
from pupils.reference import NEED_TYPES, YEAR_GROUP_LABELS
from reports.impact.evaluation import VERDICTS

# --- The frames the selector builds -----------------------------------------------------------------------

INTERVENTION_COLUMNS = [
    "intervention_id", "school_id", "name", "programme_name", "wave", "status", "subject_id", "start_date",
    "end_date", "overdue", "present_count", "marked_count", "last_session_on", "year_groups",
]  # fmt: skip
CLASS_COLUMNS = ["school_id", "class_id", "year_group"]  # the schools' registration classes
PLACEMENT_COLUMNS = [
    "placement_id", "intervention_id", "school_id", "pupil_id", "year_group", "primary_need", "pupil_premium",
    "entry_date", "exit_date", "has_exit_data",
]  # fmt: skip
ROLL_COLUMNS = ["school_id", "year_group", "primary_need", "pupils"]

WAVE_LABELS = {1: "Wave 1: quality-first teaching", 2: "Wave 2: small-group catch-up", 3: "Wave 3: personalised"}
PLACED_WAVES = (2, 3)  # wave 1 strategies reach whole classes and have no places
NO_NEED = "No SEN need recorded"
FINISHED_STATUSES = ("completed", "stopped")
QUIET_SCHOOL_DAYS = 10  # "no session logged in the last two weeks" counts school days, so holidays do not alarm
SMALL_COUNT = 5  # the governors' report shows counts under this as "fewer than 5"

# The verdict keys of reports.impact.evaluation, strongest first: the order of tables and legends.
VERDICT_ORDER = list(VERDICTS)


def rank_by_programme(groups: list[dict], programmes: list[dict]) -> tuple[list[dict], list[dict]]:
    """(ranking, too little data) of the impact page and the dashboard, from their rows: a group row has
    ``programme_id``, and each row ``name``, ``sort_effect`` and ``verdict["key"]``; a programme row (pooled across
    its groups by ``reports.impact.evaluation``) has ``id``.

    The ranking has one entry per programme, by its pooled verdict then its effect: ``{"programme": row,
    "groups": [its groups with a verdict], "too_little": how many of its groups have too little data}``. A group
    that ran no programme (or whose programme has no pooled row) is an entry of its own, ``{"programme": None,
    "groups": [row], "too_little": 0}``. A programme with too little data and no group judged is left out. Groups
    with too little data to judge are returned apart, in their order."""
    too_little = [g for g in groups if g["verdict"]["key"] == "too_little"]
    judged: dict = {}
    unjudged: dict = {}
    for group in groups:
        side = unjudged if group["verdict"]["key"] == "too_little" else judged
        side.setdefault(group.get("programme_id"), []).append(group)
    ranking = []
    for programme in programmes:
        under = judged.pop(programme["id"], []) if programme["id"] is not None else []
        if under or programme["verdict"]["key"] != "too_little":
            ranking.append(
                {"programme": programme, "groups": under, "too_little": len(unjudged.get(programme["id"], []))}
            )
    ranking += [{"programme": None, "groups": [group], "too_little": 0} for rest in judged.values() for group in rest]

    def lead(entry: dict) -> dict:
        return entry["programme"] or entry["groups"][0]

    def order(entry: dict) -> tuple:
        row = lead(entry)
        key = row["verdict"]["key"]
        effect = row.get("sort_effect")
        return (
            VERDICT_ORDER.index(key) if key in VERDICT_ORDER else len(VERDICT_ORDER),
            -effect if effect is not None else 99,
            row["name"],
        )

    return sorted(ranking, key=order), too_little


# --- Pupils in provision --------------------------------------------------------------------------------


def need_label(code: str | None) -> str:
    """The words for a DfE need-type code ("SPLD" -> "Specific learning difficulty")."""
    if not code or code not in NEED_TYPES:
        return NO_NEED
    return NEED_TYPES[code][0]


def year_label(year: int) -> str:
    return YEAR_GROUP_LABELS.get(int(year), f"Year {year}")


def _distinct(frame: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Distinct pupils per ``by`` (a pupil in two groups of one wave counts once)."""
    if frame.empty:
        return frame[by].iloc[0:0].assign(pupils=pd.Series(dtype="int64"))
    return frame.groupby(by)["pupil_id"].nunique().reset_index(name="pupils")


def provision_breakdown(
    placements: pd.DataFrame, interventions: pd.DataFrame, roll: pd.DataFrame, school_ids: Sequence[int]
) -> dict[str, pd.DataFrame]:
    """Distinct pupils in provision by "wave", "year" and "need", each a long frame with columns
    key, label, school_id, pupils, base, pct (``pct`` = 100 x pupils / base; NaN when the base is 0).

    Bases: the school's whole roll for waves; the year group's roll for years; the pupils on roll with that
    primary need (or none) for needs. Year groups are those of the period (the selector gives each placement and
    the roll the year group of the time); needs are the pupils' current ones. Rows appear for waves 2 and 3 (wave
    1 has no places: see ``wave1_reach``), for every year group on roll or in provision, and for every need present.
    """
    placed = placements.merge(interventions[["intervention_id", "wave"]], on="intervention_id", how="left")
    placed = placed.assign(primary_need=placed["primary_need"].fillna("").astype(str))
    people = roll.assign(primary_need=roll["primary_need"].fillna("").astype(str))
    schools = pd.DataFrame({"school_id": list(school_ids)})
    whole_roll = people.groupby("school_id")["pupils"].sum()

    def assemble(keys: pd.DataFrame, counts: pd.DataFrame, bases: pd.DataFrame, on: str) -> pd.DataFrame:
        grid = keys.merge(schools, how="cross")
        grid = grid.merge(counts, on=[on, "school_id"], how="left").merge(bases, on=[on, "school_id"], how="left")
        grid["pupils"] = grid["pupils"].fillna(0).astype(int)
        grid["base"] = grid["base"].fillna(0).astype(int)
        grid["pct"] = np.where(grid["base"] > 0, 100 * grid["pupils"] / grid["base"].where(grid["base"] > 0), np.nan)
        return grid.rename(columns={on: "key"})

    waves = pd.DataFrame({"wave": list(PLACED_WAVES), "label": [WAVE_LABELS[w] for w in PLACED_WAVES]})
    wave_bases = pd.DataFrame(
        [(w, s, int(whole_roll.get(s, 0))) for w in PLACED_WAVES for s in school_ids],
        columns=["wave", "school_id", "base"],
    )
    by_wave = assemble(waves, _distinct(placed, ["wave", "school_id"]), wave_bases, "wave")

    year_counts = _distinct(placed, ["year_group", "school_id"])
    year_bases = people.groupby(["year_group", "school_id"])["pupils"].sum().reset_index(name="base")
    years = sorted(set(year_counts["year_group"].astype(int)) | set(year_bases["year_group"].astype(int)))
    year_keys = pd.DataFrame({"year_group": pd.Series(years, dtype="int64"), "label": [year_label(y) for y in years]})
    for frame in (year_counts, year_bases):
        frame["year_group"] = frame["year_group"].astype(int)
    by_year = assemble(year_keys, year_counts, year_bases, "year_group")

    need_counts = _distinct(placed, ["primary_need", "school_id"])
    need_bases = people.groupby(["primary_need", "school_id"])["pupils"].sum().reset_index(name="base")
    codes = [code for code in NEED_TYPES if code in set(need_counts["primary_need"]) | set(need_bases["primary_need"])]
    if "" in set(need_counts["primary_need"]) | set(need_bases["primary_need"]):
        codes.append("")
    need_keys = pd.DataFrame(
        {"primary_need": pd.Series(codes, dtype=object), "label": [need_label(code) for code in codes]}
    )
    by_need = assemble(need_keys, need_counts, need_bases, "primary_need")
    # Needs nobody in provision has, at any of the schools, are not worth a row.
    in_provision = by_need.groupby("key")["pupils"].transform("sum") > 0
    by_need = by_need[in_provision | (by_need["key"] == "")].reset_index(drop=True)
    return {"wave": by_wave, "year": by_year, "need": by_need}


def wave1_reach(interventions: pd.DataFrame, classes: pd.DataFrame, school_ids: Sequence[int]) -> list[dict]:
    """Per school: the wave 1 strategies in the frame (``strategies``), the year groups they cover (``years``,
    labels; a strategy with no year groups covers the whole school) and the registration classes of those year
    groups (``classes``, of ``all_classes``). Wave 1 is teaching for whole classes, so its reach is counted in
    classes and year groups, never in pupils."""
    out = []
    wave1 = interventions[interventions["wave"] == 1]
    for school_id in school_ids:
        own = wave1[wave1["school_id"] == school_id]
        school_classes = classes[classes["school_id"] == school_id]
        whole_school = any(not years for years in own["year_groups"]) if len(own) else False
        years = sorted({int(y) for group in own["year_groups"] for y in (group or [])})
        covered = school_classes if whole_school else school_classes[school_classes["year_group"].isin(years)]
        all_years = sorted({int(y) for y in school_classes["year_group"].dropna()})
        out.append(
            {
                "school_id": school_id,
                "strategies": len(own),
                "years": ["Whole school"] if whole_school else [year_label(y) for y in years],
                "year_count": len(all_years) if whole_school else len(years),
                "all_years": len(all_years),
                "classes": len(covered),
                "all_classes": len(school_classes),
            }
        )
    return out


def pivot_rows(long: pd.DataFrame, school_ids: Sequence[int]) -> list[dict]:
    """A long breakdown as table rows: {"key", "label", "cells": [{"pupils", "base", "pct"} per school],
    "has_any": whether any school has pupils on roll or in provision in the row}."""
    rows = []
    for key, group in long.groupby("key", sort=False):
        by_school = group.set_index("school_id")
        cells = []
        for school_id in school_ids:
            line = by_school.loc[school_id]
            pct = line["pct"]
            cells.append(
                {
                    "pupils": int(line["pupils"]),
                    "base": int(line["base"]),
                    "pct": None if pd.isna(pct) else float(pct),
                }
            )
        rows.append(
            {
                "key": key,
                "label": group["label"].iloc[0],
                "cells": cells,
                "has_any": any(cell["pupils"] or cell["base"] for cell in cells),
            }
        )
    return rows


def suppress_small(count: int, threshold: int = SMALL_COUNT) -> str:
    """A count for readers who must not be able to pick out a child: "fewer than 5" for 1-4."""
    return "fewer than 5" if 0 < count < threshold else str(count)


# --- The disadvantage gap -------------------------------------------------------------------------------


def gap_trend(
    results: pd.DataFrame,
    pupil_premium: pd.Series,
    assessments: pd.DataFrame,
    *,
    half_term_of: dict[int, Callable] | None = None,
) -> pd.DataFrame:
    """Pupil premium vs other pupils in one subject, one point per half term (per school): columns school_id,
    taken_on, names, n_pp, n_other, pct_pp, pct_other, pct_pp_shown, pct_other_shown, gap_pct.

    In each half term each year group counts once, on its most informative assessment there
    (``pupils.identification.gap_options``: a standardised or scaled score over an age-equivalent taken days
    later, which would otherwise pull the point to 100% against 100%). The year groups are added up, weighting
    each year group's percentages by its pupils; ``taken_on`` is the latest of the assessments used and ``names``
    names them. ``gap_pct`` is the difference of the whole-number percentages shown (``*_shown``), so the three
    numbers on the page agree. Results on scales without an expected standard are left out: "at expected" means
    nothing on them. ``assessments`` has assessment_id, school_id, name, taken_on; ``half_term_of`` gives each
    school's half terms (``pupils.identification.half_terms``; calendar months two by two without).
    """
    columns = ["school_id", "taken_on", "names", "n_pp", "n_other", "pct_pp", "pct_other", "pct_pp_shown",
               "pct_other_shown", "gap_pct"]  # fmt: skip
    if results.empty:
        return pd.DataFrame(columns=columns)
    has_standard = (results["scale_kind"] == "age") | pd.to_numeric(results["expected"], errors="coerce").notna()
    scored = results[has_standard]
    if scored.empty:
        return pd.DataFrame(columns=columns)
    half_term_of = half_term_of or {}
    chosen = []
    for school_id, school_results in scored.groupby("school_id"):
        options = gap_options(school_results.assign(subject_id=0), half_term_of.get(school_id, half_terms([])))
        best = (
            options.sort_values(
                ["year_group", "half_term", "informative", "pupils", "taken_on", "assessment_id"],
                ascending=[True, True, True, False, False, False],
            )
            .groupby(["year_group", "half_term"])
            .head(1)
        )
        chosen.append(best.assign(school_id=school_id)[["school_id", "year_group", "assessment_id", "half_term"]])
    picked = pd.concat(chosen)
    per_year = disadvantage_gap(scored.assign(subject_id=scored["assessment_id"]), pupil_premium)
    per_year = per_year.merge(picked, on=["year_group", "assessment_id"])
    per_year = per_year.merge(
        assessments[["assessment_id", "taken_on", "name"]].drop_duplicates("assessment_id"), on="assessment_id"
    )
    per_year["at_pp"] = per_year["pct_expected_pp"].fillna(0) * per_year["n_pp"] / 100
    per_year["at_other"] = per_year["pct_expected_other"].fillna(0) * per_year["n_other"] / 100
    points = (
        per_year.groupby(["school_id", "half_term"])
        .agg(
            taken_on=("taken_on", "max"),
            names=("name", lambda names: ", ".join(sorted(set(names)))),
            n_pp=("n_pp", "sum"),
            n_other=("n_other", "sum"),
            at_pp=("at_pp", "sum"),
            at_other=("at_other", "sum"),
        )
        .reset_index()
    )
    points["pct_pp"] = 100 * points["at_pp"] / points["n_pp"].where(points["n_pp"] > 0)
    points["pct_other"] = 100 * points["at_other"] / points["n_other"].where(points["n_other"] > 0)
    points["pct_pp_shown"] = [whole_percent(v) for v in points["pct_pp"]]
    points["pct_other_shown"] = [whole_percent(v) for v in points["pct_other"]]
    points["gap_pct"] = [
        float("nan") if pp is None or other is None else float(other - pp)
        for pp, other in zip(points["pct_pp_shown"], points["pct_other_shown"], strict=True)
    ]
    points["taken_on"] = pd.to_datetime(points["taken_on"])
    return points.sort_values(["school_id", "taken_on"])[columns].reset_index(drop=True)


# --- Impact ---------------------------------------------------------------------------------------------


def effects(groups: pd.DataFrame, interventions: pd.DataFrame) -> pd.DataFrame:
    """The evaluation's groups (``reports.impact.evaluation.GROUP_COLUMNS``) joined to the dashboard's interventions
    (names and schools as the dashboard shows them), with the effect a leader should look at:

    * ``effect_kind`` "g": Hedges' g against similar pupils, adjusted for where pupils started and on the SD of
      attainment (the EEF Toolkit's scale), with its 95% CI;
    * "" otherwise: before-and-after figures are not effect sizes on that scale (pupils chosen for low scores
      rise anyway), so they are never drawn beside g; their verdict and reasons are listed instead.

    ``plotted`` is True for groups with a g and a verdict other than "too_little". Sorted by effect, largest
    first, then by name.
    """
    own = ["school_id", "name", "programme_name", "wave", "status"]
    frame = groups.drop(columns=[c for c in own if c in groups.columns]).merge(
        interventions[["intervention_id", *own]], on="intervention_id", how="inner"
    )
    g = pd.to_numeric(frame["g"], errors="coerce")
    has_g = g.notna() & (frame["measure"] == "comparison")
    frame["effect_kind"] = np.where(has_g, "g", "")
    frame["effect"] = g.where(has_g)
    frame["effect_low"] = pd.to_numeric(frame["g_ci_low"], errors="coerce").where(has_g)
    frame["effect_high"] = pd.to_numeric(frame["g_ci_high"], errors="coerce").where(has_g)
    frame["plotted"] = frame["effect"].notna() & (frame["verdict"] != "too_little")
    frame = frame.sort_values(["effect", "name"], ascending=[False, True], na_position="last")
    return frame.reset_index(drop=True)


def verdict_counts(frame: pd.DataFrame) -> dict[str, int]:
    """How many interventions have each verdict (every key of VERDICT_ORDER, zero when none)."""
    counts = frame["verdict"].value_counts() if len(frame) else pd.Series(dtype=int)
    return {key: int(counts.get(key, 0)) for key in VERDICT_ORDER}


# --- Attendance -----------------------------------------------------------------------------------------


def attendance(interventions: pd.DataFrame, low: float) -> pd.DataFrame:
    """Attendance per intervention in the period: 100 x present / marked, lowest first; ``below`` flags those
    under ``low`` percent. Interventions with no attendance marked in the period are left out (see
    ``needs_attention`` for running groups without sessions)."""
    marked = interventions[interventions["marked_count"] > 0].copy()
    marked["attendance_pct"] = 100 * marked["present_count"] / marked["marked_count"]
    marked["below"] = marked["attendance_pct"] < low
    return marked.sort_values(["attendance_pct", "name"]).reset_index(drop=True)


# --- Needs attention ------------------------------------------------------------------------------------


def school_days_before(today: dt.date, terms: SchoolDays | Iterable[tuple[dt.date, dt.date]], days: int) -> dt.date:
    """The first of the last ``days`` school days (weekdays in term, not closed) up to and including ``today``:
    the start of "the last two weeks" that skips holidays, half-terms and closures
    (``SchoolDays.days_before``). With no term at all, ``today`` less ``days`` weekdays."""
    return SchoolDays.of(terms if isinstance(terms, SchoolDays) else list(terms)).days_before(today, days)


def _days_after(end: dt.date, today: dt.date, school_days: SchoolDays | None) -> int:
    """School days after ``end`` up to and including ``today`` (weekdays for a school with no terms)."""
    if school_days is None or not school_days.spans:
        return int(np.busday_count(end + dt.timedelta(days=1), today + dt.timedelta(days=1)))
    return school_days.count_between(end + dt.timedelta(days=1), today)


def needs_attention(
    interventions: pd.DataFrame,
    placements: pd.DataFrame,
    *,
    today: dt.date,
    quiet_since: dict[int, dt.date],
    school_days: dict[int, SchoolDays] | None = None,
) -> dict[str, pd.DataFrame]:
    """Three lists for the SENCO and leaders:

    * "overdue": interventions still planned or running after their end date (``Intervention.is_overdue``,
      computed by the selector into ``overdue``), longest overdue first, with ``days_over``: the school days
      (``school_days``, by school id; weekdays without it) after the end date up to today;
    * "missing_exit": per intervention, its finished placements (the pupil left the group, or the group has
      ended or stopped) with no exit result or value: ``finished`` and ``missing`` counts;
    * "quiet": running groups that started before their school's ``quiet_since`` date (the start of the last
      two school weeks) and have logged no session since then; ``last_session_on`` may be empty.
    """
    today_ts = pd.Timestamp(today)
    overdue = interventions[interventions["overdue"].astype(bool)].copy()
    overdue["days_over"] = [
        _days_after(end, today, (school_days or {}).get(school_id))
        for school_id, end in zip(overdue["school_id"], pd.to_datetime(overdue["end_date"]).dt.date, strict=True)
    ]
    overdue = overdue.sort_values(["days_over", "name"], ascending=[False, True]).reset_index(drop=True)

    ended = interventions[
        interventions["status"].isin(FINISHED_STATUSES)
        | (pd.to_datetime(interventions["end_date"]) < today_ts).fillna(False)
    ]["intervention_id"]
    finished = placements[placements["exit_date"].notna() | placements["intervention_id"].isin(ended)]
    per_group = (
        finished.assign(missing=~finished["has_exit_data"].astype(bool))
        .groupby("intervention_id")
        .agg(finished=("placement_id", "count"), missing=("missing", "sum"))
        .reset_index()
    )
    missing_exit = per_group[per_group["missing"] > 0].merge(interventions, on="intervention_id")
    missing_exit = missing_exit.sort_values(["missing", "name"], ascending=[False, True]).reset_index(drop=True)

    since = pd.to_datetime(interventions["school_id"].map(quiet_since))
    last = pd.to_datetime(interventions["last_session_on"])
    running = interventions["status"] == "running"
    started_before = pd.to_datetime(interventions["start_date"]) < since
    has_days = interventions["wave"] != 1  # wave 1 strategies run in lessons, with no sessions to log
    quiet_mask = running & started_before & has_days & (last.isna() | (last < since))
    quiet = interventions[quiet_mask.fillna(False)].sort_values("name").reset_index(drop=True)
    return {"overdue": overdue, "missing_exit": missing_exit, "quiet": quiet}


# --- Headline figures -----------------------------------------------------------------------------------


def headline(
    placements: pd.DataFrame, interventions: pd.DataFrame, impact: pd.DataFrame, *, today: dt.date
) -> dict[str, float | int | None]:
    """The tiles: distinct pupils in provision, interventions running in the period (not still planned), the
    percentage of finished placements with exit data, and how many interventions have each verdict."""
    ended = interventions[
        interventions["status"].isin(FINISHED_STATUSES)
        | (pd.to_datetime(interventions["end_date"]) < pd.Timestamp(today)).fillna(False)
    ]["intervention_id"]
    finished = placements[placements["exit_date"].notna() | placements["intervention_id"].isin(ended)]
    with_exit = int(finished["has_exit_data"].astype(bool).sum()) if len(finished) else 0
    counts = verdict_counts(impact)
    return {
        "pupils": int(placements.groupby("school_id")["pupil_id"].nunique().sum()) if len(placements) else 0,
        "running": int((interventions["status"] != "planned").sum()),
        "finished": len(finished),
        "with_exit": with_exit,
        "pct_exit": (100 * with_exit / len(finished)) if len(finished) else None,
        **counts,
        "no_clear": counts["none"],
    }
