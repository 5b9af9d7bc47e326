"""Locust scenario for bench/load.py: practitioners decide, managers review their queue.

Plain HTTP against gunicorn on loopback; no Django import here (bench/load.py writes the
plan — accounts, requests to decide on, the answers — to a JSON file named by LOAD_PLAN).
A practitioner signs in, then again and again: starts a decision on one of their open
requests, answers every question and record step, checks the answers and submits. A manager
signs in with a TOTP code (the plan holds their device's key), then reads the approval
queue and a decision waiting in it. Successful submits are counted and written to
LOAD_COUNTS at the end, for the no-loss check. FloorUser is the separate floor phase.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import os
import re
import struct
import threading
import time
from urllib.parse import urlsplit

from locust import HttpUser, between, constant, events, task

PLAN = json.loads(open(os.environ["LOAD_PLAN"], encoding="utf-8").read())
COUNTS = {"submits": 0, "submit_failures": 0, "wizard_pages": 0}
_lock = threading.Lock()
_practitioners = itertools.cycle(PLAN["practitioners"])
_managers = itertools.cycle(PLAN["managers"])

QUESTION = re.compile(r"^/drafts/[0-9a-f-]+/questions/([\w-]+)/$")
STEP = re.compile(r"^/drafts/[0-9a-f-]+/steps/([\w-]+)/$")
CHECK = re.compile(r"^/drafts/([0-9a-f-]+)/check/$")
VERDICT_LINK = re.compile(r'href="(/approvals/[0-9a-f-]+/)"')


def totp(hex_key: str, step: int = 30, digits: int = 6) -> str:
    """RFC 6238, as django-otp computes it (SHA-1, 30 s, 6 digits)."""
    counter = struct.pack(">Q", int(time.time()) // step)
    digest = hmac.new(bytes.fromhex(hex_key), counter, hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    code = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(code % 10**digits).zfill(digits)


class Signed(HttpUser):
    abstract = True
    wait_time = between(0.5, 2)

    def csrf(self) -> str:
        return self.client.cookies.get("csrftoken", "")

    def post(self, url: str, data: dict, name: str):
        return self.client.post(
            url,
            data={**data, "csrfmiddlewaretoken": self.csrf()},
            headers={"X-CSRFToken": self.csrf()},
            allow_redirects=False,
            name=name,
        )

    def sign_in(self, username: str) -> None:
        self.client.get("/sign-in/", name="sign in")
        response = self.post(
            "/sign-in/", {"username": username, "password": PLAN["password"]}, "sign in"
        )
        if response.status_code != 302:
            raise RuntimeError(f"sign-in of {username} failed: {response.status_code}")


class Practitioner(Signed):
    weight = 4

    def on_start(self) -> None:
        self.account = next(_practitioners)
        self.requests = itertools.cycle(self.account["requests"])
        self.sign_in(self.account["username"])

    @task
    def decide(self) -> None:
        request_id = next(self.requests)
        self.client.get(f"/requests/{request_id}/", name="request detail")
        response = self.post(f"/requests/{request_id}/decide/", {}, "start decision")
        for _ in range(40):
            if response.status_code != 302:
                response.failure = True
                return
            path = urlsplit(response.headers["Location"]).path
            framework = self.account["framework"]
            if match := QUESTION.match(path):
                self.client.get(path, name="wizard question GET")
                answer = PLAN["answers"][framework][match.group(1)]
                response = self.post(path, {"answer": answer}, "wizard question POST")
            elif match := STEP.match(path):
                self.client.get(path, name="wizard step GET")
                data = PLAN["steps"][framework][match.group(1)]
                response = self.post(path, data, "wizard step POST")
            elif match := CHECK.match(path):
                self.client.get(path, name="check your answers")
                submit = self.post(f"/drafts/{match.group(1)}/submit/", {}, "submit")
                location = submit.headers.get("Location", "")
                with _lock:
                    if submit.status_code == 302 and location.endswith("/submitted/"):
                        COUNTS["submits"] += 1
                    else:
                        COUNTS["submit_failures"] += 1
                if location:
                    self.client.get(location, name="decision submitted")
                return
            else:
                self.client.get(path, name="other")
                return
            with _lock:
                COUNTS["wizard_pages"] += 1

    @task(1)
    def dashboard(self) -> None:
        self.client.get("/", name="dashboard")


class Manager(Signed):
    weight = 1

    def on_start(self) -> None:
        self.account = next(_managers)
        self.sign_in(self.account["username"])
        self.client.get("/account/two-factor/verify/", name="2FA")
        response = self.post(
            "/account/two-factor/verify/", {"token": totp(self.account["totp_key"])}, "2FA"
        )
        if response.status_code != 302:
            raise RuntimeError(f"2FA of {self.account['username']} failed")

    @task
    def queue(self) -> None:
        page = self.client.get(PLAN["approvals_url"], name="approval queue")
        link = VERDICT_LINK.search(page.text or "")
        if link:
            self.client.get(link.group(1), name="decision awaiting approval")


class FloorUser(Signed):
    """bench/load.py's second phase, on its own: a signed-in practitioner asking for the
    floor (bench/urls.py) with no wait, to measure what the same server serves at most
    through the same middleware. Named on Locust's command line only, never mixed in."""

    wait_time = constant(0)

    def on_start(self) -> None:
        self.sign_in(next(_practitioners)["username"])

    @task
    def floor(self) -> None:
        self.client.get("/__bench__/floor/", name="floor")


@events.quitting.add_listener
def _write_counts(environment, **kwargs) -> None:
    with open(os.environ["LOAD_COUNTS"], "w", encoding="utf-8") as out:
        json.dump(COUNTS, out)
