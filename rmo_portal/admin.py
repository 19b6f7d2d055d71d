"""The last admin module Django discovers (rmo_portal is the last installed app): every admin
registered without the portal's Russian titles and messages — Django's groups and logins,
django-axes' logs, a file's admin — gets them here (`rmo_portal.admin_russian`).

django-axes' own admins show its models' English field names («User Agent», «Attempt Time») and
English object names («Access Log for admin @ …»); translating them on the models would change
axes' migration state, so its admins are replaced here by subclasses that keep their read-only
behaviour and show Russian columns, filters, fields and titles."""

from axes import admin as axes_admin
from axes.conf import settings as axes_settings
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.apps import apps
from django.contrib import admin
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from rmo_portal.admin_russian import RussianAdminMixin, russify_site, titled_filter


def _shown(field: str, label, *, boolean: bool = False):
    """A model field shown under a Russian label (in a column, sortable, or as a read-only field)."""

    @admin.display(description=label, ordering=field, boolean=boolean)
    def show(self, obj):
        value = getattr(obj, field)
        return "—" if value is None or value == "" else value  # a read-only field would say «None»

    show.__name__ = f"ru_{field}"
    return show


class _Titled:
    """The object as the change form's title and breadcrumb name it (axes' `__str__` is English)."""

    def __init__(self, obj, title: str):
        self._obj, self._title = obj, title

    def __getattr__(self, name):
        return getattr(self._obj, name)

    def __str__(self):
        return self._title


class _AxesRussian(RussianAdminMixin):
    title_name = _("Запись")  # the object's noun in its title: «Вход: admin, 03.12.2026 10:15:00»
    ru_attempt_time = _shown("attempt_time", _("Время попытки"))
    ru_ip_address = _shown("ip_address", _("IP-адрес"))
    ru_username = _shown("username", _("Имя пользователя"))
    ru_user_agent = _shown("user_agent", _("Браузер"))
    ru_path_info = _shown("path_info", _("Адрес страницы"))
    ru_http_accept = _shown("http_accept", _("Форматы, принимаемые браузером"))

    def object_title(self, obj) -> str:
        when = formats.date_format(timezone.localtime(obj.attempt_time), "d.m.Y H:i:s")
        return gettext("%(name)s: %(username)s, %(when)s") % {
            "name": self.title_name,
            "username": obj.username or "—",
            "when": when,
        }

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        response = super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)
        data = getattr(response, "context_data", None)
        if data is not None and obj is not None:
            data["subtitle"] = self.object_title(obj)
            data["original"] = _Titled(obj, data["subtitle"])
        return response

    def action_checkbox(self, obj):
        # Its aria-label names the object: «Выбрать для действия — Вход: admin, …».
        return super().action_checkbox(_Titled(obj, self.object_title(obj)))

    def history_view(self, request, object_id, extra_context=None):
        response = super().history_view(request, object_id, extra_context=extra_context)
        data = getattr(response, "context_data", None)
        if data is not None and data.get("object") is not None:
            title = self.object_title(data["object"])
            data["title"] = gettext("История изменений: %(obj)s") % {"obj": title}
            data["object"] = _Titled(data["object"], title)
        return response

    def get_deleted_objects(self, objs, request):
        # The records themselves, by their Russian titles; an attempt's expiration (axes names it
        # «AccessAttemptExpiration object (1)») goes with its attempt and is left out.
        to_delete, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        to_delete = [
            format_html(
                "{}: {}", capfirst(self.opts.verbose_name), self._object_link(_Titled(obj, self.object_title(obj)))
            )
            for obj in objs
        ]
        plural = str(capfirst(self.opts.verbose_name_plural))
        model_count = {name: count for name, count in model_count.items() if str(name) == plural}
        return to_delete, model_count, perms_needed, protected

    def render_delete_form(self, request, context):
        obj = context.get("object")
        if obj is not None:
            context["object"] = _Titled(obj, self.object_title(obj))
        return super().render_delete_form(request, context)


_META = (_("Сведения о браузере"), {"fields": ("ru_user_agent", "ru_ip_address", "ru_http_accept")})
_READ_ONLY = ["ru_attempt_time", "ru_ip_address", "ru_username", "ru_user_agent", "ru_path_info", "ru_http_accept"]
_TIME_FILTER = ("attempt_time", titled_filter(admin.DateFieldListFilter, _("Время попытки")))
_PATH_FILTER = ("path_info", titled_filter(admin.AllValuesFieldListFilter, _("Адрес страницы")))


class LockedOutFilter(axes_admin.IsLockedOutFilter):
    title = _("Вход заблокирован")

    def lookups(self, request, model_admin):
        return (("yes", _("да")), ("no", _("нет")))


class AccessAttemptAdmin(_AxesRussian, axes_admin.AccessAttemptAdmin):
    title_name = _("Попытка входа")
    ru_failures_since_start = _shown("failures_since_start", _("Неудачных попыток"))
    ru_get_data = _shown("get_data", _("Параметры адреса"))
    ru_post_data = _shown("post_data", _("Данные формы"))

    list_display = [
        "ru_attempt_time",
        "ru_ip_address",
        "ru_user_agent",
        "ru_username",
        "ru_path_info",
        "ru_failures_since_start",
    ]
    if axes_settings.AXES_USE_ATTEMPT_EXPIRATION:
        list_display.append("ru_expiration")
    list_filter = [_TIME_FILTER, _PATH_FILTER]
    if "status" in axes_admin.AccessAttemptAdmin.list_display:
        list_display.append("ru_status")
        list_filter.append(LockedOutFilter)
    fieldsets = (
        (None, {"fields": ("ru_username", "ru_path_info", "ru_failures_since_start", "ru_expiration")}),
        (_("Отправленные данные"), {"fields": ("ru_get_data", "ru_post_data")}),
        _META,
    )
    readonly_fields = [*_READ_ONLY, "ru_get_data", "ru_post_data", "ru_failures_since_start", "ru_expiration"]

    @admin.display(description=_("Действует до"))
    def ru_expiration(self, obj):
        return obj.expiration.expires_at if hasattr(obj, "expiration") else "—"

    @admin.display(description=_("Состояние"))
    def ru_status(self, obj):
        left = axes_settings.AXES_FAILURE_LIMIT - obj.failures_since_start
        if left > 0:
            return ngettext("осталась %(count)s попытка", "осталось %(count)s попыток", left) % {"count": left}
        return gettext("вход заблокирован")

    def get_actions(self, request):
        actions = super().get_actions(request)
        if "cleanup_expired_attempts" in actions:
            func, name, _description = actions["cleanup_expired_attempts"]
            actions[name] = (func, name, gettext("Удалить истёкшие попытки"))
        return actions


class AccessLogAdmin(_AxesRussian, axes_admin.AccessLogAdmin):
    title_name = _("Вход")
    ru_logout_time = _shown("logout_time", _("Время выхода"))

    list_display = (
        "ru_attempt_time",
        "ru_logout_time",
        "ru_ip_address",
        "ru_username",
        "ru_user_agent",
        "ru_path_info",
    )
    list_filter = [
        _TIME_FILTER,
        ("logout_time", titled_filter(admin.DateFieldListFilter, _("Время выхода"))),
        _PATH_FILTER,
    ]
    fieldsets = ((None, {"fields": ("ru_username", "ru_path_info", "ru_attempt_time", "ru_logout_time")}), _META)
    readonly_fields = [*_READ_ONLY, "ru_logout_time"]


class AccessFailureLogAdmin(_AxesRussian, axes_admin.AccessFailureLogAdmin):
    title_name = _("Неудачный вход")
    ru_locked_out = _shown("locked_out", _("Вход заблокирован"), boolean=True)

    list_display = ("ru_attempt_time", "ru_ip_address", "ru_username", "ru_user_agent", "ru_path_info", "ru_locked_out")
    list_filter = [
        _TIME_FILTER,
        ("locked_out", titled_filter(admin.BooleanFieldListFilter, _("Вход заблокирован"))),
        _PATH_FILTER,
    ]
    fieldsets = ((None, {"fields": ("ru_username", "ru_path_info", "ru_attempt_time", "ru_locked_out")}), _META)
    readonly_fields = [*_READ_ONLY, "ru_locked_out"]


for _model, _admin_class in (
    (AccessAttempt, AccessAttemptAdmin),
    (AccessLog, AccessLogAdmin),
    (AccessFailureLog, AccessFailureLogAdmin),
):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)
        admin.site.register(_model, _admin_class)

russify_site(admin.site)

# django-axes names its app «Axes» (no verbose_name of its own): the admin's menu says what it is.
# An app's verbose_name is not part of the migrations' state.
apps.get_app_config("axes").verbose_name = _("Защита входа")
