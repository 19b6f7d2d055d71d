"""The demo's annual analyses (`reports.analysis`): what a person clicking through `make run` sees
of «Анализ работы МО за учебный год». The analysis' part of `manage.py load_demo`:
`extend_demo`, which `rmo_portal.demo.load_demo` calls in its transaction after the monitoring.

- Last academic year: the analyses of the two schools whose МО heads and deputy directors have a
  demo login (МБОУ «Заречная СОШ № 1»: rukovoditel1 writes, zavuch1 accepts; МБОУ «СОШ № 2»:
  rukovoditel2, zavuch2), accepted in the first days of June through the services; those of the
  other four schools, whose heads and deputies have no login, accepted as staged history
  (`staged`: the same rows, the figures frozen from their records, the PDF rendered and stored as
  issued, the steps named after their head and deputy); and the РМО's (its head, the
  methodologist, writes; the head of the education department accepts), submitted after the
  schools', so that its roll-up adds up the six accepted school analyses.
- This academic year: the same three as drafts, the narrative begun (how far the tasks are met so
  far, the first achievements and problems), the figures live from the year's records.
- The district's deadline for both years: 10 June.

Every step goes through `reports.analysis.services` as the user who would take it, so the demo
obeys the workflow's rules (its e-mails off: notify=False, as for the plans); the review is then
dated back to June (staged history, as the plans' transitions and the protocols' signing are).
A year that already has its analysis is left alone: a second run writes nothing.
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import models
from django.utils import timezone

from associations.files.models import StoredFile
from associations.files.services import file_store
from associations.models import AcademicYear, Appointment, Association, District, Person
from reports.analysis import services
from reports.analysis.figures import figures_for
from reports.analysis.models import Analysis, AnalysisDeadline, AnalysisTransition
from rmo_portal.demo.organisation import SCHOOLS, DemoPart

DEADLINE = (6, 10)  # «до 10 июня»


@dataclass(frozen=True)
class Narrative:
    goals_assessment: str
    achievements: str
    problems: str
    next_year_tasks: str


@dataclass(frozen=True)
class AnalysisSpec:
    school: str  # a school's short name; "" for the РМО
    writer: str
    reviewer: str
    last_year: Narrative
    this_year: Narrative  # a draft: some sections still empty
    submitted: tuple[int, int]  # (day of June, hour) of last year's submission
    accepted: tuple[int, int]


SCHOOL1, SCHOOL2 = SCHOOLS[0].short_name, SCHOOLS[1].short_name

SPECS: tuple[AnalysisSpec, ...] = (
    AnalysisSpec(
        school=SCHOOL1, writer="rukovoditel1", reviewer="zavuch1", submitted=(4, 15), accepted=(8, 11),
        last_year=Narrative(
            goals_assessment=(
                "Методическая тема МО «Формирование гражданской идентичности обучающихся через "
                "систему классных часов и внеурочной деятельности» реализована в полном объёме. "
                "Поставленные задачи в основном решены: освоены новые формы классных часов "
                "(«Разговоры о важном», КТД, проекты), проведены все запланированные заседания, "
                "организована работа по самообразованию каждого классного руководителя. Не в полной "
                "мере решена задача вовлечения родителей в совместные мероприятия."
            ),
            achievements=(
                "Соколова М.А. — призёр муниципального этапа конкурса «Самый классный классный». "
                "Проведены открытые классные часы в 6 «Б» и 9 «А», опыт обобщён на заседании РМО. "
                "Все классные руководители прошли курсы повышения квалификации за последние три года. "
                "Уровень воспитанности обучающихся вырос в большинстве классов."
            ),
            problems=(
                "Низкая активность родителей в общешкольных мероприятиях; недостаточное число "
                "открытых мероприятий у молодых классных руководителей; не все решения заседаний "
                "выполнены в срок."
            ),
            next_year_tasks=(
                "Продолжить работу по методической теме МО.\n"
                "Провести не менее четырёх открытых классных часов в учебном году.\n"
                "Организовать наставничество для молодых классных руководителей.\n"
                "Разработать цикл родительских собраний в форме круглого стола.\n"
                "Обеспечить своевременное выполнение решений заседаний МО."
            ),
        ),
        this_year=Narrative(
            goals_assessment=(
                "За первое полугодие проведены заседания МО по плану, открытые классные часы "
                "в 5 «А» и 6 «Б». Наставничество для молодых классных руководителей организовано."
            ),
            achievements="Соколова М.А. готовит материалы к муниципальному этапу конкурса «Самый классный классный».",
            problems="",
            next_year_tasks="",
        ),
    ),
    AnalysisSpec(
        school=SCHOOL2, writer="rukovoditel2", reviewer="zavuch2", submitted=(5, 14), accepted=(9, 10),
        last_year=Narrative(
            goals_assessment=(
                "Цель работы МО — повышение профессиональной компетентности классных руководителей "
                "в организации воспитательной работы — в основном достигнута. Из пяти задач полностью "
                "решены четыре; задача по внедрению мониторинга уровня воспитанности в начальной "
                "школе перенесена на следующий учебный год."
            ),
            achievements=(
                "Проведён школьный этап конкурса «Самый классный классный», два открытых "
                "внеклассных мероприятия, декада гражданско-патриотического воспитания. "
                "Опыт проведения КТД представлен на заседании РМО."
            ),
            problems=(
                "Недостаточное участие в конкурсах профессионального мастерства; не все классные "
                "руководители прошли курсы по программе «Разговоры о важном»."
            ),
            next_year_tasks=(
                "Провести мониторинг уровня воспитанности во всех классах в сентябре и мае.\n"
                "Направить не менее двух классных руководителей на курсы повышения квалификации.\n"
                "Принять участие в муниципальном этапе конкурса «Самый классный классный»."
            ),
        ),
        this_year=Narrative(
            goals_assessment="Мониторинг уровня воспитанности в сентябре проведён во всех классах.",
            achievements="",
            problems="",
            next_year_tasks="",
        ),
    ),
    AnalysisSpec(
        school="", writer="metodist", reviewer="nachalnik", submitted=(15, 16), accepted=(19, 12),
        last_year=Narrative(
            goals_assessment=(
                "Работа РМО классных руководителей по теме «Современные формы и технологии "
                "воспитательной работы классного руководителя» организована в соответствии с планом. "
                "Все заседания РМО проведены, задачи года в основном решены; методическую помощь "
                "получили классные руководители всех школ района."
            ),
            achievements=(
                "Проведён муниципальный этап конкурса «Самый классный классный»; обобщён опыт "
                "классных руководителей МБОУ «Заречная СОШ № 1» и МБОУ «СОШ № 2 им. А.С. Пушкина»; "
                "анализы работы школьных МО сданы и приняты."
            ),
            problems=(
                "Не все школы сдали анализ работы МО в срок; мониторинг уровня воспитанности "
                "проводится не во всех школах района."
            ),
            next_year_tasks=(
                "Ввести мониторинг уровня воспитанности во всех школах района.\n"
                "Провести семинар для руководителей школьных МО по анализу работы за год.\n"
                "Пополнить банк данных воспитательных мероприятий материалами каждой школы."
            ),
        ),
        this_year=Narrative(
            goals_assessment="В первом полугодии проведены два заседания РМО; школы приступили к мониторингу.",
            achievements="",
            problems="",
            next_year_tasks="",
        ),
    ),
)


def staged_narrative(school: str) -> Narrative:
    """Last year's analysis of a school whose head has no demo login: the usual sections."""
    return Narrative(
        goals_assessment=(
            f"Задачи МО классных руководителей {school} на учебный год в основном решены: заседания "
            "проведены по плану, классные руководители прошли курсы повышения квалификации, начат "
            "мониторинг уровня воспитанности."
        ),
        achievements="Проведены открытые классные часы и декада гражданско-патриотического воспитания.",
        problems="Мало открытых мероприятий у молодых классных руководителей; слабая связь с родителями.",
        next_year_tasks=(
            "Провести мониторинг уровня воспитанности в сентябре и мае.\n"
            "Провести не менее двух открытых мероприятий в учебном году.\n"
            "Представить опыт работы МО на заседании РМО."
        ),
    )


class AnalysisBuilder:
    def __init__(self, *, district: District, year: AcademicYear):
        self.district = district
        self.year = year
        self.previous = AcademicYear.objects.get(start_year=year.start_year - 1)
        self.now = timezone.now()
        self.written = 0
        users = get_user_model().objects.filter(username__in={s.writer for s in SPECS} | {s.reviewer for s in SPECS})
        self.users = {user.username: user for user in users}

    def association(self, spec: AnalysisSpec) -> Association:
        if not spec.school:
            return Association.objects.get(district=self.district, kind=Association.Kind.DISTRICT)
        return self.school_mo(spec.school)

    def school_mo(self, short_name: str) -> Association:
        return Association.objects.get(school__district=self.district, school__short_name=short_name,
                                       kind=Association.Kind.SCHOOL)

    def moment(self, day: int, hour: int) -> datetime.datetime:
        """That day of June at the end of the previous academic year, never later than now."""
        aware = timezone.make_aware(datetime.datetime(self.year.start_year, 6, day, hour))
        return min(aware, self.now)

    def build(self) -> DemoPart:
        for year in (self.previous, self.year):
            _deadline, created = AnalysisDeadline.objects.get_or_create(
                district=self.district, academic_year=year,
                defaults={
                    "due_on": datetime.date(year.start_year + 1, *DEADLINE), "set_by": self.users.get("metodist"),
                },
            )
            self.written += created
        # The schools first: the РМО's roll-up, frozen at its submission, adds up their accepted analyses.
        with_logins = {spec.school for spec in SPECS if spec.school}
        for school in SCHOOLS:
            if school.short_name not in with_logins:
                self.staged(self.school_mo(school.short_name), school.short_name)
        for spec in SPECS:
            association = self.association(spec)
            self.accepted(spec, association)
            self.draft(spec, association)
        return self.result()

    def staged(self, association: Association, school: str) -> None:
        """Last year's accepted analysis of a school МО whose head and deputy have no login, as
        staged history: written, submitted and accepted in the rows the services would leave (the
        figures frozen from the records, the PDF rendered and stored as issued with its SHA-256),
        the steps named after the school's head and deputy."""
        if Analysis.objects.filter(association=association, academic_year=self.previous).exists():
            return
        narrative = staged_narrative(school)
        analysis = Analysis.objects.create(
            association=association, academic_year=self.previous,
            **{name: getattr(narrative, name) for name in Analysis.NARRATIVE_FIELDS},
        )
        submitted_at, accepted_at = self.moment(8, 14), self.moment(11, 11)
        analysis.figures = figures_for(association, self.previous).to_data()
        analysis.status, analysis.submitted_at, analysis.version = Analysis.Status.SUBMITTED, submitted_at, 2
        analysis.save()
        analysis.status, analysis.accepted_at, analysis.version = Analysis.Status.ACCEPTED, accepted_at, 3
        pdf = services.analysis_pdf(analysis)
        stored = file_store(upload=ContentFile(pdf, name=analysis.file_name()), user=None,
                            allowed={StoredFile.Type.PDF})
        analysis.pdf, analysis.pdf_sha256 = stored, hashlib.sha256(pdf).hexdigest()
        analysis.save()
        # The head then, or (the demo's orders date from this August) the head now.
        head = self.person(association, Appointment.Role.HEAD, submitted_at) or self.person(
            association, Appointment.Role.HEAD, self.now
        )
        deputy = Person.objects.filter(
            school_id=association.school_id, position=Person.Position.DEPUTY_DIRECTOR
        ).order_by("pk").first()
        AnalysisTransition.objects.bulk_create([
            AnalysisTransition(analysis=analysis, from_status="draft", to_status="submitted", at=submitted_at,
                               by_name=head.short_name if head else ""),
            AnalysisTransition(analysis=analysis, from_status="submitted", to_status="accepted", at=accepted_at,
                               by_name=deputy.short_name if deputy else ""),
        ])
        self.written += 4

    @staticmethod
    def person(association: Association, role: str, at: datetime.datetime) -> Person | None:
        appointment = (
            Appointment.objects.in_office(timezone.localdate(at)).filter(association=association, role=role)
            .select_related("person").order_by("-starts_on").first()
        )
        return appointment.person if appointment else None

    def write(self, spec: AnalysisSpec, association: Association, year: AcademicYear, narrative: Narrative):
        writer = self.users[spec.writer]
        analysis = services.analysis_for(association=association, year=year, user=writer)
        return services.analysis_save(
            analysis=analysis, user=writer, version=analysis.version,
            **{name: getattr(narrative, name) for name in Analysis.NARRATIVE_FIELDS},
        )

    def accepted(self, spec: AnalysisSpec, association: Association) -> None:
        if Analysis.objects.filter(association=association, academic_year=self.previous).exists():
            return
        analysis = self.write(spec, association, self.previous, spec.last_year)
        analysis = services.analysis_submit(analysis=analysis, user=self.users[spec.writer], notify=False)
        submitted_at, accepted_at = self.moment(*spec.submitted), self.moment(*spec.accepted)

        def render(locked: Analysis) -> bytes:
            # The PDF prints the day of acceptance: the staged one, saved with the row.
            locked.accepted_at = accepted_at
            return services.analysis_pdf(locked)

        analysis = services.analysis_accept(
            analysis=analysis, user=self.users[spec.reviewer], render=render, notify=False
        )
        # The steps' own times follow the staged days (the analysis itself refuses every change of
        # an accepted row through its queryset; this is the demo's staged history, not an edit).
        models.QuerySet.update(
            Analysis.objects.filter(pk=analysis.pk), submitted_at=submitted_at, updated_at=accepted_at
        )
        for transition in AnalysisTransition.objects.filter(analysis=analysis):
            transition.at = submitted_at if transition.to_status == Analysis.Status.SUBMITTED else accepted_at
            transition.save(update_fields=["at"])
        self.written += 4

    def draft(self, spec: AnalysisSpec, association: Association) -> None:
        if Analysis.objects.filter(association=association, academic_year=self.year).exists():
            return
        self.write(spec, association, self.year, spec.this_year)
        self.written += 1

    def result(self) -> DemoPart:
        analyses = Analysis.objects.filter(association__district=self.district)
        accepted = analyses.filter(academic_year=self.previous, status=Analysis.Status.ACCEPTED).count()
        drafts = analyses.filter(academic_year=self.year, status=Analysis.Status.DRAFT).count()
        return DemoPart(
            written=self.written,
            summary=(
                f"Анализ работы за год: за {self.previous} принято — {accepted} (все школы и РМО), "
                f"за {self.year} черновиков — {drafts}; срок сдачи — 10 июня."
            ),
        )


def extend_demo(*, district: District, year: AcademicYear) -> DemoPart:
    """The annual analyses of the demo district: what `rmo_portal.demo.load_demo` calls, in its
    transaction, after the monitoring."""
    return AnalysisBuilder(district=district, year=year).build()
