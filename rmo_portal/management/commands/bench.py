"""manage.py bench: how fast the main pages answer on a district-sized database.

A benchmark, not a test: it builds (once) a large made-up data set into the configured
database (`rmo_portal.demo.bench`), then requests each page through Django's test client, logged in
as a district methodologist (or as the head of a school's МО, who writes its plan, or as a
class teacher), and prints per page the number of SQL queries and the server time (median and
95th percentile of --runs requests after a warm-up; a PDF, median of 5). Yardsticks are
measured in the same run, on the same machine: a bare Django view (the request/response cycle
through the same middleware, nothing else), bare WeasyPrint documents (one paragraph of
Russian text; two A4 pages of paragraphs and a small table in the same fonts), and three pages of
Django's own admin on the same data — its login page (a template with a form and no query), its
change list of people (100 rows) and its change form of the 60-item plan with the items inline —
which every list and detail page (within 10 × the login page) and every editor (within 1 × the
change form) is compared with.

Below the table it checks the targets. The annual plan's: query counts that do not grow with
the plan's items (30 against 60) or with the district (the district table of the small data
set against the large one), and a 60-item plan's PDF within a second. The meetings': query
counts that do not grow with a protocol's items (2 against 5) or with the district (the
schedule, the calendar, the decisions, the feeds and a protocol of the small data set against
the large one), and a protocol's PDF rendered within 1.5 × the plain 2-page document. The
records': query counts of every list of the records of methodical work, of the teacher's page
and of the home pages of a school МО's head and of a class teacher that do not grow with the
district (the small data set against the large one). The data bank's: query counts of its search
page (everything, a word, a phrase, a facet) and of a card that do not grow with the bank (2,000
cards against 50,000), with their medians; and the upload of a 20 MB file through the card's
editor, its body streamed from a file, with the process's peak memory during the request
(Python's allocations and the resident set) well under the file's size. The monitoring's: query counts of
its home pages, a class's result (as its class teacher and as the methodologist), the school's
table and the district's that do not grow with the classes and schools (the small data set
against the large one), and the class sheet's and the school summary's PDF beside the plain
2-page document. The annual analysis': query counts of a school МО's analysis (live and frozen),
the РМО's roll-up, the board, the district summary, the documentation pages and the dashboard
that do not grow with the schools, and the analysis' PDF within 1.5 × a plain document of the
same page count (`bare_pages_html`), rendered in turn. The Word documents': a 60-item plan's DOCX
and a 5-question protocol's beside their PDFs.

    make bench                        # DATABASE_URL=.bench/bench.sqlite3, migrated first
    manage.py bench --scale small --runs 10 --markdown
    make bench BENCH_ARGS="--scale region --runs 3"   # 27 districts, 400 schools, 5 years

The large and the region data set are compared with the small one (built when missing: seconds),
the small one with the large one when an earlier run left it. A build tells each stage's time on
the standard error as it goes.

Times are those of the whole Django handler (middleware, view, queries, template), without a
web server or network. Settings.DEBUG is switched off while measuring, as in production: with
DEBUG on every query is also logged, which is not what users get. The database must be the
bench's own; a database with real districts is refused unless --force is given.
"""

from __future__ import annotations

import datetime
import gc
import logging
import os
import platform
import re
import shutil
import statistics
import tempfile
import time
import tracemalloc
import uuid
import warnings
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import django
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.models import Count, Q
from django.http import HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import include, path, reverse
from django.utils import timezone

from associations.models import (
    AcademicYear,
    Acknowledgment,
    AnnualPlan,
    Association,
    Attestation,
    AttestationApplication,
    Consultation,
    ContestEntry,
    Course,
    Membership,
    Nomination,
    Person,
    PlanItem,
    Visit,
    VisitRecommendation,
)
from meetings.bank.models import Material, MaterialFile, MaterialGrade
from meetings.models import Attendance, Decision, Guest, Meeting, Protocol, ProtocolItem
from reports.analysis.models import Analysis
from reports.monitoring.models import ClassMonitoring, Grade, MonitoredPupil
from rmo_portal.demo import bench as benchdata

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

#: Two A4 pages in the fonts of the portal's documents (PT Serif, headings in PT Sans), with
#: nothing else of print.css: a heading, paragraphs of Russian text and a small table. The
#: yardstick of the protocol's PDF, which must render within PROTOCOL_PDF_TARGET × its time.
BARE_PDF_2_PAGES_PARAGRAPHS = [
    "Методическое объединение классных руководителей — структурное подразделение внутришкольной "
    "системы управления воспитательным процессом, координирующее научно-методическую и "
    "организационную работу классных руководителей, в которых учатся и воспитываются учащиеся "
    "определённой возрастной группы. Объединение работает по плану, который рассматривается на "
    "заседании в конце августа и утверждается заместителем директора по воспитательной работе.",
    "Основные задачи объединения: повышение теоретического и методического уровня подготовки "
    "классных руководителей по вопросам психологии и педагогики воспитательной работы; "
    "обеспечение выполнения единых принципиальных подходов к воспитанию и социализации "
    "обучающихся; вооружение классных руководителей современными воспитательными технологиями "
    "и знанием современных форм и методов работы.",
    "Заседания объединения проводятся не реже одного раза в четверть. На заседаниях "
    "рассматриваются вопросы организации воспитательной работы в классах, итоги диагностики "
    "уровня воспитанности обучающихся, опыт работы классных руководителей, результаты "
    "открытых классных часов и внеклассных мероприятий, а также выполнение решений предыдущих "
    "заседаний. Решения заседания фиксируются в протоколе, который подписывают председатель "
    "и секретарь.",
    "Классный руководитель планирует работу с классом на учебный год и на каждую четверть, "
    "ведёт документацию класса, организует работу с родителями обучающихся и взаимодействует "
    "с педагогом-психологом, социальным педагогом и учителями-предметниками. Особое внимание "
    "уделяется обучающимся, нуждающимся в педагогической поддержке, и их семьям.",
    "Руководитель объединения анализирует состояние воспитательной работы в классах, "
    "организует взаимопосещение классных часов, готовит методические рекомендации и "
    "обобщает опыт работы классных руководителей. По итогам учебного года он представляет "
    "анализ работы объединения и предложения к плану на следующий учебный год.",
]
BARE_PDF_2_PAGES_ROWS = [
    ("Сентябрь", "Установочное заседание", "Руководитель МО", "Протокол № 1"),
    ("Октябрь", "Семинар-практикум «Профилактика буллинга»", "Педагог-психолог", "Методические материалы"),
    ("Ноябрь", "Открытые классные часы в 5–7 классах", "Классные руководители", "Анализ посещений"),
    ("Декабрь", "Заседание по итогам первого полугодия", "Руководитель МО", "Протокол № 2"),
    ("Январь", "Круглый стол «Работа с семьёй»", "Заместитель директора по ВР", "Рекомендации"),
    ("Февраль", "Конкурс «Самый классный классный»", "Руководитель МО", "Приказ об итогах"),
    ("Март", "Заседание «Профориентация в 8–11 классах»", "Классные руководители", "Протокол № 3"),
    ("Апрель", "Диагностика уровня воспитанности", "Педагог-психолог", "Аналитическая справка"),
    ("Май", "Итоговое заседание: анализ работы за год", "Руководитель МО", "Протокол № 4"),
]
BARE_PDF_2_PAGES_HTML = (
    """<!doctype html><html lang="ru"><head><meta charset="utf-8">
<style>@page { size: A4; margin: 2cm 1.5cm 2cm 3cm; }
body { font-family: "PT Serif", serif; font-size: 12pt; line-height: 1.3; }
h1, th { font-family: "PT Sans", sans-serif; } h1 { font-size: 14pt; text-align: center; }
p { margin: 0 0 .4em; text-align: justify; }
table { width: 100%; border-collapse: collapse; font-size: 10pt; margin: .6em 0; }
th, td { border: .5pt solid #000; padding: 3pt 4pt; vertical-align: top; text-align: left; }</style>
</head><body><h1>Положение о методическом объединении классных руководителей</h1>"""
    + "".join(f"<p>{text}</p>" for text in BARE_PDF_2_PAGES_PARAGRAPHS * 2)
    + "<table><thead><tr><th>Месяц</th><th>Мероприятие</th><th>Ответственный</th><th>Результат</th></tr>"
    + "</thead><tbody>"
    + "".join(f"<tr>{''.join(f'<td>{cell}</td>' for cell in row)}</tr>" for row in BARE_PDF_2_PAGES_ROWS)
    + "</tbody></table>"
    + "</body></html>"
)


def bare_pages_html(pages: int) -> str:
    """A plain document of exactly `pages` A4 pages in the same fonts and margins as the 2-page
    one: each page a heading, two paragraphs and the small table, a page break after it. The
    yardstick of a document of that many pages (the annual analysis)."""
    head = BARE_PDF_2_PAGES_HTML.split("<body>")[0]
    table = (
        "<table><thead><tr><th>Месяц</th><th>Мероприятие</th><th>Ответственный</th><th>Результат</th></tr>"
        "</thead><tbody>"
        + "".join(f"<tr>{''.join(f'<td>{cell}</td>' for cell in row)}</tr>" for row in BARE_PDF_2_PAGES_ROWS)
        + "</tbody></table>"
    )
    page = (
        "<section style=\"break-after: page\"><h1>Анализ работы методического объединения</h1>"
        + "".join(f"<p>{text}</p>" for text in BARE_PDF_2_PAGES_PARAGRAPHS[:2]) + table + "</section>"
    )
    return head + "<body>" + page * pages + "</body></html>"

WARMUP = 3
PDF_RUNS = 5
#: The data bank's search page: a result, and the total found.
BANK_RESULT = r'data-testid="material-\d+"'
BANK_FOUND = r'data-testid="material-total">(\d+)'
UPLOAD_RUNS = 3
UPLOAD_NAME = "bench-upload-20mb.pdf"
#: The upload's memory must stay «well under the file's size»: under this share of it.
UPLOAD_MEMORY_TARGET = 0.25
MB = 1024 * 1024
PDF_TARGET_MS = 1000
PROTOCOL_PDF_TARGET = 1.5  # × the bare 2-page document
ANALYSIS_PDF_TARGET = 1.5  # × a bare document of the same page count


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
    count: str | None = None  # count this text in the body instead of the HTML table rows
    count_re: str | None = None  # or the matches of this pattern
    found_re: str | None = None  # a pattern whose group is a total the targets name («of 812 found»)
    compare: bool = False  # also count its queries in the other data set (the targets)
    detail: str = ""  # what the targets say of its size instead of its rows
    kind: str = ""  # "peer", "editor"; "" — a page (HTML) or a document (anything else), by its answer


@dataclass
class Row:
    name: str
    queries: int | None
    rows: int | None
    median_ms: float
    p95_ms: float | None
    key: str = ""
    detail: str = ""  # what the targets say of it
    memory: tuple[int, int | None, int] | None = None  # an upload's: traced peak, RSS growth, file size
    kind: str = ""  # "peer", "editor", "page", "document"


def _p95(samples: list[float]) -> float:
    if len(samples) < 2:
        return samples[0]
    return statistics.quantiles(samples, n=20, method="inclusive")[18]


def _table_rows(html: str) -> int:
    """Rows of data the page shows: table rows, less the header rows."""
    return len(re.findall(r"<tr[\s>]", html)) - html.count("<thead")


def _pdf_pages(pdf: bytes) -> int | None:
    """The pages of a PDF, read with pypdf (a development dependency, there in `make bench`)."""
    try:
        from io import BytesIO

        from pypdf import PdfReader
    except ImportError:
        return None
    return len(PdfReader(BytesIO(pdf)).pages)


class Command(BaseCommand):
    help = (
        "Замеры: число SQL-запросов и время ответа главных страниц на большом наборе данных "
        "(строится один раз), рядом — пустое Django-представление и пустой PDF WeasyPrint."
    )

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=20, help="requests per page (default 20)")
        parser.add_argument(
            "--scale", choices=sorted(benchdata.SCALES), default="large",
            help="data set: large = 5 districts × 25 schools × 40 people over 2 years (default), small = 2 × 5 × "
            "20, region = 27 districts, 400 schools × 25 people over 5 years",
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
        data = benchdata.bench_data(scale, report=self._progress(scale))
        build_seconds = time.perf_counter() - started

        # The large and the region data set are compared with the small one, the small one with
        # the large one. The small data set takes seconds to build: always there to compare with.
        # The large one is only used when an earlier run left it.
        compare_name = "large" if scale == "small" else "small"
        compare = benchdata.bench_data(
            compare_name, build=compare_name == "small", report=self._progress(compare_name)
        )

        with override_settings(
            DEBUG=False, ROOT_URLCONF=__name__, ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"]
        ):
            clients: dict[int, Client] = {}

            def client_for(user) -> Client:
                key = None if user is None else user.pk
                if key not in clients:
                    clients[key] = Client()
                    if user is not None:
                        clients[key].force_login(user)
                return clients[key]

            rows = []
            for page in self._pages(data):
                if page.key == "bare-pdf":
                    rows.append(self._measure_pdf())
                elif page.key == "renders":
                    rows += self._measure_renders(data.meetings)
                elif page.key == "analysis-renders":
                    rows += self._measure_analysis_renders(client_for(page.user), page, data.analyses.accepted)
                elif page.key == "bank-upload":
                    rows.append(self._measure_upload(client_for(page.user), data.bank))
                else:
                    rows.append(self._measure(client_for(page.user), page, runs))
            # The same pages of the other data set: their queries and rows only.
            compared = None
            if compare is not None:
                compared = {
                    page.key: self._queries_and_rows(client_for(page.user), page)
                    for page in self._pages(compare)
                    if page.compare
                }

        lines = self._summary(data, build_seconds, runs)
        targets = self._targets(rows, scale, compare_name, compared)
        if markdown:
            self.stdout.write(
                "\n".join(f"- {line}" for line in lines) + "\n\n" + self._markdown(rows) + "\n"
                + "\n".join(f"- {line}" for line in targets) + "\n"
            )
        else:
            self.stdout.write("\n".join(lines) + "\n\n" + self._text(rows) + "\n" + "\n".join(targets) + "\n")

    def _progress(self, scale: str):
        """Where a build tells its stages' times, as it goes: the standard error, so that the table
        on the standard output (--markdown) stays as it is."""
        shown = []

        def report(line: str) -> None:
            if not shown:
                s = benchdata.SCALES[scale]
                self.stderr.write(
                    f"Building the data set «{scale}» ({s.districts} districts, {s.total_schools} schools, "
                    f"{s.total_schools * s.people} people, {s.years} academic years):", style_func=None,
                )
                shown.append(True)
            self.stderr.write(line, style_func=None)

        return report

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
        admin = _bench_superuser()
        return [
            Page("bare Django view", reverse("bench-bare"), methodologist, kind="peer"),
            # The peers: Django's admin on the same data (its people: the whole region's).
            Page("peer: admin login page", reverse("admin:login"), None, key="admin-login", kind="peer"),
            Page("peer: admin change list of people", reverse("admin:associations_person_changelist"), admin,
                 count='name="_selected_action"', key="admin-changelist", kind="peer"),
            Page(f"peer: admin change form of a plan, {n60} items inline",
                 reverse("admin:associations_annualplan_change", args=[a60.pk]), admin,
                 count_re=r'<tr class="form-row[^"]*"\s+id="items-\d+"', key="admin-changeform", kind="peer"),
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
                plan_url("associations:plan_edit", plans.draft_30), draft_30_head, key="edit-30", kind="editor",
            ),
            Page(
                f"plan editor, {items[plans.draft_60.pk]} items (head)",
                plan_url("associations:plan_edit", plans.draft_60), draft_head, key="edit-60", kind="editor",
            ),
            Page(
                f"plan editor, РМО, {items[plans.rmo_draft_60.pk]} items (methodologist)",
                plan_url("associations:plan_edit", plans.rmo_draft_60), methodologist, kind="editor",
            ),
            Page(
                "district plans table", reverse("reports:district_plans"), methodologist, key="district",
                compare=True,
            ),
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
            Page(
                f"plan DOCX, {n60} items ({PDF_RUNS} runs)", plan_url("reports:plan_docx", a60), methodologist,
                rows=n60, runs=PDF_RUNS, warmup=1, key="docx-60",
            ),
            *self._meeting_pages(data),
            *self._record_pages(data),
            *self._bank_pages(data),
            *self._monitoring_pages(data),
            *self._analysis_pages(data),
        ]

    @staticmethod
    def _record_pages(data: benchdata.BenchData) -> list[Page]:
        """The lists of the records of methodical work as the methodologist (the whole district),
        a few as the head of a school's МО and as a class teacher (their own), and the teacher's
        page, which gathers every record of one person. All compared with the other data set:
        their queries must not grow with the district."""
        methodologist, teacher = data.methodologist_user, data.teacher_user
        records = data.records
        head = records.head_user
        person = reverse("associations:person", args=[records.teacher.pk])

        def url(name: str) -> str:
            return reverse(f"associations:{name}")

        return [
            Page("contests (methodologist)", url("contests"), methodologist, key="contests", compare=True),
            Page("contests (school МО head: to confirm)", url("contests"), head, key="contests-head", compare=True),
            Page("contests (class teacher: own)", url("contests"), teacher, key="contests-teacher", compare=True),
            Page("attestation records (methodologist)", url("attestations"), methodologist, key="attestations",
                 compare=True),
            Page("attestation overview, page 1 (methodologist)", url("attestation_overview"), methodologist,
                 key="attestation-overview", compare=True),
            Page("courses, page 1 (methodologist)", url("courses"), methodologist, key="courses", compare=True),
            Page("courses in the last 3 years, page 1 (methodologist)", url("courses_overview"), methodologist,
                 key="courses-overview", compare=True),
            Page("visits (methodologist)", url("visits"), methodologist, key="visits", compare=True),
            Page("visits (school МО head)", url("visits"), head, key="visits-head", compare=True),
            Page("consultations (methodologist)", url("consultations"), methodologist, key="consultations",
                 compare=True),
            Page("nominations (methodologist)", url("nominations"), methodologist, key="nominations", compare=True),
            Page("acknowledgments of the instruction (methodologist)", url("acknowledgments"), methodologist,
                 key="acknowledgments", compare=True),
            Page("teacher's page (methodologist)", person, methodologist, key="person", compare=True),
            Page("teacher's page (the teacher)", person, teacher, key="person-teacher", compare=True),
            Page("home (school МО head)", reverse("home"), head, key="home-head", compare=True),
            Page("home (class teacher)", reverse("home"), teacher, key="home-teacher", compare=True),
        ]

    @staticmethod
    def _meeting_pages(data: benchdata.BenchData) -> list[Page]:
        """The schedule, the calendar, the feeds and the decisions as a class teacher of the
        first school (their school's МО and the district's РМО) and as the methodologist (the
        whole district); two protocols of the РМО; the stored PDF of the larger one."""
        methodologist, teacher = data.methodologist_user, data.teacher_user
        meetings = data.meetings
        p2, p5 = meetings.protocol_2, meetings.protocol_5
        n2, n5 = meetings.present(p2), meetings.present(p5)
        schedule, calendar = reverse("meetings:schedule"), reverse("meetings:calendar")
        month = f"?month={meetings.month:%Y-%m}"
        teacher_token, methodologist_token = data.calendar_token(teacher), data.calendar_token(methodologist)
        events = "BEGIN:VEVENT"
        item = 'data-testid="protocol-item"'
        return [
            Page("schedule, upcoming (class teacher)", schedule, teacher, key="schedule-teacher", compare=True),
            Page("schedule, upcoming (methodologist)", schedule, methodologist, key="schedule", compare=True),
            Page("schedule, past, page 1 (methodologist)", f"{schedule}?past=1", methodologist, key="past",
                 compare=True),
            Page(f"month calendar {meetings.month:%m.%Y} (class teacher)", calendar + month, teacher,
                 count='class="calendar-meeting ', key="calendar-teacher", compare=True),
            Page(f"month calendar {meetings.month:%m.%Y} (methodologist)", calendar + month, methodologist,
                 count='class="calendar-meeting ', key="calendar", compare=True),
            Page("meetings of a school МО, this year", reverse("meetings:association_meetings",
                 args=[meetings.school_mo.pk]), methodologist, key="association-meetings", compare=True),
            Page(f"protocol page, 2 items, {n2} present", reverse("meetings:protocol", args=[p2.pk]),
                 methodologist, count=item, key="protocol-2"),
            Page(f"protocol page, 5 items, {n5} present", reverse("meetings:protocol", args=[p5.pk]),
                 methodologist, count=item, key="protocol-5", compare=True, detail=f"{n5} present"),
            Page("decisions under control (methodologist)", reverse("meetings:decisions"), methodologist,
                 key="decisions", compare=True),
            Page("my decisions, every state (class teacher)", reverse("meetings:decisions") + "?state=all", teacher,
                 key="decisions-teacher", compare=True),
            Page("iCalendar feed (class teacher)", reverse("meetings:feed", args=[teacher_token]), teacher,
                 count=events, key="feed-teacher", compare=True),
            Page("iCalendar feed (methodologist: the district)", reverse("meetings:feed", args=[methodologist_token]),
                 methodologist, count=events, key="feed", compare=True),
            Page("iCalendar feed of the school МО (class teacher)",
                 reverse("meetings:association_feed", args=[teacher_token, meetings.school_mo.pk]), teacher,
                 count=events, key="feed-association", compare=True),
            Page("", "", None, key="renders"),
            Page(f"signed protocol PDF, stored ({p5.pdf.size // 1024} KB, 5 items)",
                 reverse("meetings:protocol_pdf", args=[p5.pk]), methodologist, rows=5, key="signed-pdf"),
        ]

    @staticmethod
    def _bank_pages(data: benchdata.BenchData) -> list[Page]:
        """The data bank's search page as a class teacher (their school's cards and the district's)
        and as the methodologist (the whole district's but drafts): everything, a word in another
        form than the cards', a phrase, a facet; the class teacher's card with its three files;
        the upload of a 20 MB file through the card's editor. All compared with the other data
        set: their queries must not grow with the bank."""
        methodologist, teacher = data.methodologist_user, data.teacher_user
        bank = data.bank
        search = reverse("meetings:materials")
        word, phrase = urlencode({"q": bank.word}), urlencode({"q": bank.phrase})
        facet = urlencode({"direction": bank.direction.pk})
        result = {"count_re": BANK_RESULT, "found_re": BANK_FOUND, "compare": True}
        return [
            Page("bank search, everything, page 1 (class teacher)", search, teacher, key="bank-all", **result),
            Page(f"bank search, a word «{bank.word}» (class teacher)", f"{search}?{word}", teacher,
                 key="bank-word", **result),
            Page(f"bank search, a word «{bank.word}» (methodologist)", f"{search}?{word}", methodologist,
                 key="bank-word-methodologist", **result),
            Page(f"bank search, a phrase «{bank.phrase}» (class teacher)", f"{search}?{phrase}", teacher,
                 key="bank-phrase", **result),
            Page("bank search, a facet: a direction (class teacher)", f"{search}?{facet}", teacher,
                 key="bank-facet", **result),
            Page("bank search, the phrase and the facet (class teacher)", f"{search}?{phrase}&{facet}", teacher,
                 key="bank-phrase-facet", **result),
            Page("bank card, 3 files (class teacher)", reverse("meetings:material", args=[bank.card.pk]), teacher,
                 count='data-testid="file"', key="bank-card", compare=True),
            Page("", "", bank.card.owner.user, key="bank-upload"),
        ]

    @staticmethod
    def _monitoring_pages(data: benchdata.BenchData) -> list[Page]:
        """The monitoring's results: the home page and a class's May as its class teacher (every
        pupil's row) and as the methodologist (the class's figures), the school's table by class,
        the district's by school and grade band, and their documents. The pages compared with
        the other data set: their queries must not grow with the classes and the schools."""
        methodologist, teacher = data.methodologist_user, data.teacher_user
        monitoring = data.monitoring
        may = monitoring.may.pk
        school, district = monitoring.school.pk, data.district.pk
        pupils = monitoring.may.pupils.count()

        def url(name: str, pk: int | None = None) -> str:
            return reverse(f"reports:{name}", args=[pk] if pk is not None else [])

        return [
            Page("monitoring home (class teacher)", url("monitoring"), teacher, key="mon-home-teacher", compare=True),
            Page("monitoring home (methodologist)", url("monitoring"), methodologist, key="mon-home", compare=True),
            Page(f"class result, May, {pupils} pupils (class teacher)", url("monitoring_result", may), teacher,
                 key="mon-class-teacher", compare=True),
            Page("class result, May (methodologist: figures only)", url("monitoring_result", may), methodologist,
                 key="mon-class", compare=True),
            Page("school table by class (methodologist)", url("monitoring_school", school), methodologist,
                 key="mon-school", compare=True),
            Page("district table by school and grade band (methodologist)", url("monitoring_district", district),
                 methodologist, key="mon-district", compare=True),
            Page(f"class sheet PDF, {pupils} pupils ({PDF_RUNS} runs)", url("monitoring_result_pdf", may), teacher,
                 runs=PDF_RUNS, warmup=1, key="mon-class-pdf"),
            Page("class sheet XLSX", url("monitoring_result_xlsx", may), teacher, key="mon-class-xlsx"),
            Page(f"school summary PDF ({PDF_RUNS} runs)", url("monitoring_school_pdf", school), methodologist,
                 runs=PDF_RUNS, warmup=1, key="mon-school-pdf"),
            Page("school summary XLSX", url("monitoring_school_xlsx", school), methodologist, key="mon-school-xlsx"),
        ]

    @staticmethod
    def _analysis_pages(data: benchdata.BenchData) -> list[Page]:
        """The annual analysis: a school МО's draft of this year (live figures) and its accepted
        analysis of last year (frozen) as its head; the РМО's draft of last year as the
        methodologist, which adds up the district's accepted school analyses live; the draft's
        PDF in turn with a plain document of as many pages (`analysis-renders`)."""
        analyses = data.analyses
        head, methodologist = analyses.head_user, data.methodologist_user

        def district_url(name: str, years_back: int = 0) -> str:
            return reverse(f"reports:{name}", args=[data.district.pk, data.year.start_year + years_back])

        def page_of(analysis) -> str:
            return reverse("reports:analysis", args=[analysis.association_id, analysis.academic_year.start_year])

        return [
            Page("analysis, this year's draft: live figures (school МО head)", page_of(analyses.draft), head,
                 key="analysis-draft", compare=True),
            Page("analysis, last year's accepted: frozen figures (school МО head)", page_of(analyses.accepted), head,
                 key="analysis-accepted", compare=True),
            Page(f"РМО analysis adding up {analyses.schools} accepted school analyses (methodologist)",
                 page_of(analyses.rmo_draft), methodologist, key="analysis-rollup", compare=True,
                 detail=f"{analyses.schools} schools"),
            Page("analysis PDF", reverse("reports:analysis_pdf", args=[analyses.draft.pk]), head,
                 key="analysis-renders"),
            Page("analysis figures XLSX, this year's draft (school МО head)",
                 reverse("reports:analysis_xlsx", args=[analyses.draft.pk]), head, key="analysis-xlsx"),
            Page("board of the school МО's analyses, last year (methodologist)", district_url("analysis_board", -1),
                 methodologist, key="analysis-board", compare=True),
            Page("district summary by school, this year (methodologist)", district_url("district_summary"),
                 methodologist, key="summary", compare=True),
            Page("district summary by school, last year: from the accepted analyses", district_url(
                "district_summary", -1), methodologist, key="summary-frozen", compare=True),
            Page(f"district summary PDF ({PDF_RUNS} runs)", district_url("district_summary_pdf"), methodologist,
                 runs=PDF_RUNS, warmup=1, key="summary-pdf"),
            Page("district summary XLSX (formula totals)", district_url("district_summary_xlsx"), methodologist,
                 key="summary-xlsx"),
            Page("documentation by school МО, this year (methodologist)", district_url("checklist_district"),
                 methodologist, key="checklist-district", compare=True),
            Page("documentation checklist of a school МО (its head)",
                 reverse("reports:checklist", args=[analyses.draft.association_id, data.year.start_year]), head,
                 key="checklist", compare=True),
            Page("home with the dashboard (methodologist)", reverse("home"), methodologist, key="dashboard",
                 compare=True),
        ]

    def _measure_analysis_renders(self, client: Client, page: Page, accepted) -> list[Row]:
        """The analysis' PDF: the draft's through its view (its figures computed from the records,
        then rendered), and the render of last year's accepted analysis as acceptance renders it
        to store it (`reports.analysis.services.analysis_pdf`, the figures as frozen), beside a
        plain document of the render's page count (`bare_pages_html`); the three in turn in each
        of PDF_RUNS rounds, each after a garbage collection."""
        from weasyprint import HTML

        from reports.analysis.services import analysis_pdf

        with CaptureQueriesContext(connection) as captured:
            _content_type, draft_pdf = self._get(client, page.url)
        view_queries = len(captured.captured_queries)
        with CaptureQueriesContext(connection) as captured:
            rendered = analysis_pdf(accepted)
        render_queries = len(captured.captured_queries)
        draft_pages, pages = _pdf_pages(draft_pdf) or 1, _pdf_pages(rendered) or 1
        bare = bare_pages_html(pages)
        HTML(string=bare).write_pdf()  # warm-up
        jobs = [
            ("analysis-pdf", lambda: self._get(client, page.url)),
            ("analysis-render", lambda: analysis_pdf(accepted)),
            ("bare-pdf-n", lambda: HTML(string=bare).write_pdf()),
        ]
        samples: dict[str, list[float]] = {key: [] for key, _job in jobs}
        for _ in range(PDF_RUNS):
            for key, job in jobs:
                gc.collect()
                start = time.perf_counter()
                job()
                samples[key].append((time.perf_counter() - start) * 1000)

        def row(key: str, name: str, queries: int | None, detail: str) -> Row:
            return Row(name=name, queries=queries, rows=None, median_ms=statistics.median(samples[key]),
                       p95_ms=None, key=key, detail=detail)

        return [
            row("analysis-pdf", f"analysis PDF (this year's draft, {draft_pages} pages) through its view: figures "
                f"from the records, then rendered ({PDF_RUNS} runs)", view_queries, f"{draft_pages} pages"),
            row("analysis-render", f"analysis PDF render (last year's, figures as frozen, {pages} pages), as "
                f"acceptance stores it ({PDF_RUNS} runs)", render_queries, f"{pages} pages"),
            row("bare-pdf-n", f"bare WeasyPrint PDF ({pages} pages: paragraphs and a table, {PDF_RUNS} runs)", None,
                f"{pages} pages"),
        ]

    def _measure_upload(self, client: Client, bank: benchdata.BenchBank, *, size: int | None = None,
                        runs: int = UPLOAD_RUNS) -> Row:
        """The upload of a PDF-like file of `size` bytes (20 MB: the file module's limit) through
        the card's editor, as its owner posts it: the multipart body is written to a temporary
        file, streamed from the file (never held in memory here), and fed to the handler as the
        request's input. The time is the median of `runs` requests; one more request is traced
        for the memory it takes: Python's allocations (tracemalloc's peak) and the process's
        resident set (the growth of its high-water mark, VmHWM reset before the request), beside
        the file's size. Each uploaded file is removed again (row and blob), so the card stays
        as built."""
        from associations.files.services import FILE_MAX_BYTES

        size = FILE_MAX_BYTES if size is None else size
        card = bank.card
        url = reverse("meetings:material_edit", args=[card.pk])
        samples: list[float] = []
        queries = traced_peak = rss_growth = None
        with tempfile.TemporaryDirectory(prefix="rmo-bench-upload-") as tmp:
            folder = Path(tmp)
            source = folder / UPLOAD_NAME
            _write_pdf_like(source, size)
            for run in range(runs + 1):
                _remove_uploads(card)
                body, content_type = _editor_body(folder, card, source)
                environ = {
                    "REQUEST_METHOD": "POST", "PATH_INFO": url, "CONTENT_TYPE": content_type,
                    "CONTENT_LENGTH": str(body.stat().st_size),
                }
                traced = run == runs
                gc.collect()
                with body.open("rb") as stream:
                    if traced:
                        rss_before = _reset_peak_rss()
                        tracemalloc.start()
                    with CaptureQueriesContext(connection) as captured:
                        start = time.perf_counter()
                        response = client.request(**environ, **{"wsgi.input": stream})
                        elapsed = (time.perf_counter() - start) * 1000
                    if traced:
                        traced_peak = tracemalloc.get_traced_memory()[1]
                        tracemalloc.stop()
                        rss_growth = _peak_rss_growth(rss_before)
                    else:
                        samples.append(elapsed)
                        queries = len(captured.captured_queries)
                if response.status_code != 302:
                    raise CommandError(f"POST {url} answered {response.status_code}, not 302: the upload was refused")
                stored = MaterialFile.objects.filter(material=card, file__original_name=UPLOAD_NAME).select_related(
                    "file"
                )
                if [row.file.size for row in stored] != [size]:
                    raise CommandError(f"POST {url}: the {size}-byte file was not stored whole")
                body.unlink()
            _remove_uploads(card)
        mb = size / MB
        memory = f"traced peak {traced_peak / MB:.1f} MB" + (
            "" if rss_growth is None else f", resident set +{rss_growth / MB:.1f} MB"
        )
        return Row(
            name=f"bank card editor POST, a {mb:.0f} MB PDF ({runs} runs; {memory})",
            queries=queries, rows=1, median_ms=statistics.median(samples), p95_ms=None, key="bank-upload",
            detail=f"a {mb:.0f} MB file: {memory}", memory=(traced_peak, rss_growth, size),
        )

    def _measure(self, client: Client, page: Page, runs: int) -> Row:
        content_type = ""
        for _ in range(max(page.warmup, 1)):
            content_type, _body = self._get(client, page.url)
        queries, rows, detail = self._queries_and_rows(client, page)
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
            detail=detail,
            kind=page.kind or ("page" if content_type.startswith("text/html") else "document"),
        )

    def _queries_and_rows(self, client: Client, page: Page) -> tuple[int, int | None, str]:
        """The queries of one request, the rows of its page (the HTML table rows, or how often
        `page.count` or `page.count_re` occurs in the body; None for a file), and what the
        targets say of its size (`page.detail`, or «N rows of M found» by `page.found_re`)."""
        with CaptureQueriesContext(connection) as captured:
            content_type, body = self._get(client, page.url)
        # Read now: the next request clears the connection's query log.
        queries = len(captured.captured_queries)
        if page.count is not None:
            rows = body.decode().count(page.count)
        elif page.count_re is not None:
            rows = len(re.findall(page.count_re, body.decode()))
        elif not content_type.startswith("text/html"):
            rows = None
        else:
            rows = _table_rows(body.decode())
        detail = page.detail
        if page.found_re is not None:
            found = re.search(page.found_re, body.decode())
            detail = f"{rows} rows of {found.group(1) if found else '?'} found"
        return queries, rows, detail

    @staticmethod
    def _get(client: Client, url: str) -> tuple[str, bytes]:
        """The response's content type and body; a streamed file (a stored PDF) is read to its
        end, as a web server would send it."""
        response = client.get(url)
        if response.status_code != 200:
            raise CommandError(f"GET {url} answered {response.status_code}, not 200")
        body = b"".join(response.streaming_content) if response.streaming else response.content
        response.close()
        return response["Content-Type"], body

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
    def _measure_renders(meetings: benchdata.BenchMeetings) -> list[Row]:
        """The protocol's PDF as `meetings.documents.protocol_pdf` renders it (for signing; the
        draft preview adds only its watermark), 2 and 5 items, beside a bare 2-page document.
        The three are rendered in turn in each of PDF_RUNS rounds, so that a slower spell of
        the machine falls on all of them alike, each after a garbage collection, so that none
        pays for collecting what the one before it left."""
        from weasyprint import HTML

        from meetings.documents import protocol_docx, protocol_pdf

        jobs = [("bare-pdf-2", None, lambda: HTML(string=BARE_PDF_2_PAGES_HTML).write_pdf())]
        for key, protocol in (("protocol-pdf-2", meetings.protocol_2), ("protocol-pdf-5", meetings.protocol_5)):
            jobs.append((key, protocol, lambda protocol=protocol: protocol_pdf(protocol)))
        # The same protocol in Word (reports.word), from the same context: beside its PDF.
        jobs.append(("protocol-docx-5", meetings.protocol_5, lambda: protocol_docx(meetings.protocol_5)))
        first: dict[str, tuple[bytes, int | None]] = {}
        for key, protocol, render in jobs:  # the warm-up, with its queries counted
            with CaptureQueriesContext(connection) as captured:
                pdf = render()
            first[key] = (pdf, None if protocol is None else len(captured.captured_queries))
        samples: dict[str, list[float]] = {key: [] for key, _protocol, _render in jobs}
        for _ in range(PDF_RUNS):
            for key, _protocol, render in jobs:
                gc.collect()
                start = time.perf_counter()
                render()
                samples[key].append((time.perf_counter() - start) * 1000)
        rows = []
        for key, protocol, _render in jobs:
            pdf, queries = first[key]
            if key == "protocol-docx-5":
                assert pdf.startswith(b"PK")  # noqa: S101 - a sanity check (a DOCX is a zip), not a test
                rows.append(Row(
                    name=f"protocol DOCX render, {protocol.items.count()} items ({PDF_RUNS} runs)", queries=queries,
                    rows=protocol.items.count(), median_ms=statistics.median(samples[key]), p95_ms=None, key=key,
                ))
                continue
            assert pdf.startswith(b"%PDF")  # noqa: S101 - a sanity check, not a test
            pages = _pdf_pages(pdf)
            pages_text = "" if pages is None else f"{pages} pages"
            if protocol is None:
                items = None
                detail = ": ".join(filter(None, [pages_text, "paragraphs and a table"]))
                name = f"bare WeasyPrint PDF ({detail}, {PDF_RUNS} runs)"
            else:
                items = protocol.items.count()
                present = meetings.present(protocol)
                detail = ", ".join(filter(None, [f"{items} items", f"{present} present", pages_text]))
                name = f"protocol PDF render, {detail} ({PDF_RUNS} runs)"
            rows.append(Row(
                name=name, queries=queries, rows=items, median_ms=statistics.median(samples[key]),
                p95_ms=None, key=key, detail=detail,
            ))
        return rows

    @staticmethod
    def _targets(
        rows: list[Row], scale: str, compare_name: str, compared: dict[str, tuple[int, int | None, str]] | None
    ) -> list[str]:
        """The targets of the plan issue and of the meetings issue, and whether they hold."""
        by_key = {row.key: row for row in rows if row.key}

        def in_run(pairs: list[tuple[str, str, str]]) -> tuple[bool, list[str]]:
            flat, texts = True, []
            for label, small, large in pairs:
                a, b = by_key[small].queries, by_key[large].queries
                flat &= a == b
                texts.append(f"{label} {a} / {b}")
            return flat, texts

        def across(labels: list[tuple[str, str]]) -> tuple[bool, list[str]]:
            """The same page in both data sets, the small one first."""
            flat, texts = True, []
            for label, key in labels:
                row = by_key[key]
                size = row.detail or f"{row.rows} rows"
                if compared is None:
                    texts.append(f"{label} {row.queries} queries for {size}")
                    continue
                queries, count, detail = compared[key]
                mine, theirs = (row.queries, size, scale), (queries, detail or f"{count} rows", compare_name)
                (q1, r1, s1), (q2, r2, s2) = (mine, theirs) if scale == "small" else (theirs, mine)
                flat &= q1 == q2
                texts.append(f"{label} {q1} queries for {r1} ({s1}), {q2} for {r2} ({s2})")
            if compared is None:
                texts.append(f"run --scale {compare_name} once to compare the data sets")
            return flat, texts

        def verdict(holds: bool) -> str:
            return " — holds" if holds else " — DOES NOT HOLD"

        plan_flat, plan_pairs = in_run([
            ("plan page", "plan-30", "plan-60"),
            ("plan editor", "edit-30", "edit-60"),
            ("plan XLSX", "xlsx-30", "xlsx-60"),
            ("plan PDF", "pdf-30", "pdf-60"),
        ])
        district_flat, district_pairs = across([("district table", "district")])
        pdf, bare_pdf = by_key["pdf-60"], by_key["bare-pdf"]
        fast = pdf.median_ms <= PDF_TARGET_MS

        meeting_flat, meeting_pairs = in_run([
            ("protocol page", "protocol-2", "protocol-5"),
            ("protocol PDF", "protocol-pdf-2", "protocol-pdf-5"),
        ])
        scale_flat, scale_pairs = across([
            ("schedule (class teacher)", "schedule-teacher"),
            ("schedule (methodologist)", "schedule"),
            ("past schedule", "past"),
            ("calendar (class teacher)", "calendar-teacher"),
            ("calendar (methodologist)", "calendar"),
            ("school МО's meetings", "association-meetings"),
            ("protocol page, 5 items,", "protocol-5"),
            ("decisions (methodologist)", "decisions"),
            ("decisions (class teacher)", "decisions-teacher"),
            ("feed (class teacher)", "feed-teacher"),
            ("feed (methodologist)", "feed"),
            ("school МО's feed", "feed-association"),
        ])
        # Like for like: the target compares a protocol of two pages with the plain document of
        # two; the longer protocol (its list of those present appended on a page of its own) is
        # reported beside it, per page.
        protocol_pdf, long_pdf, two_pages = by_key["protocol-pdf-2"], by_key["protocol-pdf-5"], by_key["bare-pdf-2"]
        ratio = protocol_pdf.median_ms / two_pages.median_ms
        pages = re.search(r"(\d+) pages", long_pdf.detail)
        long_pages = int(pages.group(1)) if pages else 2
        long_ratio = long_pdf.median_ms / two_pages.median_ms
        records_flat, records_pairs = across([
            ("contests (methodologist)", "contests"),
            ("contests (head)", "contests-head"),
            ("contests (teacher)", "contests-teacher"),
            ("attestation", "attestations"),
            ("attestation overview", "attestation-overview"),
            ("courses", "courses"),
            ("courses overview", "courses-overview"),
            ("visits (methodologist)", "visits"),
            ("visits (head)", "visits-head"),
            ("consultations", "consultations"),
            ("nominations", "nominations"),
            ("acknowledgments", "acknowledgments"),
            ("teacher's page (methodologist)", "person"),
            ("teacher's page (teacher)", "person-teacher"),
            ("home (head)", "home-head"),
            ("home (teacher)", "home-teacher"),
        ])
        bank_flat, bank_pairs = across([
            ("search, everything (class teacher)", "bank-all"),
            ("search, a word (class teacher)", "bank-word"),
            ("search, a word (methodologist)", "bank-word-methodologist"),
            ("search, a phrase", "bank-phrase"),
            ("search, a facet", "bank-facet"),
            ("search, the phrase and the facet", "bank-phrase-facet"),
            ("card", "bank-card"),
        ])
        medians = "; ".join(
            f"{label} {by_key[key].median_ms:.0f} ms"
            for label, key in (("a word", "bank-word"), ("a phrase", "bank-phrase"), ("a facet", "bank-facet"),
                               ("the card", "bank-card"))
        )
        monitoring_flat, monitoring_pairs = across([
            ("home (class teacher)", "mon-home-teacher"),
            ("home (methodologist)", "mon-home"),
            ("class result (class teacher)", "mon-class-teacher"),
            ("class result (methodologist)", "mon-class"),
            ("school table", "mon-school"),
            ("district table", "mon-district"),
        ])
        monitoring_pdfs = "; ".join(
            f"{label} {by_key[key].median_ms:.0f} ms ({by_key[key].median_ms / two_pages.median_ms:.1f} × the plain "
            f"2-page document)"
            for label, key in (("the class sheet", "mon-class-pdf"), ("the school summary", "mon-school-pdf"))
        )
        analysis_flat, analysis_pairs = across([
            ("school МО's draft (live)", "analysis-draft"),
            ("accepted (frozen)", "analysis-accepted"),
            ("РМО roll-up", "analysis-rollup"),
            ("board", "analysis-board"),
            ("district summary", "summary"),
            ("district summary (frozen)", "summary-frozen"),
            ("documentation by school", "checklist-district"),
            ("a school МО's checklist", "checklist"),
            ("dashboard", "dashboard"),
        ])
        first, second = (scale, compare_name) if scale == "small" else (compare_name, scale)
        analysis_pdf, analysis_render, bare_n = by_key["analysis-pdf"], by_key["analysis-render"], by_key["bare-pdf-n"]
        analysis_ratio = analysis_render.median_ms / bare_n.median_ms
        plan_docx, protocol_docx_row = by_key["docx-60"], by_key["protocol-docx-5"]
        upload = by_key["bank-upload"]
        traced_peak, rss_growth, size = upload.memory
        bound = UPLOAD_MEMORY_TARGET * size
        light = traced_peak < bound and (rss_growth is None or rss_growth < bound)
        return [
            "Target: query counts do not grow with the rows — 30 / 60 items: "
            + "; ".join(plan_pairs + district_pairs) + verdict(plan_flat and district_flat),
            f"Target: a 60-item plan's PDF within {PDF_TARGET_MS / 1000:.0f} s — {pdf.median_ms:.0f} ms "
            f"(median of {PDF_RUNS}, {pdf.median_ms / bare_pdf.median_ms:.0f} × the bare WeasyPrint "
            f"document's {bare_pdf.median_ms:.0f} ms)" + verdict(fast),
            "Target (meetings): query counts do not grow with the rows — 2 / 5 items: "
            + "; ".join(meeting_pairs) + "; and with the data set: " + "; ".join(scale_pairs)
            + verdict(meeting_flat and scale_flat),
            f"Target (meetings): a protocol's PDF within {PROTOCOL_PDF_TARGET} × a plain 2-page document — "
            f"{protocol_pdf.detail}: "
            f"{protocol_pdf.median_ms:.0f} ms against {two_pages.median_ms:.0f} ms, {ratio:.1f} × "
            f"(median of {PDF_RUNS}, rendered in turn; the one-paragraph document: {bare_pdf.median_ms:.0f} ms, "
            f"{protocol_pdf.median_ms / bare_pdf.median_ms:.0f} ×); {long_pdf.detail}: {long_pdf.median_ms:.0f} ms, "
            f"{long_ratio:.1f} ×, {long_ratio * 2 / long_pages:.1f} × page for page"
            + verdict(ratio <= PROTOCOL_PDF_TARGET),
            "Target (records): query counts do not grow with the data set — "
            + "; ".join(records_pairs) + verdict(records_flat),
            "Target (bank): query counts do not grow with the data set — " + "; ".join(bank_pairs)
            + f"; medians (this data set): {medians}" + verdict(bank_flat),
            "Target (monitoring): query counts do not grow with the classes and schools — "
            + "; ".join(monitoring_pairs) + f"; PDFs: {monitoring_pdfs}" + verdict(monitoring_flat),
            "Target (analysis): query counts do not grow with the records and the schools "
            f"({benchdata.SCALES[first].schools} against {benchdata.SCALES[second].schools} a district) — "
            + "; ".join(analysis_pairs) + verdict(analysis_flat),
            f"Target (analysis): its PDF within {ANALYSIS_PDF_TARGET} × a plain document of the same page count — "
            f"{analysis_render.detail}: the render {analysis_render.median_ms:.0f} ms against "
            f"{bare_n.median_ms:.0f} ms, {analysis_ratio:.1f} × (median of {PDF_RUNS}, in turn); the draft's through "
            f"its view, figures computed first: {analysis_pdf.median_ms:.0f} ms, {analysis_pdf.queries} queries"
            + verdict(analysis_ratio <= ANALYSIS_PDF_TARGET),
            f"Word (issue 15): a 60-item plan's DOCX {plan_docx.median_ms:.0f} ms through its view "
            f"({plan_docx.queries} queries) beside its PDF's {pdf.median_ms:.0f} ms; a 5-question protocol's DOCX "
            f"render {protocol_docx_row.median_ms:.0f} ms beside its PDF's {long_pdf.median_ms:.0f} ms",
            f"Target (bank): an upload's peak memory well under the file's size (under "
            f"{UPLOAD_MEMORY_TARGET:.0%} of it) — {upload.detail}, {upload.median_ms:.0f} ms (median of "
            f"{UPLOAD_RUNS}), {upload.queries} queries" + verdict(light),
            *_peer_targets(rows, by_key, verdict),
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
        years = AcademicYear.objects.filter(
            start_year__gt=data.year.start_year - data.scale.years, start_year__lte=data.year.start_year
        )
        meetings = Meeting.objects.filter(association__district__in=districts)
        by_status = dict(meetings.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
        protocols = Protocol.objects.filter(meeting__in=meetings)
        decisions = Decision.objects.filter(protocol_item__protocol__in=protocols)
        overdue = decisions.filter(status=Decision.Status.OPEN, due_on__lt=timezone.localdate()).count()
        entries = ContestEntry.objects.filter(person__district__in=districts)
        recommendations = VisitRecommendation.objects.filter(visit__school__district__in=districts)
        records = (
            f"Records: {entries.count()} contest entries "
            f"({entries.filter(status=ContestEntry.Status.ENTERED).count()} waiting for confirmation), "
            f"{Attestation.objects.filter(person__district__in=districts).count()} attestations and "
            f"{AttestationApplication.objects.filter(person__district__in=districts).count()} applications, "
            f"{Course.objects.filter(person__district__in=districts).count()} courses, "
            f"{Visit.objects.filter(school__district__in=districts).count()} visits with {recommendations.count()} "
            f"recommendations ({recommendations.filter(done_on__isnull=True).count()} open), "
            f"{Consultation.objects.filter(association__district__in=districts).count()} consultations, "
            f"{Nomination.objects.filter(person__district__in=districts).count()} nominations, "
            f"{Acknowledgment.objects.filter(appointment__association__district__in=districts).count()} "
            "acknowledgments of the instruction"
        )
        materials = Material.objects.filter(district__in=districts)
        by_visibility = dict(materials.values_list("visibility").annotate(n=Count("pk")).values_list("visibility", "n"))
        bank = (
            f"Data bank: {materials.count()} materials ({by_visibility.get(Material.Visibility.DISTRICT, 0)} for the "
            f"district, {by_visibility.get(Material.Visibility.SCHOOL, 0)} for their school, "
            f"{by_visibility.get(Material.Visibility.DRAFT, 0)} drafts) with "
            f"{MaterialGrade.objects.filter(material__in=materials).count()} class rows and "
            f"{MaterialFile.objects.filter(material__in=materials).count()} stored files"
        )
        s = data.scale
        counts = sorted(set(s.district_schools))
        first = s.district_schools[0]
        per_district = f"{counts[0]}–{counts[-1]}" if len(counts) > 1 else ""
        shape = (
            f"{s.districts} districts × {s.schools} schools × {s.people} people" if not per_district
            else f"{s.districts} districts, {s.total_schools} schools ({per_district} a district) × {s.people} people"
        )
        classes = ClassMonitoring.objects.filter(class_assignment__school__district__in=districts)
        analyses = Analysis.objects.filter(association__district__in=districts)
        monitoring = (
            f"Monitoring: {classes.count()} class monitorings with "
            f"{MonitoredPupil.objects.filter(monitoring__in=classes).count()} pupils and "
            f"{Grade.objects.filter(pupil__monitoring__in=classes).count()} grades; analyses: {analyses.count()} "
            f"({analyses.filter(status=Analysis.Status.ACCEPTED).count()} accepted)"
        )
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
            f"Data set «{data.scale_name}»: {shape} — {people} people, {associations} associations, {memberships} "
            f"memberships, {plans.count()} plans with {items} items over {years.count()} academic "
            f"years (data set v{benchdata.DATA_VERSION}, {built})",
            f"Meetings: {meetings.count()} over the {data.scale.years} years "
            f"({by_status.get(Meeting.Status.HELD, 0)} held, "
            f"{by_status.get(Meeting.Status.PLANNED, 0)} planned, {by_status.get(Meeting.Status.CANCELLED, 0)} "
            f"cancelled) with {Attendance.objects.filter(meeting__in=meetings).count()} attendance marks and "
            f"{Guest.objects.filter(meeting__in=meetings).count()} guests; {protocols.count()} protocols "
            f"({protocols.filter(status=Protocol.Status.SIGNED).count()} signed, "
            f"{protocols.exclude(pdf='').count()} of them through protocol_sign with the PDF stored) with "
            f"{ProtocolItem.objects.filter(protocol__in=protocols).count()} items and {decisions.count()} "
            f"decisions ({decisions.filter(status=Decision.Status.DONE).count()} done, {overdue} overdue)",
            records,
            bank,
            monitoring,
            f"Pages as the methodologist of one district ({first} schools, "
            f"{first * s.people + 1} people), or as a school МО's head or a class teacher where it says "
            f"so; {runs} requests each after {WARMUP} warm-up (a plan's PDF: {PDF_RUNS} after 1; a PDF "
            f"render, {PDF_RUNS} after 1); DEBUG off while measuring",
            f"{db}, Python {platform.python_version()}, Django {django.get_version()}, "
            f"WeasyPrint {weasyprint.__version__}, {os.cpu_count()} CPU cores ({_cpu_model()})",
        ]

    @staticmethod
    def _cells(rows: list[Row]) -> tuple[list[str], list[list[str]]]:
        bare = next(row for row in rows if row.key == "admin-login").median_ms
        header = ["page", "queries", "rows", "median ms", "p95 ms", "× admin login"]
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


# --- the peers -------------------------------------------------------------------------------------

PAGE_PEER_TARGET = 10  # × the admin's login page, for every list and detail page
EDITOR_PEER_TARGET = 1  # × the admin's change form of the same plan, for every editor


def _bench_superuser():
    """The administrator whose admin pages are the peers (the bench's own; made once)."""
    from django.contrib.auth import get_user_model

    user, _ = get_user_model().objects.get_or_create(
        username="bench-admin", defaults={"is_staff": True, "is_superuser": True}
    )
    return user


def _peer_targets(rows: list[Row], by_key: dict[str, Row], verdict) -> list[str]:
    """Every list and detail page against the admin's login page, every editor against the
    admin's change form of the 60-item plan (issue 17): the ones over their target by name."""
    login, changelist, changeform = by_key["admin-login"], by_key["admin-changelist"], by_key["admin-changeform"]

    def over(kind: str, peer: Row, factor: float) -> tuple[list[Row], list[Row]]:
        measured = [row for row in rows if row.kind == kind]
        return measured, [row for row in measured if row.median_ms > factor * peer.median_ms]

    pages, slow_pages = over("page", login, PAGE_PEER_TARGET)
    editors, slow_editors = over("editor", changeform, EDITOR_PEER_TARGET)

    def named(slow: list[Row], peer: Row) -> str:
        return "; ".join(f"{row.name} {row.median_ms:.0f} ms ({row.median_ms / peer.median_ms:.1f} ×)" for row in slow)

    return [
        f"Peers (issue 17): the admin's login page {login.median_ms:.1f} ms ({login.queries} queries), its change "
        f"list of people {changelist.median_ms:.0f} ms ({changelist.rows} rows, {changelist.queries} queries), its "
        f"change form of the plan {changeform.median_ms:.0f} ms ({changeform.rows} items inline, "
        f"{changeform.queries} queries)",
        f"Target (issue 17): every list and detail page within {PAGE_PEER_TARGET} × the admin's login page "
        f"({PAGE_PEER_TARGET * login.median_ms:.0f} ms) — {len(pages) - len(slow_pages)} of {len(pages)} within"
        + (f"; over: {named(slow_pages, login)}" if slow_pages else "") + verdict(not slow_pages),
        f"Target (issue 17): every editor within {EDITOR_PEER_TARGET} × the admin's change form of the same plan "
        f"({changeform.median_ms:.0f} ms) — {len(editors) - len(slow_editors)} of {len(editors)} within"
        + (f"; over: {named(slow_editors, changeform)}" if slow_editors else "") + verdict(not slow_editors),
    ]


# --- the upload -------------------------------------------------------------------------------------


def _write_pdf_like(path: Path, size: int) -> None:
    """`size` bytes that the file module takes for a PDF: its header, random bytes, its end."""
    head, tail = b"%PDF-1.4\n", b"\n%%EOF\n"
    left = size - len(head) - len(tail)
    with path.open("wb") as out:
        out.write(head)
        while left > 0:
            chunk = min(left, MB)
            out.write(os.urandom(chunk))
            left -= chunk
        out.write(tail)


def _editor_body(folder: Path, card: Material, source: Path) -> tuple[Path, str]:
    """The multipart body the card's editor posts with the file in its first file row, written
    to a file (the file's bytes copied from `source` a megabyte at a time), and its content type.
    The fields are the editor's as it opens for the card's owner (its current version)."""
    from django import forms

    from meetings.bank.forms import MaterialForm, file_formset
    from meetings.bank.selectors import MaterialChoices

    card = Material.objects.select_related("owner__user").get(pk=card.pk)
    user = card.owner.user
    form = MaterialForm(choices=MaterialChoices.for_card(user=user, material=card), material=card, is_owner=True)
    fields: list[tuple[str, str]] = [("version", str(card.version))]
    for bound in form:
        value = bound.value()
        if isinstance(bound.field, forms.BooleanField):
            if value:
                fields.append((bound.html_name, "on"))
        elif isinstance(value, (list, tuple)):
            fields += [(bound.html_name, str(v)) for v in value]
        elif isinstance(value, datetime.date):
            fields.append((bound.html_name, value.isoformat()))
        else:
            fields.append((bound.html_name, "" if value is None else str(value)))
    formset = file_formset(material=card)
    fields += [(bound.html_name, str(bound.value())) for bound in formset.management_form]
    fields += [(f"{f.prefix}-kind", "scenario") for f in formset.forms]
    boundary = uuid.uuid4().hex
    body = folder / "body"
    with body.open("wb") as out:
        for name, value in fields:
            out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
        out.write(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{formset.forms[0].prefix}-file"; '
            f'filename="{source.name}"\r\nContent-Type: application/pdf\r\n\r\n'.encode()
        )
        with source.open("rb") as data:
            shutil.copyfileobj(data, out, MB)
        out.write(f"\r\n--{boundary}--\r\n".encode())
    return body, f"multipart/form-data; boundary={boundary}"


def _remove_uploads(card: Material) -> None:
    """The bench's uploads on the card, rows and blobs (a run stopped half-way may have left one)."""
    from associations.files.services import file_discard

    for row in MaterialFile.objects.filter(material=card, file__original_name=UPLOAD_NAME).select_related("file"):
        row.delete()
        file_discard(row.file)  # the blob goes on commit: at once, outside a transaction


def _status_kb(field: str) -> int | None:
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith(f"{field}:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def _reset_peak_rss() -> int | None:
    """Reset the process's resident-set high-water mark to its current size (Linux: «5» to
    /proc/self/clear_refs) and return that size in bytes; None where it cannot be done."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as refs:
            refs.write("5")
    except OSError:
        return None
    rss = _status_kb("VmRSS")
    return None if rss is None else rss * 1024


def _peak_rss_growth(before: int | None) -> int | None:
    """How far the resident set's high-water mark rose above `before`, in bytes."""
    peak = _status_kb("VmHWM")
    if before is None or peak is None:
        return None
    return max(0, peak * 1024 - before)


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()
