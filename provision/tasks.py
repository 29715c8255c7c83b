"""Background tasks: work too long for a web request (reading a large import, the governors' PDF, a trust's
dashboard over many schools) goes to an RQ queue in Redis and is done by a worker process:

    .venv/bin/python manage.py rqworker default

Why RQ: it needs nothing but the Redis we already use for the shared cache, a task is a plain function, the
worker forks a fresh process for each task (a task that runs away with memory or time is killed alone, and a
crash cannot leave a worker half-broken), and it is small and well kept. django-rq gives the worker command
(which closes database connections before it forks) and the settings. Celery would bring a second broker's
worth of concepts; django-tasks' Redis backend was young when we chose.

Without Redis (``TASKS_INLINE``: the demo, the test suite, a one-server install) a task runs at once, inside
the request that asked for it, so the same code paths work with nothing else installed.

Tasks record their own progress where their pages read it (the import's row, the cache), so a page never needs
the queue to know how its work is going; ``job_state`` is for noticing a task the queue has lost.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import transaction

logger = logging.getLogger(__name__)

# RQ's words for a job that is waiting or under way.
WAITING_STATES = ("queued", "started", "deferred", "scheduled", "created")


def runs_inline() -> bool:
    """True when tasks run inside the request (no Redis, or ``TASKS_INLINE=true``)."""
    return settings.TASKS_INLINE


_connections: dict[str, object] = {}


def _queue():
    """The "default" queue in the Redis of ``REDIS_URL`` (the queue ``manage.py rqworker default`` serves)."""
    import redis
    from rq import Queue

    url = settings.REDIS_URL
    if url not in _connections:
        _connections[url] = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=5)
    return Queue("default", connection=_connections[url], default_timeout=settings.TASK_TIMEOUT_SECONDS)


def enqueue(func: Callable[..., Any], *args: Any, job_id: str | None = None, description: str = "", **kwargs) -> bool:
    """Run ``func(*args, **kwargs)`` in the background; True when it was queued, False when it ran already.

    ``func`` must be a module-level function (the worker imports it by name) and its arguments must pickle:
    pass ids, not model instances, where the row may change. The job is sent when the current transaction
    commits, so the worker sees the rows the request wrote. A ``job_id`` makes it unique: while a job of that
    id waits or runs, asking again adds nothing. If Redis cannot be reached the task runs inline instead (and
    a warning is logged): slow is better than lost.
    """
    if runs_inline():
        func(*args, **kwargs)
        return False
    try:
        queue = _queue()
        if job_id is not None and job_state(job_id) in WAITING_STATES:
            return True
    except Exception as exc:  # noqa: BLE001 (redis raises several kinds; any of them means "no queue")
        logger.warning("Task queue unreachable, running %s inline: %s", func.__name__, exc)
        func(*args, **kwargs)
        return False

    def send() -> None:
        try:
            queue.enqueue_call(
                func,
                args=args,
                kwargs=kwargs,
                job_id=job_id,
                description=description or func.__name__,
                timeout=settings.TASK_TIMEOUT_SECONDS,
                result_ttl=600,
                failure_ttl=7 * 24 * 60 * 60,
            )
        except Exception as exc:  # noqa: BLE001
            logger.warning("Task queue unreachable, running %s inline: %s", func.__name__, exc)
            func(*args, **kwargs)

    transaction.on_commit(send)
    return True


def job_state(job_id: str) -> str | None:
    """What RQ says of a job ("queued", "started", "finished", "failed"...), or None when it knows none."""
    if runs_inline():
        return None
    from rq.exceptions import NoSuchJobError
    from rq.job import Job

    try:
        return str(Job.fetch(job_id, connection=_queue().connection).get_status(refresh=True).value)
    except NoSuchJobError:
        return None
    except Exception as exc:  # noqa: BLE001
        logger.warning("Task queue unreachable while asking after %s: %s", job_id, exc)
        return None
