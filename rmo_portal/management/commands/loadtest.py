"""manage.py loadtest: the portal under load on two app servers, and PostgreSQL restarted under it.

    manage.py loadtest                       # 50 users for 2 minutes (make load)
    manage.py loadtest --users 10 --duration 20
    manage.py loadtest --fault pg-restart    # the fault check of .ci/run (about 30 s)

The database is DATABASE_URL's, which must be PostgreSQL (the load's own: `make load` uses
rmo_load); it is created if missing, migrated, given its cache table and the bench's data set
(`rmo_portal.demo.bench`, built once) with passwords for its logins (`rmo_portal.load.data`).
Then two gunicorn instances on 127.0.0.1 (--ports) share it and the media directory, with the
production settings less TLS (`rmo_portal.load.settings`), and locust runs headless against them
(`rmo_portal/load/locustfile.py`), bounded in users, time and requests, each request to the next
instance in turn. Printed: requests per second, the median, 95th and 99th percentile per page,
the failures (none is the target: the command fails otherwise), the instances' peak memory (the
RSS of the masters and workers, sampled every half second) and the workers' CPU time per request.

--fault pg-restart (`rmo_portal.load.fault`): heads and secretaries save, teachers read, and the
database is restarted in the middle. Every answer must be the page asked for or the Russian 503
with Retry-After; every plan and protocol must afterwards hold one whole saved version; and
requests must succeed again after the restart without anything restarted but PostgreSQL.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import psycopg2
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from psycopg2 import sql

from rmo_portal.demo import bench as benchdata
from rmo_portal.load import servers
from rmo_portal.load.data import load_users

WORK_DIR = Path(settings.BASE_DIR) / ".load"
#: At most this long for every user to log in before the measured time starts (locust's run time
#: is the measured time plus this; the run ends when the measured time is over).
LOGIN_PHASE_LIMIT = 180


def ensure_database() -> None:
    """Create DATABASE_URL's database when it is missing (a machine that never saw the project)."""
    db = settings.DATABASES["default"]
    if db["ENGINE"] != "django.db.backends.postgresql":
        raise CommandError("loadtest: нужна PostgreSQL (DATABASE_URL=postgres://…) / PostgreSQL only")
    params = {
        "dbname": "postgres", "user": db.get("USER") or None, "password": db.get("PASSWORD") or None,
        "host": db.get("HOST") or None, "port": db.get("PORT") or None,
    }
    maintenance = psycopg2.connect(**{k: v for k, v in params.items() if v is not None})
    try:
        maintenance.autocommit = True  # CREATE DATABASE runs outside a transaction
        with maintenance.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db["NAME"]])
            if cursor.fetchone() is None:
                cursor.execute(
                    sql.SQL("CREATE DATABASE {} ENCODING 'UTF8' TEMPLATE template0").format(sql.Identifier(db["NAME"]))
                )
    finally:
        maintenance.close()


def database_url() -> str:
    db = settings.DATABASES["default"]
    auth = db.get("USER") or ""
    if db.get("PASSWORD"):
        auth += f":{db['PASSWORD']}"
    return f"postgres://{auth}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"


class Command(BaseCommand):
    help = "Нагрузочный тест (locust на двух gunicorn против PostgreSQL) или проверка отказа: --fault pg-restart."

    def add_arguments(self, parser):
        parser.add_argument("--users", type=int, help="Одновременных пользователей (50; с --fault 12).")
        parser.add_argument("--duration", type=int, help="Секунд нагрузки (120; с --fault 30).")
        parser.add_argument("--spawn-rate", type=float, default=10, help="Новых пользователей в секунду.")
        parser.add_argument("--max-requests", type=int, default=20_000, help="Предел запросов за прогон.")
        parser.add_argument("--scale", choices=sorted(benchdata.SCALES), help="Данные бенча (large; с --fault small).")
        parser.add_argument("--workers", type=int, help="Воркеров gunicorn в каждом экземпляре (2; с --fault 1).")
        parser.add_argument("--ports", default="8101,8102", help="Порты экземпляров на 127.0.0.1.")
        parser.add_argument("--fault", choices=["pg-restart"], help="Проверка отказа вместо нагрузки.")
        parser.add_argument(
            "--restart-command",
            help="Команда перезапуска PostgreSQL (по умолчанию pg_ctlcluster <версия> main restart).",
        )
        parser.add_argument("--force", action="store_true", help="Разрешить базу с чужими районами.")

    def handle(self, *args, **options):
        ensure_database()
        connection.close()
        call_command("migrate", "--no-input", verbosity=0)
        call_command("createcachetable", verbosity=0)
        if benchdata.foreign_districts_exist() and not options["force"]:
            raise CommandError(
                "В базе есть районы, кроме тестовых: нагрузочный тест пишет в неё пользователей и правки. "
                "Возьмите отдельную базу (make load: rmo_load) или --force."
            )
        fault = options["fault"]
        scale = options["scale"] or ("small" if fault else "large")
        WORK_DIR.mkdir(exist_ok=True)
        started = time.monotonic()
        users = load_users(scale)
        self.stdout.write(
            f"Данные / data set «{scale}»: {len(users.teachers)} учителей, {len(users.heads)} руководителей с "
            f"черновиком плана, {len(users.secretaries)} секретарей с черновиком протокола, "
            f"{len(users.methodologists)} методистов ({time.monotonic() - started:.1f} s)"
        )
        ports = [int(p) for p in options["ports"].split(",") if p.strip()]
        env = servers.server_env(database_url=database_url(), media_root=Path(settings.MEDIA_ROOT))
        connection.close()  # the servers and locust from here; our connection would idle through the run
        if fault:
            from rmo_portal.load import fault as fault_check

            ok = fault_check.run(
                self, users=users, ports=ports[:2], workers=options["workers"] or 1, env=env,
                users_count=options["users"] or 12, duration=options["duration"] or 25,
                restart_command=options["restart_command"], work_dir=WORK_DIR,
            )
            if not ok:
                raise CommandError("Проверка отказа PostgreSQL не прошла / the PostgreSQL restart check failed")
            return
        options["workers"] = options["workers"] or 2
        self.load(users, ports, env, options)

    # --- the load -------------------------------------------------------------------------------

    def load(self, users, ports, env, options) -> None:
        users_count = options["users"] or 50
        duration = options["duration"] or 120
        users_file = WORK_DIR / "users.json"
        users_file.write_text(json.dumps(users.as_dict()), encoding="utf-8")
        csv_prefix = WORK_DIR / "run"
        instances = servers.start(ports, workers=options["workers"], env=env, log_dir=WORK_DIR)
        # The locustfile starts the figures from zero once every user has logged in (the logins,
        # a password hash each, and each worker's first requests are left out) and writes MARK
        # then: the sampler counts the CPU from that moment.
        mark = WORK_DIR / "measuring"
        mark.unlink(missing_ok=True)
        sampler = servers.Sampler(instances, database=settings.DATABASES["default"]["NAME"], mark=mark)
        sampler.start()
        locust = Path(sys.executable).with_name("locust")
        locust_env = {
            **os.environ,
            "RMO_LOAD_USERS": str(users_file),
            "RMO_LOAD_HOSTS": ",".join(i.url for i in instances),
            "RMO_LOAD_USERS_COUNT": str(users_count),
            "RMO_LOAD_MAX_REQUESTS": str(options["max_requests"]),
            "RMO_LOAD_DURATION": str(duration),
            "RMO_LOAD_MARK": str(mark),
        }
        self.stdout.write(
            f"Нагрузка / load: {users_count} users for {duration} s on {len(instances)} × gunicorn "
            f"({options['workers']} workers each) at {', '.join(i.url for i in instances)}"
        )
        began = time.monotonic()
        try:
            result = subprocess.run(  # noqa: S603 (our own locust, fixed arguments)
                [
                    str(locust), "-f", str(Path(__file__).resolve().parents[2] / "load" / "locustfile.py"),
                    "--headless", "--users", str(users_count), "--spawn-rate", str(options["spawn_rate"]),
                    "--run-time", f"{duration + LOGIN_PHASE_LIMIT}s", "--stop-timeout", "10", "--csv", str(csv_prefix),
                    "--only-summary", "--loglevel", "WARNING",
                ],
                cwd=settings.BASE_DIR, env=locust_env, capture_output=True, text=True, check=False,
            )
        finally:
            logins = float(mark.read_text()) if mark.exists() else None
            elapsed = time.monotonic() - began - (logins or 0)
            try:
                usage = sampler.finish()
            finally:
                servers.stop(instances)
        (WORK_DIR / "locust.log").write_text(result.stdout + result.stderr, encoding="utf-8")
        if logins is None:
            raise CommandError(f"Не все вошли за {LOGIN_PHASE_LIMIT} с / the logins did not finish: {WORK_DIR}")
        self.stdout.write(f"Входы / logins: {users_count} users logged in through the form in {logins:.0f} s")
        failures = self.report(csv_prefix, usage, workers=options["workers"] * len(instances), elapsed=elapsed)
        if result.returncode not in (0, 1):  # locust exits 1 when a request failed
            raise CommandError(f"locust завершился с кодом {result.returncode}: см. {WORK_DIR / 'locust.log'}")
        if failures:
            raise CommandError(f"Ошибок под нагрузкой: {failures} (цель — ни одной); см. {csv_prefix}_failures.csv")

    def report(self, csv_prefix: Path, usage: servers.Usage, *, workers: int, elapsed: float) -> int:
        with Path(f"{csv_prefix}_stats.csv").open(encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
        total = next(r for r in rows if r["Name"] == "Aggregated")
        # The logins are made before the measured time (the locustfile starts it at zero then).
        pages = sorted(
            (r for r in rows if r["Name"] != "Aggregated" and int(r["Request Count"])),
            key=lambda r: -int(r["Request Count"]),
        )
        out = self.stdout.write
        out("")
        out("| page | requests | failures | req/s | p50 ms | p95 ms | p99 ms | max ms |")
        out("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        for r in [*pages, total]:
            name = "**all**" if r is total else r["Name"]
            out(
                f"| {name} | {r['Request Count']} | {r['Failure Count']} | {float(r['Requests/s']):.1f} "
                f"| {r['50%']} | {r['95%']} | {r['99%']} | {float(r['Max Response Time']):.0f} |"
            )
        requests = int(total["Request Count"])
        failures = int(total["Failure Count"])
        rps = float(total["Requests/s"])
        out("")
        measured = requests / rps if rps else elapsed
        out(f"- {requests} requests, {failures} failed, {rps:.1f} requests/s over {measured:.0f} s")
        out(
            f"- gunicorn: {usage.processes} processes ({usage.names}); peak RSS of all of them "
            f"{usage.peak_total_rss / 2**20:.0f} MiB, of one process {usage.peak_process_rss / 2**20:.0f} MiB"
        )
        if requests:
            out(
                f"- workers' CPU: {usage.cpu_seconds:.1f} s for {requests} requests = "
                f"{1000 * usage.cpu_seconds / requests:.1f} ms a request; {rps / workers:.1f} requests/s per worker "
                f"({workers} workers), at most {requests / usage.cpu_seconds:.1f} requests/s per busy core "
                "for this mix"
                if usage.cpu_seconds else "- workers' CPU: not sampled"
            )
            out(
                f"- PostgreSQL (the backends of this database): {usage.database_cpu_seconds:.1f} s of CPU = "
                f"{1000 * usage.database_cpu_seconds / requests:.1f} ms a request"
            )
        failures_file = Path(f"{csv_prefix}_failures.csv")
        if failures and failures_file.exists():
            with failures_file.open(encoding="utf-8") as f:
                for r in csv.DictReader(f):
                    out(f"  ! {r['Name']}: {r['Error']} × {r['Occurrences']}")
        return failures
