"""The audit trail: who changed, viewed or exported what about a pupil, and when.

Built on django-auditlog (README, "Audit trail", says why): every create, update and delete of the models named in
``settings.AUDITLOG_INCLUDE_TRACKING_MODELS`` is logged by the library through model signals, with the signed-in
user, their address and old -> new values. This module adds what signals cannot see:

- bulk writes (the results grid, attendance, MIS imports), written here as entries of the same shape in one insert;
- one entry per import with its counts, and entries for page views of SEN details and for exports of pupil data
  (``action=ACCESS``, with ``additional_data["event"]`` saying which);
- the readers: a pupil's history in plain words, and a school's log for a date range.

Every entry carries ``additional_data = {"school": id, "pupil": id or absent, ...}`` (models provide it through
``get_additional_data()``), so a school's log and a pupil's history are one query each.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from auditlog.cid import get_cid
from auditlog.context import auditlog_value
from auditlog.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Q
from django.utils import timezone

from .models import Membership, Role, School, person_name

Action = LogEntry.Action

# additional_data["event"] values for entries that are not a plain create/update/delete of one row.
EVENT_VIEW = "view"
EVENT_EXPORT = "export"
EVENT_IMPORT = "import"
EVENT_ERASE = "erase"
EVENT_DELETE = "delete"

# What each logged model is called in the history, in the school's words.
MODEL_LABELS = {
    "pupil": "Pupil record",
    "guardian": "Parent or carer",
    "pupilguardian": "Parent or carer link",
    "result": "Assessment result",
    "absence": "Absent from an assessment",
    "supportplan": "SEN support plan",
    "planreview": "Plan review",
    "reviewoutcomerating": "Plan outcome rating",
    "pupilpassport": "One-page profile",
    "intervention": "Intervention",
    "interventionstaff": "Intervention staff",
    "placement": "Place in an intervention",
    "session": "Session",
    "attendance": "Attendance",
    "progresscheck": "Progress check",
    "checkgoal": "Progress check target",
    "checkscore": "Progress check score",
    "checkreview": "Progress decision acted on",
    "dataimport": "Import",
}
ACTION_WORDS = {Action.CREATE: "added", Action.UPDATE: "changed", Action.DELETE: "removed", Action.ACCESS: "viewed"}
EVENT_WORDS = {
    EVENT_VIEW: "viewed",
    EVENT_EXPORT: "exported",
    EVENT_IMPORT: "imported",
    EVENT_ERASE: "erased",
    EVENT_DELETE: "deleted",
}


# Fields whose changes say nothing to a reader: the row's own id and the school it belongs to.
HIDDEN_FIELDS = {"id", "school"}


def additional_data(*, school_id: int | None, pupil_id: int | None = None, **extra) -> dict:
    data = {"school": school_id}
    if pupil_id is not None:
        data["pupil"] = pupil_id
    data.update(extra)
    return data


def _context() -> dict:
    """The actor and address the middleware set for this request (empty in a management command)."""
    try:
        return auditlog_value.get()
    except LookupError:
        return {}


def entry(
    *,
    action: int,
    school_id: int | None,
    obj: models.Model | None = None,
    model: type[models.Model] | None = None,
    object_id: int | None = None,
    object_repr: str = "",
    pupil_id: int | None = None,
    changes: dict[str, list] | None = None,
    actor=None,
    **extra,
) -> LogEntry:
    """An unsaved entry of the same shape as the library's own, for ``write()``."""
    model = model or type(obj)
    context = _context()
    actor = actor if actor is not None else context.get("actor")
    return LogEntry(
        content_type=ContentType.objects.get_for_model(model),
        object_pk=str(obj.pk if obj is not None else object_id or ""),
        object_id=obj.pk if obj is not None else object_id,
        object_repr=(object_repr or (str(obj) if obj is not None else ""))[:500],
        action=action,
        changes=changes or {},
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        actor_email=getattr(actor, "email", None) or None,
        remote_addr=context.get("remote_addr"),
        cid=get_cid(),
        timestamp=timezone.now(),
        additional_data=additional_data(school_id=school_id, pupil_id=pupil_id, **extra),
    )


def write(entries: Sequence[LogEntry]) -> None:
    """Save entries in one insert (or none)."""
    if entries:
        LogEntry.objects.bulk_create(entries, batch_size=500)


def record(**kwargs) -> LogEntry:
    """Save one entry now (see ``entry`` for the arguments)."""
    log = entry(**kwargs)
    write([log])
    return log


def log_view(request, *, pupil, what: str) -> None:
    """A member of staff opened a page showing ``pupil``'s SEN details (``what`` names the page)."""
    record(
        action=Action.ACCESS,
        obj=pupil,
        school_id=pupil.school_id,
        pupil_id=pupil.pk,
        actor=request.user,
        event=EVENT_VIEW,
        what=what,
    )


def log_export(request_or_user, *, school: School, what: str, pupil=None, rows: int | None = None) -> None:
    """An export of pupil data: a file of one pupil (``pupil``) or of many (``rows`` of them)."""
    user = getattr(request_or_user, "user", request_or_user)
    record(
        action=Action.ACCESS,
        obj=pupil if pupil is not None else school,
        school_id=school.pk,
        pupil_id=pupil.pk if pupil is not None else None,
        actor=user,
        event=EVENT_EXPORT,
        what=what,
        **({"rows": rows} if rows is not None else {}),
    )


def changes_of(old: models.Model | None, new: models.Model | None, fields: Iterable[str]) -> dict[str, list]:
    """``{field: [old, new]}`` for the fields that differ, values as the library stores them (JSON-able)."""
    changes = {}
    for name in fields:
        before = _jsonable(getattr(old, name + "_id" if _is_fk(old or new, name) else name, None)) if old else None
        after = _jsonable(getattr(new, name + "_id" if _is_fk(old or new, name) else name, None)) if new else None
        if before != after:
            changes[name] = [before, after]
    return changes


def _is_fk(obj: models.Model, name: str) -> bool:
    try:
        return obj._meta.get_field(name).is_relation
    except FieldDoesNotExist:
        return False


def _jsonable(value):
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    if isinstance(value, str | int | float | bool | type(None) | list | dict):
        return value
    return str(value)


# --- Reading -----------------------------------------------------------------------------------------------


@dataclass
class HistoryLine:
    """One entry in plain words: who (and their role), when, what, and each field's old -> new."""

    when: dt.datetime
    who: str
    role: str
    what: str
    action: str
    changes: list[tuple[str, str, str]]
    note: str


def pupil_entries(pupil) -> models.QuerySet[LogEntry]:
    """Every entry about ``pupil``: their record and everything tagged with them, plus their guardians' records."""
    guardian_type = ContentType.objects.get_for_model(pupil.guardians.model)
    guardian_ids = list(pupil.guardian_links.values_list("guardian_id", flat=True))
    return (
        LogEntry.objects.filter(
            Q(additional_data__pupil=pupil.pk) | Q(content_type=guardian_type, object_id__in=guardian_ids)
        )
        .select_related("actor", "content_type")
        .order_by("-timestamp", "-pk")
    )


def school_entries(school: School, start: dt.date, end: dt.date) -> models.QuerySet[LogEntry]:
    """The school's log from ``start`` to ``end`` inclusive (local dates), oldest first."""
    tz = timezone.get_current_timezone()
    since = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
    until = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return (
        LogEntry.objects.filter(additional_data__school=school.pk, timestamp__gte=since, timestamp__lt=until)
        .select_related("actor", "content_type")
        .order_by("timestamp", "pk")
    )


def describe(entries: Iterable[LogEntry], school: School) -> list[HistoryLine]:
    """Entries in plain words. Related rows named in changes (a class, a programme, a member of staff) are looked
    up in one query per kind; roles come from the staff's memberships at ``school``."""
    entries = list(entries)
    roles = dict(
        Membership.objects.filter(school=school, user_id__in={e.actor_id for e in entries if e.actor_id}).values_list(
            "user_id", "role"
        )
    )
    names = _related_names(entries)
    lines = []
    for log in entries:
        model = log.content_type.model_class() if log.content_type_id else None
        data = log.additional_data or {}
        event = data.get("event", "")
        what = MODEL_LABELS.get(log.content_type.model, log.content_type.name.capitalize())
        if event in (EVENT_VIEW, EVENT_EXPORT):
            what = data.get("what", what)
        action = EVENT_WORDS.get(event) or ACTION_WORDS.get(log.action, "changed")
        changes = []
        if model is not None and isinstance(log.changes, dict):
            for field_name, values in log.changes.items():
                if field_name in HIDDEN_FIELDS or (model is not None and _concrete_field(model, field_name) is None):
                    continue  # the row's own id, its school, and reverse relations the library lists on creation
                label, old, new = _field_words(model, field_name, values, names)
                if log.action == Action.CREATE:
                    if new == "(blank)":
                        continue  # a new record: only what was filled in, with nothing before it
                    old = ""
                changes.append((label, old, new))
        note = _note(event, data, log)
        who = person_name(log.actor, "the system")
        role = Role(roles[log.actor_id]).label if log.actor_id in roles else ("" if log.actor else "")
        lines.append(
            HistoryLine(
                when=log.timestamp,
                who=who,
                role=role,
                what=f"{what}: {log.object_repr}" if log.object_repr and event not in (EVENT_VIEW,) else what,
                action=action,
                changes=changes,
                note=note,
            )
        )
    return lines


def _note(event: str, data: dict, log: LogEntry) -> str:
    if event == EVENT_IMPORT:
        counts = data.get("counts", {})
        return ", ".join(f"{n} {label}" for label, n in counts.items())
    if event == EVENT_EXPORT and data.get("rows") is not None:
        return f"{data['rows']} rows"
    return data.get("note", "")


def _related_names(entries: list[LogEntry]) -> dict[tuple[type, str], str]:
    """Names of the rows that foreign-key changes point at, one query per related model."""
    wanted: dict[type, set[str]] = defaultdict(set)
    for log in entries:
        model = log.content_type.model_class() if log.content_type_id else None
        if model is None or not isinstance(log.changes, dict):
            continue
        for field_name, values in log.changes.items():
            field = _concrete_field(model, field_name)
            if field is None:
                continue
            if field.many_to_one or field.one_to_one:
                for value in values if isinstance(values, list) else []:
                    if value not in (None, "", "None"):
                        wanted[field.related_model].add(str(value))
    names = {}
    for related, pks in wanted.items():
        valid = [pk for pk in pks if pk.isascii() and pk.isdigit()]
        for obj in related._default_manager.filter(pk__in=valid):
            names[(related, str(obj.pk))] = _name_of(obj)
    return names


def _name_of(obj) -> str:
    if isinstance(obj, get_user_model()):
        return person_name(obj)
    return str(obj)


def _concrete_field(model, name: str):
    """The model's own field called ``name`` (not a reverse relation of the same name), or None."""
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    return field if field.concrete or field.many_to_many else None


def _field_words(model, field_name: str, values, names) -> tuple[str, str, str]:
    field = _concrete_field(model, field_name)
    label = str(getattr(field, "verbose_name", field_name.replace("_", " ")))
    label = label[:1].upper() + label[1:]
    if isinstance(values, dict) and values.get("type") == "m2m":
        objects = ", ".join(values.get("objects", []))
        if values.get("operation") == "add":
            return label, "", f"added {objects}"
        return label, f"removed {objects}", ""
    if not isinstance(values, list) or len(values) != 2:
        return label, "", str(values)
    return label, _value_words(field, values[0], names), _value_words(field, values[1], names)


def _value_words(field, value, names) -> str:
    if value is None or value == "" or value == "None" or value == []:
        return "(blank)"
    if field is None:
        return str(value)
    if field.is_relation and (field.many_to_one or field.one_to_one):
        return names.get((field.related_model, str(value)), f"(deleted, no. {value})")
    if field.choices:
        choices = {str(k): v for k, v in field.flatchoices}
        return str(choices.get(str(value), value))
    if isinstance(field, models.BooleanField):
        return "Yes" if value in (True, "True", "true", 1, "1") else "No"
    if isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField):
        try:
            return dt.date.fromisoformat(str(value)[:10]).strftime("%d/%m/%Y")
        except ValueError:
            return str(value)
    if isinstance(field, models.JSONField):
        parsed = value
        if isinstance(value, str):
            try:
                parsed = json.loads(value.replace("'", '"'))
            except ValueError:
                return value
        if isinstance(parsed, dict):
            return "; ".join(f"{k}: {v}" for k, v in parsed.items()) or "(blank)"
        if isinstance(parsed, list):
            return ", ".join(str(v) for v in parsed) or "(blank)"
    return str(value)
