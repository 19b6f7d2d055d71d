"""The reads behind the reports' documents and tables, scoped to the user through
`associations.access` and built on `associations.plans.selectors` (never a second copy of their
queries). Exporters and views only lay out what these return."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from associations import access
from associations.access import User
from associations.models import AcademicYear, AnnualPlan, Person, PlanItem
from associations.plans import selectors as plan_selectors
from reports.forms import NO_PLAN, DistrictPlansForm

MONTHS_GENITIVE = [
    "", "января", "февраля", "марта", "апреля", "мая", "июня",
    "июля", "августа", "сентября", "октября", "ноября", "декабря",
]


def date_words(day: datetime.date) -> str:
    """«15» октября 2025 г., as an approval stamp writes the date."""
    return f"«{day:%d}» {MONTHS_GENITIVE[day.month]} {day.year} г."


def execution_mark(item: PlanItem) -> str:
    """The plan's last column: «выполнено 15.10.2025», «перенесено: на ноябрь», «отменено: …»."""
    note = item.execution_note.strip()
    if item.execution == PlanItem.Execution.DONE:
        mark = _("выполнено")
        if item.executed_on:
            mark += f" {item.executed_on:%d.%m.%Y}"
        return f"{mark} ({note})" if note else mark
    if item.execution == PlanItem.Execution.MOVED:
        where = item.moved_timing.strip()
        text = "; ".join(part for part in (where, note) if part)
        return f"{_('перенесено')}: {text}" if text else _("перенесено")
    if item.execution == PlanItem.Execution.CANCELLED:
        return f"{_('отменено')}: {note}" if note else _("отменено")
    return ""


# --- the plan as a document ------------------------------------------------------------------


@dataclass
class PlanRow:
    number: int
    section: str
    content: str
    form: str
    timing: str
    responsible: list[str]
    mark: str  # the whole mark in words (the PDF's last column)
    # The mark's parts, a column each in the XLSX: «выполнено», the day, the new timing, the note.
    mark_status: str = ""
    mark_date: datetime.date | None = None
    mark_moved: str = ""
    mark_note: str = ""


@dataclass
class PlanSectionRows:
    section: str
    rows: list[PlanRow]


@dataclass
class PlanDocument:
    """Everything the printed plan (PDF or XLSX) shows, already worded. Its approval block, as
    schools write it: «РАССМОТРЕНО на заседании МО, протокол № … от …»; for a school МО also
    «СОГЛАСОВАНО заместитель директора по ВР» and «УТВЕРЖДАЮ директор …, приказ от … № …»; for
    the РМО «УТВЕРЖДАЮ» by the district's official. An empty value is a blank to fill in by hand."""

    plan: AnnualPlan
    organisation: list[str]
    body: str  # «МО» or «РМО», in «РАССМОТРЕНО на заседании …»
    subject: str  # whose plan: «методического объединения классных руководителей МБОУ «СОШ № 1»»
    year: str  # «2025/2026»
    considered_number: str
    considered_on: str
    approved_on: str
    sections: list[PlanSectionRows]
    rows: list[PlanRow]
    execution_percent: int
    is_draft: bool = False  # not approved yet: the document says ЧЕРНОВИК
    agreed: bool = False  # the СОГЛАСОВАНО block (a school МО's plan)
    agreed_position: str = ""
    agreed_name: str = ""
    approver_position: str = ""
    approver_name: str = ""
    order_number: str = ""
    order_on: str = ""

    @property
    def status(self) -> str:
        return str(self.plan.get_status_display())

    @property
    def tasks(self) -> list[str]:
        return self.plan.task_list

    @property
    def title(self) -> str:
        return f"{_('План работы')} {self.subject} {_('на %(year)s учебный год') % {'year': self.year}}"

    @property
    def filename_stem(self) -> str:
        return f"plan-{self.plan.association_id}-{self.year.replace('/', '-')}"


def plan_document(*, user, pk) -> PlanDocument:
    """The plan as the school files it, if the user may read the plan (404 otherwise: drafts
    only to those who write, review or oversee it)."""
    detail = plan_selectors.plan_detail(user=user, pk=pk, with_meetings=False)
    plan = detail.plan
    association = plan.association
    district = association.district
    if association.is_district:
        organisation = [name for name in (district.education_department, district.methodical_office) if name]
        body = _("РМО")
        subject = _("районного методического объединения классных руководителей (%(district)s)") % {
            "district": district.name
        }
    else:
        organisation = [association.school.name]
        body = _("МО")
        subject = _("методического объединения классных руководителей %(school)s") % {
            "school": association.school.short_name
        }
    sections: list[PlanSectionRows] = []
    rows: list[PlanRow] = []
    for group in detail.sections:
        section_rows = [
            PlanRow(
                number=item.position,
                section=group.section.name,
                content=item.content,
                form=item.form.name if item.form else "",
                timing=item.timing_label,
                responsible=[person.short_name for person in item.responsible.all()],
                mark=execution_mark(item),
                mark_status="" if item.execution == PlanItem.Execution.PENDING else item.get_execution_display(),
                mark_date=item.executed_on if item.execution == PlanItem.Execution.DONE else None,
                mark_moved=item.moved_timing.strip() if item.execution == PlanItem.Execution.MOVED else "",
                mark_note=item.execution_note.strip() if item.execution != PlanItem.Execution.PENDING else "",
            )
            for item in group.items
        ]
        sections.append(PlanSectionRows(section=group.section.name, rows=section_rows))
        rows.extend(section_rows)
    return PlanDocument(
        plan=plan,
        organisation=organisation,
        body=body,
        subject=subject,
        year=str(plan.academic_year),
        considered_number=plan.considered_protocol_number.strip(),
        considered_on=f"{plan.considered_on:%d.%m.%Y}" if plan.considered_on else "",
        approved_on=date_words(plan.approved_on) if plan.approved_on else "",
        sections=sections,
        rows=rows,
        execution_percent=detail.execution.percent,
        **_approval_block(plan),
    )


def _approval_block(plan: AnnualPlan) -> dict:
    """Who the approval block names. An approved plan: whom it recorded at approval. Before
    that, a school МО's plan already names its director (the one who will approve it); the
    names of those who have not signed yet are blanks."""
    approved = plan.status == AnnualPlan.Status.APPROVED
    block = {
        "is_draft": not approved,
        "agreed": not plan.association.is_district,
        "order_number": plan.approval_order_number.strip(),
        "order_on": f"{plan.approval_order_date:%d.%m.%Y}" if plan.approval_order_date else "",
    }
    if approved:
        block.update(
            agreed_position=plan.agreed_by_position, agreed_name=plan.agreed_by_name,
            approver_position=plan.approved_by_position, approver_name=plan.approved_by_name,
        )
    elif not plan.association.is_district:
        school = plan.association.school
        block.update(
            agreed_position=_("заместитель директора по ВР"),
            approver_position=_("директор %(school)s") % {"school": school.short_name},
            approver_name=plan_selectors.director_signature_name(school),
        )
    if block["agreed"] and not block["agreed_position"]:
        block["agreed_position"] = str(Person.Position.DEPUTY_DIRECTOR.label)
    return block


# --- the district's plans ---------------------------------------------------------------------

@dataclass
class DistrictPlanTable:
    form: DistrictPlansForm
    year: AcademicYear
    rows: list[plan_selectors.DistrictPlanRow]

    @property
    def filename_stem(self) -> str:
        return f"district-plans-{self.year.start_year}-{self.year.start_year + 1}"


def district_plan_table(*, user: User, params) -> DistrictPlanTable:
    """Every association the user oversees (the methodologist's district; all for the admin) with
    its plan for the chosen year. Anyone else: 404."""
    if not access.can(user).see_district_plans:
        raise Http404
    current = AcademicYear.objects.current()
    years = list(AcademicYear.objects.all())
    data = params.copy()
    if not data.get("year"):
        data["year"] = str(current.pk)
    form = DistrictPlansForm(data, user=user, years=years)
    form.is_valid()  # Invalid fields drop out of cleaned_data; the valid ones still filter.
    year = next((y for y in years if y.pk == form.cleaned_data.get("year")), current)
    school = form.cleaned_data.get("school")
    status = form.cleaned_data.get("status") or ""
    rows = plan_selectors.district_plans(
        user=user, year=year, school=school, status="" if status == NO_PLAN else status
    )
    if status == NO_PLAN:
        rows = [row for row in rows if row.plan is None]
    for row in rows:
        plan = row.plan
        if plan is not None:
            plan.last_status_label = str(AnnualPlan.Status(plan.last_status).label) if plan.last_status else ""
            plan.last_at_local = timezone.localtime(plan.last_at) if plan.last_at else None
    return DistrictPlanTable(form=form, year=year, rows=rows)
