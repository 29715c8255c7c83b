"""The two kinds of import this app declares: pupils from an MIS export, and assessment results. Registered by
``PupilsConfig.ready``; see ``kinds`` for what a declaration holds."""

from __future__ import annotations

from collections import Counter

from ..models import Assessment, ImportKind
from . import pupil_apply, pupil_parsing, results_apply, results_parsing
from .kinds import ImportSpec


def _results_upload_context(request) -> dict:
    """The school's assessments, each with the header that names it in a one-column-per-assessment file (its name,
    with the date when the name is shared) and what its results are written as."""
    assessments = list(
        Assessment.objects.filter(school=request.school)
        .select_related("subject", "scale")
        .prefetch_related("scale__bands")
        .order_by("-taken_on", "subject__name", "name")
    )
    name_counts = Counter(results_parsing.name_key(a.name) for a in assessments)
    listed = [
        {
            "assessment": a,
            "header": a.name if name_counts[results_parsing.name_key(a.name)] == 1 else str(a),
            "accepts": results_parsing.accepted_values(a.scale.spec()),
        }
        for a in assessments
    ]
    return {"columns": results_parsing.recognised_columns(), "not_sat": results_parsing.NOT_SAT_EXAMPLES} | {
        "assessments": listed
    }


PUPILS = ImportSpec(
    kind=ImportKind.PUPILS,
    parse=pupil_apply.import_parse,
    apply=pupil_apply.pupils_import,
    labels={spec.name: spec.label for spec in pupil_parsing.FIELDS},
    noun="rows",
    upload_url="pupils:import_upload",
    preview_url="pupils:import_preview",
    upload_template="pupils/import_upload.html",
    preview_template="pupils/import_preview.html",
    file_label="MIS export",
    upload_context=lambda request: {"columns": pupil_parsing.recognised_columns()},
)

RESULTS = ImportSpec(
    kind=ImportKind.RESULTS,
    parse=results_apply.results_parse,
    apply=results_apply.results_import,
    labels={spec.name: spec.label for spec in results_parsing.FIELDS},
    noun="results",
    upload_url="pupils:results_import_upload",
    preview_url="pupils:import_preview",
    upload_template="pupils/results_import_upload.html",
    preview_template="pupils/results_import_preview.html",
    file_label="Results file",
    upload_context=_results_upload_context,
    rechecks_preview=True,
)
