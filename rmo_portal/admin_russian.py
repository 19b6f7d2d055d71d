"""The admin in grammatical Russian.

Django builds the admin's titles, buttons, counts and messages by putting a model's
`verbose_name` into an English sentence: in Russian that gives «Добавить педагог», «12 назначения»,
«Назначение «…» был успешно добавлен». Each model's noun is declared here once — its accusative
(«Добавить педагога»), its gender (for «добавлен / добавлена / добавлено / добавлены») and its count
(ngettext, three Russian forms) — and `RussianAdminMixin` uses them for:

- the change form's title and breadcrumb («Добавить педагога», «Изменить назначение»);
- the change list's title, its «Добавить …» button and its count («12 назначений»);
- the delete confirmation («Вы уверены, что хотите удалить школу «…»?»);
- the success messages of add, change, delete, list editing and the bulk deletion;
- the history (django-simple-history): titles in Russian, choices by their labels
  («черновик → на рассмотрении»), an empty value as «—».

A model without a declared noun falls back to wording that needs no case: «Учебные годы: 8».
`rmo_portal/admin.py` (the last admin module Django discovers) gives this mixin to every admin
registered without it (Django's groups, django-axes' logs).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps as django_apps
from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected
from django.contrib.admin.utils import quote
from django.contrib.admin.views.main import ChangeList
from django.db.models import ForeignKey
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from simple_history.template_utils import HistoricalRecordContextHelper


@dataclass(frozen=True)
class Noun:
    """A model's name in a sentence: «Добавить <accusative>», «<count>», «… добавлен<gender>»."""

    accusative: str
    gender: str  # "m", "f", "n" or "p" (plural only)
    count: Callable[[int], str]


def _noun(accusative, gender: str, count: Callable[[int], str]) -> Noun:
    return Noun(accusative, gender, count)


# Keyed by the model's label_lower. Every registered model has one (tests/test_admin_russian.py).
NOUNS: dict[str, Noun] = {
    "auth.group": _noun(_("группу"), "f", lambda n: ngettext("%(count)s группа", "%(count)s групп", n)),
    "auth.user": _noun(
        _("пользователя"), "m", lambda n: ngettext("%(count)s пользователь", "%(count)s пользователей", n)
    ),
    "axes.accessattempt": _noun(
        _("запись о попытке доступа"),
        "f",
        lambda n: ngettext("%(count)s запись о попытке доступа", "%(count)s записей о попытке доступа", n),
    ),
    "axes.accesslog": _noun(
        _("запись о доступе"), "f", lambda n: ngettext("%(count)s запись о доступе", "%(count)s записей о доступе", n)
    ),
    "axes.accessfailurelog": _noun(
        _("ошибку доступа"), "f", lambda n: ngettext("%(count)s ошибка доступа", "%(count)s ошибок доступа", n)
    ),
    "associations.staffdistrict": _noun(
        _("район сотрудника отдела образования"),
        "m",
        lambda n: ngettext(
            "%(count)s район сотрудника отдела образования", "%(count)s районов сотрудников отдела образования", n
        ),
    ),
    "associations.district": _noun(_("район"), "m", lambda n: ngettext("%(count)s район", "%(count)s районов", n)),
    "associations.school": _noun(_("школу"), "f", lambda n: ngettext("%(count)s школа", "%(count)s школ", n)),
    "associations.academicyear": _noun(
        _("учебный год"), "m", lambda n: ngettext("%(count)s учебный год", "%(count)s учебных лет", n)
    ),
    "associations.person": _noun(_("педагога"), "m", lambda n: ngettext("%(count)s педагог", "%(count)s педагогов", n)),
    "associations.association": _noun(
        _("методическое объединение"),
        "n",
        lambda n: ngettext("%(count)s методическое объединение", "%(count)s методических объединений", n),
    ),
    "associations.membership": _noun(
        _("членство"), "n", lambda n: ngettext("%(count)s член объединения", "%(count)s членов объединений", n)
    ),
    "associations.classassignment": _noun(
        _("классное руководство"),
        "n",
        lambda n: ngettext("%(count)s классное руководство", "%(count)s классных руководств", n),
    ),
    "associations.appointment": _noun(
        _("назначение"), "n", lambda n: ngettext("%(count)s назначение", "%(count)s назначений", n)
    ),
    "associations.districtofficial": _noun(
        _("руководителя отдела образования или методического кабинета"),
        "m",
        lambda n: ngettext(
            "%(count)s руководитель отдела образования или методического кабинета",
            "%(count)s руководителей отдела образования и методического кабинета",
            n,
        ),
    ),
    "associations.storedfile": _noun(_("файл"), "m", lambda n: ngettext("%(count)s файл", "%(count)s файлов", n)),
    "associations.plansection": _noun(
        _("раздел плана"), "m", lambda n: ngettext("%(count)s раздел плана", "%(count)s разделов плана", n)
    ),
    "associations.workform": _noun(
        _("форму работы"), "f", lambda n: ngettext("%(count)s форма работы", "%(count)s форм работы", n)
    ),
    "associations.annualplan": _noun(
        _("план работы"), "m", lambda n: ngettext("%(count)s план работы", "%(count)s планов работы", n)
    ),
    "associations.contest": _noun(_("конкурс"), "m", lambda n: ngettext("%(count)s конкурс", "%(count)s конкурсов", n)),
    "associations.courseprovider": _noun(
        _("организацию курсов"),
        "f",
        lambda n: ngettext("%(count)s организация курсов", "%(count)s организаций курсов", n),
    ),
    "associations.contestentry": _noun(
        _("участие в конкурсе"),
        "n",
        lambda n: ngettext(
            "%(count)s запись об участии в конкурсе", "%(count)s записей об участии в конкурсах", n
        ),
    ),
    "associations.attestation": _noun(
        _("аттестацию"), "f", lambda n: ngettext("%(count)s аттестация", "%(count)s аттестаций", n)
    ),
    "associations.attestationapplication": _noun(
        _("заявление на аттестацию"),
        "n",
        lambda n: ngettext("%(count)s заявление на аттестацию", "%(count)s заявлений на аттестацию", n),
    ),
    "associations.course": _noun(
        _("курсы повышения квалификации"),
        "p",
        lambda n: ngettext(
            "%(count)s запись о курсах повышения квалификации",
            "%(count)s записей о курсах повышения квалификации",
            n,
        ),
    ),
    "associations.nomination": _noun(
        _("ходатайство о поощрении"),
        "n",
        lambda n: ngettext("%(count)s ходатайство о поощрении", "%(count)s ходатайств о поощрении", n),
    ),
    "associations.visit": _noun(
        _("посещение"), "n", lambda n: ngettext("%(count)s посещение", "%(count)s посещений", n)
    ),
    "associations.consultation": _noun(
        _("консультацию"), "f", lambda n: ngettext("%(count)s консультация", "%(count)s консультаций", n)
    ),
    "associations.instruction": _noun(
        _("инструкцию"), "f", lambda n: ngettext("%(count)s инструкция", "%(count)s инструкций", n)
    ),
    "associations.instructionversion": _noun(
        _("редакцию инструкции"),
        "f",
        lambda n: ngettext("%(count)s редакция инструкции", "%(count)s редакций инструкций", n),
    ),
    "associations.acknowledgment": _noun(
        _("ознакомление с инструкцией"),
        "n",
        lambda n: ngettext("%(count)s ознакомление с инструкцией", "%(count)s ознакомлений с инструкциями", n),
    ),
    "meetings.meeting": _noun(
        _("заседание или мероприятие"),
        "n",
        lambda n: ngettext("%(count)s заседание или мероприятие", "%(count)s заседаний и мероприятий", n),
    ),
    "meetings.protocol": _noun(
        _("протокол"), "m", lambda n: ngettext("%(count)s протокол", "%(count)s протоколов", n)
    ),
    "meetings.protocolitem": _noun(
        _("вопрос протокола"), "m", lambda n: ngettext("%(count)s вопрос протокола", "%(count)s вопросов протокола", n)
    ),
    "meetings.decision": _noun(_("решение"), "n", lambda n: ngettext("%(count)s решение", "%(count)s решений", n)),
    "meetings.eventform": _noun(
        _("форму мероприятия"), "f", lambda n: ngettext("%(count)s форма мероприятия", "%(count)s форм мероприятий", n)
    ),
    "meetings.upbringingdirection": _noun(
        _("направление воспитания"),
        "n",
        lambda n: ngettext("%(count)s направление воспитания", "%(count)s направлений воспитания", n),
    ),
    "meetings.upbringingmodule": _noun(
        _("модуль программы воспитания"),
        "m",
        lambda n: ngettext("%(count)s модуль программы воспитания", "%(count)s модулей программы воспитания", n),
    ),
    "meetings.material": _noun(
        _("материал банка данных"),
        "m",
        lambda n: ngettext("%(count)s материал банка данных", "%(count)s материалов банка данных", n),
    ),
    "meetings.calendartoken": _noun(
        _("ключ календаря"), "m", lambda n: ngettext("%(count)s ключ календаря", "%(count)s ключей календаря", n)
    ),
    "meetings.sentreminder": _noun(
        _("отправленное напоминание"),
        "n",
        lambda n: ngettext("%(count)s отправленное напоминание", "%(count)s отправленных напоминаний", n),
    ),
    "reports.analysis": _noun(
        _("анализ работы"), "m", lambda n: ngettext("%(count)s анализ работы", "%(count)s анализов работы", n)
    ),
    "reports.analysisdeadline": _noun(
        _("срок сдачи анализа"),
        "m",
        lambda n: ngettext("%(count)s срок сдачи анализа", "%(count)s сроков сдачи анализа", n),
    ),
    "reports.analysisreminder": _noun(
        _("напоминание об анализе"),
        "n",
        lambda n: ngettext("%(count)s напоминание об анализе", "%(count)s напоминаний об анализе", n),
    ),
    "reports.checklistdocument": _noun(
        _("документ МО"), "m", lambda n: ngettext("%(count)s документ МО", "%(count)s документов МО", n)
    ),
    "reports.method": _noun(
        _("методику мониторинга"),
        "f",
        lambda n: ngettext("%(count)s методика мониторинга", "%(count)s методик мониторинга", n),
    ),
    "reports.quality": _noun(_("качество"), "n", lambda n: ngettext("%(count)s качество", "%(count)s качеств", n)),
}


def noun_for(opts) -> Noun | None:
    return NOUNS.get(opts.label_lower)


def accusative(opts) -> str:
    noun = noun_for(opts)
    return str(noun.accusative) if noun else str(opts.verbose_name)


def count_label(opts, count: int) -> str:
    """«12 назначений»; without a declared noun «Назначения: 12», which needs no plural form."""
    noun = noun_for(opts)
    if noun is None:
        return gettext("%(name)s: %(count)s") % {"name": capfirst(opts.verbose_name_plural), "count": count}
    return noun.count(count) % {"count": count}


_ADDED = {
    "m": _("%(name)s «%(obj)s» добавлен."),
    "f": _("%(name)s «%(obj)s» добавлена."),
    "n": _("%(name)s «%(obj)s» добавлено."),
    "p": _("%(name)s «%(obj)s» добавлены."),
}
_CHANGED = {
    "m": _("%(name)s «%(obj)s» изменён."),
    "f": _("%(name)s «%(obj)s» изменена."),
    "n": _("%(name)s «%(obj)s» изменено."),
    "p": _("%(name)s «%(obj)s» изменены."),
}
_DELETED = {
    "m": _("%(name)s «%(obj)s» удалён."),
    "f": _("%(name)s «%(obj)s» удалена."),
    "n": _("%(name)s «%(obj)s» удалено."),
    "p": _("%(name)s «%(obj)s» удалены."),
}
_NEUTRAL = {
    "added": _("Запись «%(obj)s» (%(name)s) добавлена."),
    "changed": _("Запись «%(obj)s» (%(name)s) изменена."),
    "deleted": _("Запись «%(obj)s» (%(name)s) удалена."),
}


def done_message(opts, what: str, obj_display) -> str:
    """«Назначение «…» добавлено.» — agreed with the model's gender; `what` is added/changed/deleted."""
    noun = noun_for(opts)
    if noun is None:
        template = _NEUTRAL[what]
    else:
        template = {"added": _ADDED, "changed": _CHANGED, "deleted": _DELETED}[what][noun.gender]
    # The object's text is escaped here: the message is marked safe for its link.
    return format_html(
        str(template).replace("%(name)s", "{name}").replace("%(obj)s", "{obj}"),
        name=capfirst(opts.verbose_name),
        obj=obj_display,
    )


class RussianChangeList(ChangeList):
    """The change list's title, «Добавить …» button and count, in the model's cases."""

    def __init__(self, request, model, *args, **kwargs):
        super().__init__(request, model, *args, **kwargs)
        name = accusative(self.opts)
        if self.is_popup:
            self.title = gettext("Выберите %(name)s") % {"name": name}
        elif self.model_admin.has_change_permission(request):
            self.title = gettext("Выберите %(name)s для изменения") % {"name": name}
        else:
            self.title = gettext("Выберите %(name)s для просмотра") % {"name": name}
        self.add_title = gettext("Добавить %(name)s") % {"name": name}

    @property
    def count_label(self) -> str:
        return count_label(self.opts, self.result_count)


class RussianHistoryContextHelper(HistoricalRecordContextHelper):
    """A history's changes as people read them: a choice by its label, a foreign key by its
    object (or «удалено», when the object is gone), an empty value as «—»."""

    def prepare_delta_change_value(self, change, value):
        field = self.model._meta.get_field(change.field)
        if value is None or value == "":
            return "—"
        if getattr(field, "choices", None) and not isinstance(value, list):
            return dict(field.flatchoices).get(value, value)
        if isinstance(field, ForeignKey) and getattr(value, "pk", 0) is None:
            return gettext("(удалено)")
        if isinstance(value, bool):
            return gettext("да") if value else gettext("нет")
        return super().prepare_delta_change_value(change, value)


_PERMISSION_ACTIONS = {
    "add": _("добавление"),
    "change": _("изменение"),
    "delete": _("удаление"),
    "view": _("просмотр"),
}


# The plural names of the models whose package names them in English or in capitals
# (django-axes: «access attempt expirations», «Логи доступа»); as a model's verbose_name they would
# be a migration.
_PERMISSION_MODEL_NAMES = {
    "axes.accessattempt": _("попытки входа"),
    "axes.accessattemptexpiration": _("сроки блокировки входа"),
    "axes.accesslog": _("записи о входах"),
    "axes.accessfailurelog": _("неудачные входы"),
}


def permission_label(permission) -> str:
    """«Организация | педагоги | добавление» instead of Django's stored «… | Can add педагог»."""
    action, _sep, _model = permission.codename.partition("_")
    model = permission.content_type.model_class()
    if action not in _PERMISSION_ACTIONS or model is None:
        return str(permission)
    meta = model._meta
    name = _PERMISSION_MODEL_NAMES.get(meta.label_lower, meta.verbose_name_plural)
    original = getattr(model, "instance_type", None)  # a django-simple-history model
    if original is not None:
        name = gettext("%(name)s: история изменений") % {"name": _model_plural(original)}
    return f"{meta.app_config.verbose_name} | {name} | {_PERMISSION_ACTIONS[action]}"


def _model_plural(model) -> str:
    """A model's plural name; a many-to-many link's («Связи consultation-person») by its field:
    «консультации — участники»."""
    owner = model._meta.auto_created
    if not owner:
        return model._meta.verbose_name_plural
    for field in owner._meta.many_to_many:
        if field.remote_field.through is model:
            return f"{owner._meta.verbose_name_plural} — {field.verbose_name}"
    return model._meta.verbose_name_plural


def _link_names() -> tuple[tuple[str, ...], set[str]]:
    """The names Django gives the auto-created models of many-to-many links («Связь a-b»)."""
    links = [m for m in django_apps.get_models(include_auto_created=True) if m._meta.auto_created]
    return (
        tuple(f"{capfirst(m._meta.verbose_name)}: " for m in links),
        {str(capfirst(m._meta.verbose_name_plural)) for m in links},
    )


def _without_links(nested: list, names: tuple[str, ...]) -> list:
    kept = []
    for item in nested:
        if isinstance(item, list):
            kept.append(_without_links(item, names))
        elif not str(item).startswith(names):
            kept.append(item)
    return [item for item in kept if item != []]


class RussianAdminMixin:
    """Grammatical titles and messages for a ModelAdmin (see the module's docstring)."""

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if field is not None and db_field.related_model._meta.label_lower == "auth.permission":
            field.label_from_instance = permission_label
            # The permissions of an app no longer installed (django_tomselect's «Empty Model») stay
            # in an older database: they grant nothing, they are not offered.
            labels = [config.label for config in django_apps.get_app_configs()]
            field.queryset = field.queryset.filter(content_type__app_label__in=labels)
        return field

    def get_changelist(self, request, **kwargs):
        return RussianChangeList

    # --- titles -------------------------------------------------------------------------------

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        response = super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)
        data = getattr(response, "context_data", None)
        if data is not None:
            name = accusative(self.opts)
            if add:
                data["title"] = gettext("Добавить %(name)s") % {"name": name}
            elif data.get("has_change_permission"):
                data["title"] = gettext("Изменить %(name)s") % {"name": name}
            else:
                data["title"] = gettext("Просмотреть %(name)s") % {"name": name}
        return response

    def delete_view(self, request, object_id, extra_context=None):
        # «Вы уверены, что хотите удалить школу «…»?», «Не удаётся удалить школу».
        extra_context = {"object_name": accusative(self.opts), **(extra_context or {})}
        return super().delete_view(request, object_id, extra_context=extra_context)

    def get_deleted_objects(self, objs, request):
        # Django lists a many-to-many link among what a deletion removes, as «Связь planitem-person:
        # PlanItem_responsible object (182)»: the link goes with its object anyway, leave it out.
        to_delete, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        names, plurals = _link_names()
        model_count = {name: count for name, count in model_count.items() if str(name) not in plurals}
        return _without_links(to_delete, names), model_count, perms_needed, protected

    def history_view_title(self, request, obj):
        return gettext("История изменений: %(obj)s") % {"obj": obj}

    def history_form_view_title(self, request, obj):
        if self.revert_disabled(request, obj):
            return gettext("Версия: %(obj)s") % {"obj": obj}
        return gettext("Восстановить версию: %(obj)s") % {"obj": obj}

    def get_historical_record_context_helper(self, request, historical_record):
        return RussianHistoryContextHelper(self.model, historical_record)

    # --- actions ------------------------------------------------------------------------------

    def get_actions(self, request):
        actions = super().get_actions(request)
        if "delete_selected" in actions:
            actions["delete_selected"] = (
                _russian_delete_selected,
                "delete_selected",
                gettext("Удалить выбранные записи"),
            )
        return actions

    # --- messages -----------------------------------------------------------------------------

    def message_user(self, request, message, level=messages.INFO, extra_tags="", fail_silently=False):
        if level == messages.SUCCESS:
            replacement = request.__dict__.pop("_admin_ru_message", None)
            if replacement is not None:
                message = replacement
            elif request.__dict__.get("_admin_ru_changed") is not None:
                # The change list's «Сохранить» of editable columns.
                message = gettext("Изменено: %(count)s.") % {
                    "count": count_label(self.opts, request.__dict__.pop("_admin_ru_changed"))
                }
        return super().message_user(request, message, level, extra_tags, fail_silently)

    def _object_link(self, obj):
        try:
            url = reverse(
                f"admin:{self.opts.app_label}_{self.opts.model_name}_change",
                args=(quote(obj.pk),),
                current_app=self.admin_site.name,
            )
        except NoReverseMatch:
            return str(obj)
        return format_html('<a href="{}">{}</a>', url, obj)

    def response_add(self, request, obj, post_url_continue=None):
        message = done_message(self.opts, "added", self._object_link(obj))
        if "_continue" in request.POST or "_saveasnew" in request.POST:
            message = format_html("{} {}", message, gettext("Ниже его можно снова изменить."))
        elif "_addanother" in request.POST:
            message = format_html("{} {}", message, gettext("Ниже можно добавить следующую запись."))
        request._admin_ru_message = message
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        if "_saveasnew" in request.POST:
            return super().response_change(request, obj)  # it answers with response_add
        message = done_message(self.opts, "changed", self._object_link(obj))
        if "_continue" in request.POST:
            message = format_html("{} {}", message, gettext("Ниже его можно снова изменить."))
        elif "_addanother" in request.POST:
            message = format_html("{} {}", message, gettext("Ниже можно добавить следующую запись."))
        request._admin_ru_message = message
        return super().response_change(request, obj)

    def response_delete(self, request, obj_display, obj_id):
        request._admin_ru_message = done_message(self.opts, "deleted", obj_display)
        return super().response_delete(request, obj_display, obj_id)

    def changelist_view(self, request, extra_context=None):
        if request.method == "POST" and "_save" in request.POST:
            request._admin_ru_changed = 0
        return super().changelist_view(request, extra_context=extra_context)

    def log_change(self, request, obj, message):
        if request.__dict__.get("_admin_ru_changed") is not None:
            request._admin_ru_changed += 1
        return super().log_change(request, obj, message)


@admin.action(permissions=["delete"], description=_("Удалить выбранные записи"))
def _russian_delete_selected(modeladmin, request, queryset):
    """Django's bulk deletion, announced as «Удалено: 5 педагогов.»."""
    if request.POST.get("post"):
        request._admin_ru_message = gettext("Удалено: %(count)s.") % {
            "count": count_label(modeladmin.opts, queryset.count())
        }
    return delete_selected(modeladmin, request, queryset)  # its page: templates/admin/delete_selected_confirmation.html


def titled_filter(filter_class, title):
    """A list filter of a field under a Russian title: `("kind", titled_filter(admin.ChoicesFieldListFilter,
    _("вид")))` for a field whose verbose_name is not Russian (changing it would be a migration)."""

    class TitledFilter(filter_class):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.title = title

    return TitledFilter


def russify_site(site) -> None:
    """Give the mixin to every admin of `site` registered without it."""
    for model, model_admin in list(site._registry.items()):
        if isinstance(model_admin, RussianAdminMixin):
            continue
        cls = type(model_admin)
        russian = type(cls.__name__, (RussianAdminMixin, cls), {"__module__": cls.__module__})
        site.unregister(model)
        site.register(model, russian)
