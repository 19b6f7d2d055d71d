"""The monitoring's methods in the admin (reports.monitoring.admin), as the superuser uses it: a
method in use is read-only by every path (its change page, its parts, its qualities' pages, the
history's «revert», deletion) but for «действующая версия» and the note; «Создать новую версию»
makes the copy current and opens it; a band changed in the admin moves a pupil's level on the
class teacher's grid; bands with a gap, or not covering the scale, are refused with a Russian
message above the bands and nothing is saved."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.forms import modelform_factory
from django.urls import reverse

from associations.models import ClassAssignment
from reports.monitoring import services
from reports.monitoring.admin import EDITABLE_IN_USE, MethodAdminForm
from reports.monitoring.models import Indicator, Method
from reports.monitoring.scoring import PupilGrades, method_data, score_class
from tests import factories as f
from tests.helpers import form_data, login, messages_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def six_b(world):
    return ClassAssignment.objects.get(teacher=world.teacher_person, grade=6, letter="Б")


@pytest.fixture
def used(six_b) -> Method:
    """The 5–11 method, in use: the September monitoring of 6 «Б» saved results by it."""
    method = f.class_monitoring(six_b, period="september").method
    assert method.in_use()
    return method


@pytest.fixture
def admin_client(world):
    return login(world.admin)


def _change_url(method) -> str:
    return reverse("admin:reports_method_change", args=[method.pk])


def _parts(method) -> tuple:
    """Everything of a method that results depend on, as stored."""
    method = Method.objects.get(pk=method.pk)
    return (
        tuple(getattr(method, name) for name in Method.FROZEN_FIELDS),
        method.author,
        tuple(method.raters.values_list("pk", "rater", "position")),
        tuple(method.qualities.values_list("pk", "position", "name", "short_name")),
        tuple(Indicator.objects.filter(quality__method=method).order_by("pk").values_list("pk", "position", "text")),
        tuple(method.scale.values_list("pk", "value", "label")),
        tuple(method.bands.values_list("pk", "name", "lower", "upper")),
    )


def _band_index(body: dict, name: str) -> int:
    """The row of the band `name` in the posted bands formset."""
    for key, value in body.items():
        match = re.fullmatch(r"bands-(\d+)-name", key)
        if match and value == name:
            return int(match.group(1))
    raise AssertionError(f"no band {name!r} in {sorted(body)}")


def _new_version(client, method) -> Method:
    """«Создать новую версию» of the changelist, as the admin posts it."""
    response = client.post(reverse("admin:reports_method_changelist"), {
        "action": "make_new_version", "_selected_action": [str(method.pk)], "select_across": "0", "index": "0",
    })
    new = Method.objects.get(name=method.name, version=method.version + 1)
    assert response.status_code == 302 and response["Location"] == _change_url(new)
    return new


def _pupil(method, *, number=1, threes=4) -> PupilGrades:
    """A pupil graded the same by every rater: 3 on the last `threes` qualities, 4 on the others
    (of 10 qualities, four 3s make a mean of 3,6)."""
    data = method_data(method)
    count = len(data.qualities)
    return PupilGrades(number=number, initials="", grades={
        (quality.id, rater): 3 if index >= count - threes else 4
        for index, quality in enumerate(data.qualities) for rater in data.raters
    })


def _levels(page) -> list[str]:
    return re.findall(r'data-testid="pupil-level">([^<]*)<', page.content.decode())


# --- a method in use -------------------------------------------------------------------------------


def test_a_method_in_use_shows_no_input_of_what_results_depend_on(used, admin_client):
    page = admin_client.get(_change_url(used))
    assert page.status_code == 200
    html = page.content.decode()
    for name in ("name", "author", "version", "grade_from", "grade_to", "level_rule", "decimals"):
        assert f'name="{name}"' not in html, name
    for editable in ("raters-0-rater", "qualities-0-name", "scale-0-label", "bands-0-lower", "bands-0-DELETE",
                     "bands-__prefix__-name"):
        assert f'name="{editable}"' not in html, editable
    assert 'name="is_current"' in html and 'name="note"' in html  # what no result depends on
    assert "По этой версии сохранены результаты (1 мониторинг класса)" in html
    assert reverse("reports:monitoring_method", args=[used.pk]) in html  # its questionnaire
    assert f'action="{reverse("admin:reports_method_new_version", args=[used.pk])}"' in html


def test_a_post_to_a_method_in_use_changes_only_its_current_mark_and_note(used, admin_client):
    before = _parts(used)
    body = form_data(admin_client.get(_change_url(used)), "method_form")
    body.pop("is_current")  # unticked: retired
    body.update({
        "note": "Версия прошлого года.", "name": "Подменённая методика", "version": "7", "grade_to": "9",
        "decimals": "2", "bands-1-name": "хороший", "bands-1-lower": "3.5", "bands-1-upper": "4.5",
        "qualities-0-name": "Подмена", "scale-0-label": "иногда",
        "raters-0-DELETE": "on", "bands-0-DELETE": "on",
        # A band added to the posted formset.
        "bands-TOTAL_FORMS": str(int(body["bands-TOTAL_FORMS"]) + 1),
        "bands-4-name": "лишний", "bands-4-lower": "0", "bands-4-upper": "1",
    })
    response = admin_client.post(_change_url(used), body)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert _parts(used) == before
    used.refresh_from_db()
    assert (used.is_current, used.note) == (False, "Версия прошлого года.")


def test_a_method_in_use_is_not_deleted(used, admin_client):
    url = reverse("admin:reports_method_delete", args=[used.pk])
    assert admin_client.get(url).status_code == 403
    assert admin_client.post(url, {"post": "yes"}).status_code == 403
    # The changelist's bulk deletion: the admin's «cannot delete» page (its monitorings protect it).
    response = admin_client.post(reverse("admin:reports_method_changelist"), {
        "action": "delete_selected", "_selected_action": [str(used.pk)], "post": "yes",
    })
    assert response.status_code == 200
    assert Method.objects.filter(pk=used.pk).exists()
    assert _parts(used) == _parts(Method.objects.get(pk=used.pk))


def test_the_quality_page_of_a_method_in_use_is_read_only(used, admin_client):
    quality = used.qualities.first()
    before = _parts(used)
    url = reverse("admin:reports_quality_change", args=[quality.pk])
    page = admin_client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert quality.indicators.first().text in html
    assert 'name="indicators-0-text"' not in html and 'name="name"' not in html
    response = admin_client.post(url, {
        "name": "Подмена", "short_name": "П", "position": "1", "indicators-TOTAL_FORMS": "1",
        "indicators-INITIAL_FORMS": "0", "indicators-0-text": "Новый показатель", "indicators-0-position": "9",
    })
    assert response.status_code == 403
    assert admin_client.post(reverse("admin:reports_quality_delete", args=[quality.pk]), {"post": "yes"}).status_code \
        == 403
    assert _parts(used) == before


def test_the_history_revert_of_a_method_in_use_is_refused(six_b, world, admin_client):
    method = services.current_method(6)
    method.note = "Первая редакция примечания."
    method.save()  # a version in its history (before results use it)
    version_id = method.history.order_by("-history_date").first().history_id
    Method.objects.filter(pk=method.pk).update(decimals=2)  # as if the history's version were older
    f.class_monitoring(six_b, period="september")
    url = reverse("admin:reports_method_simple_history", args=[method.pk, version_id])
    assert admin_client.get(url).status_code == 200
    before = _parts(method)
    assert admin_client.post(url, {"is_current": "on", "note": "Откат."}).status_code == 403
    assert _parts(method) == before


def test_the_form_refuses_a_change_of_a_method_in_use_whatever_the_path(used):
    """The form the change page and the history's «revert» save through: a field it is not shown
    keeps the instance's value, which is checked against the stored one too."""
    form_class = modelform_factory(Method, form=MethodAdminForm, fields=EDITABLE_IN_USE)  # as the admin shows it
    data = {"is_current": "on", "note": ""}
    assert form_class(data, instance=Method.objects.get(pk=used.pk)).is_valid()
    reverted = Method.objects.get(pk=used.pk)
    reverted.decimals = 2  # as a history page's old version would carry it
    form = form_class(data, instance=reverted)
    assert not form.is_valid()
    assert "уже сохранены результаты" in " ".join(form.non_field_errors())


# --- a new version ----------------------------------------------------------------------------------


def test_the_action_makes_version_2_current_and_opens_it(used, admin_client):
    response = admin_client.post(reverse("admin:reports_method_changelist"), {
        "action": "make_new_version", "_selected_action": [str(used.pk)], "select_across": "0", "index": "0",
    }, follow=True)
    new = Method.objects.get(name=used.name, version=2)
    assert response.redirect_chain == [(_change_url(new), 302)]
    assert any("Создана версия 2 методики" in message for message in messages_of(response))
    used.refresh_from_db()
    assert (new.is_current, used.is_current, new.previous_id, new.in_use()) == (True, False, used.pk, False)
    assert services.current_method(6) == new
    html = response.content.decode()
    assert 'name="bands-0-lower"' in html and 'name="name"' in html  # the new version is editable
    assert [q.name for q in new.qualities.all()] == [q.name for q in used.qualities.all()]


def test_the_change_page_button_makes_a_version_too(used, admin_client):
    url = reverse("admin:reports_method_new_version", args=[used.pk])
    assert admin_client.get(url).status_code == 405
    response = admin_client.post(url)
    new = Method.objects.get(name=used.name, version=2)
    assert response.status_code == 302 and response["Location"] == _change_url(new)
    assert admin_client.post(reverse("admin:reports_method_new_version", args=[987654])).status_code == 404


def test_only_one_method_at_a_time(world, admin_client):
    methods = [str(pk) for pk in Method.objects.values_list("pk", flat=True)]
    assert len(methods) == 2
    response = admin_client.post(reverse("admin:reports_method_changelist"), {
        "action": "make_new_version", "_selected_action": methods, "select_across": "0", "index": "0",
    }, follow=True)
    assert any("Выберите одну методику" in message for message in messages_of(response))
    assert Method.objects.count() == 2


def test_a_teacher_does_not_make_a_version(used, world):
    response = login(world.teacher).post(reverse("admin:reports_method_new_version", args=[used.pk]))
    assert response.status_code == 302 and reverse("admin:login") in response["Location"]
    assert Method.objects.count() == 2


# --- done when: a band changed in the admin moves a pupil's level ------------------------------------


def test_a_band_changed_in_the_admin_moves_a_pupil_from_srednij_to_horoshij(world, six_b, used, admin_client):
    # September, by version 1: a pupil of mean 3,6 is «средний» (2,9 ≤ 3,6 < 4,0).
    september = used.monitorings.get()
    services.grid_save(user=world.teacher, monitoring=september, version=september.version, pupils=[_pupil(used)])
    teacher = login(world.teacher)
    assert _levels(teacher.get(reverse("reports:monitoring_edit", args=[september.pk])))[:1] == ["средний"]

    # The admin makes version 2 and lowers «хороший» to 3,5 (and «средний» up to it) on its page.
    new = _new_version(admin_client, used)
    body = form_data(admin_client.get(_change_url(new)), "method_form")
    good, average = _band_index(body, "хороший"), _band_index(body, "средний")
    assert (Decimal(body[f"bands-{good}-lower"]), Decimal(body[f"bands-{average}-upper"])) == (4, 4)
    body.update({f"bands-{good}-lower": "3.5", f"bands-{average}-upper": "3.5"})
    response = admin_client.post(_change_url(new), body)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert (new.bands.get(name="хороший").lower, new.bands.get(name="средний").upper) == (Decimal("3.5"),) * 2

    # May is started by version 2: the same grades are «хороший» now, on the teacher's grid.
    may = services.monitoring_start(user=world.teacher, class_assignment=six_b, period="may")
    assert may.method == new
    services.grid_save(user=world.teacher, monitoring=may, version=may.version, pupils=[_pupil(new)])
    assert _levels(teacher.get(reverse("reports:monitoring_edit", args=[may.pk])))[:1] == ["хороший"]
    stored = Method.objects.prefetch_related(*services.METHOD_PREFETCH).get(pk=new.pk)
    assert [(p.mean, p.level) for p in score_class(method_data(stored), [_pupil(new)]).pupils] == [
        (Decimal("3.6"), "хороший")
    ]
    # Version 1 and its results are as they were.
    assert _levels(teacher.get(reverse("reports:monitoring_edit", args=[september.pk])))[:1] == ["средний"]
    # The questionnaire of version 2 writes the new bands.
    page = teacher.get(reverse("reports:monitoring_method", args=[new.pk])).content.decode()
    assert "3,5–4,4" in page and "2,9–3,4" in page


def _refused_post(admin_client, method, edit) -> str:
    """The method's change page posted with its name changed and `edit(body)` done: the page again
    with the message, nothing saved (the name neither)."""
    before = _parts(method)
    body = form_data(admin_client.get(_change_url(method)), "method_form")
    body["name"] = "Исправленная методика"
    edit(body)
    response = admin_client.post(_change_url(method), body)
    assert response.status_code == 200  # the page again, with the message
    assert _parts(method) == before  # nothing saved, the method's name neither
    return response.content.decode()


def test_bands_with_a_gap_are_refused_above_the_bands(used, admin_client):
    new = _new_version(admin_client, used)
    html = _refused_post(admin_client, new, lambda body: body.update({
        f"bands-{_band_index(body, 'хороший')}-lower": "4.2",
    }))
    message = "Между уровнями «средний» и «хороший» разрыв: от 4,00 до 4,20."
    assert message in html
    assert html.index(message) < html.index('name="bands-0-name"')  # above the bands' rows


def test_overlapping_bands_are_refused(used, admin_client):
    new = _new_version(admin_client, used)
    html = _refused_post(admin_client, new, lambda body: body.update({
        f"bands-{_band_index(body, 'хороший')}-lower": "3.8",
    }))
    assert "Уровни «средний» и «хороший» пересекаются" in html


def test_bands_must_cover_the_scale_posted_beside_them(used, admin_client):
    """The scale loses its 5 in the same POST: the top band no longer ends at the scale's maximum."""
    new = _new_version(admin_client, used)

    def without_five(body):
        five = next(key for key, value in body.items() if re.fullmatch(r"scale-\d+-value", key) and value == "5")
        body[five.replace("-value", "-DELETE")] = "on"

    html = _refused_post(admin_client, new, without_five)
    assert "Высший уровень «высокий» должен заканчиваться наибольшим баллом шкалы (4)." in html


def test_a_method_without_raters_is_refused(used, admin_client):
    new = _new_version(admin_client, used)
    html = _refused_post(admin_client, new, lambda body: body.update({
        "raters-0-DELETE": "on", "raters-1-DELETE": "on",
    }))
    assert "Укажите, кто оценивает учеников" in html


# --- a quality's indicators ----------------------------------------------------------------------------


def test_indicators_are_edited_on_their_quality_page_within_their_max_length(used, admin_client):
    new = _new_version(admin_client, used)
    quality = new.qualities.first()
    url = reverse("admin:reports_quality_change", args=[quality.pk])
    page = admin_client.get(url)
    assert 'maxlength="300"' in page.content.decode()
    body = form_data(page, "quality_form")
    body["indicators-0-text"] = "Я" * 301
    response = admin_client.post(url, body)
    assert response.status_code == 200
    assert "не более 300 символов" in response.content.decode()
    assert quality.indicators.first().text == used.qualities.first().indicators.first().text
    body["indicators-0-text"] = "Выполняю поручения класса и школы."
    assert admin_client.post(url, body).status_code == 302
    assert quality.indicators.first().text == "Выполняю поручения класса и школы."
    assert used.qualities.first().indicators.first().text == "Выполняю общественные поручения."
    # The method's page links to each quality's page.
    method_page = admin_client.get(_change_url(new)).content.decode()
    assert reverse("admin:reports_quality_change", args=[quality.pk]) in method_page


def test_qualities_are_added_on_their_method_page_only(world, admin_client):
    assert admin_client.get(reverse("admin:reports_quality_add")).status_code == 403


def test_a_new_method_is_added_with_its_parts_in_one_page(world, admin_client):
    def formset(prefix, *rows):
        body = {f"{prefix}-TOTAL_FORMS": str(len(rows)), f"{prefix}-INITIAL_FORMS": "0"}
        for index, row in enumerate(rows):
            body.update({f"{prefix}-{index}-{name}": value for name, value in row.items()})
        return body

    body = {
        "name": "Анкета «Мой класс»", "author": "", "version": "1", "grade_from": "5", "grade_to": "6",
        "level_rule": "mean", "decimals": "1", "is_current": "on", "note": "",
        **formset("raters", {"rater": "teacher", "position": "0"}),
        **formset("qualities", {"position": "1", "name": "Дружба", "short_name": "Друж."}),
        **formset("scale", {"value": "2", "label": "да"}, {"value": "1", "label": "нет"}),
        **formset("bands", {"name": "высокий", "lower": "1.5", "upper": "2"}),
    }
    refused = admin_client.post(reverse("admin:reports_method_add"), body)
    assert refused.status_code == 200
    assert "Нижний уровень «высокий» должен начинаться с наименьшего балла шкалы (1)." in refused.content.decode()
    assert not Method.objects.filter(name="Анкета «Мой класс»").exists()
    body.update(formset("bands", {"name": "высокий", "lower": "1.5", "upper": "2"},
                        {"name": "низкий", "lower": "1", "upper": "1.5"}))
    assert admin_client.post(reverse("admin:reports_method_add"), body).status_code == 302
    added = Method.objects.get(name="Анкета «Мой класс»")
    assert [b.name for b in added.bands.all()] == ["высокий", "низкий"] and added.qualities.count() == 1
