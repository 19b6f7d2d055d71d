"""The documentation checklist: what of §6 of the regulation an association's year has, computed
in ONE function (`checklists_for`) from what the portal holds and the documents uploaded for it,
for any number of associations at once in a fixed number of queries (the district's table asks
it for all the district's associations; one association's page for one).

An item is fulfilled:

- «order» — by a head appointment of the association in office during the year whose order's
  scan is attached (`Appointment.order_scan`), or an uploaded order;
- «regulation» — by an uploaded document only (the portal does not write the regulation);
- «plan» — by the year's plan approved;
- «protocols» — when at least one meeting of the year was held and every held meeting of the
  year has a signed protocol («3 из 4»);
- «analysis» — by the year's analysis submitted or accepted;
- «monitoring» — by monitoring results of the year (a class's monitoring with pupils) for the
  school's classes, or visits of the year to the school (for the РМО: the district's);
- «instructions» — by the association's head (appointed during the year) having acknowledged a
  version of their instruction in effect by the year's end, or an uploaded document;
- «bank» — by at least one published material of the data bank of the year, of the school (for
  the РМО: of the district).

An uploaded document counts for its item when it is of that year or of no year («для всех лет»).
No access check here: the callers (the views) load the association or district through
`associations.access` first.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from associations import access
from associations.models import (
    AcademicYear,
    Acknowledgment,
    AnnualPlan,
    Appointment,
    Association,
    District,
    Visit,
)
from meetings.models import Material, Meeting, Protocol
from reports.analysis.models import Analysis
from reports.checklist.models import ChecklistDocument, ChecklistItem
from reports.monitoring.models import ClassMonitoring

ITEMS = list(ChecklistItem)
TOTAL = len(ITEMS)
#: The items an uploaded document may fulfil (the upload form offers these).
UPLOADABLE = (ChecklistItem.ORDER, ChecklistItem.REGULATION, ChecklistItem.INSTRUCTIONS)
#: The district table's column headings.
SHORT_LABELS = {
    ChecklistItem.ORDER: gettext_lazy("Приказ"),
    ChecklistItem.REGULATION: gettext_lazy("Положение"),
    ChecklistItem.PLAN: gettext_lazy("План"),
    ChecklistItem.PROTOCOLS: gettext_lazy("Протоколы"),
    ChecklistItem.ANALYSIS: gettext_lazy("Анализ"),
    ChecklistItem.MONITORING: gettext_lazy("Мониторинг"),
    ChecklistItem.INSTRUCTIONS: gettext_lazy("Инструкции"),
    ChecklistItem.BANK: gettext_lazy("Банк данных"),
}


@dataclass(frozen=True)
class Evidence:
    """What fulfils an item (or counts towards it), with the link to it."""

    text: str
    url: str = ""


@dataclass
class ItemState:
    item: ChecklistItem
    done: bool = False
    evidence: list[Evidence] = field(default_factory=list)  # what the portal holds
    documents: list[ChecklistDocument] = field(default_factory=list)  # uploaded for it
    todo: str = ""  # what to do while it is missing
    progress: str = ""  # «3 из 4» (protocols)

    @property
    def label(self) -> str:
        return str(self.item.label)

    @property
    def short_label(self) -> str:
        return str(SHORT_LABELS[self.item])

    @property
    def uploadable(self) -> bool:
        return self.item in UPLOADABLE


@dataclass
class Checklist:
    association: Association
    year: AcademicYear
    items: list[ItemState]

    @property
    def done(self) -> int:
        return sum(1 for state in self.items if state.done)

    @property
    def total(self) -> int:
        return len(self.items)

    @property
    def complete(self) -> bool:
        return self.done == self.total

    @property
    def missing(self) -> list[ItemState]:
        return [state for state in self.items if not state.done]

    @property
    def missing_text(self) -> str:
        return ", ".join(state.short_label for state in self.missing)

    @property
    def done_text(self) -> str:
        return _("%(done)d из %(total)d") % {"done": self.done, "total": self.total}

    def item(self, item: str) -> ItemState:
        return next(state for state in self.items if state.item == item)


def _url(name: str, args: Iterable = (), query: Iterable[tuple[str, object]] = ()) -> str:
    url = reverse(name, args=list(args))
    query = list(query)
    return f"{url}?{urlencode(query)}" if query else url


def _day(value) -> str:
    return value.strftime("%d.%m.%Y") if value else ""


def checklists_for(associations: list[Association], year: AcademicYear, *, user=None) -> dict[int, Checklist]:
    """{association pk: its Checklist for `year`}, for associations loaded with their school. Nine
    queries whatever the number of associations and records: the uploaded documents, the head
    appointments, the acknowledgments, the plans, the held meetings with their protocols'
    status, the analyses, the monitoring and visits (one each, grouped by school), the data bank.
    With `user`, links to an appointment's order scan only where the user may download it."""
    if not associations:
        return {}
    ids = [a.pk for a in associations]
    by_pk = {a.pk: a for a in associations}
    first, last = year.starts_on, year.ends_on
    school_ids = {a.school_id for a in associations if a.school_id is not None}
    district_ids = {a.district_id for a in associations if a.school_id is None}
    states: dict[int, dict[str, ItemState]] = {pk: {item: ItemState(item) for item in ITEMS} for pk in ids}

    # 1. the uploaded documents of the year, or of no year
    documents = (
        ChecklistDocument.objects.filter(association_id__in=ids)
        .filter(Q(academic_year=year) | Q(academic_year__isnull=True))
        .select_related("file", "academic_year")
        .order_by("item", "-uploaded_at", "-pk")
    )
    for document in documents:
        document.association = by_pk[document.association_id]
        if user is not None:
            document.can_remove = access.allows(user, "checklist_document", document, "remove")
        states[document.association_id][document.item].documents.append(document)

    # 2. the heads in office during the year, with their orders' scans
    heads: dict[int, list[Appointment]] = defaultdict(list)
    appointments = (
        Appointment.objects.in_office_during(first, last)
        .filter(association_id__in=ids, role=Appointment.Role.HEAD)
        .select_related("person")
        .order_by("association_id", "-starts_on", "-pk")
    )
    for appointment in appointments:
        appointment.association = by_pk[appointment.association_id]
        heads[appointment.association_id].append(appointment)

    # 3. their acknowledgments of an instruction in effect by the year's end
    acknowledged: dict[int, list[Acknowledgment]] = defaultdict(list)
    acknowledgments = (
        Acknowledgment.objects.filter(
            Q(appointment__ends_on__isnull=True) | Q(appointment__ends_on__gte=first),
            appointment__association_id__in=ids, appointment__role=Appointment.Role.HEAD,
            appointment__starts_on__lte=last, version__effective_from__lte=last,
        )
        .select_related("version__instruction", "appointment__person")
        .defer("version__text")
        .order_by("-acknowledged_on", "-pk")
    )
    for acknowledgment in acknowledgments:
        acknowledged[acknowledgment.appointment.association_id].append(acknowledgment)

    # 4. the plans of the year
    plans = {
        row["association_id"]: row
        for row in AnnualPlan.objects.filter(association_id__in=ids, academic_year=year)
        .values("association_id", "pk", "status", "approved_on")
    }

    # 5. the held meetings of the year, with their protocols' status
    held: dict[int, list[str | None]] = defaultdict(list)
    for association_id, status in (
        Meeting.objects.filter(association_id__in=ids, academic_year=year, status=Meeting.Status.HELD)
        .values_list("association_id", "protocol__status")
    ):
        held[association_id].append(status)

    # 6. the analyses of the year
    analyses = {
        row["association_id"]: row
        for row in Analysis.objects.filter(association_id__in=ids, academic_year=year)
        .values("association_id", "pk", "status")
    }

    def school_or_district(path: str) -> Q:
        return Q(**{f"{path}_id__in": school_ids}) | Q(**{f"{path}__district_id__in": district_ids})

    # 7. monitoring results of the year by school, and visits of the year by school
    monitored: dict[tuple[int, int], int] = {}
    for row in (
        ClassMonitoring.objects.filter(
            school_or_district("class_assignment__school"), class_assignment__academic_year=year,
            pupils__isnull=False,
        )
        .values("class_assignment__school_id", "class_assignment__school__district_id")
        .annotate(n=Count("pk", distinct=True))
        .order_by()
    ):
        monitored[(row["class_assignment__school__district_id"], row["class_assignment__school_id"])] = row["n"]
    visited: dict[tuple[int, int], int] = {}
    for row in (
        Visit.objects.filter(school_or_district("school"), academic_year=year)
        .values("school_id", "school__district_id").annotate(n=Count("pk")).order_by()
    ):
        visited[(row["school__district_id"], row["school_id"])] = row["n"]

    # 8. the data bank's published materials of the year, by school (None: the district's own)
    banked: dict[tuple[int, int | None], int] = {}
    for row in (
        Material.objects.filter(
            Q(school_id__in=school_ids) | Q(district_id__in=district_ids), academic_year=year,
        )
        .exclude(visibility=Material.Visibility.DRAFT)
        .values("school_id", "district_id").annotate(n=Count("pk")).order_by()
    ):
        banked[(row["district_id"], row["school_id"])] = row["n"]

    def count_for(counts: dict, association: Association) -> int:
        if association.school_id is not None:
            return sum(n for (_district, school), n in counts.items() if school == association.school_id)
        return sum(n for (district, _school), n in counts.items() if district == association.district_id)

    result = {}
    for association in associations:
        s = states[association.pk]
        _order(s[ChecklistItem.ORDER], heads.get(association.pk, []), user)
        _regulation(s[ChecklistItem.REGULATION])
        _plan(s[ChecklistItem.PLAN], plans.get(association.pk))
        _protocols(s[ChecklistItem.PROTOCOLS], held.get(association.pk, []), association, year)
        _analysis(s[ChecklistItem.ANALYSIS], analyses.get(association.pk), association, year)
        _monitoring(s[ChecklistItem.MONITORING], count_for(monitored, association), count_for(visited, association),
                    association, year)
        _instructions(s[ChecklistItem.INSTRUCTIONS], acknowledged.get(association.pk, []))
        _bank(s[ChecklistItem.BANK], count_for(banked, association), association, year)
        for state in s.values():
            if state.documents:
                state.done = True
                state.todo = ""
        result[association.pk] = Checklist(association=association, year=year, items=[s[item] for item in ITEMS])
    return result


# --- each item -------------------------------------------------------------------------------------


def _order(state: ItemState, heads: list[Appointment], user) -> None:
    for appointment in heads:
        if not appointment.has_order_scan:
            continue
        state.done = True
        url = ""
        if user is None or access.allows(user, "appointment", appointment):
            url = reverse("associations:appointment_order_scan", args=[appointment.pk])
        state.evidence.append(Evidence(
            _("Приказ № %(number)s от %(day)s о назначении руководителя (%(person)s): скан приложен") % {
                "number": appointment.order_number, "day": _day(appointment.order_date),
                "person": appointment.person.short_name,
            },
            url,
        ))
    if not state.done:
        state.todo = (
            _("Загрузите скан приказа об открытии МО и назначении руководителя.") if heads
            else _("Внесите назначение руководителя МО и загрузите скан приказа.")
        )


def _regulation(state: ItemState) -> None:
    state.todo = _("Загрузите Положение о методическом объединении.")


def _plan(state: ItemState, plan: dict | None) -> None:
    if plan is None:
        state.todo = _("Составьте план работы на учебный год и отправьте его на утверждение.")
        return
    url = reverse("associations:plan", args=[plan["pk"]])
    if plan["status"] == AnnualPlan.Status.APPROVED:
        state.done = True
        text = _("План утверждён")
        if plan["approved_on"]:
            text = _("План утверждён %(day)s") % {"day": _day(plan["approved_on"])}
        state.evidence.append(Evidence(text, url))
        return
    state.evidence.append(Evidence(
        _("План: %(status)s") % {"status": AnnualPlan.Status(plan["status"]).label}, url
    ))
    if plan["status"] == AnnualPlan.Status.SUBMITTED:
        state.todo = _("Утвердите план: он на рассмотрении.")
    else:
        state.todo = _("Утвердите план: отправьте его на рассмотрение.")


def _protocols(state: ItemState, held: list[str | None], association: Association, year: AcademicYear) -> None:
    signed = sum(1 for status in held if status == Protocol.Status.SIGNED)
    state.progress = _("%(signed)d из %(held)d") % {"signed": signed, "held": len(held)}
    url = _url("meetings:association_meetings", [association.pk], [("year", year.pk)])
    if not held:
        state.todo = _("Проведите заседание МО и подпишите его протокол.")
        return
    state.evidence.append(Evidence(
        ngettext(
            "Подписано протоколов: %(progress)s проведённого заседания",
            "Подписано протоколов: %(progress)s проведённых заседаний",
            len(held),
        ) % {"progress": state.progress},
        url,
    ))
    if signed == len(held):
        state.done = True
    else:
        unsigned = len(held) - signed
        state.todo = ngettext(
            "Оформите и подпишите протокол: без подписанного протокола %(count)d проведённое заседание.",
            "Оформите и подпишите протоколы: без подписанного протокола %(count)d проведённых заседаний.",
            unsigned,
        ) % {"count": unsigned}


def _analysis(state: ItemState, analysis: dict | None, association: Association, year: AcademicYear) -> None:
    url = reverse("reports:analysis", args=[association.pk, year.start_year])
    if analysis is None:
        state.todo = _("Начните анализ работы за год и отправьте его на рассмотрение.")
        return
    state.evidence.append(Evidence(
        _("Анализ работы за год: %(status)s") % {"status": Analysis.Status(analysis["status"]).label}, url
    ))
    if analysis["status"] in (Analysis.Status.SUBMITTED, Analysis.Status.ACCEPTED):
        state.done = True
    else:
        state.todo = _("Отправьте анализ работы за год на рассмотрение.")


def _monitoring(state: ItemState, monitored: int, visits: int, association: Association,
                year: AcademicYear) -> None:
    if association.school_id is not None:
        monitoring_url = _url("reports:monitoring_school", [association.school_id], [("year", year.start_year)])
        visits_url = _url("associations:visits", query=[("year", year.pk), ("school", association.school_id)])
    else:
        monitoring_url = _url("reports:monitoring_district", [association.district_id], [("year", year.start_year)])
        visits_url = _url("associations:visits", query=[("year", year.pk)])
    if monitored:
        state.evidence.append(Evidence(
            ngettext("Мониторинг воспитанности: %(count)d класс", "Мониторинг воспитанности: %(count)d классов",
                     monitored) % {"count": monitored},
            monitoring_url,
        ))
    if visits:
        state.evidence.append(Evidence(
            _("Посещения и проверки: %(count)d") % {"count": visits},
            visits_url,
        ))
    state.done = bool(monitored or visits)
    if not state.done:
        state.todo = _("Внесите результаты мониторинга воспитанности классов или посещения (проверки) года.")


def _instructions(state: ItemState, acknowledgments: list[Acknowledgment]) -> None:
    for acknowledgment in acknowledgments[:1]:
        state.done = True
        state.evidence.append(Evidence(
            _("%(person)s ознакомлен(а) с документом «%(title)s», редакция № %(number)d, %(day)s") % {
                "person": acknowledgment.appointment.person.short_name,
                "title": acknowledgment.version.instruction.title, "number": acknowledgment.version.number,
                "day": _day(acknowledgment.acknowledged_on),
            },
            reverse("associations:instruction", args=[acknowledgment.version_id]),
        ))
    if not state.done:
        state.todo = _(
            "Руководителю МО — ознакомиться с должностной инструкцией в портале, или загрузите "
            "инструктивно-методические документы."
        )


def _bank(state: ItemState, materials: int, association: Association, year: AcademicYear) -> None:
    query = [("year", year.start_year)]
    if association.school_id is not None:
        query.append(("school", association.school_id))
    if materials:
        state.done = True
        state.evidence.append(Evidence(
            ngettext("В банке данных %(count)d материал года", "В банке данных %(count)d материалов года",
                     materials) % {"count": materials},
            _url("meetings:materials", query=query),
        ))
    else:
        state.todo = _("Добавьте в банк данных материалы воспитательных мероприятий года.")


# --- the pages ------------------------------------------------------------------------------------


def association_checklist(*, association: Association, year: AcademicYear, user=None) -> Checklist:
    """The association's checklist for the year (nine queries)."""
    return checklists_for([association], year, user=user)[association.pk]


@dataclass
class ItemTotal:
    item: ChecklistItem
    done: int
    total: int

    @property
    def short_label(self) -> str:
        return str(SHORT_LABELS[self.item])

    @property
    def text(self) -> str:
        return ngettext("%(done)d из %(total)d школы", "%(done)d из %(total)d школ", self.total) % {
            "done": self.done, "total": self.total,
        }


@dataclass
class DistrictCompleteness:
    """The district's completeness table: a row per association (a Checklist: `.association`,
    `.done`, `.total`, `.missing`), the РМО first; iterating it gives the rows."""

    district: District
    year: AcademicYear
    rows: list[Checklist]

    def __iter__(self) -> Iterator[Checklist]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    @property
    def count(self) -> int:
        return len(self.rows)

    @property
    def complete(self) -> int:
        """How many associations have all eight items."""
        return sum(1 for row in self.rows if row.complete)

    @property
    def incomplete(self) -> int:
        return self.count - self.complete

    @property
    def school_rows(self) -> list[Checklist]:
        return [row for row in self.rows if row.association.school_id is not None]

    @property
    def item_totals(self) -> list[ItemTotal]:
        """Per item, how many school МО have it («12 из 15 школ»)."""
        schools = self.school_rows
        return [
            ItemTotal(item=item, done=sum(1 for row in schools if row.item(item).done), total=len(schools))
            for item in ITEMS
        ]

    @property
    def url(self) -> str:
        return reverse("reports:checklist_district", args=[self.district.pk, self.year.start_year])


def district_completeness(*, district: District, year: AcademicYear) -> DistrictCompleteness:
    """Every association of the district (the РМО first, then the school МО by school) with its
    checklist: ten queries whatever the number of schools."""
    associations = list(
        Association.objects.filter(district=district).select_related("school")
        .order_by("kind", "school__short_name", "name", "pk")  # «district» (the РМО) before «school»
    )
    checklists = checklists_for(associations, year)
    return DistrictCompleteness(district=district, year=year, rows=[checklists[a.pk] for a in associations])


@dataclass
class ChecklistPage:
    checklist: Checklist
    can_upload: bool  # the association's writers («checklist» «upload»)
    can_see_district: bool  # the district's table («checklist_district»)

    @property
    def association(self) -> Association:
        return self.checklist.association

    @property
    def year(self) -> AcademicYear:
        return self.checklist.year


def checklist_page(*, user, association: Association, year: AcademicYear) -> ChecklistPage:
    """The association's checklist page (loaded with its school and district through «checklist»
    «see»): the checklist (nine queries) and what the user may do (no query)."""
    return ChecklistPage(
        checklist=association_checklist(association=association, year=year, user=user),
        can_upload=access.allows(user, "checklist", association, "upload"),
        can_see_district=access.allows(user, "checklist_district", association.district),
    )
