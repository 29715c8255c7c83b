"""Cached figures: the results of heavy reads (the dashboard, impact evaluation, who needs support), kept in the
cache per school and thrown away when what they were computed from changes.

    board = figures.cached("dashboard", schools=[school], key=(period, subject), compute=lambda: build(...))

A cached value's key holds each school's :class:`~provision.models.FiguresVersion` token (one query for all the
schools), so a new token makes every figure of that school stale at once; stale entries are never read again
and expire with the cache's timeout. ``figures_changed(school_id)`` gives new tokens once the current
transaction commits (so a page computing meanwhile cannot cache old data under the new token); until then the
transaction that made the change computes those schools' figures afresh and caches none, so it always sees its
own writes. Which writes call it is said in one place, ``reports.invalidation``.

The cache is Redis when ``REDIS_URL`` is set (shared by every worker and server) and local memory otherwise.
Keys also carry ``FIGURES_SCHEMA``: bump it when the shape of a cached value changes, so that servers running
the new code never read values pickled by the old.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from collections.abc import Callable, Iterable, Iterator
from functools import wraps
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import FiguresVersion, School

T = TypeVar("T")
FIGURES_SCHEMA = 1
# Longest a page waits for another process already working out the same figure before working it out itself.
COMPUTE_LOCK_SECONDS = 30


def _ids(schools: Iterable[School | int] | School | int) -> list[int]:
    if isinstance(schools, School | int):
        schools = [schools]
    return sorted({school if isinstance(school, int) else school.pk for school in schools})


def school_tokens(schools: Iterable[School | int] | School | int) -> dict[int, str]:
    """Each school's current figures token (one query; a school seen for the first time gets one)."""
    ids = _ids(schools)
    tokens = dict(FiguresVersion.objects.filter(school_id__in=ids).values_list("school_id", "token"))
    missing = [pk for pk in ids if pk not in tokens]
    if missing:
        now = timezone.now()
        rows = [FiguresVersion(school_id=pk, token=secrets.token_hex(16), changed_at=now) for pk in missing]
        try:
            with transaction.atomic():
                FiguresVersion.objects.bulk_create(rows, ignore_conflicts=True)
        except IntegrityError:  # the school itself is gone (deleted meanwhile): nothing to cache for it
            pass
        tokens.update(FiguresVersion.objects.filter(school_id__in=missing).values_list("school_id", "token"))
        for pk in missing:
            tokens.setdefault(pk, "gone")
    return tokens


def cache_key(name: str, schools: Iterable[School | int] | School | int, key: object = ()) -> str:
    """The cache key of figure ``name`` for ``schools`` as their data stands now, and ``key`` (its filters)."""
    tokens = school_tokens(schools)
    text = repr((FIGURES_SCHEMA, name, sorted(tokens.items()), key))
    return f"figures:{name}:{hashlib.sha256(text.encode()).hexdigest()}"


def cached(
    name: str,
    *,
    schools: Iterable[School | int] | School | int,
    key: object = (),
    compute: Callable[[], T],
    timeout: int | None = None,
) -> T:
    """``compute()``, or what it gave last time for the same schools, data and ``key``.

    ``key`` must say everything else the value depends on (period, filters, today's date when it matters) and
    have a stable ``repr``. The value must pickle (Redis) or not be changed by its readers (local memory).
    """
    if uncommitted_changes() & set(_ids(schools)):
        # This transaction changed their data and has not committed: its figures are its own, not for the cache.
        return compute()
    full_key = cache_key(name, schools, key)
    value = cache.get(full_key)
    if value is not None:
        return value
    # One computes, the others wait for it: when a change makes a figure stale, the ten leaders who open the
    # dashboard in the next second must not all work it out at once (with Redis, across every server).
    lock = f"{full_key}:computing"
    if not cache.add(lock, 1, COMPUTE_LOCK_SECONDS):
        waited = 0.0
        while waited < COMPUTE_LOCK_SECONDS:
            time.sleep(0.05)
            waited += 0.05
            value = cache.get(full_key)
            if value is not None:
                return value
            if cache.get(lock) is None:  # the one computing gave up (or died): compute it here
                break
    try:
        value = compute()
        cache.set(full_key, value, timeout if timeout is not None else settings.CACHE_TIMEOUT)
    finally:
        cache.delete(lock)
    return value


def fragment_key(name: str, schools: Iterable[School | int] | School | int, key: object = ()) -> str:
    """A key for a template fragment cached with the figures (``{% cache ... fragment_key %}``): the figures'
    key, or one never seen before when this transaction has changed those schools (it must see its own data)."""
    if uncommitted_changes() & set(_ids(schools)):
        return f"uncommitted:{secrets.token_hex(16)}"
    return cache_key(name, schools, key)


def peek(name: str, *, schools: Iterable[School | int] | School | int, key: object = ()) -> object | None:
    """The cached value :func:`cached` would return, or None when it would have to compute it."""
    if uncommitted_changes() & set(_ids(schools)):
        return None
    return cache.get(cache_key(name, schools, key))


def figures_changed(*school_ids: int | None) -> None:
    """Mark the figures of these schools stale once the current transaction commits (at once outside one).

    Several changes in one transaction (or savepoint) give one new token per school: the pending ids ride on
    one on-commit callback, which Django drops, with them, if that savepoint rolls back.
    """
    ids = {pk for pk in school_ids if pk is not None}
    if not ids:
        return
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        _bump(ids)
        return
    here = set(connection.savepoint_ids)
    for savepoints, callback, _robust in connection.run_on_commit:
        if isinstance(callback, _Bump) and not callback.done and savepoints == here:
            callback.ids |= ids
            return
    transaction.on_commit(_Bump(ids))


def uncommitted_changes() -> set[int]:
    """The schools whose data the current transaction has changed and not yet committed."""
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        return set()
    changed: set[int] = set()
    for _savepoints, callback, _robust in connection.run_on_commit:
        if isinstance(callback, _Bump) and not callback.done:
            changed |= callback.ids
    return changed


class _Bump:
    """An on-commit callback giving new tokens to the schools collected in ``ids``."""

    def __init__(self, ids: set[int]) -> None:
        self.ids = set(ids)
        self.done = False

    def __call__(self) -> None:
        self.done = True
        _bump(self.ids)


def _bump(ids: set[int]) -> None:
    now = timezone.now()
    for pk in sorted(ids):
        FiguresVersion.objects.filter(school_id=pk).update(token=secrets.token_hex(16), changed_at=now)


def cached_figures(
    name: str,
    *,
    schools: Callable[..., Iterable[School | int] | School | int],
    key: Callable[..., object],
) -> Callable[[Callable[..., T]], Callable[..., T]]:
    """Decorate a selector so that its value is :func:`cached` per school: ``schools(*args, **kwargs)`` names the
    schools whose data it reads and ``key(*args, **kwargs)`` everything else it depends on. The undecorated
    function stays reachable as ``.uncached``. Arguments that are one-pass iterators are made lists first, so
    that the key and the call see the same values."""

    def decorate(func: Callable[..., T]) -> Callable[..., T]:
        @wraps(func)
        def wrapper(*args, **kwargs) -> T:
            kwargs = {k: list(v) if isinstance(v, Iterator) else v for k, v in kwargs.items()}
            return cached(
                name, schools=schools(*args, **kwargs), key=key(*args, **kwargs), compute=lambda: func(*args, **kwargs)
            )

        wrapper.uncached = func  # type: ignore[attr-defined]
        return wrapper

    return decorate
