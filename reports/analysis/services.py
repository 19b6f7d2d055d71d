"""Writes of the annual analysis: the year's draft (created once), the narrative's save with
optimistic locking, and the review — draft → submitted → accepted, or submitted → returned (with
a comment) → submitted again. Each transition is recorded (`AnalysisTransition`).

- **Submission** freezes the figures: `figures_for(...).to_data()` is kept in the analysis, which
  shows and prints as submitted whatever the records do later; `figures_changed` tells the page
  to say that the records have changed since.
- **Acceptance** renders the PDF once (`render`, by default `analysis_pdf`: the template
  `reports/analysis/analysis_pdf.html` through `reports.rendering`) and stores it through the file
  module with its SHA-256, as a signed protocol's PDF is kept as issued.
- **E-mails** (`analysis_notify`, on the transaction's commit): a submission to the reviewers,
  an acceptance or a return (with its comment) to the head who submitted; a failing mail is
  logged and fails nothing.
- **Who**: `associations.access`, the kind «analysis» (write: the association's writers while a
  draft or returned; review: its reviewers while submitted). A transition that does not exist is
  a ValidationError; one the user may not make, PermissionDenied. Either changes nothing.

The figures are computed and frozen in the documents' language (`DOCUMENT_LANGUAGE`), so that
the comparison with a fresh computation does not depend on the language of the request.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.mail import send_mass_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from associations import access
from associations.files.models import StoredFile
from associations.files.services import file_store, files_atomic
from associations.models import AcademicYear, Appointment, Association, District, Person
from associations.plans.services import reviewers_emails
from reports.analysis import charts, rollup
from reports.analysis.figures import YearFigures, figures_for
from reports.analysis.models import Analysis, AnalysisDeadline, AnalysisReminder, AnalysisTransition
from reports.rendering import render_pdf
from rmo_portal.editors import VersionConflict

logger = logging.getLogger(__name__)

Status = Analysis.Status
DOCUMENT_LANGUAGE = "ru"
PDF_TEMPLATE = "reports/analysis/analysis_pdf.html"

# The only transitions that exist: (from, to) -> the rule of «analysis» that allows it.
EDITOR, REVIEWER = "write", "review"
TRANSITIONS: dict[tuple[str, str], str] = {
    (Status.DRAFT, Status.SUBMITTED): EDITOR,
    (Status.RETURNED, Status.SUBMITTED): EDITOR,
    (Status.SUBMITTED, Status.RETURNED): REVIEWER,
    (Status.SUBMITTED, Status.ACCEPTED): REVIEWER,
}
NARRATIVE_FIELDS = Analysis.NARRATIVE_FIELDS


def _person_name(user: User) -> str:
    try:
        person = user.person
    except Person.DoesNotExist:
        person = None
    return person.short_name if person else (user.get_full_name() or user.get_username())


def _locked(analysis: Analysis) -> Analysis:
    return (
        Analysis.objects.select_for_update(of=("self",))
        .select_related("association", "association__school", "association__district", "academic_year", "updated_by")
        .get(pk=analysis.pk)
    )


# --- the draft and its narrative ---------------------------------------------------------------------


def analysis_for(*, association: Association, year: AcademicYear, user: User) -> Analysis:
    """The association's analysis of the year: the existing one for whoever may see it, else a new
    draft, created once, by those who write the association's documents (PermissionDenied for
    anyone else). Two first clicks at once make one draft (the unique constraint)."""
    existing = Analysis.objects.select_related("association", "academic_year").filter(
        association=association, academic_year=year
    ).first()
    if existing is not None:
        if not access.allows(user, "analysis", existing):
            raise PermissionDenied
        return existing
    if not access.can_write_association(user, association):
        raise PermissionDenied
    try:
        with transaction.atomic():
            return Analysis.objects.create(association=association, academic_year=year, updated_by=user)
    except IntegrityError:
        return Analysis.objects.select_related("association", "academic_year").get(
            association=association, academic_year=year
        )


class AnalysisConflict(VersionConflict):
    """The analysis was saved by someone else since the user opened it."""

    def __init__(self, analysis: Analysis, changes: list[str]):
        who = _person_name(analysis.updated_by) if analysis.updated_by else "—"
        super().__init__(
            analysis,
            _("Анализ уже изменил(а) %(who)s в %(when)s. Ваши правки не сохранены, но остались в форме.")
            % {"who": who, "when": timezone.localtime(analysis.updated_at).strftime("%d.%m.%Y %H:%M")},
            changes,
        )


def _changes_since(analysis: Analysis, version: int) -> list[str]:
    """The sections others changed since the user's version, in words, from the history."""
    seen = analysis.history.filter(version=version).order_by("-history_date").first()
    if seen is None:
        return []
    return [
        _("%(field)s: «%(new)s»")
        % {"field": Analysis._meta.get_field(name).verbose_name, "new": getattr(analysis, name)[:80]}
        for name in NARRATIVE_FIELDS
        if getattr(seen, name) != getattr(analysis, name)
    ]


def analysis_save(*, analysis: Analysis, user: User, version: int, **narrative: str) -> Analysis:
    """Save the narrative's sections (NARRATIVE_FIELDS) of a draft or returned analysis. Refused
    when it is submitted or accepted (ValidationError) or the user may not write it
    (PermissionDenied); AnalysisConflict when someone saved it after `version` was read."""
    unknown = set(narrative) - set(NARRATIVE_FIELDS)
    if unknown:
        raise TypeError(f"analysis_save: unknown fields {', '.join(sorted(unknown))}")
    with transaction.atomic():
        locked = _locked(analysis)
        if not locked.is_editable:
            raise ValidationError(
                _("Анализ «%(status)s» нельзя изменять.") % {"status": locked.get_status_display()},
                code="not_editable",
            )
        if not access.allows(user, "analysis", locked, "write"):
            raise PermissionDenied
        if locked.version != version:
            raise AnalysisConflict(locked, _changes_since(locked, version))
        for name, value in narrative.items():
            setattr(locked, name, (value or "").strip())
        locked.version += 1
        locked.updated_by = user
        locked.full_clean()
        locked.save()
    return locked


# --- the review -----------------------------------------------------------------------------------


def _check_submittable(analysis: Analysis) -> None:
    missing = [
        str(Analysis._meta.get_field(name).verbose_name) for name in NARRATIVE_FIELDS
        if not getattr(analysis, name).strip()
    ]
    if missing:
        raise ValidationError(
            _("Анализ нельзя отправить на рассмотрение: не заполнено — %(fields)s.") % {"fields": ", ".join(missing)},
            code="incomplete",
        )


def _fresh_figures(analysis: Analysis) -> dict:
    with translation.override(DOCUMENT_LANGUAGE):
        return figures_for(analysis.association, analysis.academic_year).to_data()


def _transition(
    *, analysis: Analysis, to: str, user: User, comment: str = "",
    render: Callable[[Analysis], bytes] | None = None, notify: bool = True,
) -> Analysis:
    # files_atomic: the accepted PDF's blob goes again if anything below fails.
    with files_atomic():
        locked = _locked(analysis)
        rule = TRANSITIONS.get((locked.status, to))
        if rule is None:
            raise ValidationError(
                _("Анализ «%(from)s» нельзя перевести в состояние «%(to)s».")
                % {"from": locked.get_status_display(), "to": Status(to).label},
                code="transition",
            )
        if not access.allows(user, "analysis", locked, rule):
            raise PermissionDenied
        comment = comment.strip()
        if to == Status.RETURNED and not comment:
            raise ValidationError({"comment": _("Укажите, что нужно доработать.")})
        now = timezone.now()
        from_status = locked.status
        if to == Status.SUBMITTED:
            _check_submittable(locked)
            locked.figures = _fresh_figures(locked)
            locked.submitted_at, locked.submitted_by = now, user
        elif to == Status.RETURNED:
            locked.returned_at, locked.returned_by, locked.return_comment = now, user, comment
        locked.status = to
        locked.version += 1
        locked.updated_by = user
        if to == Status.ACCEPTED:
            locked.accepted_at, locked.accepted_by = now, user
            _store_pdf(locked, (render or analysis_pdf)(locked), user)
        locked.full_clean()
        # A submitted row takes its review only (Analysis.REVIEW_FIELDS); Analysis.save checks it.
        locked.save()
        transition = AnalysisTransition.objects.create(
            analysis=locked, from_status=from_status, to_status=to, comment=comment, by=user,
            by_name=_person_name(user), at=now,
        )
        # The review's e-mails once the transition is committed; a failing mail fails nothing.
        if notify:
            transaction.on_commit(lambda: analysis_notify(analysis=locked, transition=transition))
    return locked


def _store_pdf(analysis: Analysis, pdf: bytes, user: User) -> None:
    """The accepted PDF as issued: stored through the file module (checked as a PDF, under a
    generated name), its SHA-256 kept with the analysis."""
    stored = file_store(
        upload=ContentFile(pdf, name=analysis.file_name()), user=user, allowed={StoredFile.Type.PDF}
    )
    analysis.pdf = stored
    analysis.pdf_sha256 = hashlib.sha256(pdf).hexdigest()


def analysis_submit(*, analysis: Analysis, user: User, notify: bool = True) -> Analysis:
    """The writer sends the analysis to review (every section written); its figures are frozen.
    Its reviewers are told by e-mail (unless `notify` is False: the demo's data)."""
    return _transition(analysis=analysis, to=Status.SUBMITTED, user=user, notify=notify)


def analysis_accept(
    *, analysis: Analysis, user: User, render: Callable[[Analysis], bytes] | None = None, notify: bool = True
) -> Analysis:
    """The reviewer accepts the submitted analysis: its PDF (`render`, default `analysis_pdf`) is
    stored as issued with its SHA-256, and nothing of it changes again."""
    return _transition(analysis=analysis, to=Status.ACCEPTED, user=user, render=render, notify=notify)


def analysis_return(*, analysis: Analysis, user: User, comment: str, notify: bool = True) -> Analysis:
    """The reviewer returns the submitted analysis with what to rework (required); it is editable
    again, and its figures are frozen anew at the next submission."""
    return _transition(analysis=analysis, to=Status.RETURNED, user=user, comment=comment, notify=notify)


# --- what the pages ask ----------------------------------------------------------------------------


def figures_changed(analysis: Analysis) -> bool:
    """Whether the figures frozen at submission differ from those the records give now (for the
    notice «показатели изменились после отправки»); False before the first submission."""
    if analysis.figures is None:
        return False
    return _fresh_figures(analysis) != analysis.figures


def last_year_tasks(analysis: Analysis) -> list[str]:
    """The tasks for next year that the association's analysis of the previous academic year set
    (submitted or accepted: as put forward, not a draft), to show beside this year's assessment;
    [] when there is none."""
    previous = Analysis.objects.filter(
        association_id=analysis.association_id,
        academic_year__start_year=analysis.academic_year.start_year - 1,
        status__in=Analysis.FROZEN,
    ).only("next_year_tasks").first()
    return previous.task_list if previous is not None else []


def year_figures(analysis: Analysis) -> YearFigures:
    """The analysis' figures as its page and documents show them (`document_figures`): as frozen
    while submitted or accepted; from the records now while a draft or returned."""
    return document_figures(analysis)[0]


# --- the document -----------------------------------------------------------------------------------


def _signature_name(user: User | None) -> str:
    if user is None:
        return ""
    try:
        person = user.person
    except Person.DoesNotExist:
        return user.get_full_name() or user.get_username()
    return person.signature_name


def _head_name(analysis: Analysis) -> str:
    """Whose name the signature line bears: the head who submitted it, else the association's
    head in office on the day of submission (or on the year's last day) — one query then."""
    if analysis.submitted_by_id:
        return _signature_name(analysis.submitted_by)
    day = timezone.localdate(analysis.submitted_at) if analysis.submitted_at else analysis.academic_year.ends_on
    head = (
        Appointment.objects.in_office(day).filter(association_id=analysis.association_id, role=Appointment.Role.HEAD)
        .select_related("person").order_by("-starts_on", "-pk").first()
    )
    return head.person.signature_name if head else ""


def analysis_pdf_context(analysis: Analysis) -> dict:
    figures, as_of = document_figures(analysis)
    # The written sections, then the tasks for next year as a numbered list.
    sections = [
        (Analysis._meta.get_field(name).verbose_name, getattr(analysis, name))
        for name in NARRATIVE_FIELDS if name != "next_year_tasks"
    ]
    return {
        "analysis": analysis,
        "association": analysis.association,
        "year": analysis.academic_year,
        "figures": figures,
        "frozen": analysis.is_frozen,
        "as_of": as_of,
        **charts.year_charts(figures),
        "sections": sections,
        "tasks_label": Analysis._meta.get_field("next_year_tasks").verbose_name,
        "tasks": analysis.task_list,
        "head_name": _head_name(analysis),
        "accepted_name": _signature_name(analysis.accepted_by),
    }


def analysis_pdf(analysis: Analysis) -> bytes:
    """The analysis as a PDF: the association, the year, the narrative's sections and the key
    figures (as frozen), in the documents' language."""
    with translation.override(DOCUMENT_LANGUAGE):
        return render_pdf(PDF_TEMPLATE, analysis_pdf_context(analysis))


# --- the methodologist's board: the deadline and the reminders (reports.analysis.rollup) ------------


def _may_act(user: User, district: District) -> None:
    if not access.allows(user, "analysis_board", district, "act"):
        raise PermissionDenied


def analysis_deadline_set(*, district: District, year: AcademicYear, due_on: datetime.date,
                          user: User) -> AnalysisDeadline:
    """Set (or change) the day by which the district's school МО submit the year's analysis; by
    the district's methodologist, its department staff or a superuser (PermissionDenied else)."""
    _may_act(user, district)
    with transaction.atomic():
        deadline, _created = AnalysisDeadline.objects.select_for_update().get_or_create(
            district=district, academic_year=year, defaults={"due_on": due_on, "set_by": user}
        )
        deadline.due_on, deadline.set_by = due_on, user
        deadline.full_clean()
        deadline.save()
    return deadline


#: A reminder's recipients as kept (AnalysisReminder.recipients).
RECIPIENTS_MAX_LENGTH = AnalysisReminder._meta.get_field("recipients").max_length


def _heads(association: Association, today: datetime.date) -> list[tuple[Person, str]]:
    """The association's heads in office today with an e-mail address, each address once."""
    heads = (
        Appointment.objects.in_office(today).filter(association=association, role=Appointment.Role.HEAD)
        .select_related("person__user").order_by("starts_on", "pk")
    )
    seen: dict[str, Person] = {}
    for appointment in heads:
        address = appointment.person.contact_email
        if address:
            seen.setdefault(address, appointment.person)
    return [(person, address) for address, person in seen.items()]


def _greeting(person: Person) -> str:
    return " ".join(part for part in (person.first_name, person.patronymic) if part)


def _reminder_letter(*, association: Association, year: AcademicYear, person: Person,
                     deadline: AnalysisDeadline, analysis: Analysis | None, sender: str) -> tuple[str, str]:
    url = settings.SITE_URL.rstrip("/") + reverse("reports:analysis", args=[association.pk, year.start_year])
    status = analysis.get_status_display() if analysis is not None else rollup.NOT_STARTED_LABEL
    subject = _("Напоминание: анализ работы за %(year)s учебный год — %(association)s") % {
        "year": year, "association": association.name,
    }
    lines = [
        _("Здравствуйте, %(name)s!") % {"name": _greeting(person)},
        "",
        _("Напоминаем: анализ работы «%(association)s» (%(school)s) за %(year)s учебный год нужно было "
          "отправить на рассмотрение до %(due)s.") % {
            "association": association.name, "school": association.school.short_name, "year": year,
            "due": deadline.due_on.strftime("%d.%m.%Y"),
        },
        _("Сейчас анализ: %(status)s.") % {"status": status},
    ]
    if analysis is not None and analysis.status == Analysis.Status.RETURNED and analysis.return_comment:
        lines += [_("Что доработать:"), analysis.return_comment]
    lines += ["", _("Анализ: %(url)s") % {"url": url}, ""]
    if sender:
        lines.append(_("Напоминание отправил(а): %(sender)s") % {"sender": sender})
    lines.append(_("— Портал РМО"))
    return subject, "\n".join(lines)


def analysis_remind(*, association: Association, year: AcademicYear, user: User,
                    now: datetime.datetime | None = None) -> AnalysisReminder:
    """E-mail the school МО's current head(s) that its analysis of the year is late, and record
    it (AnalysisReminder). Refused (ValidationError, nothing sent or kept) when the МО is not
    late, was reminded less than 24 hours ago, or has no head with an e-mail address; by the
    methodologist, the department staff or a superuser only (PermissionDenied). A letter that
    cannot be sent keeps nothing either."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    with transaction.atomic():
        # One reminder at a time per МО: the second of two clicks at once waits here, then finds
        # the first one's row.
        association = (
            Association.objects.select_for_update(of=("self",)).select_related("school", "district")
            .get(pk=association.pk, kind=Association.Kind.SCHOOL)
        )
        _may_act(user, association.district)
        names = {"association": association.name}
        deadline = AnalysisDeadline.objects.filter(district_id=association.district_id, academic_year=year).first()
        analysis = Analysis.objects.filter(association=association, academic_year=year).defer("figures").first()
        status = analysis.status if analysis is not None else rollup.NOT_STARTED
        if deadline is None or not rollup.is_late(status, deadline.due_on, today):
            raise ValidationError(
                _("«%(association)s» не опаздывает с анализом: напоминать не о чем.") % names, code="not_late"
            )
        last = AnalysisReminder.objects.filter(
            association=association, academic_year=year, sent_at__gt=now - rollup.REMINDER_INTERVAL
        ).order_by("-sent_at").first()
        if last is not None:
            raise ValidationError(
                _("«%(association)s» уже напомнили %(when)s; следующее напоминание — не раньше чем через "
                  "24 часа.") % {**names, "when": timezone.localtime(last.sent_at).strftime("%d.%m.%Y %H:%M")},
                code="recent",
            )
        heads = _heads(association, today)
        if not heads:
            raise ValidationError(
                _("У «%(association)s» нет руководителя с адресом e-mail: напоминание некому отправить.") % names,
                code="no_head",
            )
        recipients = ", ".join(f"{person.short_name} <{address}>" for person, address in heads)
        reminder = AnalysisReminder.objects.create(
            association=association, academic_year=year, sent_at=now, sent_by=user,
            recipients=recipients[:RECIPIENTS_MAX_LENGTH],
        )
        sender = _person_name(user)
        with translation.override(DOCUMENT_LANGUAGE):
            letters = [
                (*_reminder_letter(association=association, year=year, person=person, deadline=deadline,
                                   analysis=analysis, sender=sender), settings.DEFAULT_FROM_EMAIL, [address])
                for person, address in heads
            ]
        try:
            send_mass_mail(letters, fail_silently=False)
        except Exception as error:
            logger.exception("Не отправлено напоминание об анализе %s (%s)", association.pk, year)
            raise ValidationError(
                _("Напоминание «%(association)s» не отправлено: почта не ответила. Попробуйте позже.") % names,
                code="mail",
            ) from error
    return reminder


def analysis_remind_all(*, district: District, year: AcademicYear, user: User) -> tuple[list[Association], list[str]]:
    """Remind every school МО of the district late with the year's analysis (`analysis_remind`
    each, in its own transaction): those reminded, and the refusals in words (reminded already,
    no head with an e-mail)."""
    _may_act(user, district)
    from reports.analysis.selectors import analysis_board

    board = analysis_board(user=user, district=district, year=year, status=rollup.LATE)
    sent, refused = [], []
    for row in board.rows:
        try:
            analysis_remind(association=row.association, year=year, user=user)
        except ValidationError as error:
            refused.append(" ".join(error.messages))
        else:
            sent.append(row.association)
    return sent, refused


def reminded_message(count: int) -> str:
    return ngettext(
        "Напоминание отправлено %(count)d МО.", "Напоминания отправлены %(count)d МО.", count
    ) % {"count": count}


def document_figures(analysis: Analysis) -> tuple[YearFigures, datetime.date]:
    """The figures the analysis' documents (its PDF, its XLSX) carry, and the day they are of: as
    frozen at submission while submitted or accepted (the day it was submitted); the records as
    they are today while a draft or returned, as its page shows them."""
    if analysis.is_frozen:
        return YearFigures.from_data(analysis.figures), timezone.localdate(analysis.submitted_at)
    with translation.override(DOCUMENT_LANGUAGE):
        return figures_for(analysis.association, analysis.academic_year), timezone.localdate()


def _user_email(user: User | None) -> str:
    if user is None:
        return ""
    try:
        person = user.person
    except Person.DoesNotExist:
        person = None
    return person.contact_email if person is not None else (user.email or "").strip().lower()


def analysis_recipients(analysis: Analysis, to_status: str) -> list[str]:
    """Whom a step of the review is told: a submitted analysis its reviewers (a school МО's: the
    school's deputy director; the РМО's: the district's officials in office — as a submitted
    plan, never the association's own head); an accepted or returned one the head who submitted
    it."""
    if to_status == Status.SUBMITTED:
        recipients = reviewers_emails(analysis.association)
    else:
        recipients = [_user_email(analysis.submitted_by)]
    return sorted({address for address in recipients if address})


SUBJECTS = {
    Status.SUBMITTED: gettext_lazy("Анализ работы на рассмотрение: %(association)s, %(year)s"),
    Status.ACCEPTED: gettext_lazy("Анализ работы принят: %(association)s, %(year)s"),
    Status.RETURNED: gettext_lazy("Анализ работы возвращён на доработку: %(association)s, %(year)s"),
}


def _message(analysis: Analysis, transition: AnalysisTransition) -> tuple[str, str]:
    names = {"association": analysis.association.name, "year": analysis.academic_year}
    url = settings.SITE_URL + reverse(
        "reports:analysis", args=[analysis.association_id, analysis.academic_year.start_year]
    )
    subject = str(SUBJECTS[transition.to_status]) % names
    if transition.to_status == Status.SUBMITTED:
        lead = _("%(who)s отправил(а) на рассмотрение анализ работы «%(association)s» за %(year)s учебный год.")
    elif transition.to_status == Status.ACCEPTED:
        lead = _("%(who)s принял(а) анализ работы «%(association)s» за %(year)s учебный год.")
    else:
        lead = _("%(who)s вернул(а) на доработку анализ работы «%(association)s» за %(year)s учебный год.")
    lines = [lead % {**names, "who": transition.by_name or "—"}]
    if transition.comment:
        lines += ["", _("Что доработать:"), transition.comment]
    lines += ["", _("Анализ: %(url)s") % {"url": url}, "", _("— Портал РМО")]
    return subject, "\n".join(lines)


def analysis_notify(*, analysis: Analysis, transition: AnalysisTransition) -> int:
    """The e-mail of a step of the review (`analysis_recipients`), in the documents' language,
    one letter a recipient; the number sent. A mail that fails is logged, never raised: the
    transition is done."""
    try:
        recipients = analysis_recipients(analysis, transition.to_status)
        if not recipients:
            return 0
        with translation.override(DOCUMENT_LANGUAGE):
            subject, body = _message(analysis, transition)
        return send_mass_mail(
            [(subject, body, settings.DEFAULT_FROM_EMAIL, [address]) for address in recipients],
            fail_silently=False,
        )
    except Exception:
        logger.exception("Не отправлено письмо о рассмотрении анализа %s (%s)", analysis.pk, transition.to_status)
        return 0


