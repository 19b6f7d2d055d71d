"""The access matrix: every URL pattern of the resolver, asked by every kind of user.

MATRIX declares, for each URL name, the object its kwargs name (the world's school МО, its
plans, meetings, protocols, decision, the user's calendar token: `tests.access_matrix_data.Scene`)
and one row of answers per method, one column per user (`USERS`). The design, in
associations/access.py: anonymous users go to the login page; an object outside a user's reach
is a 404; a reader who may not change it gets 403 on its editors and actions; where an action
refuses with a message on the page instead (the plan's review, a decision), the row says
`noop`: a redirect that changed nothing. Every refusal must leave the database as it was: each
request runs in a savepoint, the tables' checksum is compared before the rollback.

A test walks the resolver and fails on any pattern MATRIX does not declare; Django's admin is
declared as a group (`admin:`), tested on a sample: the index, the login page, each registered
ModelAdmin's changelist and add view, the school's staff import and the import of attestation
and courses.

To declare a new URL, give it a row of "?" and run
`ACCESS_MATRIX_EXPLORE=1 pytest tests/test_access_matrix.py -s -k <name>`: the answers each user
gets today are printed in the words of a row; check them against the design before copying them.
"""

from __future__ import annotations

import copy
import os
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from django.contrib import admin
from django.contrib.auth.tokens import default_token_generator
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.http import HttpResponse
from django.urls import path, reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

import rmo_portal.urls
from associations.models import DistrictOfficial
from meetings.models import MeetingVisit
from tests import factories as f
from tests.access_matrix_data import (
    DERIVED,
    PASSWORD,
    USERS,
    Upload,
    clients_for,
    snapshot,
    snapshot_diff,
    undeclared_patterns,
    walk_patterns,
)

EXPLORE = os.environ.get("ACCESS_MATRIX_EXPLORE") == "1"


# --- the answers ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Expect:
    status: int
    to: str | None = None  # for a 302: "login", "admin:login" or "elsewhere"
    db: str | None = None  # "same": nothing written; "changed": something written; None: not checked


SAME, CHANGED = "same", "changed"

#: The words of a row.
ANSWERS = {
    "login": Expect(302, "login", SAME),  # to the login page
    "adminlogin": Expect(302, "admin:login", SAME),  # to the admin's login page
    "403": Expect(403, db=SAME),
    "404": Expect(404, db=SAME),
    "405": Expect(405, db=SAME),
    "200": Expect(200),  # a page (GETs are checked by tests/test_get_writes_nothing.py)
    "200=": Expect(200, db=SAME),  # a page again, with the form's errors: nothing written
    "302": Expect(302, "elsewhere"),  # a redirect
    "done": Expect(302, "elsewhere", CHANGED),  # the action was carried out
    "noop": Expect(302, "elsewhere", SAME),  # refused with a message, or nothing to do
}


def row(text: str) -> dict[str, str]:
    words = text.split()
    written = [user for user in USERS if user not in DERIVED]
    assert len(words) in (len(written), len(USERS)), f"{len(words)} answers for {len(USERS)} users: {text!r}"
    unknown = set(words) - set(ANSWERS)
    assert not unknown, f"unknown answers {unknown} in {text!r}"
    answers = dict(zip(USERS if len(words) == len(USERS) else written, words, strict=True))
    for user, like in DERIVED.items():
        answers.setdefault(user, answers[like])
    return answers


@dataclass(frozen=True)
class Case:
    """One URL asked about one object: the kwargs of `reverse` from the scene and the user, the
    POST body, and the answers (a `row`) to GET and to POST."""

    kwargs: Callable | None = None
    get: str | None = None
    post: str | None = None
    data: Callable | None = None
    label: str = ""


def pk(attribute: str) -> Callable:
    """kwargs {"pk": scene.<attribute>.pk} (dotted: "world.mo")."""

    def kwargs(scene, user):
        obj = scene
        for name in attribute.split("."):
            obj = getattr(obj, name)
        return {"pk": obj.pk}

    return kwargs


def form(editor: str) -> Callable:
    return lambda scene: scene.form(editor)


def _uid(scene) -> str:
    return urlsafe_base64_encode(force_bytes(scene.world.teacher.pk))


def _consultation_body(scene) -> dict:
    """A consultation in the school МО's log: the head consulted the teacher."""
    world = scene.world
    return {
        "association": world.mo.pk, "kind": "individual", "topic": "Подготовка к родительскому собранию",
        "consultant": world.head_person.pk, "consulted": [world.teacher_person.pk],
        "held_on": scene.records.consultation.held_on.isoformat(), "form": "in_person", "duration_minutes": "30",
    }


def _nomination_body(scene) -> dict:
    """A nomination of the teacher, on no association's behalf (whoever nominates)."""
    return {
        "person": scene.world.teacher_person.pk, "association": "", "reason": "За победу в муниципальном конкурсе",
        "award": "Почётная грамота", "addressee": "department",
        "nominated_on": scene.records.nomination.nominated_on.isoformat(),
    }


def _material_body(scene, card=None) -> dict:
    """A card's form as posted: a new draft of the poster's (no files), or `card` with a new title
    and its version."""
    from meetings.bank.models import EventForm, UpbringingDirection

    body = {
        "title": "Классный час «Моя Родина»", "form": EventForm.objects.get(name="Классный час").pk,
        "direction": UpbringingDirection.objects.get(name="Патриотическое воспитание").pk, "grades": ["5"],
        "held_on": scene.records.consultation.held_on.isoformat(), "level": "school", "visibility": "draft",
        "files-TOTAL_FORMS": "0", "files-INITIAL_FORMS": "0",
    }
    if card is not None:
        body.update(title="Классный час «Наша Родина»", visibility=card.visibility, version=card.version,
                    authors=[card.owner_id])
    return body


def _scan() -> Upload:
    """A scan on paper, as a PDF (a matrix POST's file: whole at every read)."""
    return Upload("Скан.pdf", f.TINY_PDF)


def _html_as_pdf() -> Upload:
    """An HTML page called .pdf: refused by the file module, nothing stored."""
    return Upload("Скан.pdf", b"<!doctype html><html><script>alert(1)</script></html>")


def _monitoring_grid_body(scene) -> dict:
    """The May grid of 6 «Б» as its page posts it (helper A): six pupils graded 4 by every rater
    on every quality, at the monitoring's current version."""
    from reports.monitoring.scoring import method_data

    monitoring = scene.monitoring.may
    data = method_data(monitoring.method)
    body = {"version": str(monitoring.version), "rows": "25"}
    for index in range(6):
        body[f"r{index}-n"] = str(index + 1)
        body.update({f"r{index}-q{quality.id}-{rater}": "4" for quality in data.qualities for rater in data.raters})
    return body


# The rows, one word per user, in the order of USERS:
#   anon   teach  secr   head   dep    odep   meth   ometh  staff  super  nobody
EVERYONE = "200    200    200    200    200    200    200    200    200    200    200"
LOGGED_IN = "login  200    200    200    200    200    200    200    200    200    200"
POST_ONLY = "login  405    405    405    405    405    405    405    405    405    405"  # GET of an action
# The school МО's pages: its school and its district's methodologist read them, others get 404.
READERS = "login  200    200    200    200    404    200    404    200    200    404"
# Its recorder's editors (head, secretary): the school's other readers get 403.
RECORDER_PAGE = "login  403    200    200    403    404    403    404    200    200    404"
RECORDER_ACTION = "login  403    done   done   403    404    403    404    done   done   404"
# What the head writes alone: the members.
HEAD_ACTION = "login  403    403    done   403    404    403    404    done   done   404"
# Drafts (plan, protocol): those who write, review or oversee them; a class teacher gets 404.
PLAN_DRAFT_READERS = "login  404    404    200    200    404    200    404    200    200    404"
PROTOCOL_DRAFT_READERS = "login  404    200    200    200    404    200    404    200    200    404"
# The data bank's cards (and their files): a draft its owner's (the teacher), a school card its
# school's and the district's methodologist and staff, a district card the district's; writers of
# a school card: the owner, the МО head, the methodologist, staff (the others who see it: 403).
MATERIAL_DRAFT = "login  200    404    404    404    404    404    404    404    200    404"
MATERIAL_SCHOOL = "login  200    200    200    200    404    200    404    200    200    404"
MATERIAL_DISTRICT = "login  200    200    200    200    200    200    404    200    200    404"
MATERIAL_WRITERS_PAGE = "login  200    403    200    403    404    200    404    200    200    404"
MATERIAL_WRITERS_ACTION = "login  done   403    done   403    404    done   404    done   done   404"
# The monitoring's entry (helper A): the class's teacher and the school's МО head; the deputy 403.
MONITORING_ENTRY_PAGE = "login  200    404    200    403    404    404    404    404    404    404"
MONITORING_ENTRY_ACTION = "login  done   404    done   403    404    404    404    404    404    404"
# The monitoring's results (a per-pupil reader and the district level read; a small class only
# its school's people): the other school's deputy reads the other school's class and table.
MONITORING_HOME = "login  200    200    200    200    200    200    200    200    200    404    200"
MONITORING_CLASS = "login  200    404    200    200    404    200    404    200    200    404    404"
MONITORING_SMALL_CLASS = "login  404    404    200    200    404    404    404    404    404    404    404"
MONITORING_OTHER_SCHOOL = "login  404    404    404    404    200    200    404    200    200    404    404"
MONITORING_SCHOOL = "login  404    404    200    200    404    200    404    200    200    404    404"
MONITORING_DISTRICT = "login  404    404    404    404    404    200    404    200    200    404    404"
MONITORING_OTHER_DISTRICT = "login  404    404    404    404    404    404    200    404    200    404    200"

# The annual analysis (reports.analysis): its readers (those who write, review or oversee it), its
# writer's actions (the head; the deputy and the methodologist are told it is not theirs), its
# reviewer's (the school's deputy; the head and the methodologist are told), and a refusal for all.
ANALYSIS_READERS = "login  404    404    200    200    404    200    404    200    200    404"
ANALYSIS_WRITER_ACTION = "login  404    404    done   noop   404    noop   404    done   done   404"
ANALYSIS_REVIEWER_ACTION = "login  404    404    noop   done   404    noop   404    done   done   404"
ANALYSIS_NOOP = "login  404    404    noop   noop   404    noop   404    noop   noop   404"
# The methodologist's board of the analyses (reports.analysis.rollup, the kind «analysis_board»): the
# district level reads it (its methodologist, its staff, the superuser; its district official too,
# read-only: tests/reports/analysis/test_board.py); the methodologist, the staff and the superuser act
# (the deadline, the reminders); anyone else 404, the other district's people as outsiders.
BOARD_DISTRICT = "login  404    404    404    404    404    200    404    200    200    404    404"
BOARD_ACTION = "login  404    404    404    404    404    done   404    done   done   404    404"
BOARD_NOOP = "login  404    404    404    404    404    noop   404    noop   noop   404    404"
BOARD_FORM_ERROR = "login  404    404    404    404    404    200=   404    200=   200=   404    404"
BOARD_OTHER_DISTRICT = "login  404    404    404    404    404    404    200    404    200    404    200"
BOARD_NO_YEAR = "login  404    404    404    404    404    404    404    404    404    404    404"
# The district summary (reports.summary): the district level (its methodologist, its staff, the
# superuser; its district official too, tested in tests/reports/summary); anyone else 404.
SUMMARY_DISTRICT = "login  404    404    404    404    404    200    404    200    200    404    404"
SUMMARY_OTHER_DISTRICT = "login  404    404    404    404    404    404    200    404    200    404    200"
SUMMARY_NO_YEAR = "login  404    404    404    404    404    404    404    404    404    404    404"
# The documentation checklist (reports.checklist): the МО's own documentation, read by those who keep
# it (the head, the secretary of the protocols), who review and oversee it (the deputy, the district's
# methodologist) and the administrators; its class teachers get 404. Its documents are uploaded and
# removed by the head (and the administrators): the checkers who read it get 403.
CHECKLIST_READERS = "login  404    200    200    200    404    200    404    200    200    404"
CHECKLIST_KEEPER_ACTION = "login  404    403    done   403    404    403    404    done   done   404"
CHECKLIST_KEEPER_REFUSED = "login  404    403    200=   403    404    403    404    200=   200=   404"
# The district's completeness table: the district level (methodologist, official, staff, superuser).
CHECKLIST_DISTRICT = "login  404    404    404    404    404    200    404    200    200    404"


def _checklist_upload_body(upload) -> Callable:
    return lambda s: {"item": "order", "order-title": "Приказ № 112 от 28.08.2025", "order-scope": "year",
                      "order-file": upload()}


def _plan_import_docx() -> bytes:
    """A school's plan typed in Word: a header row and two items."""
    import io

    import docx

    document = docx.Document()
    rows = [("Содержание", "Сроки", "Ответственный"), ("Планирование работы", "сентябрь", "Волкова А.П."),
            ("Открытый классный час", "сентябрь–октябрь", "Иванова И.И.")]
    table = document.add_table(rows=len(rows), cols=3)
    for cells, values in zip(table.rows, rows, strict=True):
        for cell, value in zip(cells.cells, values, strict=True):
            cell.text = value
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _plan_import_section():
    from associations.models import PlanSection

    return PlanSection.objects.get(name="Заседания МО")


def _plan_import_confirm_body(scene) -> dict:
    """The preview's confirm form as posted: the rows read from the file (signed), both kept."""
    from associations.plans.docx_import import plan_read
    from associations.plans.forms import plan_import_token

    plan_file = plan_read(_plan_import_docx(), filename="План МО.docx")
    token = plan_import_token(plan_file, association=scene.world.mo, year=scene.next_year,
                              section=_plan_import_section())
    return {"payload": token, "keep": ["0", "1"]}


MATRIX: dict[str, tuple[Case, ...]] = {
    "home": (Case(get=LOGGED_IN),),
    # --- Django's authentication: a logged-in user is sent home from the login page -----------
    "login": (
        Case(get="200 302 302 302 302 302 302 302 302 302 302",
             post="200= noop noop noop noop noop noop noop noop noop noop",
             data=lambda s: {"username": "teacher", "password": "wrong-password"}, label="a wrong password"),
        Case(post="done noop noop noop noop noop noop noop noop noop noop",
             data=lambda s: {"username": "teacher", "password": PASSWORD}, label="the right password"),
    ),
    "logout": (
        Case(get="405 405 405 405 405 405 405 405 405 405 405",
             post="login login login login login login login login login login login", data=lambda s: {}),
    ),
    "password_change": (
        Case(get=LOGGED_IN, post="login 200= 200= 200= 200= 200= 200= 200= 200= 200= 200=", data=lambda s: {
            "old_password": "wrong-password", "new_password1": "Novyi-parol-2025", "new_password2": "Novyi-parol-2025",
        }, label="a wrong old password"),
    ),
    "password_change_done": (Case(get=LOGGED_IN),),
    "password_reset": (
        Case(get=EVERYONE, post="noop noop noop noop noop noop noop noop noop noop noop",
             data=lambda s: {"email": "nobody@example.org"}, label="an unknown e-mail"),
    ),
    "password_reset_done": (Case(get=EVERYONE),),
    "password_reset_confirm": (
        Case(kwargs=lambda s, u: {"uidb64": _uid(s), "token": "bad-token"}, get=EVERYONE,
             post="200= 200= 200= 200= 200= 200= 200= 200= 200= 200= 200=",
             data=lambda s: {"new_password1": "Novyi-parol-2025", "new_password2": "Novyi-parol-2025"},
             label="an invalid token"),
        Case(kwargs=lambda s, u: {"uidb64": _uid(s), "token": default_token_generator.make_token(s.world.teacher)},
             get="noop noop noop noop noop noop noop noop noop noop noop", label="a valid token"),
    ),
    "password_reset_complete": (Case(get=EVERYONE),),
    # --- associations and people --------------------------------------------------------------
    "associations:list": (Case(get=LOGGED_IN),),
    "associations:detail": (Case(kwargs=pk("world.mo"), get=READERS),),
    "associations:members_add": (
        Case(kwargs=pk("world.mo"), get=POST_ONLY, post=HEAD_ACTION,
             data=lambda s: {"people": [s.candidate.pk], "year": s.world.year.pk}),
    ),
    "associations:members_copy": (
        Case(kwargs=pk("world.mo"), get=POST_ONLY, post=HEAD_ACTION, data=lambda s: {"year": s.world.year.pk}),
    ),
    "associations:member_remove": (
        Case(kwargs=pk("membership"), get=POST_ONLY, post=HEAD_ACTION, data=lambda s: {}, label="the teacher"),
    ),
    # The directory: the district's methodologist, a deputy their school (each their own list).
    "associations:people": (Case(get="login  404    404    404    200    200    200    200    200    200    404"),),
    # The teacher's page: the directory's readers, the teacher themselves and their school МО's head.
    "associations:person": (
        Case(kwargs=pk("world.teacher_person"),
             get="login  200    404    200    200    404    200    404    200    200    404", label="the teacher"),
    ),
    # --- the annual plan: its readers' refused actions are a message on the plan's page ------
    "associations:plan_create": (
        Case(kwargs=pk("world.mo"), get=POST_ONLY,
             post="login  noop   noop   done   noop   404    noop   404    done   done   404",
             data=lambda s: {"mode": "blank", "year": s.next_year.pk}),
    ),
    "associations:plan": (
        Case(kwargs=pk("plan_draft"), get=PLAN_DRAFT_READERS, label="a draft"),
        Case(kwargs=pk("plan_submitted"), get=PLAN_DRAFT_READERS, label="a plan under review"),
        Case(kwargs=pk("plan_approved"), get=READERS, label="an approved plan"),
        # The РМО's plan under review: those who write it (the methodologist) and the
        # administrators; its reviewer, the district's official, in test_the_rmo_plan_goes_to_the_district_official.
        Case(kwargs=pk("rmo_plan_submitted"),
             get="login  404    404    404    404    404    200    404    200    200    404",
             label="the РМО's plan under review"),
    ),
    "associations:plan_edit": (
        Case(kwargs=pk("plan_draft"),
             get="login  404    404    200    403    404    403    404    200    200    404",
             post="login  404    404    done   403    404    403    404    done   done   404",
             data=form("plan"), label="a draft"),
        Case(kwargs=pk("plan_approved"),  # the head is sent back to the plan: no longer editable
             get="login  403    403    noop   403    404    403    404    noop   noop   404", label="an approved plan"),
    ),
    "associations:plan_submit": (
        Case(kwargs=pk("plan_draft"), get=POST_ONLY,
             post="login  404    404    done   noop   404    noop   404    done   done   404",
             data=lambda s: {}, label="a draft"),
    ),
    # A school МО's plan is reviewed by its school's deputy director, not by the methodologist;
    # the РМО's by the district's official (not a column here: see
    # test_the_rmo_plan_goes_to_the_district_official), never by the methodologist who writes it.
    "associations:plan_return": (
        Case(kwargs=pk("plan_submitted"), get=POST_ONLY,
             post="login  404    404    noop   done   404    noop   404    done   done   404",
             data=lambda s: {"comment": "Доработать раздел 2"}, label="a plan under review"),
        Case(kwargs=pk("rmo_plan_submitted"), get=POST_ONLY,
             post="login  404    404    404    404    404    noop   404    done   done   404",
             data=lambda s: {"comment": "Доработать раздел 2"}, label="the РМО's plan under review"),
    ),
    "associations:plan_approve": (
        Case(kwargs=pk("plan_submitted"), get=POST_ONLY,
             post="login  404    404    noop   done   404    noop   404    done   done   404",
             data=lambda s: {"comment": "Утвердить"}, label="a plan under review"),
        Case(kwargs=pk("rmo_plan_submitted"), get=POST_ONLY,
             post="login  404    404    404    404    404    noop   404    done   done   404",
             data=lambda s: {"comment": "Утвердить"}, label="the РМО's plan under review"),
    ),
    "associations:plan_item_mark": (
        Case(kwargs=pk("approved_item"), get=POST_ONLY,
             post="login  noop   noop   done   noop   404    noop   404    done   done   404",
             data=lambda s: {
                 f"mark-{s.approved_item.pk}-execution": "done",
                 f"mark-{s.approved_item.pk}-executed_on": s.previous_year.starts_on.isoformat(),
                 f"mark-{s.approved_item.pk}-execution_note": "Проведено",
             }, label="an item of the approved plan"),
    ),
    # The plan brought in from a Word file: the association's writers (its head, the
    # administrators); its other readers 403, outsiders 404. The preview writes nothing.
    "associations:plan_import": (
        Case(kwargs=pk("world.mo"),
             get="login  403    403    200    403    404    403    404    200    200    404",
             post="login  403    403    200=   403    404    403    404    200=   200=   404",
             data=lambda s: {"year": s.next_year.pk, "default_section": _plan_import_section().pk,
                             "file": Upload("План МО.docx", _plan_import_docx())}, label="a plan file"),
    ),
    "associations:plan_import_confirm": (
        Case(kwargs=pk("world.mo"), get=POST_ONLY,
             post="login  403    403    done   403    404    403    404    done   done   404",
             data=_plan_import_confirm_body, label="the preview's rows"),
    ),
    # --- meetings and protocols ---------------------------------------------------------------
    "meetings:association_meetings": (Case(kwargs=pk("world.mo"), get=READERS),),
    "meetings:meeting_create": (
        Case(kwargs=pk("world.mo"), get=RECORDER_PAGE, post=RECORDER_ACTION, data=lambda s: {
            "kind": "session", "theme": "Итоги года", "date": s.world.year.ends_on.isoformat(), "time": "15:00",
            "duration_minutes": "90",
        }, label="the short form"),
    ),
    "meetings:meeting": (Case(kwargs=pk("meeting"), get=READERS),),
    "meetings:meeting_edit": (
        Case(kwargs=pk("meeting"), get=RECORDER_PAGE, post=RECORDER_ACTION, data=form("meeting")),
    ),
    "meetings:meeting_cancel": (
        Case(kwargs=pk("meeting"), get=POST_ONLY, post=RECORDER_ACTION,
             data=lambda s: {"reason": "Карантин по гриппу"}),
    ),
    "meetings:meeting_hold": (Case(kwargs=pk("meeting"), get=POST_ONLY, post=RECORDER_ACTION, data=lambda s: {}),),
    "meetings:attendance": (Case(kwargs=pk("meeting"), get=READERS, post=RECORDER_ACTION, data=form("attendance")),),
    "meetings:protocol_create": (
        Case(kwargs=pk("meeting"), get=POST_ONLY, post=RECORDER_ACTION, data=lambda s: {}),
    ),
    "meetings:protocol": (
        Case(kwargs=pk("protocol_draft"), get=PROTOCOL_DRAFT_READERS, label="a draft"),
        Case(kwargs=pk("protocol_signed"), get=READERS, label="a signed protocol"),
    ),
    "meetings:protocol_edit": (
        Case(kwargs=pk("protocol_draft"),
             get="login  404    200    200    403    404    403    404    200    200    404",
             post="login  404    done   done   403    404    403    404    done   done   404",
             data=form("protocol"), label="a draft"),
        Case(kwargs=pk("protocol_signed"),  # its recorders are sent back to it: signed
             get="login  403    noop   noop   403    404    403    404    noop   noop   404",
             label="a signed protocol"),
    ),
    "meetings:protocol_sign": (
        Case(kwargs=pk("protocol_draft"), get=POST_ONLY,
             post="login  404    done   done   403    404    403    404    done   done   404",
             data=lambda s: {"confirm": "on"}, label="a draft"),
    ),
    "meetings:protocol_pdf": (
        Case(kwargs=pk("protocol_draft"), get=PROTOCOL_DRAFT_READERS, label="a draft"),
        Case(kwargs=pk("protocol_signed"), get=READERS, label="a signed protocol"),
    ),
    # The protocol in Word: the PDF's readers. Its extract (one question): the signed protocol's
    # readers and the person responsible (the class teacher for her decision in the other school's
    # МО's protocol, which she does not read); a draft's question has none (404 to all).
    "meetings:protocol_docx": (
        Case(kwargs=pk("protocol_draft"), get=PROTOCOL_DRAFT_READERS, label="a draft"),
        Case(kwargs=pk("protocol_signed"), get=READERS, label="a signed protocol"),
    ),
    "meetings:protocol_extract_pdf": (
        Case(kwargs=lambda s, u: {"item_pk": s.decision.protocol_item_id}, get=READERS,
             label="the teacher's decision's question"),
        Case(kwargs=lambda s, u: {"item_pk": s.extract_item.pk},
             get="login  200    404    404    404    200    200    404    200    200    404",
             label="the other school МО's question with the teacher's decision"),
        Case(kwargs=lambda s, u: {"item_pk": s.protocol_draft.items.get().pk},
             get="login  404    404    404    404    404    404    404    404    404    404",
             label="a draft's question"),
    ),
    "meetings:protocol_extract_docx": (
        Case(kwargs=lambda s, u: {"item_pk": s.decision.protocol_item_id}, get=READERS,
             label="the teacher's decision's question"),
        Case(kwargs=lambda s, u: {"item_pk": s.extract_item.pk},
             get="login  200    404    404    404    200    200    404    200    200    404",
             label="the other school МО's question with the teacher's decision"),
        Case(kwargs=lambda s, u: {"item_pk": s.protocol_draft.items.get().pk},
             get="login  404    404    404    404    404    404    404    404    404    404",
             label="a draft's question"),
    ),
    # --- the schedule, the calendar, decisions: each user's own lists -------------------------
    "meetings:schedule": (Case(get=LOGGED_IN),),
    "meetings:calendar": (Case(get=LOGGED_IN),),
    "meetings:feed_settings": (
        Case(get=LOGGED_IN, post="login  done   done   done   done   done   done   done   done   done   done",
             data=lambda s: {}, label="a new token"),
    ),
    # No login: the token names the user (anonymous: a token nobody has).
    "meetings:feed": (
        Case(kwargs=lambda s, u: {"token": s.token(u)},
             get="404    200    200    200    200    200    200    200    200    200    200", label="the user's token"),
    ),
    "meetings:association_feed": (
        Case(kwargs=lambda s, u: {"token": s.token(u), "pk": s.world.mo.pk},
             get="404    200    200    200    200    404    200    404    200    200    404",
             label="the user's token, the school МО"),
    ),
    "meetings:decisions": (Case(get="login  200    200    200    200    200    200    200    200    200    404"),),
    # The teacher's own decision: the teacher and the МО's recorders mark it; it is on the
    # methodologist's list (403), not on the deputy's (404).
    "meetings:decision_done": (
        Case(kwargs=pk("decision"), get=POST_ONLY,
             post="login  done   done   done   404    404    403    404    done   done   404",
             data=lambda s: {"done_on": "", "note": "Классные часы проведены", "next": reverse("meetings:decisions")},
             label="the teacher's decision"),
    ),
    # --- records of methodical work: contests ---------------------------------------------------
    # The list and the form: everyone with a person (their own entries at least) and the
    # administrators. The teacher's entry (unconfirmed): the teacher writes it, the МО head, the
    # methodologist and the administrators write and confirm it, the deputy reads it (403 on its
    # editor, a message on a refused confirmation), nobody confirms their own (the teacher: noop).
    "associations:contests": (Case(get="login  200    200    200    200    200    200    200    200    200    404"),),
    "associations:contest_entry_create": (
        # A teacher (and the deputy) enters their own whatever the posted person; those with a
        # picker pick the teacher; another district's methodologist may not pick her (the form).
        Case(get="login  200    200    200    200    200    200    200    200    200    404",
             post="login  done   done   done   done   done   done   200=   done   done   404",
             data=lambda s: {
                 "person": s.world.teacher_person.pk, "contest": s.records.contest.pk, "level": "regional",
                 "held_on": s.records.contest_entry.held_on.isoformat(), "result": "participant",
             }, label="a regional stage"),
    ),
    "associations:contest_entry_edit": (
        Case(kwargs=pk("records.contest_entry"),
             get="login  200    404    200    403    404    200    404    200    200    404",
             post="login  done   404    done   403    404    done   404    done   done   404",
             data=lambda s: {
                 "version": s.records.contest_entry.version, "person": s.world.teacher_person.pk,
                 "contest": s.records.contest.pk, "level": "municipal",
                 "held_on": s.records.contest_entry.held_on.isoformat(), "result": "laureate",
             }, label="the teacher's, unconfirmed"),
    ),
    "associations:contest_entry_delete": (
        Case(kwargs=pk("records.contest_entry"), get=POST_ONLY,
             post="login  done   404    done   403    404    done   404    done   done   404",
             data=lambda s: {}, label="the teacher's, unconfirmed"),
    ),
    "associations:contest_entry_confirm": (
        Case(kwargs=pk("records.contest_entry"), get=POST_ONLY,
             post="login  noop   404    done   noop   404    done   404    done   done   404",
             data=lambda s: {}, label="the teacher's, unconfirmed"),
    ),
    # The district table: the methodologist's and the administrators' (each of their district).
    "associations:contest_results": (
        Case(get="login  403    403    403    403    403    200    200    200    200    404",
             post="login  403    403    403    403    403    done   200=   done   done   404",
             data=lambda s: {
                 "district": s.world.district.pk, "contest": s.records.contest.pk,
                 "held_on": s.records.contest_entry.held_on.isoformat(),
                 "rows-TOTAL_FORMS": "1", "rows-INITIAL_FORMS": "0",
                 "rows-0-person": s.world.teacher_person.pk, "rows-0-result": "winner", "rows-0-place": "1",
             }, label="the teacher's result"),
    ),
    # --- records: attestation ---------------------------------------------------------------------
    # The records of those whose records the user sees (everyone with a person: their own); the
    # teacher enters their own, the МО head, the methodologist and the administrators anyone's of
    # theirs, the deputy reads (403 on the teacher's record; a pick of someone else's: the form's
    # error). The secretary is another teacher: the teacher's record is a 404 to them.
    "associations:attestations": (
        Case(get="login  200    200    200    200    200    200    200    200    200    404"),
    ),
    "associations:attestation_create": (
        Case(get="login  200    200    200    200    200    200    200    200    200    404",
             post="login  done   200=   done   200=   200=   done   200=   done   done   404",
             data=lambda s: {
                 "person": s.world.teacher_person.pk, "category": "szd",
                 "granted_on": s.records.attestation.granted_on.isoformat(), "order_number": "15-к",
                 "order_date": s.records.attestation.granted_on.isoformat(),
             }, label="СЗД of the teacher"),
    ),
    "associations:attestation_edit": (
        Case(kwargs=pk("records.attestation"),
             get="login  200    404    200    403    404    200    404    200    200    404",
             post="login  done   404    done   403    404    done   404    done   done   404",
             data=lambda s: {
                 "category": "first", "granted_on": s.records.attestation.granted_on.isoformat(),
                 "order_number": "999-к", "order_date": s.records.attestation.order_date.isoformat(),
                 "order_issuer": "", "note": "", "version": s.records.attestation.version,
             }, label="the teacher's record"),
    ),
    "associations:attestation_delete": (
        Case(kwargs=pk("records.attestation"), get=POST_ONLY,
             post="login  done   404    done   403    404    done   404    done   done   404",
             data=lambda s: {}, label="the teacher's record"),
    ),
    "associations:application_create": (
        Case(get="login  200    200    200    200    200    200    200    200    200    404",
             post="login  done   200=   done   200=   200=   done   200=   done   done   404",
             data=lambda s: {
                 "person": s.world.teacher_person.pk, "category": "first",
                 "applied_on": s.records.application.applied_on.isoformat(),
             }, label="the teacher's application for первая"),
    ),
    "associations:application_decide": (
        Case(kwargs=pk("records.application"),
             get="login  200    404    200    403    404    200    404    200    200    404",
             post="login  done   404    done   403    404    done   404    done   done   404",
             data=lambda s: {
                 "outcome": "withdrawn", "outcome_on": s.records.application.applied_on.isoformat(),
                 "version": s.records.application.version,
             }, label="the teacher's pending application"),
    ),
    # Where people stand: the methodologist's district, the МО head's and the deputy's school.
    "associations:attestation_overview": (
        Case(get="login  404    404    200    200    200    200    200    200    200    404"),
    ),
    # The school МО's perspective schedule: those who write or oversee the МО (its other readers 403).
    "associations:attestation_schedule": (
        Case(kwargs=pk("world.mo"), get="login  403    403    200    200    404    200    404    200    200    404"),
    ),
    "reports:attestation_schedule_pdf": (
        Case(kwargs=pk("world.mo"), get="login  403    403    200    200    404    200    404    200    200    404"),
    ),
    "reports:attestation_schedule_xlsx": (
        Case(kwargs=pk("world.mo"), get="login  403    403    200    200    404    200    404    200    200    404"),
    ),
    "reports:attestation_schedule_docx": (
        Case(kwargs=pk("world.mo"), get="login  403    403    200    200    404    200    404    200    200    404"),
    ),
    # --- records: courses -------------------------------------------------------------------------
    # As attestation: everyone with a person sees and enters at least their own; the МО head, the
    # methodologist and the administrators enter anyone's of theirs, the deputy reads (403 on the
    # teacher's record; entering it for the teacher: the picker's error). The secretary is another
    # teacher: the teacher's record is a 404 to them. The overview: the people of the user's
    # scope (a teacher: themselves).
    "associations:courses": (Case(get="login  200    200    200    200    200    200    200    200    200    404"),),
    "associations:course_create": (
        Case(get="login  200    200    200    200    200    200    200    200    200    404",
             post="login  done   200=   done   200=   200=   done   200=   done   done   404",
             data=lambda s: {
                 "person": s.world.teacher_person.pk, "provider": s.records.course.provider_id,
                 "title": "Разговоры о важном", "hours": "36",
                 "starts_on": s.records.course.starts_on.isoformat(), "ends_on": s.records.course.ends_on.isoformat(),
             }, label="the teacher's course"),
    ),
    "associations:course_edit": (
        Case(kwargs=pk("records.course"),
             get="login  200    404    200    403    404    200    404    200    200    404",
             post="login  done   404    done   403    404    done   404    done   done   404",
             data=lambda s: {
                 "person": s.world.teacher_person.pk, "provider": s.records.course.provider_id,
                 "title": "Классное руководство (72 ч)", "hours": "72",
                 "starts_on": s.records.course.starts_on.isoformat(), "ends_on": s.records.course.ends_on.isoformat(),
                 "document_number": "", "version": s.records.course.version,
             }, label="the teacher's record"),
    ),
    "associations:course_delete": (
        Case(kwargs=pk("records.course"), get=POST_ONLY,
             post="login  done   404    done   403    404    done   404    done   done   404",
             data=lambda s: {}, label="the teacher's record"),
    ),
    "associations:courses_overview": (
        Case(get="login  200    200    200    200    200    200    200    200    200    404"),
    ),
    # --- records: visits --------------------------------------------------------------------------
    # The methodologist's visit to the teacher's event at the school: the district's methodologist
    # and the administrators write it; the school's МО head and deputy and the visited teacher read
    # it (403 on the editor, a message on a refused action); the school's other teachers (the
    # secretary) and other schools get 404. The list: everyone with a person (an empty one for most).
    "associations:visits": (Case(get="login  200    200    200    200    200    200    200    200    200    404"),),
    "associations:visit_create": (
        Case(get="login  403    403    403    403    403    200    200    200    200    404",
             post="login  403    403    403    403    403    done   200=   done   done   404",
             data=lambda s: {
                 "visited_on": s.records.visit.visited_on.isoformat(), "school": s.world.school.pk,
                 "target": "meeting", "visitor": s.world.methodologist.person.pk, "visited_person": "",
                 "event_title": "Заседание МО", "purpose": "Изучение системы работы МО", "findings": "",
                 "recs-TOTAL_FORMS": "1", "recs-INITIAL_FORMS": "0", "recs-0-position": "1",
                 "recs-0-text": "Включить в план открытые мероприятия", "recs-0-due_on": "",
             }, label="a visit to the school"),
    ),
    "associations:visit": (
        Case(kwargs=pk("records.visit"),
             get="login  200    404    200    200    404    200    404    200    200    404"),
    ),
    "associations:visit_edit": (
        Case(kwargs=pk("records.visit"),
             get="login  403    404    403    403    404    200    404    200    200    404",
             post="login  403    404    403    403    404    done   404    done   done   404",
             data=lambda s: {
                 "version": s.records.visit.version, "visited_on": s.records.visit.visited_on.isoformat(),
                 "school": s.world.school.pk, "target": "event", "visitor": s.world.methodologist.person.pk,
                 "visited_person": s.world.teacher_person.pk, "event_title": s.records.visit.event_title,
                 "purpose": "Изучение опыта (уточнено)", "findings": s.records.visit.findings,
                 "recs-TOTAL_FORMS": "1", "recs-INITIAL_FORMS": "1", "recs-0-id": s.records.recommendation.pk,
                 "recs-0-visit": s.records.visit.pk, "recs-0-position": "1", "recs-0-text": "Обобщить опыт (уточнено)",
                 "recs-0-due_on": s.records.recommendation.due_on.isoformat(),
             }, label="the methodologist's visit"),
    ),
    "associations:visit_delete": (
        Case(kwargs=pk("records.visit"), get=POST_ONLY,
             post="login  noop   404    noop   noop   404    done   404    done   done   404",
             data=lambda s: {}, label="the methodologist's visit"),
    ),
    # The school's follow-up mark: its МО head and deputy, and the visit's writers.
    "associations:recommendation_mark": (
        Case(kwargs=pk("records.recommendation"), get=POST_ONLY,
             post="login  noop   404    done   done   404    done   404    done   done   404",
             data=lambda s: {
                 f"mark-{s.records.recommendation.pk}-done_on": s.records.visit.visited_on.isoformat(),
                 f"mark-{s.records.recommendation.pk}-done_note": "Проведено",
             }, label="an open recommendation"),
        Case(kwargs=pk("records.recommendation"),
             post="login  noop   404    noop   noop   404    noop   404    noop   noop   404",
             data=lambda s: {"unmark": "1"}, label="unmarking an open one: nothing to do"),
    ),
    # The visit's link to a meeting (meetings' side): the visit's writers; scene.meeting is the
    # school МО's meeting, of the visit's year.
    "meetings:visit_link": (
        Case(kwargs=pk("records.visit"), get=POST_ONLY,
             post="login  noop   404    noop   noop   404    done   404    done   done   404",
             data=lambda s: {"meeting": s.meeting.pk}, label="the school МО's meeting"),
        Case(kwargs=pk("records.visit"),
             post="login  noop   404    noop   noop   404    noop   404    noop   noop   404",
             data=lambda s: {"meeting": f.MeetingFactory(
                 association=s.world.other_mo, academic_year=s.world.year, theme="Заседание соседей",
             ).pk}, label="another school's meeting"),
    ),
    "meetings:visit_unlink": (
        Case(kwargs=pk("records.visit"), get=POST_ONLY,
             post="login  noop   404    noop   noop   404    done   404    done   done   404",
             data=lambda s: (MeetingVisit.objects.create(visit=s.records.visit, meeting=s.meeting), {})[1],
             label="linked to the school МО's meeting"),
    ),
    # --- records: consultations -------------------------------------------------------------------
    # The logs a user reads (anyone who could be a consultant: an empty list for most); a new
    # consultation goes into a log the user writes (the МО's head, the РМО's methodologist, the
    # district's staff): the others get 403, the methodologist's post names the school МО's log
    # (not theirs: the form refuses it). The school МО's consultation: its writers change it, its
    # overseers (deputy, methodologist) read it (403), the teacher consulted reads it on their page.
    "associations:consultations": (
        Case(get="login  200    200    200    200    200    200    200    200    200    404"),
    ),
    "associations:consultation_create": (
        Case(get="login  403    403    200    403    403    200    200    200    200    404",
             post="login  403    403    done   403    403    200=   200=   done   done   404",
             data=lambda s: _consultation_body(s), label="the school МО's log"),
    ),
    "associations:consultation_edit": (
        Case(kwargs=pk("records.consultation"),
             get="login  404    404    200    403    404    403    404    200    200    404",
             post="login  404    404    done   403    404    403    404    done   done   404",
             data=lambda s: {**_consultation_body(s), "version": s.records.consultation.version,
                             "topic": "Портфолио классного руководителя"}),
    ),
    "associations:consultation_delete": (
        Case(kwargs=pk("records.consultation"), get=POST_ONLY,
             post="login  404    404    done   403    404    403    404    done   done   404", data=lambda s: {}),
    ),
    # --- records: nominations ---------------------------------------------------------------------
    # Read as the teacher's other records; made by the МО head (the school), the methodologist and
    # the staff (the district), never for oneself: the teacher, the secretary and the deputies
    # get 403 on the form, the other district's methodologist cannot name this district's teacher.
    "associations:nominations": (
        Case(get="login  200    200    200    200    200    200    200    200    200    404"),
    ),
    "associations:nomination_create": (
        Case(get="login  403    403    200    403    403    200    200    200    200    404",
             post="login  403    403    done   403    403    done   200=   done   done   404",
             data=lambda s: _nomination_body(s), label="the teacher"),
    ),
    "associations:nomination_edit": (
        Case(kwargs=pk("records.nomination"),
             get="login  403    404    200    403    404    200    404    200    200    404",
             post="login  403    404    done   403    404    done   404    done   done   404",
             data=lambda s: {**_nomination_body(s), "association": s.world.mo.pk, "outcome": "granted",
                             "outcome_on": s.records.nomination.nominated_on.isoformat(), "outcome_note": "",
                             "version": s.records.nomination.version},
             label="the school МО's nomination of the teacher, granted"),
    ),
    "associations:nomination_delete": (
        Case(kwargs=pk("records.nomination"), get=POST_ONLY,
             post="login  403    404    done   403    404    done   404    done   done   404", data=lambda s: {}),
    ),
    # --- records: instructions and acknowledgments ------------------------------------------------
    # The text of a version: the people of appointments it concerns (the school МО's regulation:
    # its head and secretary), the deputy directors, the methodologists and the administrators.
    "associations:instruction": (
        Case(kwargs=lambda s, u: {"pk": f.instruction_version("school").pk},
             get="login  404    200    200    200    200    200    200    200    200    404",
             label="the school МО's regulation"),
    ),
    # The appointed person alone acknowledges; those who see the appointment get 403.
    "associations:acknowledge": (
        Case(kwargs=pk("records.head_appointment"),
             get="login  404    404    200    403    404    403    404    403    403    404",
             post="login  404    404    done   403    404    403    404    403    403    404",
             data=lambda s: {"acknowledged_on": s.records.head_appointment.order_date.isoformat(),
                             "version": f.instruction_version("school").pk},
             label="the school МО head's appointment"),
    ),
    # Who has not acknowledged: the methodologist (the district), the deputy (the school), the administrators.
    "associations:acknowledgments": (
        Case(get="login  404    404    404    200    200    200    200    200    200    404"),
    ),
    "reports:acknowledgment_sheet": (
        Case(kwargs=pk("records.head_appointment"),
             get="login  404    404    200    200    404    200    404    200    200    404",
             label="the school МО head's appointment"),
    ),
    "reports:acknowledgment_sheet_docx": (
        Case(kwargs=pk("records.head_appointment"),
             get="login  404    404    200    200    404    200    404    200    200    404",
             label="the school МО head's appointment"),
    ),
    # --- records: the teacher's page --------------------------------------------------------------
    # --- reports: the district's table is the methodologist's -------------------------------
    "reports:district_plans": (Case(get="login  404    404    404    404    404    200    200    200    200    404"),),
    "reports:district_plans_xlsx": (
        Case(get="login  404    404    404    404    404    200    200    200    200    404"),
    ),
    "reports:plan_pdf": (
        Case(kwargs=pk("plan_draft"), get=PLAN_DRAFT_READERS, label="a draft"),
        Case(kwargs=pk("plan_approved"), get=READERS, label="an approved plan"),
    ),
    "reports:plan_xlsx": (
        Case(kwargs=pk("plan_draft"), get=PLAN_DRAFT_READERS, label="a draft"),
        Case(kwargs=pk("plan_approved"), get=READERS, label="an approved plan"),
    ),
    # The plan in Word: the PDF's readers
    "reports:plan_docx": (
        Case(kwargs=pk("plan_draft"), get=PLAN_DRAFT_READERS, label="a draft"),
        Case(kwargs=pk("plan_approved"), get=READERS, label="an approved plan"),
    ),
    # --- the data bank (meetings.bank) -----------------------------------------------------------
    # The cards of the world's class teacher: a draft (hers alone; the superuser sees everything),
    # a school card (her school's people, the district's methodologist and staff) and a district
    # card (the district's people). Writers: the owner, the school's МО head, the methodologist,
    # staff; the deputy and the school's other teachers read (403). A card is added by a person:
    # staff and the superuser (no person) get 403, a login with no role 404. The МО head, the
    # methodologist and staff publish a school card; a district card is already published (noop).
    "meetings:materials": (Case(get="login  200    200    200    200    200    200    200    200    200    404"),),
    "meetings:material_create": (
        Case(get="login  200    200    200    200    200    200    200    403    403    404    403",
             post="login  done   done   done   done   done   done   done   403    403    404    403",
             data=lambda s: _material_body(s), label="a draft"),
    ),
    # The card form's search of authors: a new card's, as its form (tests/associations/test_record_people_search.py).
    "meetings:material_authors_search": (
        Case(get="login  200    200    200    200    200    200    200    403    403    404    403",
             label="a new card's"),
    ),
    "meetings:material": (
        Case(kwargs=pk("bank.draft"), get=MATERIAL_DRAFT, label="a draft"),
        Case(kwargs=pk("bank.school_card"), get=MATERIAL_SCHOOL, label="a school card"),
        Case(kwargs=pk("bank.district_card"), get=MATERIAL_DISTRICT, label="a district card"),
    ),
    "meetings:material_edit": (
        Case(kwargs=pk("bank.draft"), get=MATERIAL_DRAFT, label="a draft"),
        Case(kwargs=pk("bank.school_card"), get=MATERIAL_WRITERS_PAGE, post=MATERIAL_WRITERS_ACTION,
             data=lambda s: _material_body(s, s.bank.school_card), label="a school card"),
    ),
    "meetings:material_delete": (
        Case(kwargs=pk("bank.school_card"), get=MATERIAL_WRITERS_PAGE, post=MATERIAL_WRITERS_ACTION,
             data=lambda s: {}, label="a school card"),
    ),
    "meetings:material_publish": (
        Case(kwargs=pk("bank.school_card"), get=POST_ONLY,
             post="login  403    403    done   403    404    done   404    done   done   404",
             data=lambda s: {}, label="a school card"),
        Case(kwargs=pk("bank.district_card"),
             post="login  noop   noop   noop   noop   noop   noop   404    noop   noop   404",
             data=lambda s: {}, label="a district card: already published"),
        Case(kwargs=pk("bank.draft"),
             post="login  403    404    404    404    404    404    404    404    403    404",
             data=lambda s: {}, label="a draft"),
    ),
    # A file is its card's: the same readers for the download and a photo's thumbnail.
    "meetings:material_file": (
        Case(kwargs=pk("bank.draft_file"), get=MATERIAL_DRAFT, label="the draft's file"),
        Case(kwargs=pk("bank.school_file"), get=MATERIAL_SCHOOL, label="the school card's file"),
        Case(kwargs=pk("bank.district_file"), get=MATERIAL_DISTRICT, label="the district card's file"),
    ),
    "meetings:material_thumbnail": (
        Case(kwargs=pk("bank.school_file"), get=MATERIAL_SCHOOL, label="the school card's photo"),
        Case(kwargs=pk("bank.district_file"),
             get="login  404    404    404    404    404    404    404    404    404    404",
             label="the district card's PDF: no thumbnail"),
    ),
    "meetings:material_file_delete": (
        Case(kwargs=pk("bank.school_file"), get=POST_ONLY, post=MATERIAL_WRITERS_ACTION, data=lambda s: {},
             label="the school card's file"),
    ),
    # --- monitoring of upbringing (reports.monitoring): scene.monitoring ---------------------------
    # Columns: anonymous teacher secretary head deputy other_deputy methodologist other_methodologist
    # staff superuser nobody [other_staff]. Per-pupil readers: the class teacher (6 «Б» is the
    # teacher's), the school's МО head and deputy; the district level (methodologist, staff,
    # superuser) reads aggregates; the secretary (a class teacher without this class) gets 404.
    # The entry: the class's writers (its class teacher, the school's МО head); the deputy reads
    # its pupils but does not enter them (403); the district level never sees a pupil's row (404).
    "reports:monitoring_start": (
        Case(kwargs=pk("monitoring.unstarted"), get=MONITORING_ENTRY_PAGE, post=MONITORING_ENTRY_ACTION,
             data=lambda s: {"period": "may", "period_name": ""}, label="the teacher's 7 «Б»: May"),
    ),
    "reports:monitoring_edit": (
        Case(kwargs=pk("monitoring.may"), get=MONITORING_ENTRY_PAGE, post=MONITORING_ENTRY_ACTION,
             data=_monitoring_grid_body,
             label="6 «Б», May: a valid grid at the current version"),
    ),
    # (monitoring results: lead)
    # The results: the monitoring's home to whoever reaches any class (a class teacher, the
    # school's people, the district level); a class's result to its per-pupil readers and, as its
    # figures only, to the district level — but a class of 3 pupils is a 404 there (only inside its
    # school's total); a school's table to its head and deputy and the district level; the
    # district's table to the district level.
    "reports:monitoring": (Case(get=MONITORING_HOME),),
    "reports:monitoring_result": (
        Case(kwargs=pk("monitoring.september"), get=MONITORING_CLASS, label="6 «Б», September (6 pupils)"),
        Case(kwargs=pk("monitoring.small"), get=MONITORING_SMALL_CLASS, label="2 «А» (3 pupils)"),
        Case(kwargs=pk("monitoring.other_school"), get=MONITORING_OTHER_SCHOOL, label="a class of the other school"),
    ),
    "reports:monitoring_school": (
        Case(kwargs=pk("world.school"), get=MONITORING_SCHOOL, label="the world's school"),
        Case(kwargs=pk("world.other_school"), get=MONITORING_OTHER_SCHOOL, label="the other school of the district"),
    ),
    "reports:monitoring_district": (
        Case(kwargs=pk("world.district"), get=MONITORING_DISTRICT, label="the world's district"),
        Case(kwargs=pk("world.other_district"), get=MONITORING_OTHER_DISTRICT, label="the other district"),
    ),
    # The documents: whoever reads the page (the district level gets the class's figures only).
    "reports:monitoring_result_pdf": (
        Case(kwargs=pk("monitoring.september"), get=MONITORING_CLASS, label="6 «Б», September"),
        Case(kwargs=pk("monitoring.small"), get=MONITORING_SMALL_CLASS, label="2 «А» (3 pupils)"),
    ),
    "reports:monitoring_result_xlsx": (
        Case(kwargs=pk("monitoring.september"), get=MONITORING_CLASS, label="6 «Б», September"),
        Case(kwargs=pk("monitoring.small"), get=MONITORING_SMALL_CLASS, label="2 «А» (3 pupils)"),
    ),
    "reports:monitoring_school_pdf": (
        Case(kwargs=pk("world.school"), get=MONITORING_SCHOOL, label="the world's school"),
        Case(kwargs=pk("world.other_school"), get=MONITORING_OTHER_SCHOOL, label="the other school"),
    ),
    "reports:monitoring_school_xlsx": (
        Case(kwargs=pk("world.school"), get=MONITORING_SCHOOL, label="the world's school"),
        Case(kwargs=pk("world.other_school"), get=MONITORING_OTHER_SCHOOL, label="the other school"),
    ),
    # The monitoring's documents in Word: the PDFs' readers
    "reports:monitoring_result_docx": (
        Case(kwargs=pk("monitoring.september"), get=MONITORING_CLASS, label="6 «Б», September"),
        Case(kwargs=pk("monitoring.small"), get=MONITORING_SMALL_CLASS, label="2 «А» (3 pupils)"),
    ),
    "reports:monitoring_school_docx": (
        Case(kwargs=pk("world.school"), get=MONITORING_SCHOOL, label="the world's school"),
        Case(kwargs=pk("world.other_school"), get=MONITORING_OTHER_SCHOOL, label="the other school"),
    ),
    # (monitoring XLSX template and import: helper import)
    # The grid's writers, as the grid: the template (a GET) and its upload. The upload's body is the
    # May template as the teacher downloads it, posted back at the current version (a save: the
    # version moves); a file that is not a workbook is the page with the reason, nothing written.
    "reports:monitoring_template": (
        Case(kwargs=pk("monitoring.may"), get=MONITORING_ENTRY_PAGE, label="6 «Б», May: its six pupils"),
    ),
    "reports:monitoring_import": (
        Case(kwargs=pk("monitoring.may"), get=MONITORING_ENTRY_PAGE, post=MONITORING_ENTRY_ACTION,
             data=lambda s: {
                 "version": str(s.monitoring.may.version),
                 "file": Upload("monitoring-6b-may.xlsx", s.clients["teacher"].get(
                     reverse("reports:monitoring_template", kwargs={"pk": s.monitoring.may.pk})).content),
             },
             label="6 «Б», May: its template uploaded back at the current version"),
        Case(kwargs=pk("monitoring.may"),
             post="login  200=   404    200=   403    404    404    404    404    404    404",
             data=lambda s: {"version": str(s.monitoring.may.version),
                             "file": Upload("monitoring-6b-may.xlsx", b"<!doctype html><html></html>")},
             label="an HTML page called .xlsx"),
    ),
    # (monitoring method questionnaire: helper admin)
    # A method is no secret and every district's: whoever reaches the monitoring reads every
    # questionnaire — anyone with a person record (the secretary and the other school's deputy are
    # class teachers' peers: they hand the same sheet out), the district level of any district (the
    # other district's methodologist and staff too: the seeded methods are shared); a login with no
    # person and no district (nobody) reaches no monitoring: 404.
    "reports:monitoring_method": (
        Case(kwargs=pk("monitoring.method"),
             get="login  200    200    200    200    200    200    200    200    200    404",
             label="the 5–11 method of 6 «Б»"),
    ),
    # --- the annual analysis (reports.analysis): scene.analyses, the school МО's ------------------
    # Read by those who write, review or oversee it (the head; the deputy; the district's
    # methodologist; the administrators); its class teachers and the secretary get 404, as for a
    # draft plan. Written by the head (the methodologist writes only the РМО's: 403); reviewed by
    # the school's deputy. A refused transition is a message on its page (noop).
    "reports:analysis": (
        Case(kwargs=lambda s, u: {"pk": s.world.mo.pk, "year": s.world.year.start_year}, get=ANALYSIS_READERS,
             label="this year's draft"),
        Case(kwargs=lambda s, u: {"pk": s.world.mo.pk, "year": s.analyses.unstarted_year.start_year},
             get=ANALYSIS_READERS, label="a year not started"),
        Case(kwargs=lambda s, u: {"pk": s.world.mo.pk, "year": s.analyses.accepted.academic_year.start_year},
             get=ANALYSIS_READERS, label="an accepted analysis"),
    ),
    "reports:analysis_start": (
        Case(kwargs=lambda s, u: {"pk": s.world.mo.pk, "year": s.analyses.unstarted_year.start_year},
             get=POST_ONLY, post=ANALYSIS_WRITER_ACTION, data=lambda s: {}, label="a year not started"),
        Case(kwargs=lambda s, u: {"pk": s.world.mo.pk, "year": s.world.year.start_year},
             post=ANALYSIS_NOOP, data=lambda s: {}, label="started already"),
    ),
    "reports:analysis_edit": (
        Case(kwargs=pk("analyses.draft"),
             get="login  404    404    200    403    404    403    404    200    200    404",
             post="login  404    404    done   403    404    403    404    done   done   404",
             data=lambda s: {"version": str(s.analyses.draft.version), "goals_assessment": "Задачи решены.",
                             "achievements": "Призёры конкурса.", "problems": "Мало открытых занятий.",
                             "next_year_tasks": "Обобщить опыт"},
             label="the draft"),
        Case(kwargs=pk("analyses.draft"),
             post="login  404    404    200=   403    404    403    404    200=   200=   404",
             data=lambda s: {"version": str(s.analyses.draft.version), "problems": "П" * 5001},
             label="the draft: a section over its bound"),
        Case(kwargs=pk("analyses.submitted"),
             get="login  404    404    noop   403    404    403    404    noop   noop   404", label="submitted"),
    ),
    "reports:analysis_submit": (
        Case(kwargs=pk("analyses.draft"), get=POST_ONLY, post=ANALYSIS_WRITER_ACTION, data=lambda s: {},
             label="the draft"),
        Case(kwargs=pk("analyses.accepted"), post=ANALYSIS_NOOP, data=lambda s: {}, label="accepted"),
    ),
    "reports:analysis_return": (
        Case(kwargs=pk("analyses.submitted"), get=POST_ONLY, post=ANALYSIS_REVIEWER_ACTION,
             data=lambda s: {"comment": "Дополните раздел о проблемах"}, label="submitted"),
        Case(kwargs=pk("analyses.submitted"),
             post="login  404    404    noop   200=   404    noop   404    200=   200=   404",
             data=lambda s: {"comment": ""}, label="submitted, no comment"),
        Case(kwargs=pk("analyses.draft"), post=ANALYSIS_NOOP, data=lambda s: {"comment": "Доработать"},
             label="a draft"),
    ),
    "reports:analysis_accept": (
        Case(kwargs=pk("analyses.submitted"), get=POST_ONLY, post=ANALYSIS_REVIEWER_ACTION, data=lambda s: {},
             label="submitted"),
        Case(kwargs=pk("analyses.draft"), post=ANALYSIS_NOOP, data=lambda s: {}, label="a draft"),
    ),
    "reports:analysis_pdf": (
        Case(kwargs=pk("analyses.draft"), get=ANALYSIS_READERS, label="a draft: rendered, marked"),
        Case(kwargs=pk("analyses.accepted"), get=ANALYSIS_READERS, label="accepted: the stored PDF"),
    ),
    # The board (scene.board): the world's district, this year's deadline passed yesterday.
    "reports:analysis_board": (
        Case(kwargs=lambda s, u: {"pk": s.world.district.pk, "year": s.world.year.start_year}, get=BOARD_DISTRICT,
             label="the world's district, this year"),
        Case(kwargs=lambda s, u: {"pk": s.world.other_district.pk, "year": s.world.year.start_year},
             get=BOARD_OTHER_DISTRICT, label="the other district"),
        Case(kwargs=lambda s, u: {"pk": s.world.district.pk, "year": 1990}, get=BOARD_NO_YEAR,
             label="a year that does not exist"),
    ),
    "reports:analysis_deadline": (
        Case(kwargs=lambda s, u: {"pk": s.world.district.pk, "year": s.world.year.start_year}, get=POST_ONLY,
             post=BOARD_ACTION, data=lambda s: {"due_on": f"10.06.{s.world.year.start_year + 1}"},
             label="a new deadline"),
        Case(kwargs=lambda s, u: {"pk": s.world.district.pk, "year": s.world.year.start_year},
             post=BOARD_FORM_ERROR, data=lambda s: {"due_on": "31.02.2026"}, label="a date that does not exist"),
    ),
    "reports:analysis_remind": (
        Case(kwargs=lambda s, u: {"pk": s.board.late.pk, "year": s.world.year.start_year}, get=POST_ONLY,
             post=BOARD_ACTION, data=lambda s: {}, label="a late school МО, its head with an e-mail"),
        Case(kwargs=lambda s, u: {"pk": s.board.on_time.pk, "year": s.world.year.start_year}, post=BOARD_NOOP,
             data=lambda s: {}, label="submitted: not late"),
        Case(kwargs=lambda s, u: {"pk": s.world.mo.pk, "year": s.world.year.start_year}, post=BOARD_NOOP,
             data=lambda s: {}, label="late, no head with an e-mail"),
        Case(kwargs=lambda s, u: {"pk": s.world.rmo.pk, "year": s.world.year.start_year},
             post="login  404    404    404    404    404    404    404    404    404    404    404",
             data=lambda s: {}, label="the РМО: on no board"),
    ),
    "reports:analysis_remind_all": (
        Case(kwargs=lambda s, u: {"pk": s.world.district.pk, "year": s.world.year.start_year}, get=POST_ONLY,
             post=BOARD_ACTION, data=lambda s: {}, label="the world's district: one late МО reminded"),
    ),
    "reports:district_summary": (
        Case(kwargs=lambda s, u: {"pk": s.world.district.pk, "year": s.world.year.start_year}, get=SUMMARY_DISTRICT,
             label="the world's district, this year"),
        Case(kwargs=lambda s, u: {"pk": s.world.district.pk, "year": s.previous_year.start_year},
             get=SUMMARY_DISTRICT, label="last year (a submitted analysis: frozen figures)"),
        Case(kwargs=lambda s, u: {"pk": s.world.other_district.pk, "year": s.world.year.start_year},
             get=SUMMARY_OTHER_DISTRICT, label="the other district"),
        Case(kwargs=lambda s, u: {"pk": s.world.district.pk, "year": 1990}, get=SUMMARY_NO_YEAR,
             label="a year that does not exist"),
    ),
    "reports:district_summary_pdf": (
        Case(kwargs=lambda s, u: {"pk": s.world.district.pk, "year": s.world.year.start_year}, get=SUMMARY_DISTRICT,
             label="the world's district, this year"),
        Case(kwargs=lambda s, u: {"pk": s.world.district.pk, "year": s.previous_year.start_year},
             get=SUMMARY_DISTRICT, label="last year (a submitted analysis: frozen figures)"),
        Case(kwargs=lambda s, u: {"pk": s.world.other_district.pk, "year": s.world.year.start_year},
             get=SUMMARY_OTHER_DISTRICT, label="the other district"),
        Case(kwargs=lambda s, u: {"pk": s.world.district.pk, "year": 1990}, get=SUMMARY_NO_YEAR,
             label="a year that does not exist"),
    ),
    "reports:district_summary_xlsx": (
        Case(kwargs=lambda s, u: {"pk": s.world.district.pk, "year": s.world.year.start_year}, get=SUMMARY_DISTRICT,
             label="the world's district, this year"),
        Case(kwargs=lambda s, u: {"pk": s.world.district.pk, "year": s.previous_year.start_year},
             get=SUMMARY_DISTRICT, label="last year (a submitted analysis: frozen figures)"),
        Case(kwargs=lambda s, u: {"pk": s.world.other_district.pk, "year": s.world.year.start_year},
             get=SUMMARY_OTHER_DISTRICT, label="the other district"),
        Case(kwargs=lambda s, u: {"pk": s.world.district.pk, "year": 1990}, get=SUMMARY_NO_YEAR,
             label="a year that does not exist"),
    ),
    # The summary in Word: the PDF's readers
    "reports:district_summary_docx": (
        Case(kwargs=lambda s, u: {"pk": s.world.district.pk, "year": s.world.year.start_year}, get=SUMMARY_DISTRICT,
             label="the world's district, this year"),
        Case(kwargs=lambda s, u: {"pk": s.world.district.pk, "year": s.previous_year.start_year},
             get=SUMMARY_DISTRICT, label="last year (a submitted analysis: frozen figures)"),
        Case(kwargs=lambda s, u: {"pk": s.world.other_district.pk, "year": s.world.year.start_year},
             get=SUMMARY_OTHER_DISTRICT, label="the other district"),
        Case(kwargs=lambda s, u: {"pk": s.world.district.pk, "year": 1990}, get=SUMMARY_NO_YEAR,
             label="a year that does not exist"),
    ),
    "reports:checklist": (
        Case(kwargs=lambda s, u: {"pk": s.world.mo.pk, "year": s.world.year.start_year}, get=CHECKLIST_READERS,
             label="the school МО's, this year"),
        # The РМО's: those who keep it (the methodologist) and the administrators.
        Case(kwargs=lambda s, u: {"pk": s.world.rmo.pk, "year": s.world.year.start_year},
             get="login  404    404    404    404    404    200    404    200    200    404", label="the РМО's"),
    ),
    "reports:checklist_upload": (
        Case(kwargs=lambda s, u: {"pk": s.world.mo.pk, "year": s.world.year.start_year}, get=POST_ONLY,
             post=CHECKLIST_KEEPER_ACTION, data=_checklist_upload_body(_scan), label="the order's scan"),
        Case(kwargs=lambda s, u: {"pk": s.world.mo.pk, "year": s.world.year.start_year},
             post=CHECKLIST_KEEPER_REFUSED, data=_checklist_upload_body(_html_as_pdf),
             label="an HTML file called .pdf"),
    ),
    "reports:checklist_file": (
        Case(kwargs=pk("checklist.document"), get=CHECKLIST_READERS, label="the regulation, for every year"),
    ),
    "reports:checklist_file_remove": (
        Case(kwargs=pk("checklist.document"), get=POST_ONLY, post=CHECKLIST_KEEPER_ACTION,
             data=lambda s: {"year": str(s.world.year.start_year)}, label="the regulation"),
    ),
    "reports:checklist_district": (
        Case(kwargs=lambda s, u: {"pk": s.world.district.pk, "year": s.world.year.start_year},
             get=CHECKLIST_DISTRICT, label="this district, this year"),
    ),
    # The figures as XLSX: the PDF's readers (live while a draft, as frozen once submitted/accepted).
    "reports:analysis_xlsx": (
        Case(kwargs=pk("analyses.draft"), get=ANALYSIS_READERS, label="a draft: live figures"),
        Case(kwargs=pk("analyses.accepted"), get=ANALYSIS_READERS, label="accepted: frozen figures"),
    ),
    # The analysis in Word: the PDF's readers
    "reports:analysis_docx": (
        Case(kwargs=pk("analyses.draft"), get=ANALYSIS_READERS, label="a draft"),
        Case(kwargs=pk("analyses.accepted"), get=ANALYSIS_READERS, label="accepted"),
    ),
    # --- files elsewhere: a signed protocol's scan, a plan item's and a decision's result, an
    # appointment order's scan --------------------------------------------------------------------
    # The scan of the signed paper: downloaded by the protocol's readers (a 404 while none is
    # attached); attached once by its recorders (its other readers 403), refused with a message
    # when one is attached or the protocol is a draft; a refused file is the page with the reason.
    "meetings:protocol_scan": (
        Case(kwargs=pk("scans.protocol_scanned"), get=READERS, label="a signed protocol with its scan"),
        Case(kwargs=pk("protocol_signed"),
             get="login  404    404    404    404    404    404    404    404    404    404",
             label="a signed protocol without one"),
    ),
    "meetings:protocol_scan_attach": (
        Case(kwargs=pk("protocol_signed"), get=POST_ONLY, post=RECORDER_ACTION, data=lambda s: {"file": _scan()},
             label="a signed protocol without a scan"),
        Case(kwargs=pk("scans.protocol_scanned"),
             post="login  403    noop   noop   403    404    403    404    noop   noop   404",
             data=lambda s: {"file": _scan()}, label="a scan already attached"),
        Case(kwargs=pk("protocol_draft"),
             post="login  404    noop   noop   403    404    403    404    noop   noop   404",
             data=lambda s: {"file": _scan()}, label="a draft"),
        Case(kwargs=pk("protocol_signed"),
             post="login  403    200=   200=   403    404    403    404    200=   200=   404",
             data=lambda s: {"file": _html_as_pdf()}, label="an HTML file called .pdf"),
    ),
    # A plan item's result: attached and removed as the execution is marked (the plan's other
    # readers get a message), downloaded by the plan's readers.
    "associations:plan_item_file_add": (
        Case(kwargs=pk("approved_item"), get=POST_ONLY,
             post="login  noop   noop   done   noop   404    noop   404    done   done   404",
             data=lambda s: {f"file-{s.approved_item.pk}-file": _scan(),
                             f"file-{s.approved_item.pk}-note": "методическая разработка"},
             label="an item of the approved plan"),
        Case(kwargs=pk("approved_item"),
             post="login  noop   noop   200=   noop   404    noop   404    200=   200=   404",
             data=lambda s: {f"file-{s.approved_item.pk}-file": _html_as_pdf(),
                             f"file-{s.approved_item.pk}-note": "методическая разработка"},
             label="an HTML file called .pdf"),
    ),
    "associations:plan_item_file": (Case(kwargs=pk("scans.plan_item_file"), get=READERS, label="the head's file"),),
    "associations:plan_item_file_delete": (
        Case(kwargs=pk("scans.plan_item_file"), get=POST_ONLY,
             post="login  noop   noop   done   noop   404    noop   404    done   done   404",
             data=lambda s: {}, label="the head's file"),
    ),
    # A decision's result: as marking it done (the methodologist sees it, 403; the deputy does
    # not, 404); a refused file is a message.
    "meetings:decision_file_add": (
        Case(kwargs=pk("decision"), get=POST_ONLY,
             post="login  done   done   done   404    404    403    404    done   done   404",
             data=lambda s: {"file": _scan(), "next": reverse("meetings:decisions")}, label="the teacher's decision"),
        Case(kwargs=pk("decision"),
             post="login  noop   noop   noop   404    404    403    404    noop   noop   404",
             data=lambda s: {"file": _html_as_pdf(), "next": reverse("meetings:decisions")},
             label="an HTML file called .pdf"),
    ),
    "meetings:decision_file": (
        Case(kwargs=pk("scans.decision_file"),
             get="login  200    200    200    404    404    200    404    200    200    404",
             label="the teacher's file"),
    ),
    "meetings:decision_file_delete": (
        Case(kwargs=pk("scans.decision_file"), get=POST_ONLY,
             post="login  done   done   done   404    404    403    404    done   done   404",
             data=lambda s: {"next": reverse("meetings:decisions")}, label="the teacher's file"),
    ),
    # The order's scan: those who see the appointment (the person, the deputy, the methodologist,
    # the administrators); a 404 while none is attached.
    "associations:appointment_order_scan": (
        Case(kwargs=pk("scans.order_scanned"),
             get="login  404    404    200    200    404    200    404    200    200    404",
             label="the school МО head's, scanned"),
        Case(kwargs=lambda s, u: {"pk": s.secretary_person.appointments.get().pk},
             get="login  404    404    404    404    404    404    404    404    404    404",
             label="the secretary's, not scanned"),
    ),
    # The sign-in sheet is the organisers' paper: those who record the meeting (head, secretary,
    # the administrators); everyone else 404, its readers included. The .ics of one meeting:
    # whoever sees the meeting.
    "meetings:sign_in_sheet_pdf": (
        Case(kwargs=pk("meeting"), get="login  404    200    200    404    404    404    404    200    200    404"),
        Case(kwargs=lambda s, u: {"pk": s.protocol_signed.meeting_id},
             get="login  404    200    200    404    404    404    404    200    200    404",
             label="a meeting with a signed protocol"),
    ),
    "meetings:meeting_ics": (Case(kwargs=pk("meeting"), get=READERS),),
    # Several items of the approved plan marked at once: those who mark one item.
    "associations:plan_items_mark": (
        Case(kwargs=pk("plan_approved"), get=POST_ONLY,
             post="login  noop   noop   done   noop   404    noop   404    done   done   404",
             data=lambda s: {
                 "bulk-items": [s.approved_item.pk],
                 "bulk-execution": "done",
                 "bulk-executed_on": s.previous_year.starts_on.isoformat(),
                 "bulk-execution_note": "Проведено",
             }, label="an item of the approved plan"),
    ),
    # A picker's search of people: whoever keeps the association's records (its head, its
    # secretary, the administrators); the members to add (?for=members) are its writers' only
    # (tests/associations/test_people_search.py).
    "associations:people_search": (Case(kwargs=pk("world.mo"), get=RECORDER_PAGE),),
    # The search of a record form's people of no one association
    # (tests/associations/test_record_people_search.py): the consultation form's for whoever
    # writes a log, the contest entry's participant for whoever picks one, its team for anyone
    # with a person; an unknown set is nobody's.
    "associations:record_people_search": (
        Case(kwargs=lambda s, u: {"people_for": "consultation"},
             get="login  403    403    200    403    403    200    200    200    200    404", label="a consultation's"),
        Case(kwargs=lambda s, u: {"people_for": "contest"},
             get="login  403    403    200    403    403    200    200    200    200    404",
             label="a contest entry's participant"),
        Case(kwargs=lambda s, u: {"people_for": "team"},
             get="login  200    200    200    200    200    200    200    200    200    404",
             label="a contest entry's team"),
        Case(kwargs=lambda s, u: {"people_for": "everyone"},
             get="login  404    404    404    404    404    404    404    404    404    404", label="an unknown set"),
    ),
}


# --- asking ---------------------------------------------------------------------------------------


def _location(response) -> str:
    return urlsplit(response["Location"]).path


def observe(response, changed: bool | None) -> str:
    """The answer in the words of a row ("+": something was written where no word expects it;
    None: not looked at)."""
    status = response.status_code
    if status == 302:
        where = _location(response)
        if where == reverse("login"):
            return "login" if not changed else "login+"
        if where == reverse("admin:login"):
            return "adminlogin" if not changed else "adminlogin+"
        return "done" if changed else "noop"
    if status == 200:
        return "200" if changed is None else ("200+" if changed else "200=")
    return f"{status}{'+' if changed else ''}"


def matches(expected: Expect, response, diff: list[str] | None) -> bool:
    if response.status_code != expected.status:
        return False
    if expected.to is not None:
        where = _location(response)
        login, admin_login = reverse("login"), reverse("admin:login")
        if expected.to == "login" and where != login:
            return False
        if expected.to == "admin:login" and where != admin_login:
            return False
        if expected.to == "elsewhere" and where in (login, admin_login):
            return False
    if expected.db == SAME and diff:
        return False
    return not (expected.db == CHANGED and not diff)


class Asker:
    """Sends each request in a savepoint rolled back afterwards, so that every user meets the
    same database; compares the tables' checksum before the rollback."""

    def __init__(self, clients):
        self.clients = clients
        self.cookies = {key: copy.deepcopy(client.cookies) for key, client in clients.items()}
        self.baseline = snapshot()
        self.failures: list[str] = []
        self.observed: dict[tuple[str, str], dict[str, str]] = {}

    def ask(self, *, user: str, method: str, url: str, data=None, expected: str, label: str):
        client = self.clients[user]
        client.cookies = copy.deepcopy(self.cookies[user])  # a logout or a new session stays in its savepoint
        answer = ANSWERS.get(expected)
        check = EXPLORE or answer is None or answer.db is not None  # a page's GET: test_get_writes_nothing.py
        with transaction.atomic():
            try:
                response = client.post(url, data or {}) if method == "POST" else client.get(url)
                if response.streaming:
                    b"".join(response.streaming_content)
            except Exception as error:  # reported as the answer
                transaction.set_rollback(True)
                self.failures.append(f"{label} {method} {url} as {user}: expected {expected}, raised {error!r}")
                return
            diff = snapshot_diff(self.baseline, snapshot()) if check else None
            transaction.set_rollback(True)
        got = observe(response, bool(diff) if check else None)
        self.observed.setdefault((label, method), {})[user] = got
        if answer is None:  # a row of "?": what is answered today, to be decided
            if not EXPLORE:
                self.failures.append(f"{label} {method} {url} as {user}: undecided, answered {got}")
            return
        if not matches(answer, response, diff):
            where = f" → {response['Location']}" if response.status_code == 302 else ""
            written = f"; wrote {', '.join(diff)}" if diff else ""
            self.failures.append(
                f"{label} {method} {url} as {user}: expected {expected}, got {response.status_code}{where}{written}"
            )

    def report(self):
        if EXPLORE:
            for (label, method), answers in self.observed.items():
                print(f"{label:55} {method:4} " + " ".join(f"{answers.get(u, '-'):6}" for u in USERS))
        assert not self.failures, "\n" + "\n".join(self.failures)


# --- the walk of the resolver -----------------------------------------------------------------------


def test_every_url_pattern_is_declared():
    assert undeclared_patterns(MATRIX) == []


def test_every_declared_name_is_a_url_pattern():
    names = {name for name, _route, _namespace in walk_patterns() if name}
    assert sorted(set(MATRIX) - names) == []


def _undeclared_view(request):
    return HttpResponse("undeclared")


# The urlconf of the next test: the project's, and one more pattern nobody declared.
urlpatterns = [
    *rmo_portal.urls.urlpatterns,
    path("undeclared/", _undeclared_view, name="undeclared_extra"),
    path("undeclared/unnamed/", _undeclared_view),
]


@pytest.mark.urls(__name__)
def test_an_undeclared_url_fails_the_walk():
    assert undeclared_patterns(MATRIX) == ["<unnamed> undeclared/unnamed/", "undeclared_extra"]


# --- the matrix -----------------------------------------------------------------------------------


@pytest.fixture
def world(scene):
    """The module's world is its scene's."""
    return scene.world


@pytest.mark.parametrize("name", list(MATRIX))
def test_access_matrix(scene, name):
    cases = MATRIX[name]
    # The POST bodies first: the editors' are read from their pages, before the baseline.
    bodies = [case.data(scene) if case.data and case.post else None for case in cases]
    asker = Asker(scene.clients)
    for case, body in zip(cases, bodies, strict=True):
        label = f"{name} ({case.label})" if case.label else name
        for method, text in (("GET", case.get), ("POST", case.post)):
            if text is None:
                continue
            answers = dict.fromkeys(USERS, "?") if text == "?" else row(text)
            for user in USERS:
                url = reverse(name, kwargs=case.kwargs(scene, user) if case.kwargs else None)
                asker.ask(user=user, method=method, url=url, data=body, expected=answers[user], label=label)
    asker.report()


def test_the_asker_sees_a_write_and_rolls_it_back(scene):
    """The machinery itself: an accepted action asked as if it were refused is reported with the
    tables it wrote, and is undone for the next user."""
    asker = Asker(scene.clients)
    url = reverse("meetings:meeting_cancel", args=[scene.meeting.pk])
    asker.ask(user="head", method="POST", url=url, data={"reason": "Карантин"}, expected="403", label="cancel")
    asker.ask(user="secretary", method="POST", url=url, data={"reason": "Карантин"}, expected="done", label="cancel")
    assert len(asker.failures) == 1
    assert "as head: expected 403, got 302" in asker.failures[0]
    assert "meetings.Meeting (" in asker.failures[0]  # its row changed, the count did not
    assert "meetings.HistoricalMeeting (" in asker.failures[0]
    scene.meeting.refresh_from_db()
    assert scene.meeting.status == "planned"


def test_the_rmo_plan_goes_to_the_district_official(scene):
    """The new reviewer's row, asked apart (the matrix's columns stay the eleven users): the head
    of the district's education department reads and reviews the РМО's plan and nothing of the
    school МО's; an official who heads the РМО herself may not review its plan."""
    world = scene.world
    official = f.district_official(world.district).person.user
    heading = f.district_official(
        world.district, username="rmk", role=DistrictOfficial.Role.OFFICE_HEAD,
    ).person
    f.AppointmentFactory(association=world.rmo, person=heading, order_issuer="Отдел образования")
    asker = Asker(clients_for({"official": official, "heading": heading.user}))
    rmo_plan, school_plan = scene.rmo_plan_submitted.pk, scene.plan_submitted.pk
    asks = [
        ("GET", "associations:plan", rmo_plan, None, {"official": "200", "heading": "200"}),
        ("POST", "associations:plan_approve", rmo_plan, {"comment": ""}, {"official": "done", "heading": "noop"}),
        ("POST", "associations:plan_return", rmo_plan, {"comment": "Доработать"},
         {"official": "done", "heading": "noop"}),
        # Heading the РМО makes her the district's methodologist: she oversees the school МО's plan.
        ("GET", "associations:plan", school_plan, None, {"official": "404", "heading": "200"}),
        ("POST", "associations:plan_approve", school_plan, {"comment": ""}, {"official": "404", "heading": "noop"}),
    ]
    for method, name, pk_, data, answers in asks:
        for user, expected in answers.items():
            asker.ask(user=user, method=method, url=reverse(name, args=[pk_]), data=data, expected=expected,
                      label=f"{name} ({user})")
    asker.report()


# --- what the lists show -------------------------------------------------------------------------

#: Pages every user gets, each listing what is theirs: nothing of the school МО may show on an
#: outsider's (a 200 of the matrix is not a leak only if the page holds nothing of it).
OWN_LISTS = {
    "home": lambda s, u: reverse("home"),
    "associations:list": lambda s, u: reverse("associations:list"),
    "associations:people": lambda s, u: reverse("associations:people"),
    "associations:visits": lambda s, u: reverse("associations:visits"),
    "meetings:schedule": lambda s, u: reverse("meetings:schedule"),
    "meetings:schedule (past)": lambda s, u: reverse("meetings:schedule") + "?past=1",
    "meetings:calendar": lambda s, u: reverse("meetings:calendar"),
    "meetings:decisions": lambda s, u: reverse("meetings:decisions"),
    "meetings:feed_settings": lambda s, u: reverse("meetings:feed_settings"),
    "meetings:feed": lambda s, u: reverse("meetings:feed", args=[s.token(u)]),
    "reports:district_plans": lambda s, u: reverse("reports:district_plans"),
    "associations:contests": lambda s, u: reverse("associations:contests"),
}
OUTSIDERS = ("other_deputy", "other_methodologist", "nobody")


def _text(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode().replace("\r\n ", "")  # an iCalendar line folded


def test_outsiders_lists_show_nothing_of_the_school(scene):
    markers = [
        scene.world.mo.name, scene.meeting.theme, scene.protocol_draft.meeting.theme,
        scene.protocol_signed.meeting.theme, scene.decision.text, scene.world.teacher_person.last_name,
        scene.candidate.last_name,
    ]
    seen = set()
    for url_of in OWN_LISTS.values():
        response = scene.clients["teacher"].get(url_of(scene, "teacher"))
        if response.status_code == 200:
            seen |= {m for m in markers if m in _text(response)}
    assert {scene.world.mo.name, scene.meeting.theme, scene.decision.text} <= seen  # the markers are live

    # The one name an outsider rightly sees: the other school's deputy director oversees her own
    # school's decision that the world's class teacher answers for (build_extract_item), and her
    # home page names who answers for it, as that school's signed protocol does.
    allowed = {("home", "other_deputy"): {scene.world.teacher_person.last_name}}
    leaks = []
    for user in OUTSIDERS:
        for name, url_of in OWN_LISTS.items():
            response = scene.clients[user].get(url_of(scene, user))
            assert response.status_code in (200, 404), (name, user, response.status_code)
            shown = [m for m in markers if m in _text(response)] if response.status_code == 200 else []
            shown = [m for m in shown if m not in allowed.get((name, user), set())]
            if shown:
                leaks.append(f"{name} as {user} shows {shown}")
    assert not leaks, "\n" + "\n".join(leaks)


# --- the admin ------------------------------------------------------------------------------------

#: Every registered ModelAdmin: may its add view be opened (False: has_add_permission refuses).
ADMIN_MODELS = {
    "auth.group": True,
    "auth.user": True,
    "associations.district": True,
    "associations.school": True,
    "associations.academicyear": True,
    "associations.person": True,
    "associations.association": True,
    "associations.membership": True,
    "associations.classassignment": True,
    "associations.appointment": True,
    "associations.districtofficial": True,  # who approves the РМО's plan
    "associations.plansection": True,
    "associations.workform": True,
    "associations.annualplan": False,  # plans are created on the site
    # The records of methodical work: reference lists edited here; records corrected here.
    "associations.contest": True,
    "associations.courseprovider": True,
    "associations.contestentry": True,
    "associations.attestation": True,
    "associations.attestationapplication": True,
    "associations.course": True,
    "associations.nomination": True,
    "associations.visit": True,
    "associations.consultation": True,
    "associations.instruction": True,
    "associations.instructionversion": True,
    "associations.acknowledgment": False,  # given by the appointed person on the site, only read here
    "meetings.meeting": True,
    "meetings.protocol": False,  # numbered by services.protocol_create
    "meetings.protocolitem": False,  # written in their protocol
    "meetings.decision": False,  # written in their protocol
    "meetings.calendartoken": False,  # records of the schedule's machinery
    "meetings.sentreminder": False,
    # The data bank: its reference lists edited here; cards are added on the site by their owner.
    "meetings.eventform": True,
    "meetings.upbringingdirection": True,
    "meetings.upbringingmodule": True,
    "meetings.material": False,
    # The monitoring's methods (reports.monitoring.admin): every district's, a superuser's to add and
    # change; a quality is added on its method's page (its own page holds its indicators).
    "reports.method": True,
    "reports.quality": False,
    # The annual analysis (reports.analysis.admin): analyses and the board's reminders only read here;
    # the deadlines set here by the district's staff (with the reports app's rights) or a superuser.
    "reports.analysis": False,
    "reports.analysisdeadline": True,
    "reports.analysisreminder": False,
    # The documentation checklist's documents: listed and read only (they come and go through the site).
    "reports.checklistdocument": False,
    "associations.staffdistrict": True,  # the superuser's only: which district a staff user administers
    "associations.storedfile": False,  # the superuser's only, read only: files come and go with their owners
    # django-axes: the login throttle's records (unlocking a user is deleting its attempts).
    "axes.accessattempt": False,
    "axes.accesslog": False,
    "axes.accessfailurelog": False,
}
#: What only a superuser sees in the admin, whatever a staff user's permissions.
SUPERUSER_ONLY = {"associations.staffdistrict", "meetings.sentreminder", "associations.storedfile"}
#: What a district's staff user reads but may not add to: the instructions are every district's.
STAFF_READ_ONLY = {"associations.instruction", "associations.instructionversion"}
#: The staff user's model permissions: these apps' (see access_matrix_data.build_users).
STAFF_APPS = ("associations", "meetings")


def test_every_model_admin_is_declared():
    registered = sorted(model._meta.label_lower for model in admin.site._registry)
    assert registered == sorted(ADMIN_MODELS)


@pytest.fixture
def admin_users(scene):
    return scene.clients


#   anon   teach  secr   head   dep    odep   meth   ometh  staff  super  nobody ostaff
ADMIN_ONLY = row(" ".join(["adminlogin"] * 8 + ["200", "200", "adminlogin", "200"]))
ADMIN_LOGIN_PAGE = row("200=   200=   200=   200=   200=   200=   200=   200=   noop   noop   200=   noop")
# This district's school: another district's staff user gets 404 (it is not theirs to see).
THIS_DISTRICTS_IMPORT = row(" ".join(["adminlogin"] * 8 + ["200", "200", "adminlogin", "404"]))
NON_STAFF = [user for user in USERS if user not in ("staff", "superuser", "other_staff")]


def test_admin_site_pages(world, admin_users):
    """The index and the school's staff import (its template too) are the staff's; everyone
    else is sent to the admin's login page, which sends the staff on to the index."""
    asker = Asker(admin_users)
    pages = {
        "admin:index": ([], ADMIN_ONLY),
        "admin:login": ([], ADMIN_LOGIN_PAGE),
        "admin:associations_school_import_staff_template": ([], ADMIN_ONLY),
        "admin:associations_school_import_staff": ([world.school.pk], THIS_DISTRICTS_IMPORT),
        # The import of attestation and courses: into the user's own district (another district's
        # staff user gets the page for theirs; a superuser picks the district).
        "admin:associations_attestation_import": ([], ADMIN_ONLY),
        "admin:associations_attestation_import_template": ([], ADMIN_ONLY),
        "admin:associations_course_import": ([], ADMIN_ONLY),
        "admin:associations_course_import_template": ([], ADMIN_ONLY),
    }
    for name, (args, answers) in pages.items():
        for user in USERS:
            asker.ask(user=user, method="GET", url=reverse(name, args=args), expected=answers[user], label=name)
    asker.report()


def test_the_admin_writes_nothing_for_non_staff(world, admin_users):
    """A change, a deletion, a staff import, an import of attestation and a password change posted
    by anyone but the staff: the admin's login page, and not a row written."""
    membership = world.mo.memberships.get(person=world.teacher_person)
    writes = {
        "admin:associations_association_change": ([world.mo.pk], lambda: {
            "kind": "school", "district": world.district.pk, "school": world.school.pk, "name": "Чужое МО",
        }),
        "admin:associations_membership_delete": ([membership.pk], lambda: {"post": "yes"}),
        "admin:associations_school_import_staff": ([world.school.pk], lambda: {
            "file": SimpleUploadedFile("staff.xlsx", b"PK\x03\x04 not really a workbook"),
        }),
        # An attestation of this district's teacher: another district's staff user imports into
        # their own district, where she is not (the row is refused, nothing written).
        "admin:associations_attestation_import": ([], lambda: {
            "district": world.district.pk,
            "file": SimpleUploadedFile("attestation.csv", (
                "Фамилия;Имя;Отчество;Категория;Дата присвоения;Номер приказа;Дата приказа\n"
                "Соколова;Марина;Петровна;первая;15.01.2025;1;15.01.2025\n").encode()),
        }),
        "admin:auth_user_password_change": ([world.admin.pk], lambda: {
            "password1": "Vzlom-parol-2025", "password2": "Vzlom-parol-2025",
        }),
    }
    # Another district's staff user: this district's objects are a 404; a login's password is not
    # theirs to change (no rights on logins).
    other_staff = {"admin:auth_user_password_change": "403", "admin:associations_attestation_import": "200="}
    asker = Asker(admin_users)
    for name, (args, body) in writes.items():
        for user in NON_STAFF:
            asker.ask(user=user, method="POST", url=reverse(name, args=args), data=body(), expected="adminlogin",
                      label=name)
        asker.ask(user="other_staff", method="POST", url=reverse(name, args=args), data=body(),
                  expected=other_staff.get(name, "404"), label=name)
    asker.report()


@pytest.mark.parametrize("model", list(ADMIN_MODELS))
def test_admin_model_pages(world, admin_users, model):
    """The changelist and the add view: the anonymous user and a class teacher go to the admin's
    login page (their POST writes nothing); the staff user has its apps' rights only; the add
    view is refused (403) where the ModelAdmin refuses adding."""
    asker = Asker(admin_users)
    app, name = model.split(".")
    staff_may = app in STAFF_APPS and model not in SUPERUSER_ONLY
    pages = {
        "changelist": {
            "staff": "200" if staff_may else "403", "other_staff": "200" if staff_may else "403", "superuser": "200",
        },
        "add": {
            "staff": "200" if staff_may and ADMIN_MODELS[model] and model not in STAFF_READ_ONLY else "403",
            "other_staff": "200" if staff_may and ADMIN_MODELS[model] and model not in STAFF_READ_ONLY else "403",
            "superuser": "200" if ADMIN_MODELS[model] else "403",
        },
    }
    for page, answers in pages.items():
        url = reverse(f"admin:{app}_{name}_{page}")
        label = f"admin:{app}_{name}_{page}"
        for user in ("anonymous", "teacher"):
            asker.ask(user=user, method="GET", url=url, expected="adminlogin", label=label)
        for user, expected in answers.items():
            asker.ask(user=user, method="GET", url=url, expected=expected, label=label)
    add = reverse(f"admin:{app}_{name}_add")
    body = {"name": "Новое", "username": "vzlom", "password1": "Parol-12345", "password2": "Parol-12345"}
    for user in ("anonymous", "teacher", "head", "methodologist"):
        asker.ask(user=user, method="POST", url=add, data=body, expected="adminlogin", label=f"admin:{app}_{name}_add")
    asker.report()
