"""The small progress chart of a pupil's place, drawn for the page that shows it (``_place_card.html``).

A filter rather than a property of ``PlaceProgress`` so that the selectors never import the charts: the charts read
the selectors' ``PlaceProgress``, and the imports go one way.
"""

from __future__ import annotations

from django import template

from interventions.progress.charts import chart_summary, place_chart
from interventions.progress.selectors import PlaceProgress

register = template.Library()


@register.filter
def progress_chart(place: PlaceProgress) -> str:
    """The chart as SVG text (mark it ``|safe``: matplotlib writes it, and every label in it is escaped)."""
    return place_chart(place)


@register.filter
def progress_summary(place: PlaceProgress) -> str:
    """The chart in a sentence: its accessible name."""
    return chart_summary(place)
