"""Faults: a worker killed in the middle of applying an import leaves nothing half-written (and the import can be
confirmed again), and a backup made with pg_dump restores with every row back.

Each runs real processes against a scratch database of its own (PostgreSQL when the suite runs on it, else a
SQLite file): the test's own database lives inside a transaction that another process cannot see.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.db import connection

from bench.database import scratch_database

ROOT = Path(__file__).resolve().parent.parent
# The processes these tests start are not under the test runner, so they need a key of their own (not a secret).
SUBPROCESS_ENV = {"DJANGO_SECRET_KEY": "tests-subprocess-" + "k" * 40, "PYTHONWARNINGS": "ignore"}


def _step(url: str, *args: str, expect_killed: bool = False) -> dict | None:
    env = dict(os.environ, DATABASE_URL=url, DJANGO_SETTINGS_MODULE="provision.settings", **SUBPROCESS_ENV)
    env.pop("REDIS_URL", None)
    done = subprocess.run(
        [sys.executable, "-m", "tests.faults_probe", *args], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=300, check=False,
    )  # fmt: skip
    if expect_killed:
        assert done.returncode == -signal.SIGKILL, (done.returncode, done.stderr[-2000:])
        return None
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def suite_database_url() -> str | None:
    """A PostgreSQL URL for the server the suite runs on (its scratch databases go beside the test database)."""
    if connection.vendor != "postgresql":
        return None
    settings = connection.settings_dict
    user = settings.get("USER") or "postgres"
    password = f":{settings['PASSWORD']}" if settings.get("PASSWORD") else ""
    host = settings.get("HOST") or "127.0.0.1"
    port = settings.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{settings['NAME']}"


def _query(url: str, sql: str) -> list[tuple]:
    if urlsplit(url).scheme == "sqlite":
        with sqlite3.connect(urlsplit(url).path) as db:
            return db.execute(sql).fetchall()
    import psycopg2

    parts = urlsplit(url)
    with psycopg2.connect(
        dbname=parts.path.lstrip("/"), user=parts.username, password=parts.password, host=parts.hostname,
        port=parts.port,
    ) as db, db.cursor() as cursor:  # fmt: skip
        cursor.execute(sql)
        return cursor.fetchall()


@pytest.mark.django_db
def test_a_worker_killed_mid_import_leaves_nothing_half_written(scratch):
    held = _step(scratch, "setup")
    assert held["stage"] == "ready"
    results = "SELECT count(*) FROM pupils_result"
    assert _query(scratch, results) == [(0,)]

    _step(scratch, "kill-applying", str(held["import"]), expect_killed=True)
    assert _query(scratch, results) == [(0,)]  # every row had been written; none was committed
    status = _query(scratch, f"SELECT status, stage FROM pupils_dataimport WHERE id = {held['import']}")
    assert status == [("preview", "ready")]  # still held: it can be confirmed again

    applied = _step(scratch, "apply", str(held["import"]))
    assert applied["summary"].startswith("created 40,")
    assert _query(scratch, results) == [(40,)]


TABLES = """SELECT table_name FROM information_schema.tables
            WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name"""


def _fingerprint(url: str) -> dict[str, tuple[int, str]]:
    """Each table's row count and an MD5 of all its rows (as text, in a fixed order)."""
    prints = {}
    for (table,) in _query(url, TABLES):
        prints[table] = _query(
            url, f"SELECT count(*), coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') FROM \"{table}\" t"
        )[0]
    return prints


@pytest.mark.django_db
def test_pg_dump_and_pg_restore_bring_every_row_back(django_db_blocker):
    source_url = suite_database_url()
    if source_url is None:
        pytest.skip("pg_dump and pg_restore are PostgreSQL's: this runs when the suite runs on PostgreSQL")
    with django_db_blocker.unblock():
        seeded = scratch_database(source_url, suffix=f"dump{os.getpid()}")
        restored = scratch_database(source_url, suffix=f"restore{os.getpid()}")
    work = Path(tempfile.mkdtemp(prefix="provision-dump-"))
    try:
        env = dict(os.environ, DATABASE_URL=seeded.url, **SUBPROCESS_ENV)
        env.pop("REDIS_URL", None)
        for command in (["migrate", "--noinput", "-v0"], ["seed_demo", "--pupils", "400", "--seed", "3"]):
            done = subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, capture_output=True,
                                  text=True, timeout=600, check=False)  # fmt: skip
            assert done.returncode == 0, done.stderr[-3000:]
        dump = work / "provision.dump"
        # The commands the README gives (README, "Backups").
        subprocess.run(
            ["pg_dump", "--format=custom", "--no-owner", f"--file={dump}", seeded.url], check=True, timeout=300
        )
        subprocess.run(["pg_restore", "--no-owner", "--exit-on-error", f"--dbname={restored.url}", str(dump)],
                       check=True, timeout=300)  # fmt: skip
        before, after = _fingerprint(seeded.url), _fingerprint(restored.url)
        assert before == after
        assert before["pupils_pupil"][0] == 400 and before["pupils_result"][0] > 1000
        # Sequences come back too: the next pupil gets a new id, not one already used.
        next_ids = "SELECT last_value FROM pupils_pupil_id_seq"
        assert _query(seeded.url, next_ids) == _query(restored.url, next_ids)
    finally:
        shutil.rmtree(work, ignore_errors=True)
        seeded.drop()
        restored.drop()
