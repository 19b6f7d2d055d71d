"""The virtual users of `make load` (locust; run by `manage.py loadtest`, which writes the users'
file and starts the servers). No Django here: locust patches the standard library with gevent,
and its process only speaks HTTP.

Four roles, in fixed numbers of the run's users (`ROLE_SHARES`), each virtual user its own login
of the data set (`rmo_portal.load.data`):

- a class teacher opens the schedule, the month calendar, their МО's meetings and approved plan,
  a signed protocol's PDF (the first district's), and their calendar feeds (.ics), as a calendar
  client polls them;
- a school МО's head opens their plan's editor, saves it (the version the page carried: the
  optimistic lock), opens the plan's page and now and then its PDF;
- a secretary opens their draft protocol's editor, saves it, opens its page and the draft's PDF
  preview (rendered once per version, then from the shared cache);
- a methodologist opens the home page (their dashboard: the district's tasks), the district's
  table of plans, the district summary, the analyses' board, the decisions under control and the people directory.

Every request goes to the next app server in turn (RMO_LOAD_HOSTS, as nginx's round robin
would), so a login made on one is used on the other: sessions, CSRF and the login throttle must
be shared. A save counts as done only when it answers 302 back to the editor; the editor's
designed 200 with a message (someone saved in between) is counted as a failure «conflict»,
which the load is built never to cause.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import time
from pathlib import Path

import gevent
from locust import HttpUser, between, events, task

from rmo_portal.load.forms import csrf_token, form_fields, in_saved_row, replace, saved_rows

USERS = json.loads(Path(os.environ["RMO_LOAD_USERS"]).read_text(encoding="utf-8"))
HOSTS = [h.rstrip("/") for h in os.environ["RMO_LOAD_HOSTS"].split(",")]
#: What a save adds to the text it edits, the run's count in it: «(правка 12)».
STAMP = re.compile(r" ?\(правка \d+\)$")
_hosts = itertools.cycle(HOSTS)
_counters: dict[str, itertools.count] = {}


def _next(role: str) -> dict:
    """The next login of that role: each virtual user of a role its own, in turn."""
    counter = _counters.setdefault(role, itertools.count())
    people = USERS[role]
    return people[next(counter) % len(people)]


def _stamped(text: str, n: int) -> str:
    return f"{STAMP.sub('', text)} (правка {n})"


class PortalUser(HttpUser):
    abstract = True
    role = ""
    wait_time = between(1, 5)
    host = HOSTS[0]

    def on_start(self):
        self.who = _next(self.role)
        self.saves = 0
        page = self.get("/accounts/login/", "login page")
        if page is None:
            _logged_in()
            return
        with self.client.post(
            self.url("/accounts/login/"),
            data={
                "username": self.who["username"], "password": USERS["password"],
                "csrfmiddlewaretoken": csrf_token(page.text),
            },
            name="login", allow_redirects=False, catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"login refused: {response.status_code}")
        _logged_in()  # refused too: the failure is counted, and the run must start

    def url(self, path: str) -> str:
        return next(_hosts) + path

    def get(self, path: str, name: str, *, content: str | None = None):
        """GET the page; a failure unless 200 (and, for a file, its content type)."""
        with self.client.get(self.url(path), name=name, catch_response=True, allow_redirects=False) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code}")
                return None
            if content and not response.headers.get("Content-Type", "").startswith(content):
                response.failure(f"content type {response.headers.get('Content-Type')}")
                return None
            if content == "application/pdf" and not response.content.startswith(b"%PDF"):
                response.failure("not a PDF")
                return None
            return response

    def save(self, path: str, form_id: str, field_suffix: str, name: str) -> None:
        """Open the editor, change the first saved row's field whose name ends with FIELD_SUFFIX, save."""
        page = self.get(path, f"{name} editor")
        if page is None:
            return
        fields = form_fields(page.text, form_id)
        rows = saved_rows(fields)
        target = next((f for f, _v in fields if f.endswith(field_suffix) and in_saved_row(f, rows)), None)
        if target is None:
            return
        self.saves += 1
        old = dict(fields)[target]
        fields = replace(fields, target, _stamped(old, self.saves))
        with self.client.post(
            self.url(path), data=[*fields, ("after", "stay")], name=f"{name} save",
            allow_redirects=False, catch_response=True,
        ) as response:
            if response.status_code == 302:
                return
            if response.status_code == 200 and "alert-danger" in response.text:
                response.failure("conflict or refused: 200 with a message")
            else:
                response.failure(f"{response.status_code}")


class Teacher(PortalUser):
    role = "teachers"

    @task(3)
    def schedule(self):
        self.get("/meetings/", "schedule (teacher)")

    @task(2)
    def calendar(self):
        self.get("/meetings/calendar/", "month calendar (teacher)")

    @task(2)
    def association_meetings(self):
        self.get(f"/meetings/associations/{self.who['mo']}/", "association's meetings (teacher)")

    @task(3)
    def feeds(self):
        self.get(f"/meetings/feed/{self.who['token']}.ics", "feed .ics (teacher)", content="text/calendar")
        self.get(
            f"/meetings/feed/{self.who['token']}/associations/{self.who['mo']}.ics", "association feed .ics",
            content="text/calendar",
        )

    @task(1)
    def plan(self):
        if self.who["plan"]:
            self.get(f"/plans/{self.who['plan']}/", "plan page (teacher)")

    @task(1)
    def signed_pdf(self):
        if self.who["signed"]:
            self.get(
                f"/meetings/protocols/{random.choice(self.who['signed'])}/pdf/", "signed protocol PDF",  # noqa: S311
                content="application/pdf",
            )


class Head(PortalUser):
    role = "heads"

    @task(4)
    def edit_plan(self):
        self.save(f"/plans/{self.who['plan']}/edit/", "plan-editor", "-content", "plan")

    @task(2)
    def plan(self):
        self.get(f"/plans/{self.who['plan']}/", "plan page (head)")

    @task(1)
    def home(self):
        self.get("/", "home (head)")

    @task(1)
    def plan_pdf(self):
        self.get(f"/reports/plans/{self.who['plan']}/pdf/", "plan PDF", content="application/pdf")


class Secretary(PortalUser):
    role = "secretaries"

    @task(4)
    def edit_protocol(self):
        self.save(f"/meetings/protocols/{self.who['protocol']}/edit/", "protocol-editor", "-heard", "protocol")

    @task(2)
    def protocol(self):
        self.get(f"/meetings/protocols/{self.who['protocol']}/", "protocol page (secretary)")

    @task(1)
    def draft_pdf(self):
        self.get(
            f"/meetings/protocols/{self.who['protocol']}/pdf/", "draft protocol PDF preview",
            content="application/pdf",
        )


class Methodologist(PortalUser):
    role = "methodologists"

    @task(3)
    def home(self):
        self.get("/", "home (methodologist: dashboard)")

    @task(2)
    def district_plans(self):
        self.get("/reports/plans/", "district's plans table")

    @task(1)
    def summary(self):
        self.get(
            f"/reports/summary/districts/{self.who['district']}/{self.who['year']}/", "district summary",
        )

    @task(1)
    def analysis_board(self):
        self.get(
            f"/reports/analysis/board/districts/{self.who['district']}/{self.who['year']}/", "analyses board",
        )

    @task(2)
    def decisions(self):
        self.get("/meetings/decisions/", "decisions under control")

    @task(1)
    def people(self):
        self.get("/people/", "people directory")


#: Shares of the run's users (locust's --users), in this order; the last takes the rest.
ROLE_SHARES = [(Methodologist, 0.1), (Secretary, 0.2), (Head, 0.25), (Teacher, None)]


def _fix_counts() -> None:
    total = int(os.environ.get("RMO_LOAD_USERS_COUNT", "50"))
    left = total
    for cls, share in ROLE_SHARES:
        count = left if share is None else max(1, round(total * share))
        cls.fixed_count = count
        left -= count


_fix_counts()

#: The bound on requests (RMO_LOAD_MAX_REQUESTS): the run stops when it is reached, whatever its time.
MAX_REQUESTS = int(os.environ.get("RMO_LOAD_MAX_REQUESTS", "0"))
#: The measured time (RMO_LOAD_DURATION seconds) starts once every user has logged in.
DURATION = int(os.environ.get("RMO_LOAD_DURATION", "120"))
#: Where the start of the measured time is written (seconds of the logins, for the CPU sampler).
MARK = os.environ.get("RMO_LOAD_MARK", "")
_requests = itertools.count(1)
_logins = itertools.count(1)
_environment: dict = {}
_began = time.monotonic()


@events.init.add_listener
def _init(environment, **_kwargs):
    _environment["environment"] = environment


def _quit() -> None:
    runner = _environment["environment"].runner
    if runner is not None:
        runner.quit()


@events.request.add_listener
def _bound(**_kwargs):
    if MAX_REQUESTS and next(_requests) == MAX_REQUESTS:
        gevent.spawn(_quit)  # not from the user's own greenlet, which it would stop


def _measure() -> None:
    """Every user is logged in: the figures start from zero now and run for DURATION seconds."""
    environment = _environment["environment"]
    environment.runner.stats.reset_all()
    if MARK:
        Path(MARK).write_text(f"{time.monotonic() - _began:.1f}", encoding="utf-8")
    gevent.spawn_later(DURATION, _quit)


def _logged_in() -> None:
    if next(_logins) == sum(cls.fixed_count for cls, _share in ROLE_SHARES):
        gevent.spawn(_measure)
