"""The load test's simulated staff (run by ``python -m bench --only load``; see bench.load).

Each simulated user takes the next account of the plan (``BENCH_LOAD_PLAN``, a JSON file written by bench.load),
signs in through the login form, then opens that account's own pages (the plan lists only pages the account may
open, checked before the run) with 1-3 seconds of thinking between them. Anything but a 200 is an error.
"""

from __future__ import annotations

import itertools
import json
import os
import random
from pathlib import Path

from locust import HttpUser, between, task

PLAN = json.loads(Path(os.environ["BENCH_LOAD_PLAN"]).read_text())
_accounts = itertools.cycle(PLAN["accounts"])


class Staff(HttpUser):
    wait_time = between(1, 3)

    def on_start(self) -> None:
        self.account = next(_accounts)
        self.pages = self.account["pages"]
        self.client.get("/accounts/login/", name="login page")
        token = self.client.cookies.get("csrftoken", "")
        with self.client.post(
            "/accounts/login/",
            {"username": self.account["username"], "password": PLAN["password"], "csrfmiddlewaretoken": token},
            name="login",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"login gave {response.status_code}")

    @task
    def open_a_page(self) -> None:
        page = random.choices(self.pages, weights=[p["weight"] for p in self.pages])[0]
        with self.client.get(page["url"], name=page["name"], allow_redirects=False, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code}")
