"""The app servers of the load: gunicorn instances on 127.0.0.1, each its own master and
workers, started with the same secret key, database and media directory (two app servers of
docs/deploy.md, section 9, on one machine), and a sampler of their memory and CPU."""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import psutil
from django.conf import settings

LOOPBACK = "127.0.0.1"


@dataclass
class Instance:
    port: int
    process: subprocess.Popen

    @property
    def url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"


@dataclass
class Usage:
    """Peaks over the run: the sum of the RSS of every master and worker, the largest single
    process, and the CPU seconds the workers spent (user + system) from start to end."""

    peak_total_rss: int = 0
    peak_process_rss: int = 0
    processes: int = 0
    names: str = ""  # what the processes are, «2 gunicorn masters, 4 workers»
    cpu_seconds: float = 0.0
    database_cpu_seconds: float = 0.0  # PostgreSQL's backends of the load's database
    samples: int = 0
    _cpu_start: dict[int, float] = field(default_factory=dict)
    _cpu_last: dict[int, float] = field(default_factory=dict)
    _db_start: dict[int, float] = field(default_factory=dict)
    _db_last: dict[int, float] = field(default_factory=dict)


def server_env(*, database_url: str, media_root: Path) -> dict[str, str]:
    """What every instance shares: production settings less TLS (rmo_portal.load.settings)."""
    env = {
        key: value for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "RMO_")) and key != "DATABASE_URL"
    }
    env.update(
        DJANGO_SETTINGS_MODULE="rmo_portal.load.settings",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(48),
        DJANGO_ALLOWED_HOSTS=LOOPBACK,
        DATABASE_URL=database_url,
        DJANGO_MEDIA_ROOT=str(media_root),
        DJANGO_LOG_LEVEL="WARNING",
    )
    return env


def start(ports: list[int], *, workers: int, env: dict[str, str], log_dir: Path) -> list[Instance]:
    gunicorn = Path(sys.executable).with_name("gunicorn")
    instances = []
    for port in ports:
        log = (log_dir / f"gunicorn-{port}.log").open("w")
        process = subprocess.Popen(  # noqa: S603 (our own gunicorn, fixed arguments)
            [
                str(gunicorn), "rmo_portal.wsgi:application", "--bind", f"{LOOPBACK}:{port}",
                "--workers", str(workers), "--timeout", "60", "--graceful-timeout", "5",
            ],
            cwd=settings.BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT,
        )
        instances.append(Instance(port=port, process=process))
    deadline = time.monotonic() + 60
    for instance in instances:
        while True:
            if instance.process.poll() is not None:
                stop(instances)
                raise RuntimeError(f"gunicorn on port {instance.port} exited: see {log_dir}/gunicorn-{instance.port}.log")  # noqa: E501
            try:
                with urllib.request.urlopen(f"{instance.url}/accounts/login/", timeout=5) as response:  # noqa: S310
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                stop(instances)
                raise RuntimeError(f"gunicorn on port {instance.port} did not answer within 60 s")
            time.sleep(0.3)
    return instances


def stop(instances: list[Instance]) -> None:
    for instance in instances:
        if instance.process.poll() is None:
            instance.process.send_signal(signal.SIGTERM)
    for instance in instances:
        try:
            instance.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            instance.process.kill()
            instance.process.wait()


def _names(masters: list[psutil.Process], workers: list[psutil.Process]) -> str:
    others: dict[str, int] = {}
    gunicorn = 0
    for process in workers:
        try:
            if "gunicorn" in " ".join(process.cmdline()):
                gunicorn += 1
            else:
                others[process.name()] = others.get(process.name(), 0) + 1
        except psutil.NoSuchProcess:
            continue
    extra = "".join(f", {n} × {name}" for name, n in sorted(others.items()))
    return f"{len(masters)} masters, {gunicorn} workers{extra}"


def _cpu(processes, start: dict[int, float], last: dict[int, float], counting: bool) -> None:
    """Each process' user + system seconds: the first seen once counting, and the last."""
    for process in processes:
        try:
            times = process.cpu_times()
        except psutil.NoSuchProcess:
            continue
        cpu = times.user + times.system
        if not counting:
            start[process.pid] = cpu
        else:
            start.setdefault(process.pid, cpu if process.pid in last else 0.0)
        last[process.pid] = cpu


class Sampler(threading.Thread):
    """Samples the instances' processes every INTERVAL seconds until stopped."""

    INTERVAL = 0.5

    def __init__(self, instances: list[Instance], *, database: str, mark: Path | None = None):
        """CPU is counted from when the file MARK appears (the measured time of the load: the
        logins, each worker's first requests importing what it serves, are left out); memory
        from the start."""
        super().__init__(daemon=True)
        self.instances = instances
        self.database = database
        self.mark = mark
        self.usage = Usage()
        self._done = threading.Event()

    def _processes(self) -> tuple[list[psutil.Process], list[psutil.Process]]:
        masters, workers = [], []
        for instance in self.instances:
            try:
                master = psutil.Process(instance.process.pid)
                masters.append(master)
                workers.extend(master.children(recursive=True))  # workers, and anything they started
            except psutil.NoSuchProcess:
                continue
        return masters, workers

    def sample(self) -> None:
        masters, workers = self._processes()
        total = 0
        usage = self.usage
        for process in [*masters, *workers]:
            try:
                rss = process.memory_info().rss
            except psutil.NoSuchProcess:
                continue
            total += rss
            usage.peak_process_rss = max(usage.peak_process_rss, rss)
        usage.peak_total_rss = max(usage.peak_total_rss, total)
        if len(masters) + len(workers) > usage.processes:
            usage.processes = len(masters) + len(workers)
            usage.names = _names(masters, workers)
        usage.samples += 1
        counting = self.mark is None or self.mark.exists()
        _cpu(workers, usage._cpu_start, usage._cpu_last, counting)
        _cpu(self._backends(), usage._db_start, usage._db_last, counting)
        usage.cpu_seconds = sum(usage._cpu_last[pid] - usage._cpu_start[pid] for pid in usage._cpu_last)
        usage.database_cpu_seconds = sum(usage._db_last[pid] - usage._db_start[pid] for pid in usage._db_last)

    def _backends(self) -> list[psutil.Process]:
        """PostgreSQL's processes serving the load's database («postgres: user db host(port) …»)."""
        found = []
        for process in psutil.process_iter(["name", "cmdline"]):
            cmdline = process.info["cmdline"] or []
            if process.info["name"] == "postgres" and cmdline and f" {self.database} " in f" {cmdline[0]} ":
                found.append(process)
        return found

    def run(self) -> None:
        while not self._done.is_set():
            self.sample()
            self._done.wait(self.INTERVAL)

    def finish(self) -> Usage:
        self._done.set()
        self.join()
        self.sample()
        return self.usage
