"""Writes of the annual plan: create, copy from last year, save with optimistic locking, the
review workflow (draft → submitted → approved, or → returned → draft again) and execution
marks. Every transition is recorded and told to the other side by e-mail."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mass_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from associations import access
from associations.files.services import file_discard, file_store, files_atomic
from associations.models import (
    AcademicYear,
    AnnualPlan,
    Appointment,
    Association,
    DistrictOfficial,
    Person,
    PlanItem,
    PlanItemFile,
    PlanTransition,
)
from associations.plans.models import ITEM_COMMENT_MAX_LENGTH, ITEM_MAX_FILES, PLAN_MAX_ITEMS, PlanItemComment
from associations.plans.selectors import director_signature_name, items_snapshot
from rmo_portal.editors import Row, VersionConflict, rows_apply

Status = AnnualPlan.Status

# The only transitions that exist: (from, to) -> who may make it.
EDITOR, REVIEWER = "editor", "reviewer"
TRANSITIONS: dict[tuple[str, str], str] = {
    (Status.DRAFT, Status.SUBMITTED): EDITOR,
    (Status.RETURNED, Status.SUBMITTED): EDITOR,
    (Status.SUBMITTED, Status.RETURNED): REVIEWER,
    (Status.SUBMITTED, Status.APPROVED): REVIEWER,
}


class PlanConflict(VersionConflict):
    """The plan was saved by someone else since the user opened it."""

    def __init__(self, plan: AnnualPlan, changes: list[str]):
        self.plan = plan
        # The conditional binds looser than `or`: without a user the old expression raised.
        who = _person_name(plan.updated_by) if plan.updated_by else "—"
        super().__init__(
            plan,
            _("План уже изменил(а) %(who)s в %(when)s. Ваши правки не сохранены, но остались в форме.")
            % {"who": who, "when": timezone.localtime(plan.updated_at).strftime("%d.%m.%Y %H:%M")},
            changes,
        )


class PlanReviewStale(VersionConflict):
    """The plan changed after the reviewer opened its page (returned by someone else, edited and
    resubmitted, decided already): a decision would be on content they never saw, and their
    comments on items by pk could land on rewritten items. Nothing is written; the page comes
    back with the plan as it is now and what the reviewer typed."""

    def __init__(self, plan: AnnualPlan):
        self.plan = plan
        who = _person_name(plan.updated_by) if plan.updated_by else "—"
        super().__init__(
            plan,
            _(
                "План изменён после того, как вы открыли страницу: сейчас он «%(status)s», последним его "
                "изменил(а) %(who)s в %(when)s. Решение не принято. Проверьте план ниже и примите решение ещё "
                "раз — ваш комментарий и замечания к пунктам остались в форме."
            )
            % {
                "status": plan.get_status_display(), "who": who,
                "when": timezone.localtime(plan.updated_at).strftime("%d.%m.%Y %H:%M"),
            },
        )


def _person_name(user: User) -> str:
    person = getattr(user, "person", None)
    try:
        return person.short_name if person else (user.get_full_name() or user.get_username())
    except Person.DoesNotExist:
        return user.get_full_name() or user.get_username()


@transaction.atomic
def plan_create(*, association: Association, academic_year: AcademicYear, user: User) -> AnnualPlan:
    if not access.can_write_association(user, association):
        raise PermissionDenied
    exists = ValidationError(_("План на %(year)s учебный год уже есть.") % {"year": academic_year})
    if AnnualPlan.objects.filter(association=association, academic_year=academic_year).exists():
        raise exists
    try:
        # Two clicks at once both pass the check above; the unique constraint refuses the second.
        with transaction.atomic():
            return AnnualPlan.objects.create(
                association=association, academic_year=academic_year, updated_by=user
            )
    except IntegrityError:
        raise exists from None


def _shift_year(day: datetime.date | None, years: int) -> datetime.date | None:
    if day is None:
        return None
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


@transaction.atomic
def plan_copy_from_previous(*, association: Association, academic_year: AcademicYear, user: User) -> AnnualPlan:
    """A new draft for the year from the association's latest earlier plan: header, items with
    their sections, forms and responsible people, exact dates moved on by the years between,
    execution marks cleared."""
    if not access.can_write_association(user, association):
        raise PermissionDenied
    source = (
        AnnualPlan.objects.filter(association=association, academic_year__start_year__lt=academic_year.start_year)
        .select_related("academic_year")
        .order_by("-academic_year__start_year")
        .first()
    )
    if source is None:
        raise ValidationError(_("Нет плана за прошлые годы, из которого можно скопировать."))
    plan = plan_create(association=association, academic_year=academic_year, user=user)
    for name in ("theme", "goal", "tasks", "expected_results"):
        setattr(plan, name, getattr(source, name))
    plan.save()
    shift = academic_year.start_year - source.academic_year.start_year
    items = list(source.items.prefetch_related("responsible").order_by("position", "pk"))
    copies = PlanItem.objects.bulk_create(
        [
            PlanItem(
                plan=plan, position=i, section_id=item.section_id, content=item.content,
                form_id=item.form_id, timing=item.timing, month=item.month,
                date_from=_shift_year(item.date_from, shift), date_to=_shift_year(item.date_to, shift),
            )
            for i, item in enumerate(items, start=1)
        ]
    )
    through = PlanItem.responsible.through
    through.objects.bulk_create(
        [
            through(planitem_id=copy.pk, person_id=person.pk)
            for item, copy in zip(items, copies, strict=True)
            for person in item.responsible.all()
        ]
    )
    return plan


def _changes_since(plan: AnnualPlan, version: int) -> list[str]:
    """What others changed since the user's version, in words, from the plan's history."""
    seen = plan.history.filter(version=version).order_by("-history_date").first()
    newer = plan.history.filter(version__gt=version).order_by("history_date").first()
    if seen is None or newer is None:
        return []
    changes: list[str] = []
    current = plan.history.order_by("-history_date").first()
    if current is not None:
        delta = current.diff_against(seen)
        for change in delta.changes:
            if change.field in ("version", "updated_at", "updated_by", "status"):
                continue
            changes.append(
                _("%(field)s: «%(new)s»")
                % {"field": AnnualPlan._meta.get_field(change.field).verbose_name, "new": change.new}
            )
    # plan_save writes the plan's row before its items, so the items written by the save that
    # produced `version` come before the first newer record of the plan: they are not news.
    item_records = PlanItem.history.filter(plan_id=plan.pk, history_date__gte=newer.history_date).order_by(
        "history_date"
    )
    kinds = {"+": _("добавлен"), "~": _("изменён"), "-": _("удалён")}
    for record in item_records:
        changes.append(
            _("пункт %(position)s %(kind)s: «%(content)s»")
            % {"position": record.position, "kind": kinds[record.history_type], "content": record.content[:80]}
        )
    return changes


def plan_conflict(*, plan: AnnualPlan, version: int) -> PlanConflict | None:
    """The conflict a save from `version` would meet, for an editor page that cannot save yet
    (its rows have errors) but should already say that someone else saved in between."""
    if plan.version == version:
        return None
    return PlanConflict(plan, _changes_since(plan, version))


PLAN_HEADER_FIELDS = ("theme", "goal", "tasks", "expected_results", "considered_protocol_number", "considered_on")


@transaction.atomic
def plan_save(*, plan: AnnualPlan, version: int, header: dict, items: list[Row], user: User) -> AnnualPlan:
    """Save the header (`header`, of PLAN_HEADER_FIELDS) and every item (`Row`s of the editor)
    in one go. Refused when the plan is not editable, and raises PlanConflict when someone saved
    it after `version` was read: nothing is lost, the page re-renders what the user typed with
    what changed."""
    locked = AnnualPlan.objects.select_for_update(of=("self",)).select_related("updated_by").get(pk=plan.pk)
    if not access.can_write_association(user, locked.association):
        raise PermissionDenied
    if not locked.is_editable:
        raise ValidationError(
            _("План «%(status)s» нельзя изменять.") % {"status": locked.get_status_display()}
        )
    if locked.version != version:
        raise PlanConflict(locked, _changes_since(locked, version))

    for name, value in header.items():
        if name not in PLAN_HEADER_FIELDS:
            raise TypeError(f"plan_save: unknown field {name}")
        setattr(locked, name, value)
    locked.version += 1
    locked.updated_by = user
    locked.full_clean()
    locked.save()
    rows_apply(manager=locked.items, parent_field="plan", parent=locked, rows=items)
    if locked.items.count() > PLAN_MAX_ITEMS:
        raise ValidationError(
            _("В плане не может быть больше %(count)d пунктов.") % {"count": PLAN_MAX_ITEMS}, code="too_many_items"
        )
    plan_renumber(plan=locked)
    return locked


def plan_renumber(*, plan: AnnualPlan) -> None:
    """Positions 1..n in the order the user left the rows (their № п/п, then creation)."""
    items = list(plan.items.order_by("position", "pk").only("pk", "position"))
    changed = []
    for position, item in enumerate(items, start=1):
        if item.position != position:
            item.position = position
            changed.append(item)
    PlanItem.objects.bulk_update(changed, ["position"])


def reviewers_emails(association: Association) -> list[str]:
    """Whom a submitted plan (and a submitted annual analysis, reports.analysis) goes to: the
    school's deputy director (a school МО's), the district's officials in office (the РМО's);
    never the association's own head."""
    today = timezone.localdate()
    if association.is_district:
        people = Person.objects.filter(
            pk__in=DistrictOfficial.objects.in_office(today).filter(district=association.district).values("person_id")
        )
    else:
        people = Person.objects.filter(school=association.school, position=Person.Position.DEPUTY_DIRECTOR)
    heads = Appointment.objects.in_office(today).filter(association=association, role=Appointment.Role.HEAD)
    people = people.exclude(pk__in=heads.values("person_id"))
    return [p.contact_email for p in people.select_related("user")]


def _editors_emails(association: Association) -> list[str]:
    # Filter the appointments themselves: an exclude() across Person.appointments dropped a
    # head who had any ended appointment anywhere (a former secretary, another МО).
    today = timezone.localdate()
    heads = Appointment.objects.in_office(today).filter(
        association=association, role=Appointment.Role.HEAD
    ).select_related("person", "person__user")
    return [a.person.contact_email for a in heads]


def _notify(plan: AnnualPlan, transition: PlanTransition, request_host: str = "") -> None:
    association = plan.association
    url = reverse("associations:plan", args=[plan.pk])
    subject_by_status = {
        Status.SUBMITTED: _("План на рассмотрение: %(association)s, %(year)s"),
        Status.RETURNED: _("План возвращён на доработку: %(association)s, %(year)s"),
        Status.APPROVED: _("План утверждён: %(association)s, %(year)s"),
    }
    recipients = reviewers_emails(association) if transition.to_status == Status.SUBMITTED else _editors_emails(
        association
    )
    recipients = sorted({r for r in recipients if r})
    if not recipients:
        return
    subject = subject_by_status[transition.to_status] % {
        "association": association.name, "year": plan.academic_year,
    }
    body = _(
        "%(who)s: %(status)s.\n%(comment)s\nПлан: %(host)s%(url)s\n\n— Портал РМО"
    ) % {
        "who": transition.by_name,
        "status": plan.get_status_display(),
        "comment": ((_("Комментарий: %(c)s\n") % {"c": transition.comment}) if transition.comment else "")
        + "".join(
            _("Пункт %(position)s: %(c)s\n") % {"position": c.position, "c": c.comment}
            for c in transition.item_comments.order_by("position", "pk")
        ),
        "host": request_host,
        "url": url,
    }
    from django.conf import settings

    send_mass_mail([(subject, body, settings.DEFAULT_FROM_EMAIL, [r]) for r in recipients], fail_silently=True)


# What a plan must have before it goes to review, by field (named in the refusal).
REQUIRED_TO_SUBMIT = ("theme", "goal")


def _check_submittable(plan: AnnualPlan) -> None:
    missing = [str(AnnualPlan._meta.get_field(name).verbose_name) for name in REQUIRED_TO_SUBMIT
               if not getattr(plan, name).strip()]
    if missing:
        raise ValidationError(
            _("План нельзя отправить на рассмотрение: не заполнено — %(fields)s.") % {"fields": ", ".join(missing)},
            code="incomplete",
        )
    if not plan.items.exists():
        raise ValidationError(_("В плане нет ни одного пункта."))


class _Keep:
    """An approval's field left as the plan has it."""

    def __repr__(self) -> str:
        return "KEEP"


KEEP = _Keep()


@dataclass(frozen=True)
class Approval:
    """What the reviewer enters at approval: the protocol of the meeting that considered the plan
    (kept on the plan, required: the plan was considered at a meeting before it is approved) and
    the order that approves it (optional: the document prints blanks for it). KEEP leaves what
    the plan already has; "" or None clears it."""

    considered_protocol_number: str | _Keep = KEEP
    considered_on: datetime.date | _Keep | None = KEEP
    approval_order_number: str | _Keep = KEEP
    approval_order_date: datetime.date | _Keep | None = KEEP


def _apply_approval(plan: AnnualPlan, approval: Approval, today: datetime.date) -> None:
    """The approval's details on the plan, or the errors next to their fields."""
    for name in ("considered_protocol_number", "approval_order_number"):
        value = getattr(approval, name)
        if value is not KEEP:
            setattr(plan, name, (value or "").strip())
    for name in ("considered_on", "approval_order_date"):
        value = getattr(approval, name)
        if value is not KEEP:
            setattr(plan, name, value)
    body = _("РМО") if plan.association.is_district else _("МО")
    errors = {}
    if not plan.considered_protocol_number:
        errors["considered_protocol_number"] = _(
            "Укажите номер протокола заседания %(body)s, на котором рассмотрен план."
        ) % {"body": body}
    if plan.considered_on is None:
        errors["considered_on"] = _("Укажите дату заседания %(body)s, на котором рассмотрен план.") % {"body": body}
    elif plan.considered_on > today:
        errors["considered_on"] = _("Дата заседания не может быть в будущем.")
    if plan.approval_order_date and plan.approval_order_date > today:
        errors["approval_order_date"] = _("Дата приказа не может быть в будущем.")
    elif plan.approval_order_date and plan.considered_on and plan.approval_order_date < plan.considered_on:
        errors["approval_order_date"] = _("Приказ не может быть раньше заседания, на котором рассмотрен план.")
    if plan.approval_order_number and not plan.approval_order_date:
        errors["approval_order_date"] = _("Укажите дату приказа.")
    if plan.approval_order_date and not plan.approval_order_number:
        errors["approval_order_number"] = _("Укажите номер приказа.")
    for name in ("considered_protocol_number", "approval_order_number"):
        limit = AnnualPlan._meta.get_field(name).max_length
        if len(getattr(plan, name)) > limit:
            errors[name] = _("Слишком длинное значение.")
    if errors:
        raise ValidationError(errors)


def _sign_approval(plan: AnnualPlan, user: User, today: datetime.date) -> None:
    """Who the approved plan names. A school МО's: the deputy director who approved it here
    agrees it (СОГЛАСОВАНО), the school's director approves it by order (УТВЕРЖДАЮ). The РМО's:
    the district's official who approved it here (УТВЕРЖДАЮ)."""
    roles = access.roles_for(user)
    person = roles.person
    name = person.signature_name if person else _person_name(user)
    if plan.association.is_district:
        position = ""
        if roles.is_district_official and plan.association.district_id in roles.official_district_ids:
            position = DistrictOfficial.Role(roles.official_role).label
        elif person is not None:
            position = person.get_position_display()
        plan.agreed_by_name = plan.agreed_by_position = ""
        plan.approved_by_name, plan.approved_by_position = name, str(position)
    else:
        plan.agreed_by_name = name
        if person is not None and person.position == Person.Position.DEPUTY_DIRECTOR:
            plan.agreed_by_position = _("заместитель директора по ВР")  # as the stamp writes it
        else:
            plan.agreed_by_position = str(person.get_position_display()) if person else ""
        school = plan.association.school
        plan.approved_by_name = director_signature_name(school)
        plan.approved_by_position = _("директор %(school)s") % {"school": school.short_name}
    plan.approved_on = today


def _item_comments(plan: AnnualPlan, item_comments: dict[int, str]) -> dict[int, tuple[PlanItem, str]]:
    """The reviewer's comments on single items (item pk -> text, blank ones dropped), each on an
    item of this plan and not too long; errors by field `item-<pk>-comment`."""
    wanted = {pk: (text or "").strip() for pk, text in item_comments.items()}
    wanted = {pk: text for pk, text in wanted.items() if text}
    if not wanted:
        return {}
    items = {item.pk: item for item in plan.items.filter(pk__in=wanted).only("pk", "position", "content", "plan_id")}
    errors = {}
    for pk, text in wanted.items():
        if pk not in items:
            errors[f"item-{pk}-comment"] = _("Такого пункта в плане нет.")
        elif len(text) > ITEM_COMMENT_MAX_LENGTH:
            errors[f"item-{pk}-comment"] = ngettext(
                "Замечание не длиннее %(limit)d символа (сейчас %(length)d).",
                "Замечание не длиннее %(limit)d символов (сейчас %(length)d).",
                ITEM_COMMENT_MAX_LENGTH,
            ) % {"limit": ITEM_COMMENT_MAX_LENGTH, "length": len(text)}
    if errors:
        raise ValidationError(errors)
    return {pk: (items[pk], text) for pk, text in wanted.items()}


def _transition(
    *, plan: AnnualPlan, to: str, user: User, comment: str = "", host: str = "", notify: bool = True,
    approval: Approval | None = None, item_comments: dict[int, str] | None = None, version: int | None = None,
) -> AnnualPlan:
    """`version`: the plan's version as the acting user's page showed it; a plan changed since
    raises PlanReviewStale and nothing is written (None: not checked, for callers without a page)."""
    with transaction.atomic():
        locked = AnnualPlan.objects.select_for_update(of=("self",)).select_related(
            "association", "association__school", "association__district", "academic_year", "updated_by"
        ).get(pk=plan.pk)
        if version is not None and locked.version != version:
            raise PlanReviewStale(locked)
        who = TRANSITIONS.get((locked.status, to))
        if who is None:
            raise ValidationError(
                _("Переход «%(from)s» → «%(to)s» невозможен.")
                % {"from": locked.get_status_display(), "to": Status(to).label}
            )
        if who == REVIEWER and locked.association_id in access.roles_for(user).head_association_ids:
            raise PermissionDenied(
                _("Это действие вам недоступно: план объединения, которым вы руководите, утверждает "
                  "или возвращает не его руководитель.")
            )
        allowed = (
            access.can_write_association(user, locked.association)
            if who == EDITOR
            else access.can_review_plan(user, locked.association)
        )
        if not allowed:
            raise PermissionDenied
        commented = _item_comments(locked, item_comments or {}) if to == Status.RETURNED else {}
        if to == Status.RETURNED and not comment.strip():
            if not commented:
                raise ValidationError({"comment": _("Укажите, что нужно доработать.")})
            comment = _("Замечания к пунктам плана.")
        if to == Status.SUBMITTED:
            _check_submittable(locked)
        today = timezone.localdate()
        if to == Status.APPROVED:
            _apply_approval(locked, approval or Approval(), today)
            _sign_approval(locked, user, today)
        transition = PlanTransition.objects.create(
            plan=locked, from_status=locked.status, to_status=to, comment=comment.strip(),
            by=user, by_name=_person_name(user),
            items_snapshot=items_snapshot(locked) if to == Status.RETURNED else [],
        )
        PlanItemComment.objects.bulk_create(
            [
                PlanItemComment(
                    transition=transition, item=item, position=item.position, content=item.content, comment=text
                )
                for item, text in sorted(commented.values(), key=lambda pair: pair[0].position)
            ]
        )
        locked.status = to
        locked.version += 1
        locked.updated_by = user
        locked.save()
        if notify:
            transaction.on_commit(lambda: _notify(locked, transition, host))
    return locked


def plan_submit(*, plan: AnnualPlan, user: User, host: str = "", notify: bool = True) -> AnnualPlan:
    """The editor sends the plan to review: it needs its theme, its goal and at least one item."""
    return _transition(plan=plan, to=Status.SUBMITTED, user=user, host=host, notify=notify)


def plan_return(
    *, plan: AnnualPlan, user: User, comment: str, item_comments: dict[int, str] | None = None, host: str = "",
    notify: bool = True, version: int | None = None,
) -> AnnualPlan:
    """The reviewer returns the plan with what to rework (`comment`, and/or comments on single
    items: item pk -> text); never the association's own head. The items as they are now are
    kept on the return, to compare the resubmitted plan with. Refused with PlanReviewStale when
    the plan is no longer at `version`, the one the reviewer's page showed."""
    return _transition(
        plan=plan, to=Status.RETURNED, user=user, comment=comment, host=host, notify=notify,
        item_comments=item_comments, version=version,
    )


def plan_approve(
    *, plan: AnnualPlan, user: User, comment: str = "", approval: Approval | None = None, host: str = "",
    notify: bool = True, version: int | None = None,
) -> AnnualPlan:
    """The reviewer approves the plan, never the association's own head: the protocol that
    considered it is required (`approval` or already on the plan), the approving order is kept
    if given, and the plan records who agreed and who approved it as its document prints them.
    Refused with PlanReviewStale when the plan is no longer at `version`, the one the
    reviewer's page showed."""
    return _transition(
        plan=plan, to=Status.APPROVED, user=user, comment=comment, host=host, notify=notify, approval=approval,
        version=version,
    )


@transaction.atomic
def plan_item_mark(
    *, item: PlanItem, user: User, execution: str, executed_on: datetime.date | None = None,
    note: str = "", moved_timing: str = "",
) -> PlanItem:
    """Execution control on an approved plan: done (date, note), moved (new timing, reason),
    cancelled (reason), or back to not marked. The plan's content stays frozen."""
    item = PlanItem.objects.select_for_update(of=("self",)).select_related("plan", "plan__association").get(pk=item.pk)
    if not access.can_write_association(user, item.plan.association):
        raise PermissionDenied
    if item.plan.status != Status.APPROVED:
        raise ValidationError(_("Отметки о выполнении ставят в утверждённом плане."))
    _check_mark(execution=execution, executed_on=executed_on, note=note, moved_timing=moved_timing)
    item.execution = execution
    item.executed_on = executed_on if execution == PlanItem.Execution.DONE else None
    item.execution_note = note.strip()
    item.moved_timing = moved_timing.strip() if execution == PlanItem.Execution.MOVED else ""
    item.marked_by = user
    item.save()
    return item


def _check_mark(*, execution: str, executed_on: datetime.date | None, note: str, moved_timing: str) -> None:
    """What each mark needs, by field: done a date (not in the future), moved a new timing and a
    reason, cancelled a reason."""
    errors = {}
    if execution == PlanItem.Execution.DONE and not executed_on:
        errors["executed_on"] = _("Укажите дату выполнения.")
    if execution == PlanItem.Execution.MOVED and not moved_timing.strip():
        errors["moved_timing"] = _("Укажите новый срок.")
    if execution in (PlanItem.Execution.MOVED, PlanItem.Execution.CANCELLED) and not note.strip():
        errors["execution_note"] = _("Укажите причину.")
    if executed_on and executed_on > timezone.localdate():
        errors["executed_on"] = _("Дата выполнения не может быть в будущем.")
    if execution not in PlanItem.Execution.values:
        errors["execution"] = _("Неизвестная отметка.")
    if errors:
        raise ValidationError(errors)


def plan_items_mark(
    *, plan: AnnualPlan, items: list[PlanItem], user: User, execution: str, executed_on: datetime.date | None = None,
    note: str = "", moved_timing: str = "",
) -> list[PlanItem]:
    """One execution mark on several items of the plan, each through `plan_item_mark`, all or
    nothing: the mark's own errors by field; when an item is refused, nothing is marked and the
    refusal names every refused item («пункт 3: …»)."""
    if not access.can_write_association(user, plan.association):
        raise PermissionDenied
    if plan.status != Status.APPROVED:
        raise ValidationError(_("Отметки о выполнении ставят в утверждённом плане."))
    if not items:
        raise ValidationError({"items": _("Отметьте пункты плана, которым ставится отметка.")})
    _check_mark(execution=execution, executed_on=executed_on, note=note, moved_timing=moved_timing)
    marked: list[PlanItem] = []
    refused: list[str] = []
    with transaction.atomic():
        for item in sorted(items, key=lambda item: (item.position, item.pk)):
            if item.plan_id != plan.pk:
                refused.append(_("пункт %(position)s: не из этого плана") % {"position": item.position})
                continue
            try:
                with transaction.atomic():
                    marked.append(
                        plan_item_mark(
                            item=item, user=user, execution=execution, executed_on=executed_on, note=note,
                            moved_timing=moved_timing,
                        )
                    )
            except PermissionDenied:
                refused.append(_("пункт %(position)s: нет права ставить отметку") % {"position": item.position})
            except ValidationError as error:
                reason = " ".join(error.messages)
                refused.append(_("пункт %(position)s: %(reason)s") % {"position": item.position, "reason": reason})
        if refused:  # raised inside the block: the items marked before it are rolled back
            raise ValidationError(
                _("Ни один пункт не отмечен: %(refused)s.") % {"refused": "; ".join(refused)}, code="items_refused"
            )
    return marked


@transaction.atomic
def plan_item_mark_held(*, item: PlanItem, user: User, held_on: datetime.date, note: str) -> PlanItem | None:
    """A meeting that carries out `item` was held (`meetings.services.meeting_hold`): the item
    of an approved plan is marked done that day, with its history, unless it is marked already.
    Whoever records the meeting (its secretary too) may do so; the plan's own marks
    (`plan_item_mark`) stay its writers'."""
    item = PlanItem.objects.select_for_update(of=("self",)).select_related("plan").get(pk=item.pk)
    if item.plan.status != Status.APPROVED or item.execution == PlanItem.Execution.DONE:
        return None
    if held_on > timezone.localdate():
        raise ValidationError(_("Дата выполнения не может быть в будущем."))
    item.execution = PlanItem.Execution.DONE
    item.executed_on = held_on
    item.execution_note = note
    item.marked_by = user
    item.save()
    return item


# --- an item's result files --------------------------------------------------------------------------


def plan_item_file_add(*, item: PlanItem, upload, user: User, note: str = "") -> PlanItemFile:
    """A result of an item of an approved plan («методическая разработка», a report), attached by
    those who mark the plan's execution (its association's writers), at most ITEM_MAX_FILES an
    item. A refused upload stores nothing (`files_atomic`)."""
    with files_atomic():
        locked = PlanItem.objects.select_for_update(of=("self",)).select_related(
            "plan", "plan__association"
        ).get(pk=item.pk)
        if not access.can_write_association(user, locked.plan.association):
            raise PermissionDenied
        if locked.plan.status != Status.APPROVED:
            raise ValidationError(_("Файлы результатов прикладывают к пунктам утверждённого плана."))
        count = PlanItemFile.objects.filter(plan_item_id=locked.pk).count()
        if count >= ITEM_MAX_FILES:
            raise ValidationError(
                ngettext(
                    "К пункту плана уже приложен %(count)d файл — больше нельзя. Удалите ненужный.",
                    "К пункту плана уже приложено %(count)d файлов — больше нельзя. Удалите ненужный.",
                    count,
                ) % {"count": count},
                code="too_many_files",
            )
        row = PlanItemFile(plan_item=locked, note=note.strip(), uploaded_by=user)
        row.full_clean(exclude=["file"])  # the note, before anything is stored
        row.file = file_store(upload=upload, user=user)
        row.save()
    return row


@transaction.atomic
def plan_item_file_delete(*, item_file: PlanItemFile, user: User) -> None:
    """Removes an item's result file: the plan's writers, and whoever attached it (access:
    «plan_item_file», «remove»). The stored file goes with it (the blob on commit)."""
    locked = PlanItemFile.objects.select_for_update(of=("self",)).select_related(
        "file", "plan_item__plan__association"
    ).get(pk=item_file.pk)
    if not access.allows(user, "plan_item_file", locked, "remove"):
        raise PermissionDenied
    stored = locked.file
    locked.delete()
    file_discard(stored)


# --- a plan brought in from the school's Word file (associations.plans.docx_import) --------------

IMPORT_HEADER_FIELDS = ("theme", "goal", "tasks")


def plan_import_create(
    *, association: Association, academic_year: AcademicYear, header: dict, items: list[Row], user: User
) -> AnnualPlan:
    """A new draft for the year from the rows of a Word file the head kept (`items`: new `Row`s
    of the items' values and responsible people, as the editor's), with the header the file gave
    (of IMPORT_HEADER_FIELDS), all or nothing: through `plan_create` (who may, one plan a year)
    and `plan_save` (the items' and the header's own rules, PLAN_MAX_ITEMS)."""
    if not items:
        raise ValidationError(_("Не отмечено ни одной строки плана: отметьте строки, которые нужно перенести."))
    for name in header:
        if name not in IMPORT_HEADER_FIELDS:
            raise TypeError(f"plan_import_create: unknown field {name}")
    with transaction.atomic():
        plan = plan_create(association=association, academic_year=academic_year, user=user)
        return plan_save(plan=plan, version=plan.version, header=header, items=items, user=user)
