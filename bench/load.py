"""The load test: gunicorn on the bench's PostgreSQL database (and Redis when there is one), 50 simulated staff of
the 2,000-pupil secondary browsing their own pages with locust for 60 seconds.

``run_load`` is what ``python -m bench --only load`` runs (untimed set-up, then the run; the figures come from
locust's statistics, not from the bench's own timer):

1. Staff accounts: the school's SENCO and class teachers, teaching assistants and senior leaders from the demo,
   topped up with bench accounts (role memberships at the secondary) to ``LOAD_MIX``. Each account's pages are
   the main pages of its role, for its own things (a teacher's own class in the results grid, a TA's own group);
   each page is opened once with Django's test client as that account first, and any that does not give a 200
   is left out (and named), so that a 403 in the run can only mean the server got it wrong.
2. gunicorn (``GUNICORN_WORKERS`` x ``GUNICORN_THREADS``, gthread) on a free port of 127.0.0.1, with
   ``REDIS_URL`` set to the bench's Redis (``--redis``, default ``REDIS_URL`` or redis://127.0.0.1:6379/0 when
   it answers): the shared cache, sessions in cached_db. Without Redis it runs with the local memory cache.
   Every account then opens each of its pages once through the server, untimed: the cached figures and charts
   are warm, as they are through a school day (they are worked out again only when their data changes).
3. locust, headless: ``LOAD_USERS`` users started ``LOAD_SPAWN_RATE`` a second, each signing in through the login
   form, then opening a page every 1-3 seconds, for ``LOAD_SECONDS``. Its CSV statistics give requests a
   second, the 50th, 95th and 99th percentiles over every request (sign-ins included) and the errors.

Only addresses of this machine are used; the run stops by itself after ``LOAD_SECONDS``.
"""

from __future__ import annotations

import csv
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

LOAD_USERS = 50
LOAD_SPAWN_RATE = 2  # staff arriving over 25 seconds, not all signing in at the same moment
LOAD_SECONDS = 60
GUNICORN_WORKERS = 4
GUNICORN_THREADS = 2
PUPILS_PER_TEACHER = 2  # pupils of their own class whose progress a teacher opens
# How many accounts of each role the 50 simulated staff use.
LOAD_MIX = {"senco": 3, "leader": 7, "teacher": 32, "ta": 8}


@dataclass
class LoadResult:
    rps: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    errors: int
    requests: int
    login_p50_ms: float | None
    slowest: list[tuple[str, float]] = field(default_factory=list)  # (page, p95 ms), slowest first
    left_out: list[str] = field(default_factory=list)
    redis: str = ""
    workers: str = ""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def redis_for_bench(asked: str | None) -> str:
    """The Redis URL to give gunicorn: ``asked``, else ``REDIS_URL``, else the local default when it answers."""
    import redis

    for url in (asked, os.environ.get("REDIS_URL"), "redis://127.0.0.1:6379/0"):
        if not url:
            continue
        try:
            if redis.Redis.from_url(url, socket_connect_timeout=1).ping():
                return url
        except redis.exceptions.RedisError:
            if url == asked:
                raise
    return ""


def load_plan(school, summary) -> tuple[list[dict], list[str]]:
    """The accounts and their pages (see the module docstring); also the pages left out, and why."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.test import Client
    from django.urls import reverse

    from demo.data.trust import DEMO_PASSWORD
    from interventions.models import Intervention, InterventionStaff, Status
    from provision.models import Membership, Role
    from pupils.models import Pupil, TeachingGroup

    users = get_user_model()
    members = {role: [] for role in LOAD_MIX}
    # Staff of this school only (a trust leader's current school may be another one).
    elsewhere = set(Membership.objects.exclude(school=school).values_list("user_id", flat=True))
    for membership in Membership.objects.filter(school=school).select_related("user").order_by("user__username"):
        if membership.role in members and membership.user_id not in elsewhere:
            members[membership.role].append(membership.user)
    password = make_password(DEMO_PASSWORD)
    for role, wanted in LOAD_MIX.items():
        for index in range(len(members[role]), wanted):
            user, _ = users.objects.get_or_create(
                username=f"bench-{role}-{index + 1}",
                defaults={"first_name": "Bench", "last_name": f"{role.title()} {index + 1}", "password": password},
            )
            Membership.objects.get_or_create(user=user, school=school, defaults={"role": role})
            members[role].append(user)

    pupils = list(Pupil.objects.filter(school=school).on_roll().order_by("pk").values_list("pk", flat=True)[:400])
    running = list(
        Intervention.objects.filter(school=school, status=Status.RUNNING).order_by("pk").values_list("pk", flat=True)
    )
    classes = {user_id: pk for pk, user_id in TeachingGroup.objects.filter(school=school).values_list("pk", "teachers")}
    runs = {row.user_id: row.intervention_id for row in InterventionStaff.objects.filter(intervention__in=running)}

    class_pupils: dict[int, list[int]] = {}
    for pk, group in (
        Pupil.objects.filter(school=school).on_roll().order_by("pk").values_list("pk", "registration_group")
    ):
        class_pupils.setdefault(group, []).append(pk)

    def pages(role: str, user, n: int) -> list[tuple[str, str, int]]:
        pupil = pupils[n % len(pupils)]
        group = running[n % len(running)] if running else None
        common = [("home", reverse("reports:home"), 1), ("pupil list", reverse("pupils:list"), 2),
                  ("pupil", reverse("pupils:detail", args=[pupil]), 3)]  # fmt: skip
        if role == Role.TEACHER:
            own = classes.get(user.pk)
            mine = class_pupils.get(own, [pupil])[:PUPILS_PER_TEACHER]
            return (
                common
                + [
                    ("results grid", reverse("pupils:results_grid") + (f"?group={own}" if own else ""), 3),
                    ("tracking", reverse("reports:tracking"), 2),
                    ("SEN register", reverse("pupils:sen_register"), 1),
                ]
                + [("pupil progress", reverse("reports:pupil_progress", args=[pk]), 1) for pk in mine]
            )
        if role == Role.TA:
            own = runs.get(user.pk, group)
            extra = [("session log", reverse("interventions:session_log", args=[own]), 2)] if own else []
            return [
                ("home", reverse("reports:home"), 1),
                ("today's sessions", reverse("interventions:today"), 3),
            ] + extra
        listed = common + [
            ("dashboard", reverse("reports:dashboard"), 3),
            ("impact", reverse("reports:impact_overview"), 2),
            ("who needs support", reverse("reports:identification"), 2),
            ("provision map", reverse("reports:map"), 1),
            ("interventions", reverse("interventions:list"), 2),
        ]
        if group:
            listed += [("intervention", reverse("interventions:detail", args=[group]), 2),
                       ("group impact", reverse("reports:impact_intervention", args=[group]), 1)]  # fmt: skip
        if role == Role.SENCO:
            listed.append(("SEN register", reverse("pupils:sen_register"), 1))
        return listed

    accounts, left_out = [], []
    for role, wanted in LOAD_MIX.items():
        for n, user in enumerate(members[role][:wanted]):
            client = Client()
            client.force_login(user)
            checked = []
            for name, url, weight in pages(role, user, n):
                status = client.get(url).status_code
                if status == 200:
                    checked.append({"name": name, "url": url, "weight": weight})
                else:
                    left_out.append(f"{user.username} {url} ({status})")
            user.set_password(DEMO_PASSWORD)  # a bench account may predate this password
            user.save(update_fields=["password"])
            accounts.append({"username": user.username, "role": role, "pages": checked})
    return accounts, left_out


def _wait_for(url: str, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn stopped (exit {process.returncode}) before it answered")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (our own server on 127.0.0.1)
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"gunicorn did not answer {url} within {seconds:.0f} s")


def _warm(host: str, accounts: list[dict], password: str) -> None:
    """Each account signs in and opens each of its pages once (four at a time), untimed."""
    from concurrent.futures import ThreadPoolExecutor

    import requests

    def visit(account: dict) -> None:
        with requests.Session() as session:
            session.get(f"{host}/accounts/login/", timeout=120)
            session.post(
                f"{host}/accounts/login/",
                {
                    "username": account["username"],
                    "password": password,
                    "csrfmiddlewaretoken": session.cookies.get("csrftoken", ""),
                },  # fmt: skip
                timeout=120,
            )
            for page in account["pages"]:
                session.get(f"{host}{page['url']}", timeout=120)

    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(visit, accounts))


def run_load(*, accounts: list[dict], left_out: list[str], redis_url: str, seconds: int = LOAD_SECONDS) -> LoadResult:
    """Start gunicorn, run locust against it, stop both; return locust's figures."""
    from demo.data.trust import DEMO_PASSWORD

    work = Path(tempfile.mkdtemp(prefix="provision-bench-load-"))
    plan = work / "plan.json"
    plan.write_text(json.dumps({"password": DEMO_PASSWORD, "accounts": accounts}))
    port = _free_port()
    host = f"http://127.0.0.1:{port}"
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_DEBUG": "false",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "REDIS_URL": redis_url,
            "CACHE_KEY_PREFIX": f"bench-load-{os.getpid()}",
            "BENCH_LOAD_PLAN": str(plan),
            "PYTHONWARNINGS": "ignore",
        }
    )
    if not redis_url:
        env.pop("REDIS_URL", None)
    root = Path(__file__).resolve().parent.parent
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "provision.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(GUNICORN_WORKERS),
            "--threads",
            str(GUNICORN_THREADS),
            "--worker-class",
            "gthread",
            "--timeout",
            "60",
            # Longer than the staff's thinking time: a connection is never closed just as it is used again.
            "--keep-alive",
            "5",
            "--log-level",
            "warning",
        ],  # fmt: skip
        cwd=root,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=(work / "gunicorn.log").open("w"),
        start_new_session=True,
    )
    try:
        _wait_for(f"{host}/accounts/login/", server)
        _warm(host, accounts, DEMO_PASSWORD)
        prefix = work / "locust"
        subprocess.run(
            [
                sys.executable,
                "-m",
                "locust",
                "-f",
                str(root / "bench" / "locustfile.py"),
                "--headless",
                "--users",
                str(LOAD_USERS),
                "--spawn-rate",
                str(LOAD_SPAWN_RATE),
                "--run-time",
                f"{seconds}s",
                "--host",
                host,
                "--csv",
                str(prefix),
                "--only-summary",
                "--loglevel",
                "WARNING",
                "--stop-timeout",
                "5",
            ],  # fmt: skip
            cwd=root,
            env=env,
            check=False,
            timeout=seconds + 120,
            stdout=subprocess.DEVNULL,
            stderr=(work / "locust.log").open("w"),
        )
        rows = list(csv.DictReader((work / "locust_stats.csv").open()))
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
        if redis_url:  # leave the bench's Redis as it was found
            import redis

            connection = redis.Redis.from_url(redis_url)
            for key in connection.scan_iter(f"{env['CACHE_KEY_PREFIX']}:*", count=1000):
                connection.delete(key)
    total = next(row for row in rows if row["Name"] == "Aggregated")
    login = next((row for row in rows if row["Name"] == "login"), None)
    pages = [row for row in rows if row["Name"] not in ("Aggregated",)]
    slowest = sorted(((row["Name"], float(row["95%"])) for row in pages), key=lambda item: -item[1])[:4]
    return LoadResult(
        rps=float(total["Requests/s"]),
        p50_ms=float(total["50%"]),
        p95_ms=float(total["95%"]),
        p99_ms=float(total["99%"]),
        errors=int(total["Failure Count"]),
        requests=int(total["Request Count"]),
        login_p50_ms=float(login["50%"]) if login else None,
        slowest=slowest,
        left_out=left_out,
        redis=redis_url or "none (local memory cache)",
        workers=f"gunicorn {GUNICORN_WORKERS} workers x {GUNICORN_THREADS} threads",
    )
