"""The real Redis path: the shared cache, and background tasks queued in Redis and done by an RQ worker.

These need a Redis server. CI (.ci/run) starts one if it is down and sets ``TEST_REDIS_URL``; with that set, an
unreachable Redis fails these tests. Without it, they use redis://127.0.0.1:6379/13 when it answers and are
skipped when it does not (``make test`` needs nothing but Python). Everything runs in database 13 under keys
of its own; the queue is emptied before and after each test.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import redis
import time_machine
from django.core.cache import caches
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pupils.models import DataImport, ImportStage, ImportStatus, Result
from tests.pupils import results_world

REDIS_URL = os.environ.get("TEST_REDIS_URL") or "redis://127.0.0.1:6379/13"
FILES = Path(__file__).parent / "pupils" / "files"


def _reachable() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.exceptions.RedisError:
        return False


if not os.environ.get("TEST_REDIS_URL") and not _reachable():
    pytest.skip(f"No Redis at {REDIS_URL}: set TEST_REDIS_URL to run these (CI does)", allow_module_level=True)


@pytest.fixture
def with_redis(settings):
    """The settings REDIS_URL gives: the Redis cache (our own key prefix), and tasks queued in Redis."""
    settings.REDIS_URL = REDIS_URL
    settings.CACHES = {
        "default": {
            "BACKEND": "provision.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "provision-test-13",
            "TIMEOUT": 600,
        }
    }
    settings.TASKS_INLINE = False
    queue = _queue()
    queue.empty()
    caches["default"].clear()
    yield queue
    queue.empty()
    caches["default"].clear()


def _queue():
    from provision.tasks import _queue as queue

    return queue()


def _work(queue) -> int:
    """Run what is queued, in this process (so it sees this test's database transaction), as a worker would."""
    from rq import SimpleWorker

    count = queue.count
    SimpleWorker([queue], connection=queue.connection).work(burst=True)
    return count


def test_the_redis_cache_is_shared_and_an_unreachable_redis_is_a_miss(with_redis):
    cache = caches["default"]
    cache.set("figures:test", {"pupils": 12})
    other_server = redis.Redis.from_url(REDIS_URL)
    assert any(b"figures:test" in key for key in other_server.keys("provision-test-13:*"))
    assert cache.get("figures:test") == {"pupils": 12}

    from provision.cache import ResilientRedisCache

    down = ResilientRedisCache("redis://127.0.0.1:1/0", {"OPTIONS": {"socket_connect_timeout": 0.2}})
    assert down.get("anything", "fallback") == "fallback"
    down.set("anything", 1)  # no error: the page goes on without the cache
    assert down.get_many(["a", "b"]) == {}


@pytest.fixture
def autumn():
    with time_machine.travel(dt.datetime(2026, 11, 1, 12, 0, tzinfo=ZoneInfo("Europe/London")), tick=False):
        yield


@pytest.mark.django_db
def test_an_import_is_read_and_applied_by_the_worker(
    client, world, with_redis, settings, autumn, django_capture_on_commit_callbacks
):
    settings.IMPORT_INLINE_BYTES = 0
    results_world.create(world.school)
    client.force_login(world.users["admin"])
    content = (FILES / "results_long.csv").read_bytes()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("pupils:results_import_upload"), {"file": SimpleUploadedFile("r.csv", content)})
    record = DataImport.objects.latest("uploaded_at")
    assert record.stage == ImportStage.READING
    assert with_redis.count == 1 and with_redis.jobs[0].func_name == "pupils.imports.jobs.import_prepare"
    assert _work(with_redis) == 1
    record.refresh_from_db()
    assert record.stage == ImportStage.READY and record.preview

    url = reverse("pupils:import_preview", args=[record.pk])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"action": "confirm"})
    record.refresh_from_db()
    assert record.stage == ImportStage.APPLYING
    _work(with_redis)
    record.refresh_from_db()
    assert record.status == ImportStatus.APPLIED
    assert Result.objects.filter(assessment__school=world.school).count() == record.created_count > 0


@pytest.mark.django_db
def test_the_governors_pdf_is_laid_out_by_the_worker_and_then_downloaded(
    client, world, with_redis, django_capture_on_commit_callbacks, time_machine
):
    from tests.reports.test_dashboard import TODAY, make_oak

    time_machine.move_to(TODAY, tick=False)
    make_oak(world.school, world.pupils)
    client.force_login(world.users["leader"])
    url = reverse("reports:impact_report_pdf")
    with django_capture_on_commit_callbacks(execute=True):
        waiting = client.get(url)
    assert waiting.status_code == 202 and 'http-equiv="refresh"' in waiting.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.get(url).status_code == 202  # asked again while it waits: still one job
    assert with_redis.count == 1
    _work(with_redis)
    ready = client.get(url)
    assert ready.status_code == 200 and ready.content.startswith(b"%PDF")
    assert ready["Content-Disposition"].startswith("attachment;")


@pytest.mark.django_db
def test_a_trust_dashboard_of_many_schools_is_worked_out_by_the_worker(
    client, world, with_redis, settings, django_capture_on_commit_callbacks, time_machine, committed
):
    from tests import factories as f
    from tests.reports.test_dashboard import TODAY, make_oak

    time_machine.move_to(TODAY, tick=False)
    settings.DASHBOARD_BACKGROUND_SCHOOLS = 2
    make_oak(world.school, world.pupils)
    f.school_year(world.other_school)
    leader = f.staff(world.other_school, "leader", username="trustlead")
    f.MembershipFactory(user=leader, school=world.school, role="leader")
    committed()  # the rows above count as committed: the figures may be cached
    client.force_login(leader)
    url = reverse("reports:dashboard")
    with django_capture_on_commit_callbacks(execute=True):
        waiting = client.get(url, {"school": "all"})
    assert waiting.context["preparing"] and 'id="dashboard-preparing"' in waiting.content.decode()
    assert _work(with_redis) == 1
    shown = client.get(url, {"school": "all"})
    assert shown.status_code == 200
    assert shown.context.get("board") is not None and shown.context["board"].selection.side_by_side
