"""What the benchmark measures. Add a measurement with one decorated function:

    @measurement("provision_map")
    def provision_map(bench: Bench) -> Callable[[], object]:
        client = bench.client_for("senco2")          # setting up is not timed
        url = reverse("reports:provision_map")
        return lambda: bench.get_ok(client, url)     # the returned callable is what is timed

Import this module only after ``django.setup()``.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.urls import reverse

from reports.management.commands.seed_demo import DemoSummary, seed_demo

Prepare = Callable[["Bench"], Callable[[], object]]


@dataclass(frozen=True)
class Measurement:
    name: str
    prepare: Prepare
    runs: int | None  # a fixed number of timed runs, or None for --repeat
    warm_up: bool  # one untimed run first (fills template and URL caches)


MEASUREMENTS: dict[str, Measurement] = {}


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
    median_ms: float
    queries: int
    n: int

    def as_dict(self) -> dict:
        return {"name": self.name, "median_ms": round(self.median_ms, 3), "queries": self.queries, "n": self.n}

    def line(self) -> str:
        return f"{self.name:<18} {self.median_ms:>10.1f} ms {self.queries:>6} queries  n={self.n}"


@dataclass
class Bench:
    """The state measurements share: the size asked for and the seeded demo trust."""

    pupils: int
    seed: int
    summary: DemoSummary | None = None
    _clients: dict[str, Client] = field(default_factory=dict)
    _analysed: bool = False

    def seed_trust(self) -> DemoSummary:
        """Build (or rebuild) the demo trust at the benchmark's size."""
        self.summary = seed_demo(pupils=self.pupils, seed=self.seed, reset=True)
        self._clients.clear()
        self._analysed = False
        return self.summary

    def ready(self) -> DemoSummary:
        """The seeded trust, with PostgreSQL's planner statistics brought up to date as autovacuum would soon
        do on a real server (straight after a bulk load the planner thinks the tables are empty)."""
        summary = self.summary or self.seed_trust()
        if not self._analysed:
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE")
            self._analysed = True
        return summary

    def client_for(self, username: str) -> Client:
        """A test client signed in as one of the demo logins."""
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
    timed = item.prepare(bench)
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
    return Result(name=item.name, median_ms=1000 * statistics.median(times), queries=counter.count, n=runs)


# --- The measurements ---------------------------------------------------------------------------------


@measurement("seed_demo", runs=1, warm_up=False)
def seed(bench: Bench) -> Callable[[], object]:
    """One seed of the whole trust at the benchmark's size (it is also what the other measurements read)."""
    return bench.seed_trust


@measurement("pupil_list")
def pupil_list(bench: Bench) -> Callable[[], object]:
    """The first page of the pupil list at the big secondary, as its SENCO."""
    client = bench.client_for("senco2")
    url = reverse("pupils:list")
    return lambda: bench.get_ok(client, url)
