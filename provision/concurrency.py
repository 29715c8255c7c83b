"""Stale edit forms: a form opened before someone else saved the same record must not save over their change.

An edit form that mixes in :class:`StaleFormMixin` and calls ``watch_for_changes(key=..., baseline=...)`` with
the record's current values carries them, signed, in a hidden field (``opened_as``). When it is posted, the view
builds it again from the record as it is now (locked, inside the transaction that will save it); if any watched
value differs from what the form was opened with, the form is invalid and ``stale_changes`` lists each field
with what it was, what it is now and what this user typed. The form is then shown again with the newer values
in the fields this user did not touch and their own values in the fields they did, and a fresh ``opened_as``:
saving again is a decision made knowing both.

No version column is needed: the form compares exactly the fields it edits, so a change to a field the form
does not show is never reported, and never lost either (the services write only the form's fields).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import forms
from django.core import signing
from django.db.models import Model
from django.http import QueryDict

OPENED_AS = "opened_as"
_SEP = "\x1f"  # between the values of a multiple choice


@dataclass(frozen=True)
class Change:
    """One field someone else changed after the form was opened."""

    name: str
    label: str
    was: str  # what the form was opened with
    now: str  # what is saved now
    yours: str  # what this user posted
    you_changed: bool  # True when this user changed it too (their value is kept in the form)


def _text(value: Any) -> str:
    """One value as stable text: how two values are compared."""
    if value is None:
        return ""
    if isinstance(value, Model):
        return str(value.pk)
    if isinstance(value, bool):
        return "1" if value else ""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value.is_finite() else str(value)
    if isinstance(value, float):
        return format(Decimal(repr(value)).normalize(), "f") if value == value else "nan"
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    return str(value).replace("\r\n", "\n").strip()


def canonical(field: forms.Field, value: Any) -> str:
    """``value`` (an initial value, or what ``field.to_python`` made of a posted one) as comparable text."""
    if isinstance(field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField):
        values = (
            value if isinstance(value, list | tuple | set | frozenset) else ([] if value in (None, "") else list(value))
        )
        return _SEP.join(sorted(_text(item) for item in values))
    if isinstance(field, forms.BooleanField):
        return "1" if value and value not in ("False", "false", "0") else ""
    return _text(value)


def _posted(form: forms.BaseForm, name: str, field: forms.Field) -> str:
    raw = field.widget.value_from_datadict(form.data, form.files, form.add_prefix(name))
    if isinstance(field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField | forms.ModelChoiceField):
        return canonical(field, raw)
    try:
        return canonical(field, field.to_python(raw))
    except (forms.ValidationError, TypeError, ValueError):
        return canonical(field, raw if isinstance(raw, str) else "")


def _shown(field: forms.Field | None, text: str) -> str:
    """Comparable text as the user reads it: choice labels, dates day first, Yes/No, "(blank)"."""
    if field is None:
        return text or "(none)"
    if isinstance(field, forms.BooleanField):
        return "Yes" if text else "No"
    if not text:
        return "(blank)"
    if isinstance(field, forms.ChoiceField | forms.ModelChoiceField):
        labels = {}
        for value, label in field.choices:
            if isinstance(label, list | tuple):  # an optgroup
                labels.update({_text(getattr(v, "value", v)): str(lab) for v, lab in label})
            else:
                labels[_text(getattr(value, "value", value))] = str(label)
        return ", ".join(labels.get(part, part) for part in text.split(_SEP))
    if isinstance(field, forms.DateField):
        try:
            return dt.date.fromisoformat(text).strftime("%d/%m/%Y")
        except ValueError:
            return text
    return text


def _as_data(field: forms.Field, text: str) -> list[str]:
    """Comparable text back as posted values for the field's widget (a checkbox posts nothing when off)."""
    if isinstance(field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField):
        return [part for part in text.split(_SEP) if part]
    if isinstance(field, forms.BooleanField):
        return ["on"] if text else []
    return [text]


class StaleFormMixin:
    """Mix into an edit form (before ``forms.Form``/``forms.ModelForm``); see the module's docstring."""

    stale_changes: list[Change]

    def watch_for_changes(
        self, *, key: str, baseline: Mapping[str, Any] | None = None, extra: Mapping[str, tuple[str, str]] | None = None
    ) -> None:
        """Start watching. ``key`` names the record (``"pupil:12"``), so that a token cannot be replayed on
        another; ``baseline`` gives the record's current value of each field (default: the form's initial
        values, as a ModelForm has them from its instance); ``extra`` adds values edited beside the form (a
        formset's lines) as name -> (label, comparable text)."""
        fields = self.fields  # type: ignore[attr-defined]
        values = (
            baseline
            if baseline is not None
            else {
                name: self.get_initial_for_field(field, name)
                for name, field in fields.items()  # type: ignore[attr-defined]
            }
        )
        now = {
            name: canonical(fields[name], value)
            for name, value in values.items()
            if name in fields and not fields[name].disabled
        }
        self._stale_labels = {name: label for name, (label, _) in (extra or {}).items()}
        now.update({f"+{name}": text for name, (_, text) in (extra or {}).items()})
        self._stale_salt = f"provision.stale-form:{key}"
        self._stale_now = now
        self.stale_changes = []
        fields[OPENED_AS] = forms.CharField(widget=forms.HiddenInput, required=False)
        fields[OPENED_AS].initial = signing.dumps(now, salt=self._stale_salt, compress=True)

    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]
        if getattr(self, "_stale_salt", None) and self.is_bound:  # type: ignore[attr-defined]
            self._check_stale()

    def _check_stale(self) -> None:
        token = self.data.get(self.add_prefix(OPENED_AS))  # type: ignore[attr-defined]
        if not token:
            return  # posted by something other than this form (a script): nothing to compare with
        try:
            opened = signing.loads(token, salt=self._stale_salt)
        except signing.BadSignature:
            self.add_error(
                None, "This form could not be checked against the saved record. Open it again and redo your changes."
            )  # type: ignore[attr-defined]
            return
        if not isinstance(opened, dict):
            return
        fields = self.fields  # type: ignore[attr-defined]
        changes = []
        for name, was in opened.items():
            now = self._stale_now.get(name)
            if now is None or now == was:
                continue
            field = fields.get(name)
            if name.startswith("+"):
                label = self._stale_labels.get(name[1:], name[1:])
                changes.append(Change(name, label, was or "(none)", now or "(none)", "as on your form", True))
                continue
            if field is None:
                continue
            yours = _posted(self, name, field)
            changes.append(
                Change(
                    name=name,
                    label=str(field.label or name.replace("_", " ").capitalize()),
                    was=_shown(field, was),
                    now=_shown(field, now),
                    yours=_shown(field, yours),
                    you_changed=yours != was,
                )
            )
        if not changes:
            return
        self.stale_changes = changes
        self.add_error(  # type: ignore[attr-defined]
            None,
            "Someone else saved changes to this record after you opened this form, so nothing was saved. The form "
            "now shows their values where you had not changed anything, and yours where you had: check it and "
            "save again.",
        )
        self._take_newer_values(changes)

    def _take_newer_values(self, changes: list[Change]) -> None:
        posted = self.data  # type: ignore[attr-defined]
        if hasattr(posted, "setlist"):
            data = posted.copy()
        else:  # a plain dict (tests, scripts)
            data = QueryDict(mutable=True)
            for key, value in posted.items():
                data.setlist(key, list(value) if isinstance(value, list | tuple) else [value])
        fields = self.fields  # type: ignore[attr-defined]
        for change in changes:
            if change.you_changed or change.name not in fields:
                continue
            data.setlist(self.add_prefix(change.name), _as_data(fields[change.name], self._stale_now[change.name]))  # type: ignore[attr-defined]
        data[self.add_prefix(OPENED_AS)] = signing.dumps(self._stale_now, salt=self._stale_salt, compress=True)  # type: ignore[attr-defined]
        self.data = data
