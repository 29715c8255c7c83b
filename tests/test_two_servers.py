"""Two app servers behind one address behave as one: a user signed in on one is signed in on the other, and
signing out on either signs them out of both (sessions in the database, read through the shared Redis cache).

Two real gunicorn processes on 127.0.0.1 share a scratch database and Redis database 13 (see tests/test_redis.py
for when Redis is needed and when these are skipped).
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time

import pytest
import requests

from tests.test_faults import ROOT, SUBPROCESS_ENV, _step
from tests.test_redis import REDIS_URL  # noqa: F401 (skips this module too when there is no Redis)

pytestmark = pytest.mark.django_db


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def two_servers(scratch):
    _step(scratch, "staff")
    env = dict(os.environ, DATABASE_URL=scratch, REDIS_URL=REDIS_URL, CACHE_KEY_PREFIX=f"two-servers-{os.getpid()}",
               DJANGO_ALLOWED_HOSTS="127.0.0.1", **SUBPROCESS_ENV)  # fmt: skip
    servers = []
    for _ in range(2):
        port = _free_port()
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "provision.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1",
             "--log-level", "warning"],  # fmt: skip
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
        servers.append((process, f"http://127.0.0.1:{port}"))
    try:
        for process, address in servers:
            deadline = time.monotonic() + 60
            while True:
                try:
                    if requests.get(f"{address}/accounts/login/", timeout=10).status_code == 200:
                        break
                except requests.RequestException:  # not listening yet, or still loading
                    pass
                assert process.poll() is None and time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.3)
        yield [address for _, address in servers]
    finally:
        for process, _ in servers:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=30)


def _csrf(session: requests.Session, url: str) -> str:
    page = session.get(url, timeout=10).text
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


def test_a_session_started_on_one_server_works_on_the_other_and_ends_on_both(two_servers):
    first, second = two_servers
    browser = requests.Session()
    signed_in = browser.post(
        f"{first}/accounts/login/",
        {
            "username": "senco",
            "password": "two-servers-pass",
            "csrfmiddlewaretoken": _csrf(browser, f"{first}/accounts/login/"),
        },
        allow_redirects=False,
        timeout=10,
    )
    assert signed_in.status_code == 302
    # The same browser (cookies) on the other server: still signed in.
    assert browser.get(f"{second}/pupils/", allow_redirects=False, timeout=10).status_code == 200
    assert browser.get(f"{first}/pupils/", allow_redirects=False, timeout=10).status_code == 200
    # Signing out on the second server ends the session on the first as well, even for someone still holding
    # the old session cookie (the session itself is gone, from the database and the shared cache).
    old_cookie = browser.cookies["sessionid"]
    out = browser.post(f"{second}/accounts/logout/", {"csrfmiddlewaretoken": browser.cookies["csrftoken"]},
                       allow_redirects=False, timeout=10)  # fmt: skip
    assert out.status_code == 302
    replayed = requests.get(f"{first}/pupils/", cookies={"sessionid": old_cookie}, allow_redirects=False, timeout=10)
    assert replayed.status_code == 302 and "/accounts/login/" in replayed.headers["Location"]
