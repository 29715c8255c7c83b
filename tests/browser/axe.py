"""Accessibility checks with axe-core (the npm package, pinned in package-lock.json; `make test` installs it),
injected into the page under test. Fails on any serious or critical violation, printing what and where."""

from __future__ import annotations

from pathlib import Path

import pytest

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = ("serious", "critical")


def _describe(violation: dict) -> str:
    lines = [f"- {violation['id']} ({violation['impact']}): {violation['help']}", f"  {violation['helpUrl']}"]
    for node in violation["nodes"][:5]:
        lines.append(f"  at {' '.join(node['target'])}: {node['html'][:160]}")
        summary = (node.get("failureSummary") or "").replace("\n", " ")
        if summary:
            lines.append(f"    {summary[:300]}")
    if len(violation["nodes"]) > 5:
        lines.append(f"  ... and {len(violation['nodes']) - 5} more")
    return "\n".join(lines)


def assert_accessible(page, what: str) -> list[dict]:
    """Run axe on the page as it is now; fail on serious or critical violations. Returns the lesser ones."""
    if not AXE.exists():
        pytest.fail(f"axe-core is not installed at {AXE}: run `make test` (or `npm ci`)")
    # Evaluated through the browser's developer protocol, not as an inline <script>: the page's
    # Content-Security-Policy refuses inline script, and the test's tooling must not need an exception to it.
    page.evaluate(AXE.read_text() + "\n;undefined")
    results = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    violations = results["violations"]
    blocking = [v for v in violations if v["impact"] in BLOCKING]
    assert not blocking, f"axe-core {results['testEngine']['version']} on {what}:\n" + "\n".join(
        _describe(v) for v in blocking
    )
    return [v for v in violations if v["impact"] not in BLOCKING]
