"""The admin in grammatical Russian (rmo_portal/admin_russian.py): every registered model's change
list, add form and change form show no English label, the titles and buttons are in the model's
cases («Добавить педагога»), a count agrees with its number («2 района», «5 районов»), and a
message with its noun's gender («Учебный год «…» добавлен.»)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.contrib.messages import get_messages
from django.urls import reverse

from associations.models import AcademicYear, District
from associations.plans.models import AnnualPlan
from rmo_portal.admin_russian import NOUNS
from tests import factories as f

pytestmark = pytest.mark.django_db

# What Django and the packages said in English on these pages before.
ENGLISH = (
    "Created by", "Signed by", "Starts on", "Ends on", "Seen version", "Created at", "Sent at",
    "Object id", "kind", "draft", "submitted", "approved", "returned", "User", "Historical",
    "View history", "Change history", "Changes", "Changed by", "Can add", "Can change", "Can delete",
    "Can view", "Deleted", "None", "Add ", "Select ", "Date/time", "Comment",
)
# What django-axes' admin said (its models' field names, its objects' `__str__`).
AXES_ENGLISH = (
    "User Agent", "HTTP Accept", "Locked Out", "Path", "Attempt Time", "Failed Logins", "Failures",
    "Access Log", "Attempted Access", "Failed access", "IP Address", "Username", "Form Data",
    "Meta Data", "Not set", "Expiration", "Status", "Logout Time", "Attempt Remaining", "Clean up",
    "GET Data", "POST Data", "Access lock out", "Yes", "No",
)


class _Text(HTMLParser):
    """The page's visible text and the attributes people read (title, placeholder, aria-label)."""

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        self.parts.extend(v for k, v in attrs if k in ("title", "placeholder", "aria-label") and v)

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.parts.append(data.strip())


def visible_text(response) -> str:
    parser = _Text()
    parser.feed(response.content.decode())
    return "\n".join(parser.parts)


def english_in(text: str, words: tuple[str, ...] = ENGLISH) -> list[str]:
    return [word for word in words if re.search(rf"(?<![\w@.]){re.escape(word)}(?![\w@])", text)]


def _admin_pages(model) -> list[str]:
    opts = model._meta
    prefix = f"admin:{opts.app_label}_{opts.model_name}"
    urls = [reverse(f"{prefix}_changelist"), reverse(f"{prefix}_add")]
    obj = model._default_manager.order_by("-pk").first()
    if obj is not None:
        urls.append(reverse(f"{prefix}_change", args=[obj.pk]))
        if hasattr(model, "history"):
            urls.append(reverse(f"{prefix}_history", args=[obj.pk]))
    return urls


@pytest.fixture
def superuser_client(world, client_for):
    # Some rows for the models the world leaves empty, so that their change forms are opened too.
    f.AppointmentFactory(association=world.rmo, person=world.teacher_person)
    f.MeetingFactory(association=world.mo)
    return client_for(world.admin)


def test_every_registered_model_has_its_noun():
    missing = sorted(m._meta.label_lower for m in admin.site._registry if m._meta.label_lower not in NOUNS)
    assert missing == []


@pytest.mark.parametrize(
    "model", [m for m in admin.site._registry if m._meta.app_label != "axes"],  # axes: below
    ids=lambda m: m._meta.label_lower,
)
def test_no_english_on_the_admin_pages(superuser_client, model):
    for url in _admin_pages(model):
        response = superuser_client.get(url)
        if response.status_code == 403:  # no add page (protocols are created on the site)
            continue
        assert response.status_code == 200, url
        text = visible_text(response)
        assert english_in(text) == [], url
        assert not re.search(r"\b\d+ [а-яё]+ из \d+", text) or "Выбрано" in text, url


@pytest.mark.parametrize(
    ("model", "add", "changelist"),
    [
        ("person", "Добавить педагога", "Выберите педагога для изменения"),
        ("appointment", "Добавить назначение", "Выберите назначение для изменения"),
        ("academicyear", "Добавить учебный год", "Выберите учебный год для изменения"),
        ("school", "Добавить школу", "Выберите школу для изменения"),
        ("course", "Добавить курсы повышения квалификации", "Выберите курсы повышения квалификации для изменения"),
    ],
)
def test_titles_are_in_the_models_case(superuser_client, model, add, changelist):
    opts = next(m._meta for m in admin.site._registry if m._meta.model_name == model)
    add_page = superuser_client.get(reverse(f"admin:{opts.app_label}_{model}_add"))
    assert add_page.context["title"] == add
    assert f"› {add}" in visible_text(add_page).replace("\n", " ")  # the breadcrumb

    list_page = superuser_client.get(reverse(f"admin:{opts.app_label}_{model}_changelist"))
    assert list_page.context["title"] == changelist
    assert add in visible_text(list_page)  # the «Добавить …» button


def test_a_view_only_page_and_the_history_are_titled_in_russian(superuser_client, world):
    plan = f.AnnualPlanFactory(association=world.mo, academic_year=world.year)
    change = superuser_client.get(reverse("admin:associations_annualplan_change", args=[plan.pk]))
    assert change.context["title"] == "Просмотреть план работы"

    plan.status = AnnualPlan.Status.SUBMITTED
    plan.save()
    history = superuser_client.get(reverse("admin:associations_annualplan_history", args=[plan.pk]))
    text = visible_text(history)
    assert history.context["title"] == f"История изменений: {plan}"
    assert f"{AnnualPlan.Status.DRAFT.label}\n→" in text.replace("\xa0", "") or (
        f"{AnnualPlan.Status.DRAFT.label} → {AnnualPlan.Status.SUBMITTED.label}"
        in re.sub(r"\s+", " ", text.replace("\xa0", " "))
    )
    assert english_in(text) == []


def test_an_added_object_is_announced_in_its_gender(superuser_client):
    response = superuser_client.post(
        reverse("admin:associations_academicyear_add"), {"start_year": 2090}, follow=True
    )
    year = AcademicYear.objects.get(start_year=2090)
    messages = [str(m) for m in get_messages(response.wsgi_request)] or [
        str(m) for m in response.context["messages"]
    ]
    assert any(re.sub(r"<[^>]+>", "", m) == f"Учебный год «{year}» добавлен." for m in messages), messages
    assert "был успешно" not in response.content.decode()


def test_a_changed_and_a_deleted_object_agree_with_their_gender(superuser_client, world):
    school = f.SchoolFactory(district=world.district, short_name="МБОУ «ООШ № 9»")
    change_url = reverse("admin:associations_school_change", args=[school.pk])
    form = superuser_client.get(change_url).context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields}
    data["short_name"] = "МБОУ «ООШ № 10»"
    changed = superuser_client.post(change_url, data, follow=True)
    assert "Школа «МБОУ «ООШ № 10»» изменена." in re.sub(r"<[^>]+>", "", changed.content.decode())

    delete_url = reverse("admin:associations_school_delete", args=[school.pk])
    confirm = visible_text(superuser_client.get(delete_url))
    assert "удалить школу" in confirm
    deleted = superuser_client.post(delete_url, {"post": "yes"}, follow=True)
    assert "Школа «МБОУ «ООШ № 10»» удалена." in deleted.content.decode()


@pytest.mark.parametrize(("total", "label"), [(2, "2 района"), (5, "5 районов"), (12, "12 районов")])
def test_a_change_list_counts_in_the_right_plural_form(superuser_client, world, total, label):
    f.DistrictFactory.create_batch(total - District.objects.count())
    page = visible_text(superuser_client.get(reverse("admin:associations_district_changelist")))
    assert label in page.split("\n")


def test_the_bulk_deletion_speaks_of_records(superuser_client, world):
    districts = f.DistrictFactory.create_batch(5)
    url = reverse("admin:associations_district_changelist")
    ids = [d.pk for d in districts]
    page = superuser_client.get(url)
    assert "Удалить выбранные записи" in page.content.decode()
    confirm = superuser_client.post(url, {"action": "delete_selected", "_selected_action": ids})
    assert "Вы уверены, что хотите удалить выбранные записи? Будут удалены" in visible_text(confirm).replace("\n", " ")
    done = superuser_client.post(
        url, {"action": "delete_selected", "_selected_action": ids, "post": "yes"}, follow=True
    )
    assert "Удалено: 5 районов." in done.content.decode()
    assert not District.objects.filter(pk__in=ids).exists()


def test_permissions_are_named_in_russian(superuser_client):
    page = visible_text(superuser_client.get(reverse("admin:auth_group_add")))
    assert "Организация | педагоги | добавление" in page
    assert "Can add" not in page


@pytest.mark.parametrize("model", [AccessAttempt, AccessLog, AccessFailureLog], ids=lambda m: m._meta.model_name)
def test_the_login_protection_pages_have_no_english(superuser_client, world, model):
    fields = {
        "username": "uchitel", "ip_address": "10.0.0.7", "user_agent": "Firefox/140.0",
        "http_accept": "text/html", "path_info": "/accounts/login/",
    }
    extra = {AccessAttempt: {"failures_since_start": 5, "get_data": "", "post_data": "username=uchitel"},
             AccessLog: {}, AccessFailureLog: {"locked_out": True}}[model]
    obj = model.objects.create(**fields, **extra)
    pages = [url for url in _admin_pages(model) if not url.endswith("/add/")]
    pages[1] = reverse(f"admin:axes_{model._meta.model_name}_change", args=[obj.pk])
    assert len(pages) == 2  # the change list and the change form
    for url in pages:
        response = superuser_client.get(url)
        assert response.status_code == 200, url
        text = visible_text(response)
        assert english_in(text, ENGLISH + AXES_ENGLISH) == [], url
        assert "Адрес страницы" in text and "/accounts/login/" in text, url
    change = superuser_client.get(pages[1])
    # «Попытка входа: uchitel, 03.12.2026 18:27:52», not axes' «Attempted Access: 2026-12-03 15:27:52.49+00:00»
    assert re.fullmatch(r"[А-ЯЁа-яё ]+: uchitel, \d\d\.\d\d\.\d{4} \d\d:\d\d:\d\d", change.context["subtitle"])
    assert "readonly" in change.content.decode()  # axes' admins stay read-only
    for name in ("history", "delete"):
        page = visible_text(superuser_client.get(reverse(f"admin:axes_{model._meta.model_name}_{name}", args=[obj.pk])))
        assert english_in(page, ENGLISH + AXES_ENGLISH) == [], name
        assert change.context["subtitle"] in page, name
    assert superuser_client.get(reverse(f"admin:axes_{model._meta.model_name}_add")).status_code == 403


@pytest.mark.parametrize("url_name", ["admin:auth_group_add", "admin:auth_user_change"])
def test_the_permission_picker_names_every_permission_in_russian(superuser_client, world, url_name):
    args = [world.admin.pk] if url_name == "admin:auth_user_change" else []
    page = visible_text(superuser_client.get(reverse(url_name, args=args)))
    assert "Организация | педагоги | добавление" in page
    for english in ("Empty", "Can add", "Can view", "Связи consultation-person", "Связь", "tomselect", "access"):
        assert english not in page, english
    assert "Организация | консультации — кого консультировали: история изменений | просмотр" in page
    assert "Защита входа | сроки блокировки входа | просмотр" in page


def test_a_permission_of_an_app_no_longer_installed_is_not_offered(superuser_client):
    stale = ContentType.objects.create(app_label="django_tomselect", model="emptymodel")
    Permission.objects.create(content_type=stale, codename="add_emptymodel", name="Can add Empty Model")
    page = visible_text(superuser_client.get(reverse("admin:auth_group_add")))
    assert "Empty Model" not in page
