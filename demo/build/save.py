"""Writing one school's groups in bulk, then what hangs off them: the staff's training, the session logs and the
results the groups moved."""

from __future__ import annotations

from demo.build.results import save_results
from demo.build.sessions import sessions
from demo.build.staff import trainings
from demo.build.state import Provision
from interventions.models import Intervention, InterventionStaff, Placement

BATCH_SIZE = 2000


def save(prov: Provision) -> None:
    Intervention.objects.bulk_create([group.intervention for group in prov.groups], batch_size=BATCH_SIZE)
    for group in prov.groups:
        for member in group.staff:
            member.intervention = group.intervention
        for placement in group.placements:
            placement.intervention = group.intervention
        prov.summary.interventions[(group.intervention.wave, group.intervention.status)] += 1
        if group.recipe is not None:
            prov.summary.designs[group.intervention.pk] = group.recipe.effect
    InterventionStaff.objects.bulk_create(
        [member for group in prov.groups for member in group.staff], batch_size=BATCH_SIZE
    )
    placements = [placement for group in prov.groups for placement in group.placements]
    Placement.objects.bulk_create(placements, batch_size=BATCH_SIZE)
    prov.summary.placements += len(placements)
    trainings(prov)
    sessions(prov)
    save_results(prov)
