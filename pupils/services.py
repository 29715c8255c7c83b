"""Writes to pupil data that touch several rows: past classes, deleting a pupil, releasing guardians.

The import of pupils from a school's MIS export is ``pupils.imports`` (``pupil_parsing`` reads the file,
``pupil_apply`` writes it).
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

from auditlog.context import disable_auditlog
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import Max

from provision import audit

from .models import Guardian, PastClass, Pupil, TeachingGroup

BATCH_SIZE = 500


def past_classes_record(*, changes: list[tuple[Pupil, TeachingGroup | None]], on: dt.date) -> list[PastClass]:
    """Record the class each pupil of ``changes`` (pupil, the class they were in) was in until the day before
    ``on``, when their class changed: what lets past maps place them in the class they were in then. The record
    starts the day after the pupil's previous record ended (unknown when there is none). Two queries."""
    if not changes:
        return []
    until = on - dt.timedelta(days=1)
    latest = dict(
        PastClass.objects.filter(pupil__in=[pupil for pupil, _group in changes])
        .values("pupil_id")
        .annotate(last=Max("until"))
        .values_list("pupil_id", "last")
    )
    records = []
    for pupil, group in changes:
        ended = latest.get(pupil.pk)
        if ended is not None and ended >= until:
            continue  # changed twice in a day: the first class of the day was never really attended
        records.append(
            PastClass(
                pupil=pupil,
                group=group,
                name=group.name if group else "",
                year_group=group.year_group if group else None,
                since=ended + dt.timedelta(days=1) if ended else None,
                until=until,
            )
        )
    return PastClass.objects.bulk_create(records, batch_size=BATCH_SIZE)


@contextmanager
def sqlite_real_parameter_limit() -> Iterator[None]:
    """Let bulk writes on SQLite use the parameter limit the library really has.

    Django 5.2 assumes SQLite's historic 999 parameters per statement, which splits an insert of pupils
    (24 columns) into batches of 41 rows: a 2,000-pupil file would take 49 INSERTs. SQLite 3.32+ allows
    32,766 (or more) and Python 3.11 can ask it; Django 6.0 reads the real limit the same way. The
    override is for this connection only, and only for the duration of the write.
    """
    if connection.vendor != "sqlite":
        yield
        return
    connection.ensure_connection()
    features = connection.features
    had_own = "max_query_params" in vars(features)
    saved = features.max_query_params
    features.max_query_params = connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    try:
        yield
    finally:
        if had_own:
            features.max_query_params = saved
        else:
            del features.max_query_params


# --- Deleting a pupil ------------------------------------------------------------------------------------------


def guardians_release(*, guardian_ids: list[int], by) -> int:
    """Delete the guardians among ``guardian_ids`` who are no longer linked to any pupil, with their invitations,
    and the parent accounts left with no child and no staff role; each removal is in the audit log. Returns how
    many guardians went."""
    orphans = list(Guardian.objects.filter(pk__in=guardian_ids, pupil_links__isnull=True))
    if not orphans:
        return 0
    user_ids = {g.user_id for g in orphans if g.user_id}
    audit.write(
        [
            audit.entry(
                action=audit.Action.DELETE,
                model=Guardian,
                object_id=g.pk,
                object_repr="Parent or carer no longer linked to any pupil",
                school_id=g.school_id,
                actor=by,
            )
            for g in orphans
        ]
    )
    with disable_auditlog():
        Guardian.objects.filter(pk__in=[g.pk for g in orphans]).delete()
        # A parent's account with no child left anywhere and no staff role holds only their email: remove it.
        get_user_model().objects.filter(
            pk__in=user_ids, guardianships__isnull=True, memberships__isnull=True, is_staff=False, is_superuser=False
        ).delete()
    return len(orphans)


@transaction.atomic
def pupil_delete(*, pupil: Pupil, by, reason: str = "") -> None:
    """Delete a pupil and everything recorded about them (results, places in interventions, attendance, plans),
    and the parents and carers linked to no other pupil. For a record made in error or a pupil who never
    joined; a pupil whose retention period has passed is anonymised instead (``interventions.erasure``), which
    keeps the school's impact figures."""
    guardian_ids = list(pupil.guardian_links.values_list("guardian_id", flat=True))
    audit.record(
        action=audit.Action.DELETE,
        obj=pupil,
        school_id=pupil.school_id,
        pupil_id=pupil.pk,
        actor=by,
        event=audit.EVENT_DELETE,
        note=reason,
    )
    with disable_auditlog():  # one entry for the pupil, not one per result and attendance mark
        pupil.delete()
    guardians_release(guardian_ids=guardian_ids, by=by)
