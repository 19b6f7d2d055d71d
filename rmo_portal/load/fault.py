"""`manage.py loadtest --fault pg-restart`: PostgreSQL restarted in the middle of a short load.

Heads save their plans and secretaries their protocols in a loop, each save stamping every item
of the plan (and its header) or of the protocol with the save's number, «[v17]»; teachers read
the schedule and their feed. After a few seconds the database is restarted (`pg_ctlcluster
<version> main restart`, or --restart-command). The check holds when:

1. every answer was the page asked for, or the Russian 503 page with Retry-After
   (`rmo_portal.errors`): no 500, no traceback, no connection refused by gunicorn;
2. the app reconnected by itself: every request sent a second after the restart returned
   succeeded (the servers are not restarted);
3. nothing is half-written: every plan and protocol holds one stamp on its header and on every
   item, the stamp of a save that was sent, and no older than the last save that answered
   «saved» (a save cut off by the restart may have committed or not, as the 503 page says).

Plain threads with `requests` (locust is not needed to count answers); two gunicorn instances
as in the load. PostgreSQL is left running whatever happens.
"""

from __future__ import annotations

import itertools
import random
import re
import shlex
import subprocess
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client as DjangoClient
from django.test.utils import override_settings

from associations.models import AnnualPlan, PlanItem
from meetings.models import ProtocolItem
from rmo_portal.load import servers
from rmo_portal.load.data import LoadUsers
from rmo_portal.load.forms import form_fields, in_saved_row, saved_rows

#: When the restart starts, in seconds after the users have logged in.
RESTART_AFTER = 8
#: Every request sent this long after the restart returned must succeed.
RECONNECT_GRACE = 1.0
#: How long the load goes on after the restart returned.
AFTER_RESTART = 10
STAMP = re.compile(r" \[v(\d+)\]$")
RUSSIAN_503 = "Портал временно недоступен"


def default_restart_command() -> list[str]:
    """The local cluster's restart, as .ci/run finds the cluster (the newest version's «main»)."""
    versions = sorted(
        (p.name for p in Path("/etc/postgresql").iterdir() if p.name.replace(".", "").isdigit()),
        key=lambda v: [int(x) for x in v.split(".")],
    ) if Path("/etc/postgresql").is_dir() else []
    if not versions:
        raise RuntimeError("no PostgreSQL cluster in /etc/postgresql: give --restart-command")
    return ["pg_ctlcluster", "--skip-systemctl-redirect", versions[-1], "main", "restart"]


@dataclass
class Answer:
    at: float
    role: str
    name: str
    outcome: str  # "ok", "503", or what was wrong


@dataclass
class Journal:
    answers: list[Answer] = field(default_factory=list)
    sent: dict[tuple[str, int], set[int]] = field(default_factory=lambda: defaultdict(set))
    confirmed: dict[tuple[str, int], int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    numbers: itertools.count = field(default_factory=lambda: itertools.count(1))

    def add(self, answer: Answer) -> None:
        with self.lock:
            self.answers.append(answer)

    def number(self, key: tuple[str, int]) -> int:
        with self.lock:
            n = next(self.numbers)
            self.sent[key].add(n)
            return n


def _stamp(text: str, n: int) -> str:
    return f"{STAMP.sub('', text)} [v{n}]"


class Client(threading.Thread):
    """One virtual user, logged in (`session_keys`): repeats its role's requests until `stop` is set."""

    def __init__(self, role: str, who: dict, *, session_key: str, hosts: list[str], journal: Journal,
                 began: float, stop: threading.Event):
        super().__init__(daemon=True)
        self.role, self.who, self.journal = role, who, journal
        self.hosts = itertools.cycle(hosts)
        self.began, self.stop = began, stop
        self.session = requests.Session()
        self.session.cookies.set(settings.SESSION_COOKIE_NAME, session_key, domain=servers.LOOPBACK)


    def url(self, path: str) -> str:
        return next(self.hosts) + path

    def record(self, name: str, response: requests.Response | None, *, ok: tuple[int, ...] = (200,),
               sent: float, error: str | None = None) -> bool:
        if error is not None:
            outcome = error
        elif response.status_code in ok:
            outcome = "ok"
        elif response.status_code == 503:
            russian = RUSSIAN_503 in response.text and response.headers.get("Retry-After", "").isdigit()
            outcome = "503" if russian else "503 without the Russian page or Retry-After"
        else:
            outcome = f"{response.status_code}"
        self.journal.add(Answer(at=sent - self.began, role=self.role, name=name, outcome=outcome))
        return outcome == "ok"

    def request(self, method: str, path: str, name: str, **kwargs):
        sent = time.monotonic()
        try:
            response = self.session.request(method, self.url(path), timeout=30, allow_redirects=False, **kwargs)
        except requests.RequestException as error:
            self.record(name, None, sent=sent, error=f"no answer: {type(error).__name__}")
            return None, sent
        return response, sent

    def save(self, kind: str, pk: int, path: str, form_id: str, suffixes: tuple[str, ...]) -> None:
        page, sent = self.request("GET", path, f"{kind} editor")
        if page is None or not self.record(f"{kind} editor", page, sent=sent):
            return
        n = self.journal.number((kind, pk))
        fields = form_fields(page.text, form_id)
        rows = saved_rows(fields)
        fields = [
            (name, _stamp(value, n) if name.endswith(suffixes) and ("-" not in name or in_saved_row(name, rows))
             else value)
            for name, value in fields
        ]
        response, sent = self.request("POST", path, f"{kind} save", data=[*fields, ("after", "stay")])
        if response is not None and self.record(f"{kind} save", response, ok=(302,), sent=sent):
            with self.journal.lock:
                self.journal.confirmed[(kind, pk)] = max(self.journal.confirmed.get((kind, pk), 0), n)

    def step(self) -> None:
        if self.role == "head":
            plan = self.who["plan"]
            self.save("plan", plan, f"/plans/{plan}/edit/", "plan-editor", ("-content", "expected_results"))
        elif self.role == "secretary":
            protocol = self.who["protocol"]
            self.save("protocol", protocol, f"/meetings/protocols/{protocol}/edit/", "protocol-editor", ("-heard",))
        else:
            for path, name in (("/meetings/", "schedule"), (f"/meetings/feed/{self.who['token']}.ics", "feed")):
                response, sent = self.request("GET", path, name)
                if response is not None:
                    self.record(name, response, sent=sent)

    def run(self) -> None:
        while not self.stop.is_set():
            self.step()
            self.stop.wait(random.uniform(0.1, 0.4))  # noqa: S311


def _pg_ready(timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            connection.close()
            connection.ensure_connection()
            return True
        except Exception:  # not up yet
            time.sleep(0.5)
    return False


def _plan_stamps(pk: int) -> tuple[set[int | None], int]:
    header = AnnualPlan.objects.get(pk=pk).expected_results
    texts = [header, *PlanItem.objects.filter(plan_id=pk).values_list("content", flat=True)]
    return {int(m.group(1)) if (m := STAMP.search(t)) else None for t in texts}, len(texts) - 1


def _protocol_stamps(pk: int) -> tuple[set[int | None], int]:
    texts = list(ProtocolItem.objects.filter(protocol_id=pk).values_list("heard", flat=True))
    return {int(m.group(1)) if (m := STAMP.search(t)) else None for t in texts}, len(texts)


def session_keys(usernames: list[str], *, secret_key: str) -> dict[str, str]:
    """A session in the database for each login, as the login form would leave it, under the
    servers' secret key (the session keeps a hash of the password made with it): the check
    measures the restart, not a dozen password hashes (the load logs in through the form)."""
    keys = {}
    with override_settings(SECRET_KEY=secret_key):
        for user in get_user_model().objects.filter(username__in=usernames):
            client = DjangoClient()
            client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
            keys[user.username] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return keys


def run(command, *, users: LoadUsers, ports: list[int], workers: int, env: dict, users_count: int,
        duration: int, restart_command: str | None, work_dir: Path) -> bool:
    out = command.stdout.write
    restart = shlex.split(restart_command) if restart_command else default_restart_command()
    per_role = max(1, users_count // 3)
    heads = users.heads[:per_role]
    secretaries = [s for s in users.secretaries if s["protocol"]][:per_role]
    teachers = users.teachers[: max(1, users_count - len(heads) - len(secretaries))]
    counts_before = {("plan", h["plan"]): _plan_stamps(h["plan"])[1] for h in heads}
    counts_before |= {("protocol", s["protocol"]): _protocol_stamps(s["protocol"])[1] for s in secretaries}
    keys = session_keys(
        [who["username"] for who in [*heads, *secretaries, *teachers]], secret_key=env["DJANGO_SECRET_KEY"]
    )
    connection.close()

    instances = servers.start(ports, workers=workers, env=env, log_dir=work_dir)
    journal = Journal()
    stop = threading.Event()
    clients: list[Client] = []
    restart_began = restart_ended = None
    restart_result = None
    try:
        began = time.monotonic()
        hosts = [i.url for i in instances]
        for role, group in (("head", heads), ("secretary", secretaries), ("teacher", teachers)):
            clients += [
                Client(role, who, session_key=keys[who["username"]], hosts=hosts, journal=journal, began=began,
                       stop=stop)
                for who in group
            ]
        for client in clients:
            client.start()
        out(
            f"Проверка отказа / fault check: {len(heads)} heads, {len(secretaries)} secretaries, {len(teachers)} "
            f"teachers on {', '.join(hosts)}; PostgreSQL restart in {RESTART_AFTER} s: {shlex.join(restart)}"
        )
        time.sleep(RESTART_AFTER)
        restart_began = time.monotonic() - began
        restart_result = subprocess.run(restart, capture_output=True, text=True, check=False, timeout=120)  # noqa: S603
        restart_ended = time.monotonic() - began
        time.sleep(max(AFTER_RESTART, duration - restart_ended))
    finally:
        stop.set()
        for client in clients:
            client.join(40)
        servers.stop(instances)
        up = _pg_ready(60)
        if not up:
            subprocess.run([*restart[:-1], "start"], check=False)  # noqa: S603
            up = _pg_ready(60)

    problems: list[str] = []
    if not up:
        problems.append("PostgreSQL is not running after the check")
    if restart_result is not None and restart_result.returncode != 0:
        problems.append(f"the restart failed ({restart_result.returncode}): {restart_result.stderr.strip()}")

    tally = Counter((a.outcome if a.outcome in {"ok", "503"} else "bad") for a in journal.answers)
    bad = [a for a in journal.answers if a.outcome not in {"ok", "503"}]
    problems += [f"{a.at:.1f} s {a.role} {a.name}: {a.outcome}" for a in bad[:10]]
    if restart_ended is not None:
        late = [a for a in journal.answers if a.at > restart_ended + RECONNECT_GRACE]
        not_back = [a for a in late if a.outcome != "ok"]
        problems += [f"{a.at:.1f} s {a.role} {a.name}: {a.outcome} after the restart" for a in not_back[:10]]
        for role in ("head", "secretary", "teacher"):
            if not any(a.role == role and a.outcome == "ok" for a in late) and any(c.role == role for c in clients):
                problems.append(f"no {role}'s request succeeded after the restart")
        during = [a for a in journal.answers if restart_began <= a.at <= restart_ended + RECONNECT_GRACE]
        if not any(a.outcome == "503" for a in journal.answers):
            problems.append("no request met the restart (no 503): the check proved nothing")
        out(
            f"- restart from {restart_began:.1f} s to {restart_ended:.1f} s; answers: {tally['ok']} ok, "
            f"{tally['503']} Russian 503 with Retry-After, {tally['bad']} other; "
            f"{len(during)} sent during the restart, {len(late)} after it (all must be ok)"
        )

    saves = 0
    for key, before in counts_before.items():
        kind, pk = key
        stamps, count = _plan_stamps(pk) if kind == "plan" else _protocol_stamps(pk)
        sent = journal.sent.get(key, set())
        confirmed = journal.confirmed.get(key, 0)
        saves += confirmed > 0
        if count != before:
            problems.append(f"{kind} {pk}: {count} items, {before} before")
        if not sent:
            continue
        (stamp,) = stamps if len(stamps) == 1 else (None,)
        if len(stamps) != 1 or stamp is None:
            problems.append(f"{kind} {pk}: half-written, stamps {sorted(stamps, key=str)}")
        elif stamp not in sent or stamp < confirmed:
            problems.append(f"{kind} {pk}: holds save {stamp}, sent {sorted(sent)}, last confirmed {confirmed}")
    cut = sum(1 for a in journal.answers if a.name.endswith(" save") and a.outcome == "503")
    whole = not any("half" in p or "holds" in p for p in problems)
    out(
        f"- {sum(len(s) for s in journal.sent.values())} saves sent to {len(counts_before)} plans and protocols "
        f"({cut} answered 503: cut off by the restart, or refused while it lasted); "
        f"each holds one whole save afterwards: {'yes' if whole else 'NO'}"
    )
    if saves < len(counts_before):
        problems.append(f"only {saves} of {len(counts_before)} plans and protocols were saved at all")
    for problem in problems:
        command.stderr.write(f"  ! {problem}")
    out("Проверка отказа: прошла / passed" if not problems else "Проверка отказа: НЕ ПРОШЛА / FAILED")
    return not problems
