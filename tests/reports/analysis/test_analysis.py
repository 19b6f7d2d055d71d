"""The annual analysis as a record (`reports.analysis.models`, `reports.analysis.services`): the
review moves only along its transitions, each recorded; the figures are frozen at submission; a
submitted or accepted analysis changes by no path that saves a model; the accepted PDF is stored
as issued with its SHA-256; the optimistic lock; who sees, writes and reviews."""

from __future__ import annotations

import hashlib

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage

from associations import access
from associations.models import AcademicYear
from reports.analysis import services
from reports.analysis.figures import YearFigures
from reports.analysis.models import Analysis, AnalysisFrozenError, AnalysisTransition
from tests import factories as f
from tests.helpers import flat, pdf_text, stored

Status = Analysis.Status
NARRATIVE = {
    "goals_assessment": "Цель «Профессиональный рост классного руководителя» достигнута: задачи решены.",
    "achievements": "Победитель муниципального этапа конкурса «Самый классный классный».",
    "problems": "Классные часы посещаются родителями редко.",
    "next_year_tasks": "1. Обобщить опыт работы с родителями\n- Провести три открытых классных часа",
}


def tiny_pdf(analysis: Analysis) -> bytes:
    """A renderer for the tests that do not read the document (WeasyPrint takes a second)."""
    return f.TINY_PDF


def _draft(world, **narrative) -> Analysis:
    analysis = services.analysis_for(association=world.mo, year=world.year, user=world.head)
    return services.analysis_save(
        analysis=analysis, user=world.head, version=analysis.version, **(narrative or NARRATIVE)
    )


def _submitted(world) -> Analysis:
    return services.analysis_submit(analysis=_draft(world), user=world.head)


def _returned(world) -> Analysis:
    return services.analysis_return(analysis=_submitted(world), user=world.deputy, comment="Дополните проблемы.")


def _accepted(world) -> Analysis:
    return services.analysis_accept(analysis=_submitted(world), user=world.deputy, render=tiny_pdf)


def _state(analysis: Analysis) -> tuple:
    """Everything a refusal must leave as it was: the row, its transitions, the stored files."""
    row = Analysis.objects.filter(pk=analysis.pk).values().get()
    return row, AnalysisTransition.objects.filter(analysis_id=analysis.pk).count(), stored()


# --- the workflow ----------------------------------------------------------------------------------


def test_the_draft_is_created_once_by_the_head(world):
    first = services.analysis_for(association=world.mo, year=world.year, user=world.head)
    again = services.analysis_for(association=world.mo, year=world.year, user=world.head)
    assert first.pk == again.pk and first.status == Status.DRAFT and first.figures is None
    assert Analysis.objects.filter(association=world.mo, academic_year=world.year).count() == 1
    # The deputy reads it; a class teacher neither reads nor creates one.
    assert services.analysis_for(association=world.mo, year=world.year, user=world.deputy).pk == first.pk
    with pytest.raises(PermissionDenied):
        services.analysis_for(association=world.mo, year=world.year, user=world.teacher)
    with pytest.raises(PermissionDenied):
        services.analysis_for(association=world.other_mo, year=world.year, user=world.teacher)
    assert not Analysis.objects.filter(association=world.other_mo).exists()


def test_draft_submitted_returned_submitted_accepted_each_recorded(world):
    analysis = _draft(world)
    analysis = services.analysis_submit(analysis=analysis, user=world.head)
    assert analysis.status == Status.SUBMITTED and analysis.submitted_by == world.head
    analysis = services.analysis_return(analysis=analysis, user=world.deputy, comment="  Дополните проблемы. ")
    assert analysis.status == Status.RETURNED and analysis.return_comment == "Дополните проблемы."
    # Returned, it is editable again.
    analysis = services.analysis_save(analysis=analysis, user=world.head, version=analysis.version,
                                      problems="Родители приходят редко; нет помещения для встреч.")
    analysis = services.analysis_submit(analysis=analysis, user=world.head)
    analysis = services.analysis_accept(analysis=analysis, user=world.deputy, render=tiny_pdf)
    assert analysis.status == Status.ACCEPTED and analysis.accepted_by == world.deputy
    steps = list(analysis.transitions.values_list("from_status", "to_status", "by", "by_name", "comment"))
    assert steps == [
        ("draft", "submitted", world.head.pk, "Волкова А.П.", ""),
        ("submitted", "returned", world.deputy.pk, "Петрова Е.П.", "Дополните проблемы."),
        ("returned", "submitted", world.head.pk, "Волкова А.П.", ""),
        ("submitted", "accepted", world.deputy.pk, "Петрова Е.П.", ""),
    ]


REFUSED = [
    (Status.DRAFT, "accept"), (Status.DRAFT, "return"),
    (Status.SUBMITTED, "submit"),
    (Status.RETURNED, "accept"), (Status.RETURNED, "return"),
    (Status.ACCEPTED, "submit"), (Status.ACCEPTED, "accept"), (Status.ACCEPTED, "return"),
]


def _act(action: str, analysis: Analysis, world):
    if action == "submit":
        return services.analysis_submit(analysis=analysis, user=world.head)
    if action == "accept":
        return services.analysis_accept(analysis=analysis, user=world.deputy, render=tiny_pdf)
    return services.analysis_return(analysis=analysis, user=world.deputy, comment="Доработать")


@pytest.mark.parametrize(("status", "action"), REFUSED)
def test_only_the_allowed_transitions_and_a_refused_one_changes_nothing(world, status, action):
    analysis = {Status.DRAFT: _draft, Status.SUBMITTED: _submitted, Status.RETURNED: _returned,
                Status.ACCEPTED: _accepted}[status](world)
    before = _state(analysis)
    with pytest.raises(ValidationError, match="нельзя перевести в состояние"):
        _act(action, analysis, world)
    assert _state(analysis) == before


def test_a_return_needs_a_comment_and_a_submission_every_section(world):
    analysis = _submitted(world)
    before = _state(analysis)
    with pytest.raises(ValidationError) as refused:
        services.analysis_return(analysis=analysis, user=world.deputy, comment="   ")
    assert "comment" in refused.value.message_dict
    assert _state(analysis) == before

    draft = services.analysis_for(association=world.rmo, year=world.year, user=world.methodologist)
    draft = services.analysis_save(analysis=draft, user=world.methodologist, version=draft.version,
                                   achievements="Семинары проведены.")
    before = _state(draft)
    with pytest.raises(ValidationError, match="не заполнено — насколько решены цель и задачи, проблемы"):
        services.analysis_submit(analysis=draft, user=world.methodologist)
    assert _state(draft) == before


# --- the frozen figures ------------------------------------------------------------------------------


def test_after_submission_a_changed_record_does_not_change_the_figures(world):
    f.ConsultationFactory(association=world.mo, consultant=world.head_person, consulted=[world.teacher_person])
    analysis = _submitted(world)
    frozen = Analysis.objects.get(pk=analysis.pk).figures
    assert YearFigures.from_data(frozen).consultations.count == 1
    assert YearFigures.from_data(frozen).association_name == world.mo.name
    assert not services.figures_changed(analysis)

    f.ConsultationFactory(association=world.mo, consultant=world.head_person, consulted=[world.teacher_person])
    analysis = Analysis.objects.get(pk=analysis.pk)
    assert analysis.figures == frozen
    assert services.year_figures(analysis).consultations.count == 1
    assert services.figures_changed(analysis)

    # Accepted, it keeps them; the PDF prints them.
    analysis = services.analysis_accept(analysis=analysis, user=world.deputy, render=tiny_pdf)
    assert Analysis.objects.get(pk=analysis.pk).figures == frozen
    assert services.analysis_pdf_context(analysis)["figures"].consultations.count == 1


def test_a_draft_has_no_frozen_figures_and_a_resubmission_freezes_them_anew(world):
    draft = _draft(world)
    assert draft.figures is None and not services.figures_changed(draft)
    analysis = services.analysis_return(
        analysis=services.analysis_submit(analysis=draft, user=world.head), user=world.deputy, comment="Ещё раз"
    )
    f.ConsultationFactory(association=world.mo, consultant=world.head_person, consulted=[world.teacher_person])
    assert services.figures_changed(analysis)
    analysis = services.analysis_submit(analysis=analysis, user=world.head)
    assert YearFigures.from_data(analysis.figures).consultations.count == 1
    assert not services.figures_changed(analysis)


# --- nothing changes a submitted or accepted analysis --------------------------------------------------


@pytest.mark.parametrize("make", [_submitted, _accepted], ids=["submitted", "accepted"])
def test_no_path_that_saves_a_model_changes_it(world, make):
    analysis = make(world)
    before = _state(analysis)
    frozen = Analysis.objects.filter(pk=analysis.pk)

    analysis.problems = "Переписано задним числом"
    with pytest.raises(AnalysisFrozenError):
        analysis.save()
    with pytest.raises(AnalysisFrozenError):
        frozen.update(problems="Переписано задним числом")
    with pytest.raises(AnalysisFrozenError):
        Analysis.objects.bulk_update([analysis], ["problems"])
    with pytest.raises(AnalysisFrozenError):
        frozen.delete()
    with pytest.raises(AnalysisFrozenError):
        Analysis.objects.get(pk=analysis.pk).delete()
    # A queryset that also holds a draft is refused whole.
    draft = f.analysis_of(world.other_mo)
    with pytest.raises(AnalysisFrozenError):
        Analysis.objects.filter(pk__in=[analysis.pk, draft.pk]).update(achievements="")
    # Even unchanged, it is not saved again (nor its «изменён» moved on).
    with pytest.raises(AnalysisFrozenError):
        Analysis.objects.get(pk=analysis.pk).save()
    with pytest.raises(ValidationError, match="нельзя изменять"):
        services.analysis_save(analysis=analysis, user=world.head, version=analysis.version, problems="Другое")
    assert _state(analysis) == before
    assert Analysis.objects.get(pk=draft.pk).achievements  # the draft too


def test_a_review_keeps_everything_the_analysis_was_submitted_with(world):
    """The one change a submitted row takes is its review: one that also rewrites what was
    submitted is refused by the model itself, and an accepted row takes none."""
    analysis = _submitted(world)
    before = _state(analysis)
    sneaky = Analysis.objects.get(pk=analysis.pk)
    sneaky.status, sneaky.returned_at, sneaky.return_comment = Status.RETURNED, sneaky.submitted_at, "x"
    sneaky.achievements = "Другие достижения"
    with pytest.raises(AnalysisFrozenError):
        sneaky.save()
    sneaky = Analysis.objects.get(pk=analysis.pk)
    sneaky.status, sneaky.figures = Status.RETURNED, {"schema": 1}
    with pytest.raises(AnalysisFrozenError):
        sneaky.save()
    assert _state(analysis) == before

    accepted = services.analysis_accept(analysis=analysis, user=world.deputy, render=tiny_pdf)
    back = Analysis.objects.get(pk=accepted.pk)
    back.status, back.returned_at, back.return_comment = Status.RETURNED, back.accepted_at, "Верните"
    with pytest.raises(AnalysisFrozenError):
        back.save()


def test_a_draft_or_returned_analysis_changes_and_goes(world):
    returned = _returned(world)
    Analysis.objects.filter(pk=returned.pk).update(problems="Исправлено")
    assert Analysis.objects.get(pk=returned.pk).problems == "Исправлено"
    draft = f.analysis_of(world.other_mo)
    draft.delete()
    assert not Analysis.objects.filter(pk=draft.pk).exists()


# --- the accepted PDF ---------------------------------------------------------------------------------


def test_the_accepted_pdf_is_stored_as_issued_with_its_sha256(world):
    analysis = _submitted(world)
    files_before = stored()
    analysis = services.analysis_accept(analysis=analysis, user=world.deputy)
    analysis = Analysis.objects.select_related("pdf").get(pk=analysis.pk)
    with default_storage.open(analysis.pdf.storage_name, "rb") as handle:
        content = handle.read()
    assert content.startswith(b"%PDF")
    assert hashlib.sha256(content).hexdigest() == analysis.pdf_sha256 == analysis.pdf.sha256
    assert analysis.pdf.type == "pdf" and analysis.pdf.original_name == analysis.file_name()
    assert stored() == (files_before[0] + 1, files_before[1] + 1)
    text = pdf_text(content)
    for expected in (world.mo.name, NARRATIVE["achievements"], NARRATIVE["problems"],
                     "Обобщитьопытработысродителями", str(world.year), "Принят"):
        assert flat(expected) in text, expected


def test_a_failed_acceptance_stores_nothing(world):
    analysis = _submitted(world)
    before = _state(analysis)

    def broken(analysis):
        return b"not a pdf at all"

    with pytest.raises(ValidationError):
        services.analysis_accept(analysis=analysis, user=world.deputy, render=broken)
    assert _state(analysis) == before


# --- the optimistic lock ----------------------------------------------------------------------------


def test_a_stale_save_is_refused_and_says_what_changed(world):
    analysis = services.analysis_for(association=world.mo, year=world.year, user=world.head)
    opened = analysis.version
    saved = services.analysis_save(analysis=analysis, user=world.head, version=opened, achievements="Первая правка")
    assert saved.version == opened + 1
    before = _state(analysis)
    with pytest.raises(services.AnalysisConflict) as conflict:
        services.analysis_save(analysis=analysis, user=world.head, version=opened, achievements="Вторая правка")
    assert conflict.value.obj.version == saved.version
    assert any("Первая правка" in change for change in conflict.value.changes)
    assert _state(analysis) == before
    again = services.analysis_save(analysis=analysis, user=world.head, version=saved.version,
                                   achievements="Вторая правка")
    assert again.achievements == "Вторая правка"


def test_the_narrative_keeps_its_limits(world):
    analysis = services.analysis_for(association=world.mo, year=world.year, user=world.head)
    with pytest.raises(ValidationError) as refused:
        services.analysis_save(analysis=analysis, user=world.head, version=analysis.version, problems="я" * 5001)
    assert "problems" in refused.value.message_dict
    with pytest.raises(TypeError):
        services.analysis_save(analysis=analysis, user=world.head, version=analysis.version, status="accepted")


# --- who -------------------------------------------------------------------------------------------


def test_who_writes_and_reviews_a_school_mo_analysis(world):
    analysis = services.analysis_for(association=world.mo, year=world.year, user=world.head)
    before = _state(analysis)
    for user in (world.deputy, world.teacher, world.methodologist, world.other_deputy):
        with pytest.raises(PermissionDenied):
            services.analysis_save(analysis=analysis, user=user, version=analysis.version, problems="Чужая правка")
        with pytest.raises(PermissionDenied):
            services.analysis_submit(analysis=analysis, user=user)
    assert _state(analysis) == before

    analysis = services.analysis_submit(
        analysis=services.analysis_save(analysis=analysis, user=world.head, version=analysis.version, **NARRATIVE),
        user=world.head,
    )
    before = _state(analysis)
    # Nobody reviews their own: the head; nor the methodologist, a teacher, another school's deputy.
    for user in (world.head, world.teacher, world.methodologist, world.other_deputy):
        with pytest.raises(PermissionDenied):
            services.analysis_accept(analysis=analysis, user=user, render=tiny_pdf)
        with pytest.raises(PermissionDenied):
            services.analysis_return(analysis=analysis, user=user, comment="Нет")
    assert _state(analysis) == before
    assert services.analysis_accept(analysis=analysis, user=world.deputy, render=tiny_pdf).status == Status.ACCEPTED


def test_the_rmo_analysis_is_written_by_the_methodologist_and_reviewed_by_the_district_official(world):
    official = f.district_official(world.district).person.user
    analysis = services.analysis_for(association=world.rmo, year=world.year, user=world.methodologist)
    analysis = services.analysis_save(analysis=analysis, user=world.methodologist, version=analysis.version,
                                      **NARRATIVE)
    for user in (world.head, world.deputy, official):
        with pytest.raises(PermissionDenied):
            services.analysis_submit(analysis=analysis, user=user)
    analysis = services.analysis_submit(analysis=analysis, user=world.methodologist)
    for user in (world.methodologist, world.deputy, world.head):
        with pytest.raises(PermissionDenied):
            services.analysis_accept(analysis=analysis, user=user, render=tiny_pdf)
    assert services.analysis_return(analysis=analysis, user=official, comment="Добавьте итоги семинаров").status == (
        Status.RETURNED
    )


def test_who_sees_an_analysis(world):
    official = f.district_official(world.district).person.user
    school = f.analysis_of(world.mo)
    rmo = f.analysis_of(world.rmo)
    users = {
        "head": world.head, "deputy": world.deputy, "methodologist": world.methodologist, "teacher": world.teacher,
        "other_deputy": world.other_deputy, "other_district_methodologist": world.other_district_methodologist,
        "official": official, "outsider": world.outsider,
    }

    def readers(analysis):
        analysis = Analysis.objects.select_related("association").get(pk=analysis.pk)
        return {name for name, user in users.items() if access.allows(user, "analysis", analysis)}

    assert readers(school) == {"head", "deputy", "methodologist"}
    assert readers(rmo) == {"methodologist", "official"}


# --- last year's tasks --------------------------------------------------------------------------------


def test_last_years_tasks_are_those_of_the_previous_years_submitted_analysis(world):
    this_year = _draft(world)
    assert services.last_year_tasks(this_year) == []
    previous = AcademicYear.objects.get(start_year=world.year.start_year - 1)
    f.analysis_of(world.mo, previous, status="accepted", next_year_tasks="1) Провести декаду\n\n• Обобщить опыт")
    f.analysis_of(world.other_mo, previous, status="accepted", next_year_tasks="Чужая задача")
    assert services.last_year_tasks(this_year) == ["Провести декаду", "Обобщить опыт"]
    # A draft of the year before says nothing yet.
    earlier = AcademicYear.objects.get(start_year=world.year.start_year - 2)
    f.analysis_of(world.rmo, earlier, next_year_tasks="Черновик")
    assert services.last_year_tasks(f.analysis_of(world.rmo, previous)) == []
