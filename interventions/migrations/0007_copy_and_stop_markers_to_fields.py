"""Copies and stops move out of free text: the provision map's "copy to next term" used to mark each copy by writing
'Copied forward from "Name" (Term), #pk.' into its notes, and a stopped intervention's stop day was kept only as its
end date (brought forward to the day it stopped). This fills ``copied_from`` from the marker (removing it from the
notes, keeping anything written around it) and ``stopped_on`` from the end date. Reversible: the marker is written
back."""

import re

from django.db import migrations

MARKER = re.compile(r"\s*Copied forward from “.*?”(?: \([^()]*\))?, #(?P<pk>\d+)\.\s*")


def markers_to_fields(apps, schema_editor):
    Intervention = apps.get_model("interventions", "Intervention")
    for copy in Intervention.objects.filter(notes__contains="Copied forward from").only("pk", "school_id", "notes"):
        match = MARKER.search(copy.notes)
        if match is None:
            continue
        original = (
            Intervention.objects.filter(pk=int(match["pk"]), school_id=copy.school_id)
            .values_list("pk", flat=True)
            .first()
        )
        notes = (copy.notes[: match.start()] + " " + copy.notes[match.end() :]).strip()
        Intervention.objects.filter(pk=copy.pk).update(copied_from_id=original, notes=notes)
    for stopped in Intervention.objects.filter(status="stopped", stopped_on__isnull=True).only(
        "pk", "end_date", "updated_at"
    ):
        on = stopped.end_date or stopped.updated_at.date()
        Intervention.objects.filter(pk=stopped.pk).update(stopped_on=on)


def fields_to_markers(apps, schema_editor):
    Intervention = apps.get_model("interventions", "Intervention")
    for copy in Intervention.objects.filter(copied_from__isnull=False).select_related("copied_from"):
        marker = f"Copied forward from “{copy.copied_from.name}”, #{copy.copied_from_id}."
        notes = f"{copy.notes}\n{marker}".strip()
        Intervention.objects.filter(pk=copy.pk).update(notes=notes)


class Migration(migrations.Migration):
    dependencies = [("interventions", "0006_intervention_copied_from_and_stopped_on")]

    operations = [migrations.RunPython(markers_to_fields, fields_to_markers)]
