"""Production settings and security headers: every URL of the permission table, signed in, carries
``Cache-Control: no-store``, the Content-Security-Policy (no inline script) and the Permissions-Policy; the
deploy checks pass with the README's production variables; the app refuses to start without a real secret key."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import matplotlib
import pytest
from django.urls import reverse

from provision.security import MATPLOTLIB_SVG_STYLE, MATPLOTLIB_SVG_STYLE_HASH, client_ip, csp_hash
from reports import charts
from tests.permission_cases import merged

CASES, ARGS = merged()
ROOT = Path(__file__).resolve().parents[2]

# The README's production variables (section "Deploying").
PRODUCTION = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "k" * 20 + "production-secret-for-the-deploy-check-0123456789",
    "DJANGO_ALLOWED_HOSTS": "provision.example.sch.uk",
    "DJANGO_CSRF_TRUSTED_ORIGINS": "https://provision.example.sch.uk",
    "DJANGO_SECURE_COOKIES": "true",
    "DJANGO_SSL_REDIRECT": "true",
    "DJANGO_PROXY_SSL_HEADER": "true",
    "DJANGO_HSTS_SECONDS": "31536000",
    "DJANGO_HSTS_PRELOAD": "true",
    "SITE_URL": "https://provision.example.sch.uk",
}


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_") and k != "PYTEST_CURRENT_TEST"}
    clean.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120
    )


def test_deploy_check_passes_with_the_production_variables():
    run = _manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "no issues" in run.stdout


def test_deploy_check_fails_without_them():
    """The check is not vacuous: without HTTPS settings it warns, and the warning fails it."""
    env = {"DJANGO_DEBUG": "false", "DJANGO_SECRET_KEY": PRODUCTION["DJANGO_SECRET_KEY"]}
    run = _manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert run.returncode != 0
    assert "security.W004" in run.stderr + run.stdout  # no HSTS


@pytest.mark.parametrize(
    "env",
    [
        {"DJANGO_DEBUG": "false"},
        {"DJANGO_DEBUG": "false", "DJANGO_SECRET_KEY": ""},
        {"DJANGO_DEBUG": "false", "DJANGO_SECRET_KEY": "insecure-demo-key-set-DJANGO_SECRET_KEY-in-production"},
        {"DJANGO_DEBUG": "false", "DJANGO_SECRET_KEY": "short"},
        {"DJANGO_DEBUG": "true", "DJANGO_REQUIRE_SECRET_KEY": "true"},
    ],
)
def test_refuses_to_start_without_a_real_secret_key(env):
    run = _manage("check", env=env)
    assert run.returncode != 0
    assert "DJANGO_SECRET_KEY" in run.stderr


def test_the_migration_check_needs_no_secret_key():
    """CI's `makemigrations --check` signs nothing: it runs with DJANGO_DEBUG off and no key (on a random one)."""
    run = _manage("makemigrations", "--check", "--dry-run", env={"DJANGO_DEBUG": "false"})
    assert run.returncode == 0, run.stderr
    assert "No changes detected" in run.stdout


def test_the_demo_runs_on_the_demo_key_with_debug_on():
    run = _manage("check", env={"DJANGO_DEBUG": "true"})
    assert run.returncode == 0, run.stderr


def _signed_in_responses(client, world, actor: str):
    client.force_login(world.users[actor])
    for name, case in sorted(CASES.items()):
        if name in ("logout", "sign_out_everywhere"):
            continue  # they end the session the rest of the loop needs
        args = ARGS[case.args](world) if case.args else []
        url = reverse(name, args=args)
        data = {key: (world.school.pk if value == "school" else value) for key, value in case.data.items()}
        yield name, getattr(client, case.method)(url, data)


@pytest.mark.parametrize("actor", ["senco", "leader", "admin", "parent"])
def test_every_signed_in_url_is_no_store_with_csp_and_permissions_policy(client, world, actor):
    seen = 0
    for name, response in _signed_in_responses(client, world, actor):
        assert "no-store" in response.get("Cache-Control", ""), name
        policy = response.get("Content-Security-Policy", "")
        assert "script-src 'self'" in policy, name
        assert "unsafe-inline" not in policy.split("script-src")[1].split(";")[0], name
        assert "camera=()" in response.get("Permissions-Policy", ""), name
        assert response.get("X-Frame-Options") == "DENY", name
        seen += 1
    assert seen == len(CASES) - 2


def test_exports_are_no_store(client, world):
    client.force_login(world.users["senco"])
    for url in (reverse("pupils:sen_register_csv"), reverse("reports:pupil_data_export", args=[world.pupils[0].pk])):
        response = client.get(url)
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"]


def test_public_pages_still_carry_the_policies(client, world):
    response = client.get(reverse("login"))
    assert "Content-Security-Policy" in response
    assert "Permissions-Policy" in response


def test_no_inline_script_or_handlers_in_templates():
    """The policy refuses inline script, so templates must not have any (the PDF templates are not pages)."""
    offenders = []
    for path in (ROOT / "templates").rglob("*.html"):
        text = path.read_text()
        if path.name.endswith("_pdf.html") or "pdf" in path.name:
            continue
        for bad in ("<script>", "onclick=", "onchange=", "onsubmit=", "onload=", "javascript:", "<style"):
            if bad in text:
                offenders.append(f"{path.relative_to(ROOT)}: {bad}")
    assert not offenders


def test_the_chart_style_hash_matches_what_matplotlib_writes():
    svg = charts.progress_chart(
        title="Reading", dates=[__import__("datetime").date(2026, 9, 1)], values=[100.0], y_label="Score"
    )
    style = svg.split("<style", 1)[1].split(">", 1)[1].split("</style>", 1)[0]
    assert style == MATPLOTLIB_SVG_STYLE, f"matplotlib {matplotlib.__version__} changed its SVG style element"
    assert csp_hash(style) == MATPLOTLIB_SVG_STYLE_HASH


def test_client_ip_trusts_only_the_configured_proxies(rf, settings):
    request = rf.get("/", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9", REMOTE_ADDR="10.0.0.2")
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request) == "10.0.0.2"
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request) == "203.0.113.9"  # the forged left-most address is never used
    settings.TRUSTED_PROXY_COUNT = 3
    assert client_ip(request) == "10.0.0.2"
