"""manage.py bench: how fast the main pages answer on a district-sized database.

A benchmark, not a test: it builds (once) a large made-up data set into the configured
database (`reports.benchdata`), then requests each page through Django's test client, logged in
as a district methodologist (or as the head of a school's МО, who writes its plan), and prints
per page the number of SQL queries and the server time (median and 95th percentile of --runs
requests after a warm-up; the plan's PDF, median of 5). Two yardsticks are measured in the same
run, on the same machine: a bare Django view (the request/response cycle through the same
middleware, nothing else) and a bare WeasyPrint document (one paragraph of Russian text).

Below the table it checks the annual plan's targets: query counts that do not grow with the
plan's items (30 against 60) or with the district (the district table of the small data set
against the large one), and a 60-item plan's PDF within a second.

    make bench                        # DATABASE_URL=.bench/bench.sqlite3, migrated first
    manage.py bench --scale small --runs 10 --markdown

Times are those of the whole Django handler (middleware, view, queries, template), without a
web server or network. Settings.DEBUG is switched off while measuring, as in production: with
DEBUG on every query is also logged, which is not what users get. The database must be the
bench's own; a database with real districts is refused unless --force is given.
"""

from __future__ import annotations

import logging
import os
import platform
import re
import statistics
import time
import warnings
from dataclasses import dataclass

import django
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.models import Count, Q
from django.http import HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import include, path, reverse

from associations.models import AcademicYear, AnnualPlan, Association, Membership, Person, PlanItem
from reports import benchdata

# WeasyPrint logs every step of every document at INFO, its own stylesheets already when it is
# imported (by the URLconf, during the system checks): none of that belongs in the table.
logging.getLogger("weasyprint").setLevel(logging.WARNING)

# While measuring, this module is the URLconf: the bare view beside the whole site, so that
# both go through the same handler and the same resolver.
urlpatterns = [
    path("__bench__/bare/", lambda request: HttpResponse("ok", content_type="text/plain"), name="bench-bare"),
    path("", include(settings.ROOT_URLCONF)),
]

BARE_PDF_HTML = """<!doctype html><html lang="ru"><head><meta charset="utf-8">
<style>@page { size: A4; margin: 2cm; } body { font-family: "PT Serif", serif; font-size: 12pt; }</style>
</head><body><p>Методическое объединение классных руководителей — структурное подразделение
внутришкольной системы управления воспитательным процессом, координирующее научно-методическую
и организационную работу классных руководителей, в которых учатся и воспитываются учащиеся
определённой возрастной группы.</p></body></html>"""

WARMUP = 3
PDF_RUNS = 5
PDF_TARGET_MS = 1000


@dataclass
class Page:
    """One request to measure: as whom, how often, and whether its rows are HTML table rows or
    a number known in advance (a file's)."""

    name: str
    url: str
    user: object
    rows: int | None = None  # None: count the HTML table rows
    runs: int | None = None  # None: --runs
    warmup: int = WARMUP
    key: str = ""  # how the targets find the row


@dataclass
class Row:
    name: str
    queries: int | None
    rows: int | None
    median_ms: float
    p95_ms: float | None
    key: str = ""


def _p95(samples: list[float]) -> float:
    if len(samples) < 2:
        return samples[0]
    return statistics.quantiles(samples, n=20, method="inclusive")[18]


def _table_rows(html: str) -> int:
    """Rows of data the page shows: table rows, less the header rows."""
    return len(re.findall(r"<tr[\s>]", html)) - html.count("<thead")


class Command(BaseCommand):
    help = (
        "Замеры: число SQL-запросов и время ответа главных страниц на большом наборе данных "
        "(строится один раз), рядом — пустое Django-представление и пустой PDF WeasyPrint."
    )

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=20, help="requests per page (default 20)")
        parser.add_argument(
            "--scale", choices=sorted(benchdata.SCALES), default="large",
            help="data set: large = 5 districts × 25 schools × 40 people (default), small = 2 × 5 × 20",
        )
        parser.add_argument("--markdown", action="store_true", help="print the result as Markdown")
        parser.add_argument(
            "--force", action="store_true",
            help="write the data set even into a database that holds real districts",
        )

    def handle(self, *, runs: int, scale: str, markdown: bool, force: bool, **options):
        if runs < 1:
            raise CommandError("--runs must be at least 1")
        if benchdata.foreign_districts_exist() and not force:
            raise CommandError(
                "The database holds districts that are not bench data: run `make bench` "
                "(DATABASE_URL=.bench/bench.sqlite3), or give --force."
            )

        # WhiteNoise warns about a missing STATIC_ROOT: collectstatic is not part of a bench.
        warnings.filterwarnings("ignore", message="No directory at")

        started = time.perf_counter()
        data = benchdata.bench_data(scale)
        build_seconds = time.perf_counter() - started

        compare_name = "small" if scale == "large" else "large"
        # The small data set takes a second to build: always there to compare with. The large
        # one is only used when an earlier run left it.
        compare = benchdata.bench_data(compare_name, build=compare_name == "small")

        with override_settings(
            DEBUG=False, ROOT_URLCONF=__name__, ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"]
        ):
            clients: dict[int, Client] = {}
            rows = []
            for page in self._pages(data):
                if page.key == "bare-pdf":
                    rows.append(self._measure_pdf())
                    continue
                client = clients.get(page.user.pk)
                if client is None:
                    client = clients[page.user.pk] = Client()
                    client.force_login(page.user)
                rows.append(self._measure(client, page, runs))
            compared = None
            if compare is not None:
                client = Client()
                client.force_login(compare.methodologist_user)
                compared = self._queries_and_rows(client, reverse("reports:district_plans"))

        lines = self._summary(data, build_seconds, runs)
        targets = self._targets(rows, scale, compare_name, compared)
        if markdown:
            self.stdout.write(
                "\n".join(f"- {line}" for line in lines) + "\n\n" + self._markdown(rows) + "\n"
                + "\n".join(f"- {line}" for line in targets) + "\n"
            )
        else:
            self.stdout.write("\n".join(lines) + "\n\n" + self._text(rows) + "\n" + "\n".join(targets) + "\n")

    # --- what is measured --------------------------------------------------------------------

    def _pages(self, data: benchdata.BenchData) -> list[Page]:
        district = data.district
        school = district.schools.order_by("short_name").first()
        busiest = (
            Association.objects.filter(district=district)
            .annotate(members=Count("memberships", filter=Q(memberships__academic_year=data.year)))
            .order_by("-members", "pk")
            .first()
        )
        methodologist = data.methodologist_user
        plans = data.plans
        items = dict(
            AnnualPlan.objects.filter(pk__in=[p.pk for p in vars(plans).values()])
            .annotate(n=Count("items"))
            .values_list("pk", "n")
        )
        approved_head = plans.head_user(plans.approved_60)
        draft_head = plans.head_user(plans.draft_60)
        draft_30_head = plans.head_user(plans.draft_30)  # another school's head

        def plan_url(name: str, plan: AnnualPlan) -> str:
            return reverse(name, args=[plan.pk])

        a60, a30 = plans.approved_60, plans.approved_30
        n60, n30 = items[a60.pk], items[a30.pk]
        return [
            Page("bare Django view", reverse("bench-bare"), methodologist),
            Page("home (methodologist)", reverse("home"), methodologist),
            Page("association list", reverse("associations:list"), methodologist),
            Page("association list, one school", f"{reverse('associations:list')}?school={school.pk}", methodologist),
            Page("association detail, most members", reverse("associations:detail", args=[busiest.pk]), methodologist),
            Page("people directory (page 1)", reverse("associations:people"), methodologist),
            # The annual plan.
            Page(f"plan page, {n30} items", plan_url("associations:plan", a30), methodologist, key="plan-30"),
            Page(f"plan page, {n60} items", plan_url("associations:plan", a60), methodologist, key="plan-60"),
            Page(f"plan page, {n60} items, its head (marks)", plan_url("associations:plan", a60), approved_head),
            Page(
                f"plan editor, {items[plans.draft_30.pk]} items (head)",
                plan_url("associations:plan_edit", plans.draft_30), draft_30_head, key="edit-30",
            ),
            Page(
                f"plan editor, {items[plans.draft_60.pk]} items (head)",
                plan_url("associations:plan_edit", plans.draft_60), draft_head, key="edit-60",
            ),
            Page(
                f"plan editor, РМО, {items[plans.rmo_draft_60.pk]} items (methodologist)",
                plan_url("associations:plan_edit", plans.rmo_draft_60), methodologist,
            ),
            Page("district plans table", reverse("reports:district_plans"), methodologist, key="district"),
            Page(
                "district plans XLSX", reverse("reports:district_plans_xlsx"), methodologist,
                rows=district.associations.count(),
            ),
            Page(f"plan XLSX, {n30} items", plan_url("reports:plan_xlsx", a30), methodologist, rows=n30, key="xlsx-30"),
            Page(f"plan XLSX, {n60} items", plan_url("reports:plan_xlsx", a60), methodologist, rows=n60, key="xlsx-60"),
            Page("", "", None, key="bare-pdf"),
            Page(
                f"plan PDF, {n30} items ({PDF_RUNS} runs)", plan_url("reports:plan_pdf", a30), methodologist,
                rows=n30, runs=PDF_RUNS, warmup=1, key="pdf-30",
            ),
            Page(
                f"plan PDF, {n60} items ({PDF_RUNS} runs)", plan_url("reports:plan_pdf", a60), methodologist,
                rows=n60, runs=PDF_RUNS, warmup=1, key="pdf-60",
            ),
        ]

    def _measure(self, client: Client, page: Page, runs: int) -> Row:
        for _ in range(page.warmup):
            self._get(client, page.url)
        queries, rows = self._queries_and_rows(client, page.url)
        samples = []
        for _ in range(page.runs or runs):
            start = time.perf_counter()
            self._get(client, page.url)
            samples.append((time.perf_counter() - start) * 1000)
        return Row(
            name=page.name,
            queries=queries,
            rows=rows if page.rows is None else page.rows,
            median_ms=statistics.median(samples),
            p95_ms=_p95(samples),
            key=page.key,
        )

    def _queries_and_rows(self, client: Client, url: str) -> tuple[int, int | None]:
        """The queries of one request, and the HTML table rows of its page (None for a file)."""
        with CaptureQueriesContext(connection) as captured:
            response = self._get(client, url)
        # Read now: the next request clears the connection's query log.
        queries = len(captured.captured_queries)
        if not response["Content-Type"].startswith("text/html"):
            return queries, None
        return queries, _table_rows(response.content.decode())

    @staticmethod
    def _get(client: Client, url: str):
        response = client.get(url)
        if response.status_code != 200:
            raise CommandError(f"GET {url} answered {response.status_code}, not 200")
        return response

    @staticmethod
    def _measure_pdf() -> Row:
        from weasyprint import HTML

        HTML(string=BARE_PDF_HTML).write_pdf()  # warm-up: fonts, CSS defaults
        samples = []
        for _ in range(PDF_RUNS):
            start = time.perf_counter()
            pdf = HTML(string=BARE_PDF_HTML).write_pdf()
            samples.append((time.perf_counter() - start) * 1000)
        assert pdf.startswith(b"%PDF")  # noqa: S101 - a sanity check, not a test
        return Row(
            name=f"bare WeasyPrint PDF (1 paragraph, {PDF_RUNS} runs)",
            queries=None,
            rows=None,
            median_ms=statistics.median(samples),
            p95_ms=None,
            key="bare-pdf",
        )

    @staticmethod
    def _targets(
        rows: list[Row], scale: str, compare_name: str, compared: tuple[int, int | None] | None
    ) -> list[str]:
        """The plan issue's targets and whether they hold in this run."""
        by_key = {row.key: row for row in rows if row.key}
        flat = True
        pairs = []
        for label, small, large in (
            ("plan page", "plan-30", "plan-60"),
            ("plan editor", "edit-30", "edit-60"),
            ("plan XLSX", "xlsx-30", "xlsx-60"),
            ("plan PDF", "pdf-30", "pdf-60"),
        ):
            a, b = by_key[small].queries, by_key[large].queries
            flat &= a == b
            pairs.append(f"{label} {a} / {b}")
        district = by_key["district"]
        if compared is not None:
            queries, table_rows = compared
            mine = f"{district.queries} queries for {district.rows} rows ({scale})"
            theirs = f"{queries} for {table_rows} rows ({compare_name})"
            flat &= queries == district.queries
            pairs.append(
                "district table " + (f"{mine}, {theirs}" if scale == "small" else f"{theirs}, {mine}")
            )
        else:
            pairs.append(
                f"district table {district.queries} queries for {district.rows} rows "
                f"(run --scale {compare_name} once to compare)"
            )
        pdf, bare_pdf = by_key["pdf-60"], by_key["bare-pdf"]
        fast = pdf.median_ms <= PDF_TARGET_MS
        return [
            "Target: query counts do not grow with the rows — 30 / 60 items: "
            + "; ".join(pairs) + (" — holds" if flat else " — DOES NOT HOLD"),
            f"Target: a 60-item plan's PDF within {PDF_TARGET_MS / 1000:.0f} s — {pdf.median_ms:.0f} ms "
            f"(median of {PDF_RUNS}, {pdf.median_ms / bare_pdf.median_ms:.0f} × the bare WeasyPrint "
            f"document's {bare_pdf.median_ms:.0f} ms)" + (" — holds" if fast else " — DOES NOT HOLD"),
        ]

    # --- what is printed ---------------------------------------------------------------------

    def _summary(self, data: benchdata.BenchData, build_seconds: float, runs: int) -> list[str]:
        import weasyprint

        districts = [d.pk for d in data.districts]
        people = Person.objects.filter(district__in=districts).count()
        memberships = Membership.objects.filter(association__district__in=districts).count()
        associations = Association.objects.filter(district__in=districts).count()
        plans = AnnualPlan.objects.filter(association__district__in=districts)
        items = PlanItem.objects.filter(plan__in=plans).count()
        years = AcademicYear.objects.filter(start_year__in=[data.year.start_year - 1, data.year.start_year])
        s = data.scale
        built = (
            f"built in {build_seconds:.1f} s" if data.built else "already in the database"
        )
        db = connection.vendor
        if db == "sqlite":
            import sqlite3

            db = f"SQLite {sqlite3.sqlite_version}"
        elif db == "postgresql":
            db = f"PostgreSQL {connection.pg_version // 10000}"
        return [
            f"Data set «{data.scale_name}»: {s.districts} districts × {s.schools} schools × "
            f"{s.people} people — {people} people, {associations} associations, {memberships} "
            f"memberships, {plans.count()} plans with {items} items over {years.count()} academic "
            f"years (data set v{benchdata.DATA_VERSION}, {built})",
            f"Pages as the methodologist of one district ({s.schools} schools, "
            f"{s.schools * s.people + 1} people), or as a school МО's head where it says so; "
            f"{runs} requests each after {WARMUP} warm-up (a plan's PDF: {PDF_RUNS} after 1); "
            "DEBUG off while measuring",
            f"{db}, Python {platform.python_version()}, Django {django.get_version()}, "
            f"WeasyPrint {weasyprint.__version__}, {os.cpu_count()} CPU cores ({_cpu_model()})",
        ]

    @staticmethod
    def _cells(rows: list[Row]) -> tuple[list[str], list[list[str]]]:
        bare = rows[0].median_ms
        header = ["page", "queries", "rows", "median ms", "p95 ms", "× bare view"]
        body = [
            [
                row.name,
                "—" if row.queries is None else str(row.queries),
                "—" if row.rows is None else str(row.rows),
                f"{row.median_ms:.1f}",
                "—" if row.p95_ms is None else f"{row.p95_ms:.1f}",
                f"{row.median_ms / bare:.0f}" if row.median_ms / bare >= 10 else f"{row.median_ms / bare:.1f}",
            ]
            for row in rows
        ]
        return header, body

    def _text(self, rows: list[Row]) -> str:
        header, body = self._cells(rows)
        widths = [max(len(r[i]) for r in [header, *body]) for i in range(len(header))]

        def line(cells: list[str]) -> str:
            first = cells[0].ljust(widths[0])
            rest = (c.rjust(w) for c, w in zip(cells[1:], widths[1:], strict=True))
            return "  ".join([first, *rest])

        rule = "  ".join("-" * w for w in widths)
        return "\n".join([line(header), rule, *(line(r) for r in body)]) + "\n"

    def _markdown(self, rows: list[Row]) -> str:
        header, body = self._cells(rows)
        lines = [
            "| " + " | ".join(header) + " |",
            "| --- |" + " ---: |" * (len(header) - 1),
            *("| " + " | ".join(r) + " |" for r in body),
        ]
        return "\n".join(lines) + "\n"


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()
