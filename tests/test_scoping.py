"""No view, selector, chart or export reads pupil data without going through the model layer's scoping
(``visible_to`` and friends).

An AST scan of every module on the read side (everything in the apps but the write side listed in ``WRITE_SIDE``,
each with the reason it may reach rows no single user chose): each expression that starts at ``<Model>.objects`` for a model that holds pupil
data must pass through a scoping method, or be one of the shapes that cannot widen what a user sees (listed in
``SAFE_SHAPES``), or be on the small allow-list below with the reason it is safe. A new view that forgets its
scoping fails here.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.apps import apps

from interventions.models import Intervention
from pupils.models import Guardian, Pupil

ROOT = Path(__file__).resolve().parent.parent
APPS = ("provision", "pupils", "interventions", "reports", "family")
SCOPING_METHODS = {"visible_to", "loggable_by", "children_of"}
# Shapes that cannot show a user more than the scoped rows they hang off:
#   select_for_update: re-reading a row already fetched through visible_to, to lock it;
#   create / bulk_create: writes (of rows under a parent fetched through visible_to);
#   OuterRef in the arguments: a correlated subquery, bounded by the scoped queryset it annotates;
#   the queryset of a Prefetch: fetches only rows related to the scoped rows being prefetched for.
SAFE_METHODS = {"select_for_update", "create", "bulk_create"}

# (module, function) -> why the unscoped read is safe. Keep this short: prefer visible_to.
ALLOWED = {
    ("interventions/groups/selectors.py", "scale_in_use"): (
        "whether the scale of a group the SENCO fetched through visible_to may change: every placement of the group "
        "counts, whoever edits it, and only a yes or no is read"
    ),
    ("interventions/profile.py", "current_places"): (
        "the current groups of a pupil the caller fetched through visible_to, on the pupil's profile: whoever may see "
        "the pupil sees which groups they are in, and can_open says which of them the user may open (a TA: theirs)"
    ),
    ("interventions/selectors.py", "stays_of"): (
        "the entry and exit dates of every pupil in groups the caller fetched through visible_to, to cost them (a "
        "group's cost counts all its pupils): called only for cost viewers, and no pupil is shown"
    ),
    ("interventions/progress/selectors.py", "progress_for"): (
        "the checks, goals, scores and reviews of placements the caller fetched through visible_to (a group's page, "
        "a pupil's map, the review page, a parent's child page): only rows of those placements are read"
    ),
    ("reports/home.py", "schools_of"): (
        "a trust user's overview: per school where they hold a role, the number of pupils in a running group (a "
        "count, no row, the same for every role there)"
    ),
    ("reports/offer/views.py", "_staff_names"): (
        "reads staff names only to strike them out of the public offer; nothing read is shown"
    ),
    ("pupils/forms.py", "clean_upn"): (
        "a UPN must be unique in the whole school, so the check must see every pupil there; it only says 'taken'"
    ),
    ("pupils/invitations.py", "invitation_for_token"): (
        "a parent opening an invitation link is not yet linked to any pupil: the secret token (256 bits) is the "
        "permission, and the lookup is by its hash"
    ),
    ("pupils/invitations.py", "invitation_accept"): (
        "claims the invitation the secret token opens (the reader is not yet a parent of anyone) and links its guardian"
    ),
    ("pupils/invitations.py", "invitation_revoke"): (
        "a write by pk on an invitation the caller fetched through visible_to (pupils.invitation_views)"
    ),
}


# The write side: modules that change rows for a caller who fetched what they act on through ``visible_to`` (services
# take the scoped objects), or that must reach every row whoever asks. Management commands are run by the school's
# operators on the server, not by a signed-in user, and are not scanned either.
WRITE_SIDE_SUFFIXES = ("services.py", "_apply.py", "/models.py", "/admin.py", "/apps.py", "/tests.py")
WRITE_SIDE = {
    "interventions/erasure.py": "erasing a pupil's data must reach every row that holds it",
    "interventions/progress/checks_apply.py": "applies a checks import the SENCO confirmed, for groups of their school",
}


def pupil_data_models() -> set[str]:
    """Every model whose rows belong to a pupil, a guardian or an intervention (following foreign keys forward)."""
    roots = {Pupil, Guardian, Intervention}
    found = set(roots)
    changed = True
    while changed:
        changed = False
        for model in apps.get_models():
            if model in found or model._meta.app_label not in APPS:
                continue
            forward = [f for f in model._meta.get_fields() if f.concrete and (f.many_to_one or f.one_to_one)]
            if {f.related_model for f in forward} & found:
                found.add(model)
                changed = True
    return {model.__name__ for model in found}


def _routed_modules() -> set[Path]:
    """The files of every view the URLconf routes to, whatever their module is called."""
    import inspect

    from django.urls import URLPattern, URLResolver, get_resolver

    found: set[Path] = set()

    def walk(patterns) -> None:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns)
            elif isinstance(entry, URLPattern):
                callback = inspect.unwrap(entry.callback)
                source = inspect.getsourcefile(callback)
                if source and Path(source).resolve().is_relative_to(ROOT.resolve()):
                    found.add(Path(source).resolve())

    walk(get_resolver().url_patterns)
    return found


def views_modules() -> list[Path]:
    """Every module on the read side: views (whatever their module is called), selectors, charts, exports, forms."""
    routed = _routed_modules()
    paths = []
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            module = str(path.relative_to(ROOT))
            if "migrations" in path.parts or "management" in path.parts:
                continue
            if path.resolve() not in routed and _write_side(module):
                continue
            paths.append(path)
    return paths


def _write_side(module: str) -> bool:
    return module in WRITE_SIDE or any(module.endswith(suffix) for suffix in WRITE_SIDE_SUFFIXES)


def _parents(tree: ast.AST) -> dict[ast.AST, ast.AST]:
    return {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}


def _chain(node: ast.AST, parents: dict) -> tuple[list[str], ast.AST]:
    """The method names called along the chain that starts at ``node`` (``X.objects``), and its outermost node."""
    names: list[str] = []
    while True:
        parent = parents.get(node)
        if isinstance(parent, ast.Attribute) and parent.value is node:
            names.append(parent.attr)
        elif not (isinstance(parent, ast.Call) and parent.func is node):
            return names, node
        node = parent


def _mentions_outer_ref(node: ast.AST) -> bool:
    return any(isinstance(n, ast.Name) and n.id == "OuterRef" for n in ast.walk(node))


def _in_prefetch(node: ast.AST, parents: dict) -> bool:
    parent = parents.get(node)
    if isinstance(parent, ast.keyword):
        parent = parents.get(parent)
    return isinstance(parent, ast.Call) and getattr(parent.func, "id", None) == "Prefetch"


def _function_of(node: ast.AST, parents: dict) -> str:
    while node in parents:
        node = parents[node]
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return node.name
    return "<module>"


def unscoped_reads() -> list[tuple[str, str, str, int]]:
    """(module, function, model, line) of every read of pupil data in a views module that is not scoped."""
    models = pupil_data_models()
    found = []
    for path in views_modules():
        module = str(path.relative_to(ROOT))
        tree = ast.parse(path.read_text(), filename=module)
        parents = _parents(tree)
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Attribute) and node.attr == "objects"):
                continue
            if not (isinstance(node.value, ast.Name) and node.value.id in models):
                continue
            names, outer = _chain(node, parents)
            if set(names) & (SCOPING_METHODS | SAFE_METHODS):
                continue
            if _mentions_outer_ref(outer) or _in_prefetch(outer, parents):
                continue
            found.append((module, _function_of(node, parents), node.value.id, node.lineno))
    return found


def test_the_scan_knows_the_models_that_hold_pupil_data():
    models = pupil_data_models()
    expected = {
        "Pupil", "PastClass", "Guardian", "PupilGuardian", "GuardianInvitation", "Result", "Intervention",
        "InterventionStaff", "Placement", "Session", "Attendance", "SupportPlan", "PlanReview", "ProgressCheck",
        "CheckGoal", "CheckScore", "CheckReview",
    }  # fmt: skip
    assert expected <= models
    # Every one of them can be scoped: a model added later without visible_to fails here.
    for model in apps.get_models():
        if model.__name__ in models and model._meta.app_label in APPS:
            assert hasattr(model.objects, "visible_to"), f"{model.__name__} has no visible_to"


def test_the_scan_finds_views_modules():
    names = {str(p.relative_to(ROOT)) for p in views_modules()}
    assert {"interventions/groups/views.py", "pupils/views.py", "reports/maps/views.py", "family/views.py"} <= names
    assert "interventions/progress/views.py" in names


def test_no_view_reads_pupil_data_without_scoping():
    offenders = [
        f"{module}:{line} {function}() reads {model}.objects without visible_to"
        for module, function, model, line in unscoped_reads()
        if (module, function) not in ALLOWED
    ]
    assert offenders == []


def test_every_allow_list_entry_is_still_needed():
    used = {(module, function) for module, function, _, _ in unscoped_reads()}
    assert set(ALLOWED) - used == set()


def test_only_operators_functions_read_as_an_operator():
    """``operator_reads()`` lifts every user's scope, so nothing a request reaches may enter it: on the read side it
    is entered only inside a function whose name says it is for operators' commands (``..._for_operators``)."""
    entered = []
    for path in views_modules():
        tree = ast.parse(path.read_text())
        parents = _parents(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Name) and node.id == "operator_reads" and isinstance(parents.get(node), ast.Call):
                entered.append((str(path.relative_to(ROOT)), _function_of(node, parents)))
    assert entered, "the scan should see the subject-access export's operator path"
    assert [(module, fn) for module, fn in entered if not fn.endswith("_for_operators")] == []


@pytest.mark.parametrize(
    "source, flagged",
    [
        ("def v(request):\n    return Placement.objects.filter(intervention__school=request.school)\n", True),
        ("def v(request):\n    return Pupil.objects.get(pk=1)\n", True),
        ("def v(request):\n    return Placement.objects.visible_to(request.user, request.school).get(pk=1)\n", False),
        ("def v(qs):\n    return qs.annotate(n=Count(Session.objects.filter(intervention=OuterRef('pk'))))\n", False),
        ("def v(request):\n    return Prefetch('staff', queryset=InterventionStaff.objects.all())\n", False),
    ],
)
def test_the_scan_catches_a_view_that_forgets_scoping(tmp_path, monkeypatch, source, flagged):
    """The scanner itself: an unscoped read in a new views module is reported; the safe shapes are not."""
    app = tmp_path / "interventions"
    app.mkdir()
    (app / "views_new.py").write_text(source)
    monkeypatch.setattr(__import__(__name__, fromlist=["ROOT"]), "ROOT", tmp_path)
    assert bool(unscoped_reads()) is flagged
