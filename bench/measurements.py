"""What the benchmark measures. Add a measurement with one decorated function:

    @measurement("provision_map")
    def provision_map(bench: Bench) -> Callable[[], object]:
        client = bench.client_for("senco2")          # setting up is not timed
        bench.scope = f"{bench.secondary_pupils():,} pupils"  # what was measured, printed on the line
        url = reverse("reports:provision_map")
        return lambda: bench.get_ok(client, url)     # the returned callable is what is timed

Two sizes of trust are used. ``--pupils`` (20,000 by default) sizes the trust for the seed and the pupil list.
Measurements of "a school" use a trust whose secondary has ``--school-pupils`` pupils (2,000 by default):
they call ``bench.ready_school()``, which reseeds the trust at that size (untimed) if it is not already.
A measurement that cannot run yet (its view or service is still being written) raises ``Skipped``.

Import this module only after ``django.setup()``.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import statistics
import tempfile
import time
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, field
from io import StringIO
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import NoReverseMatch, reverse

from demo.data.sizes import PRIMARY_PUPILS
from demo.data.trust import SECONDARY
from demo.management.commands.seed_demo import DemoSummary, seed_demo
from pupils.models import Assessment, Pupil, Scale, ScaleKind, Subject
from pupils.models import Result as PupilResult

Prepare = Callable[["Bench"], Callable[[], object]]


@dataclass(frozen=True)
class Measurement:
    name: str
    prepare: Prepare
    runs: int | None  # a fixed number of timed runs, or None for --repeat
    warm_up: bool  # one untimed run first (fills template and URL caches)


MEASUREMENTS: dict[str, Measurement] = {}
DEFAULT_SCHOOL_PUPILS = 2_000


class Skipped(Exception):
    """Raised by a measurement's set-up when it cannot run yet; the message says why."""


def measurement(name: str, *, runs: int | None = None, warm_up: bool = True) -> Callable[[Prepare], Prepare]:
    """Register ``prepare(bench)``, which sets up (untimed) and returns the callable to time."""

    def register(prepare: Prepare) -> Prepare:
        if name in MEASUREMENTS:
            raise ValueError(f"Two benchmark measurements are called {name!r}.")
        MEASUREMENTS[name] = Measurement(name=name, prepare=prepare, runs=runs, warm_up=warm_up)
        return prepare

    return register


@dataclass
class Result:
    name: str
    median_ms: float | None
    queries: int
    n: int
    scope: str = ""  # what was measured: the size of the trust or school
    skipped: str = ""  # why it did not run
    extra: dict = field(default_factory=dict)  # a measurement's own figures (the load test's p95, errors...)

    def as_dict(self) -> dict:
        row = {
            "name": self.name,
            "median_ms": None if self.median_ms is None else round(self.median_ms, 3),
            "queries": self.queries,
            "n": self.n,
            "scope": self.scope,
        }
        row.update(self.extra)
        if self.skipped:
            row["skipped"] = self.skipped
        return row

    def line(self) -> str:
        if self.skipped:
            return f"{self.name:<20} skipped ({self.skipped})"
        scope = f"  ({self.scope})" if self.scope else ""
        return f"{self.name:<20} {self.median_ms:>10.1f} ms {self.queries:>6} queries  n={self.n}{scope}"


@dataclass
class Bench:
    """The state measurements share: the sizes asked for and the seeded demo trust.

    ``pupils`` is the whole trust's size for trust-wide measurements; ``school_pupils`` the size of the
    secondary for measurements of one school. ``scope`` is set by each measurement's set-up to say what it
    measured (printed at the end of its line).
    """

    pupils: int
    seed: int
    school_pupils: int = DEFAULT_SCHOOL_PUPILS
    today: dt.date | None = None  # the demo's "today" (None: the real date)
    summary: DemoSummary | None = None
    scope: str = ""
    extra: dict = field(default_factory=dict)  # set by a measurement: its own figures, for the JSON row
    redis: str | None = None  # --redis: the Redis the load test's servers share
    _clients: dict[str, Client] = field(default_factory=dict)
    _analysed: bool = False
    _provision: object = None  # bench.provision_scale.TopUp once the school's provision is topped up

    def seed_trust(self, pupils: int | None = None) -> DemoSummary:
        """Build (or rebuild) the demo trust with ``pupils`` pupils (default: the benchmark's size)."""
        self.summary = seed_demo(pupils=pupils or self.pupils, seed=self.seed, reset=True, today=self.today)
        self._clients.clear()
        self._analysed = False
        self._provision = None
        return self.summary

    def ready(self, pupils: int | None = None) -> DemoSummary:
        """The seeded trust of ``pupils`` pupils (default: the benchmark's size), reseeded if it has another
        size, with PostgreSQL's planner statistics brought up to date as autovacuum would soon do on a real
        server (straight after a bulk load the planner thinks the tables are empty)."""
        wanted = pupils or self.pupils
        summary = self.summary
        if summary is None or summary.pupil_count != wanted:
            summary = self.seed_trust(wanted)
        if not self._analysed:
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE")
            self._analysed = True
        return summary

    def ready_school(self) -> DemoSummary:
        """The trust whose secondary has ``school_pupils`` pupils: the school the per-school targets are for."""
        return self.ready(PRIMARY_PUPILS + self.school_pupils)

    def ready_provision(self):
        """``ready_school()``, with the secondary's provision for the academic year in progress topped up (once,
        untimed) to the size the provision targets are for: 125 interventions and 1,000 placements a year per
        1,000 pupils (250 and 2,000 at 2,000 pupils). See ``bench.provision_scale``; returns its ``TopUp``."""
        from .provision_scale import top_up

        summary = self.ready_school()
        if self._provision is None:
            school = summary.roll.schools[SECONDARY].demo_school.school
            on_roll = Pupil.objects.filter(school=school, left_on__isnull=True).count()
            self._provision = top_up(school=school, today=summary.today, seed=self.seed, pupils_on_roll=on_roll)
        return self._provision

    def secondary_pupils(self) -> int:
        """Pupils at the secondary of the trust as it stands."""
        summary = self.summary or self.ready()
        return len(summary.roll.schools[SECONDARY].pupils)

    def client_for(self, username: str) -> Client:
        """A test client signed in as one of the demo logins (of the trust as it stands, seeding if none)."""
        if self.summary is None:
            self.ready()
        if username not in self._clients:
            client = Client()
            client.force_login(get_user_model().objects.get(username=username))
            self._clients[username] = client
        return self._clients[username]

    @staticmethod
    def get_ok(client: Client, url: str) -> None:
        response = client.get(url)
        if response.status_code != 200:
            raise AssertionError(f"GET {url} gave {response.status_code}, not 200")


class QueryCounter:
    """Counts the queries run on ``connection`` while active, whatever DEBUG says.

    It counts at the same place as ``CaptureQueriesContext`` (and so ``django_assert_num_queries``): every
    cursor ``execute`` and ``executemany``. It keeps no SQL, unlike the debug cursor, which on SQLite runs
    extra queries to quote every parameter of a bulk insert and made a 20,000-pupil seed a quarter slower
    (and whose log stops at 9,000 queries).
    """

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def run(bench: Bench, item: Measurement, repeat: int) -> Result:
    """Time ``item`` ``repeat`` times (or its own fixed count); queries are counted on the last run."""
    bench.scope = ""
    bench.extra = {}
    try:
        timed = item.prepare(bench)
    except Skipped as exc:
        return Result(name=item.name, median_ms=None, queries=0, n=0, skipped=str(exc))
    runs = item.runs or repeat
    if item.warm_up:
        timed()
    times = []
    counter = QueryCounter()
    for index in range(runs):
        with connection.execute_wrapper(counter) if index == runs - 1 else nullcontext():
            started = time.perf_counter()
            timed()
            times.append(time.perf_counter() - started)
    median = bench.extra.pop("median_ms", None)
    return Result(
        name=item.name,
        median_ms=median if median is not None else 1000 * statistics.median(times),
        queries=counter.count,
        n=runs,
        scope=bench.scope,
        extra=dict(bench.extra),
    )


# --- The measurements ---------------------------------------------------------------------------------


@measurement("seed_demo", runs=1, warm_up=False)
def seed(bench: Bench) -> Callable[[], object]:
    """One seed of the whole trust at the benchmark's size (it is also what the next measurements read)."""
    bench.scope = f"trust of {bench.pupils:,} pupils"
    return bench.seed_trust


@measurement("pupil_list")
def pupil_list(bench: Bench) -> Callable[[], object]:
    """The first page of the pupil list at the big secondary, as its SENCO."""
    bench.ready()
    client = bench.client_for("senco2")
    bench.scope = f"secondary of {bench.secondary_pupils():,} pupils"
    url = reverse("pupils:list")
    return lambda: bench.get_ok(client, url)


@measurement("identification_list")
def identification_list(bench: Bench) -> Callable[[], object]:
    """Who needs support, the whole list for a 2,000-pupil secondary (``--school-pupils``), as its SENCO."""
    try:
        url = reverse("reports:identification")
    except NoReverseMatch:
        raise Skipped("view not available yet") from None
    bench.ready_school()
    client = bench.client_for("senco2")
    school = bench.summary.roll.schools[SECONDARY].demo_school.school
    results = PupilResult.objects.filter(assessment__school=school).count()
    bench.scope = f"secondary of {bench.secondary_pupils():,} pupils, {results:,} results"
    return lambda: bench.get_ok(client, url)


@measurement("impact_school")
def impact_school(bench: Bench) -> Callable[[], object]:
    """Impact evaluation of every intervention of the 2,000-pupil secondary over the academic year in progress
    (target under 1 s): ``reports.impact.school_figures.impact_frames`` and ``reports.impact.evaluation.evaluate``, with the
    school's provision and results topped up by ``bench.provision_scale``. Registered before import_results,
    which adds 100,000 results to the same school."""
    try:
        from reports.impact import evaluation
        from reports.impact import school_figures as impact_figures
    except ImportError:
        raise Skipped("reports.impact.evaluation is not available yet") from None
    from provision.access import operator_reads
    from provision.models import Term

    provision = bench.ready_provision()
    school = bench.summary.roll.schools[SECONDARY].demo_school.school
    year = Term.objects.current_for(school, bench.summary.today).academic_year

    def frames() -> object:
        with operator_reads():  # the bench has no signed-in user: it reads as an operator
            return impact_figures.impact_frames(None, schools=school, start=year.start_date, end=year.end_date)

    def timed() -> evaluation.Evaluation:
        loaded = frames()
        return evaluation.evaluate(loaded.placements, loaded.interventions, loaded.results, loaded.all_placements)

    # One untimed run for the figures on the line, and the split between reading and computing.
    started = time.perf_counter()
    loaded = frames()
    read = time.perf_counter() - started
    started = time.perf_counter()
    result = evaluation.evaluate(loaded.placements, loaded.interventions, loaded.results, loaded.all_placements)
    computed = time.perf_counter() - started
    groups, programmes = result.groups, result.programmes
    mix = ", ".join(f"{key} {int((groups['verdict'] == key).sum())}" for key in evaluation.VERDICTS)
    programme_mix = ", ".join(f"{key} {int((programmes['verdict'] == key).sum())}" for key in evaluation.VERDICTS)
    school_results = PupilResult.objects.filter(assessment__school=school).count()
    bench.scope = (
        f"secondary of {bench.secondary_pupils():,} pupils, {year.name}: {len(groups):,} groups, "
        f"{len(result.pupils):,} placements ({int(result.pupils['measured'].sum()):,} with entry and exit), "
        f"{len(loaded.results):,} results in their subjects of {school_results:,}, {len(result.comparison):,} "
        f"comparison gains; groups: {mix}; {len(programmes)} programmes: {programme_mix}; "
        f"{len(result.rethink)} pupils to rethink; first run: read {1000 * read:.0f} ms, evaluate "
        f"{1000 * computed:.0f} ms ({provision.added_results:,} results added by bench.provision_scale)"
    )
    return timed


@measurement("dashboard")
def dashboard(bench: Bench) -> Callable[[], object]:
    """The leaders' dashboard of the 2,000-pupil secondary for the academic year in progress, as its SENCO
    (target under 1 s). The chart cache is cleared before every run, so each one draws its charts as a first
    visit would. Registered before import_results, like impact_school."""
    try:
        url = reverse("reports:dashboard")
    except NoReverseMatch:
        raise Skipped("the dashboard is not available yet") from None
    from django.core.cache import cache

    from provision.models import Term

    provision = bench.ready_provision()
    school = bench.summary.roll.schools[SECONDARY].demo_school.school
    year = Term.objects.current_for(school, bench.summary.today).academic_year
    client = bench.client_for("senco2")
    bench.scope = (
        f"secondary of {bench.secondary_pupils():,} pupils, {year.name}: {provision.interventions:,} interventions, "
        f"{provision.placements:,} placements; charts drawn afresh on every run"
    )

    def timed() -> None:
        cache.clear()
        bench.get_ok(client, f"{url}?period=year-{year.pk}")

    return timed


IMPORT_ROWS = 100_000


@measurement("import_results", runs=1, warm_up=False)
def import_results(bench: Bench) -> Callable[[], object]:
    """``import_results`` of a file of 100,000 new results (one per row) for the 2,000-pupil secondary, through
    the command. Once only: a second run of the same file would change nothing, which is other work."""
    if importlib.util.find_spec("pupils.imports.results_apply") is None:
        raise Skipped("pupils.imports.results_apply not available yet")
    bench.ready_school()
    school = bench.summary.roll.schools[SECONDARY].demo_school.school
    pupils = list(
        Pupil.objects.filter(school=school)
        .on_roll()
        .order_by("pk")
        .values_list("upn", "legal_last_name", "legal_first_name")
    )
    count = -(-IMPORT_ROWS // len(pupils))  # assessments needed for IMPORT_ROWS results
    subject = Subject.objects.get(school=school, name="Maths")
    scale = Scale.objects.get(school=school, kind=ScaleKind.STANDARDISED)
    today = bench.summary.today
    names = [f"Benchmark maths quiz {index + 1:03d}" for index in range(count)]
    Assessment.objects.bulk_create(
        Assessment(school=school, name=name, subject=subject, scale=scale, taken_on=today) for name in names
    )
    lines = ["UPN,Surname,Forename,Assessment,Result"]
    for index in range(IMPORT_ROWS):
        upn, surname, forename = pupils[index % len(pupils)]
        name = names[index // len(pupils)]
        lines.append(f'{upn},"{surname}","{forename}",{name},{85 + (index * 7919) % 45}')
    path = Path(tempfile.mkdtemp(prefix="provision-bench-import-")) / "results.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    bench.scope = f"{IMPORT_ROWS:,} results for a secondary of {len(pupils):,} pupils"

    def timed() -> None:
        out = StringIO()
        try:
            call_command("import_results", str(path), "--school", school.urn, stdout=out)
        finally:
            path.unlink(missing_ok=True)
            path.parent.rmdir()
        if f"created {IMPORT_ROWS}," not in out.getvalue():
            raise AssertionError(f"import_results did not create {IMPORT_ROWS:,} results: {out.getvalue()[-500:]}")

    return timed


def _provision_map_url(name: str, bench: Bench) -> str:
    """The map (or its PDF) of the 2,000-pupil secondary for the current academic year, as its SENCO; the scope
    says how much provision that year holds."""
    try:
        url = reverse(name)
        from reports.maps.build import build_map

        build_map  # noqa: B018 (importable, and written: the view calls it)
    except (NoReverseMatch, ImportError):
        raise Skipped("the provision map view is not available yet") from None
    from provision.models import Term

    provision = bench.ready_provision()
    school = bench.summary.roll.schools[SECONDARY].demo_school.school
    year = Term.objects.current_for(school, bench.summary.today).academic_year
    bench.scope = (
        f"secondary of {bench.secondary_pupils():,} pupils, {year.name}: {provision.interventions:,} interventions, "
        f"{provision.placements:,} placements ({provision.added_interventions:,} and "
        f"{provision.added_placements:,} added by bench.provision_scale)"
    )
    return f"{url}?year={year.pk}"


@measurement("provision_map")
def provision_map(bench: Bench) -> Callable[[], object]:
    """The school's provision map for a whole year (target under 200 ms), as its SENCO."""
    url = _provision_map_url("reports:map", bench)
    client = bench.client_for("senco2")
    return lambda: bench.get_ok(client, url)


@measurement("provision_map_pdf")
def provision_map_pdf(bench: Bench) -> Callable[[], object]:
    """The same map as a landscape A4 PDF (target under 2 s), as its SENCO."""
    url = _provision_map_url("reports:map_pdf", bench)
    client = bench.client_for("senco2")
    return lambda: bench.get_ok(client, url)


# --- Repeat visits: the cached figures (provision.figures) ----------------------------------------------------


def _repeat(bench: Bench, url: str, what: str) -> Callable[[], object]:
    """``url`` of the 2,000-pupil secondary as its SENCO, opened once (untimed: it fills the cache), then timed as
    a repeat visit (target under 100 ms)."""
    from django.conf import settings

    provision = bench.ready_provision()
    client = bench.client_for("senco2")
    backend = "Redis" if settings.REDIS_URL else "local memory"
    bench.scope = (
        f"{what} of a secondary of {bench.secondary_pupils():,} pupils ({provision.interventions:,} interventions, "
        f"{provision.placements:,} placements), figures from the {backend} cache"
    )
    bench.get_ok(client, url)
    return lambda: bench.get_ok(client, url)


@measurement("dashboard_repeat")
def dashboard_repeat(bench: Bench) -> Callable[[], object]:
    """The leaders' dashboard of the year again, its figures and charts cached since the first visit."""
    from provision.models import Term

    bench.ready_provision()
    school = bench.summary.roll.schools[SECONDARY].demo_school.school
    year = Term.objects.current_for(school, bench.summary.today).academic_year
    return _repeat(bench, f"{reverse('reports:dashboard')}?period=year-{year.pk}", "the year's dashboard")


@measurement("impact_repeat")
def impact_repeat(bench: Bench) -> Callable[[], object]:
    """The impact page (the last 12 months) again."""
    return _repeat(bench, reverse("reports:impact_overview"), "the impact page")


@measurement("identification_repeat")
def identification_repeat(bench: Bench) -> Callable[[], object]:
    """Who needs support again."""
    return _repeat(bench, reverse("reports:identification"), "who needs support")


# --- Uploads at the limits -------------------------------------------------------------------------------------


@measurement("import_limits", runs=1, warm_up=False)
def import_limits(bench: Bench) -> Callable[[], object]:
    """How the largest files the limits accept are read, and how a zip bomb is refused: see bench.import_probe.
    Timed: refusing a workbook that unpacks to 1 GB (target under a second). The scope gives, for a
    200,000-row CSV and .xlsx of results and a CSV of 2,000,000 filled cells, the peak memory of a process that
    reads it, works out its preview and applies it (target under 500 MB), and how long each took."""
    from . import import_probe

    bench.ready_school()
    school = bench.summary.roll.schools[SECONDARY].demo_school.school
    figures = import_probe.probe_all(school)
    bench.scope = "; ".join(figures.lines)
    bench.extra = {"peak_mb": figures.peak_mb, "bomb_ms": figures.bomb_ms}
    bomb = figures.bomb
    return lambda: import_probe.refuse(bomb)


# --- Load: gunicorn, 50 staff, 60 seconds ----------------------------------------------------------------------


@measurement("load", runs=1, warm_up=False)
def load(bench: Bench) -> Callable[[], object]:
    """50 simulated staff of the 2,000-pupil secondary for 60 seconds against gunicorn on PostgreSQL and Redis
    (target: p95 under 500 ms, no errors). See bench.load."""
    if connection.vendor != "postgresql":
        raise Skipped("the load test runs on PostgreSQL: set DATABASE_URL")
    from . import load as load_test

    bench.ready_provision()
    school = bench.summary.roll.schools[SECONDARY].demo_school.school
    accounts, left_out = load_test.load_plan(school, bench.summary)
    redis_url = load_test.redis_for_bench(bench.redis)
    connection.close()  # the servers get the database to themselves

    def timed() -> None:
        result = load_test.run_load(accounts=accounts, left_out=left_out, redis_url=redis_url)
        bench.extra = {
            "p95_ms": result.p95_ms,
            "p50_ms": result.p50_ms,
            "p99_ms": result.p99_ms,
            "rps": result.rps,
            "errors": result.errors,
            "requests": result.requests,
            "median_ms": result.p50_ms,
        }
        roles = ", ".join(f"{n} {role}" for role, n in load_test.LOAD_MIX.items())
        slowest = ", ".join(f"{name} {p95:.0f}" for name, p95 in result.slowest)
        bench.scope = (
            f"{load_test.LOAD_USERS} staff ({roles}) of a secondary of {bench.secondary_pupils():,} pupils for "
            f"{load_test.LOAD_SECONDS} s, {result.workers}, Redis {result.redis}: {result.requests:,} requests, "
            f"{result.rps:.1f}/s, p50 {result.p50_ms:.0f} ms, p95 {result.p95_ms:.0f} ms, p99 {result.p99_ms:.0f} ms, "
            f"{result.errors} errors; sign-in p50 {result.login_p50_ms or 0:.0f} ms; slowest p95: {slowest}"
            + (f"; pages left out: {'; '.join(result.left_out)}" if result.left_out else "")
        )

    return timed
