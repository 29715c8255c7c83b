"""Laying out a form's fields on the Bootstrap grid: the row and columns around crispy fields, written once."""

from __future__ import annotations

from django import template
from django.forms import BaseForm

register = template.Library()


@register.inclusion_tag("includes/_form_columns.html")
def form_columns(form: BaseForm, layout: str, row_class: str = "") -> dict:
    """The fields named in ``layout`` in one Bootstrap row, each in its column: ``"upn:4"`` is ``col-md-4``, a bare
    name (or ``:12``) the full width. ``{% form_columns form "name:6 wave:3 area:3 notes" %}``. A name the form
    does not have raises ``KeyError``: a typo fails loudly rather than leaving a field out."""
    columns = []
    for item in layout.split():
        name, _, width = item.partition(":")
        columns.append((form[name], f"col-md-{width}" if width not in ("", "12") else "col-12"))
    return {"columns": columns, "row_class": row_class}
