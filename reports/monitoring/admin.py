"""The monitoring's methods in the admin: a method with its raters, qualities, scale and level
bands on one page, each quality's indicator statements on the quality's page (reached by the link
of its row: the admin has no nested inlines).

A method is every district's: a district's staff user may read it, only a superuser adds,
changes or deletes it. Once results use it (`Method.in_use`) it is read-only by every path the
admin offers: its fields but «действующая версия» and the note (what no result depends on), its
parts (no add, change or delete), its qualities' pages and their indicators, the history's
«revert»; it is never deleted. A change is made in a new version instead: the action «Создать
новую версию» (and the button of the change page) calls `services.method_new_version` and opens
the copy. The models refuse a change of a method in use anyway; the admin refuses it before, with
a message, never a 500. The bands are checked together with the scale posted beside them
(`scoring.bands_problems`): a gap, an overlap or a scale not covered is a Russian message above
the bands, and nothing is saved.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models
from django.db.models import Count
from django.forms.models import BaseInlineFormSet
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from associations.records.admin import SharedAcrossDistrictsMixin
from reports.monitoring import services
from reports.monitoring.models import (
    MAX_INDICATORS,
    MAX_QUALITIES,
    SCALE_MAX,
    SCALE_MIN,
    Indicator,
    LevelBand,
    Method,
    MethodRater,
    Quality,
    Rater,
    ScaleValue,
    method_in_use_error,
)
from reports.monitoring.scoring import bands_problems
from rmo_portal.admin_history import HistoryAdmin, PortalAdmin, PortalTabularInline

#: What may change on a method in use: no result depends on it.
EDITABLE_IN_USE = ("is_current", "note")
METHOD_FIELDS = (
    "name", "author", "version", "grade_from", "grade_to", "level_rule", "decimals", "is_current", "note",
)


def _lock_method(pk) -> None:
    """Locks a method's row until the end of the admin's transaction (a no-op on SQLite, whose
    writers are serialised anyway)."""
    try:
        list(Method.objects.select_for_update().filter(pk=int(pk)).values_list("pk"))
    except (TypeError, ValueError):
        pass  # a malformed id: the admin's own lookup answers it


def in_use(method: Method | None) -> bool:
    """Whether results use `method`, asked once per request (the admin asks for every field set,
    inline and permission)."""
    if method is None or method.pk is None:
        return False
    if not hasattr(method, "_admin_in_use"):
        method._admin_in_use = method.in_use()
    return method._admin_in_use


# --- the parts of a method ------------------------------------------------------------------------


class MethodPartFormSet(BaseInlineFormSet):
    """A formset of the method's page. It knows the page's other formsets (`siblings`, by prefix:
    the bands are checked against the scale posted beside them) and, with `required`, refuses
    to leave the method without any row of its kind. A method in use is not checked: its parts
    (a quality's indicators too) are read-only and nothing of them is saved."""

    required: str = ""

    def __init__(self, *args, siblings: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.siblings = siblings if siblings is not None else {}
        self.siblings[self.prefix] = self

    def kept_data(self) -> list[dict]:
        """The cleaned data of the rows that stay (neither empty nor marked for deletion)."""
        return [form.cleaned_data for form in self.forms
                if getattr(form, "cleaned_data", None) and not form.cleaned_data.get("DELETE")]

    def clean(self):
        super().clean()
        method = self.instance.method if isinstance(self.instance, Quality) else self.instance
        if in_use(method) or any(self.errors):
            return
        if self.required and not self.kept_data():
            raise ValidationError(self.required)
        self.clean_parts()

    def clean_parts(self) -> None:
        """The checks of the rows together (after each row's own)."""


class RaterFormSet(MethodPartFormSet):
    required = _("Укажите, кто оценивает учеников (хотя бы одного оценивающего).")


class QualityFormSet(MethodPartFormSet):
    required = _("Укажите качества, которые оцениваются.")


class ScaleFormSet(MethodPartFormSet):
    required = _("Укажите шкалу: баллы и их значения.")


class BandFormSet(MethodPartFormSet):
    def _scale_values(self) -> list[int] | None:
        """The scale's values as posted beside the bands (None while the scale has errors: they
        are shown there), or as stored."""
        scale = self.siblings.get("scale")
        if scale is None:
            return list(self.instance.scale.values_list("value", flat=True)) if self.instance.pk else []
        if not scale.is_valid():
            return None
        return [data["value"] for data in scale.kept_data() if data.get("value") is not None]

    def clean_parts(self) -> None:
        values = self._scale_values()
        if values is None:
            return
        if not values:
            raise ValidationError(gettext("Укажите шкалу: уровни проверяются по её наименьшему и наибольшему баллу."))
        bands = [(data["name"], data["lower"], data["upper"]) for data in self.kept_data()]
        problems = bands_problems(bands, scale_min=min(values), scale_max=max(values))
        if problems:
            raise ValidationError(problems)


class _MethodPartInline(SharedAcrossDistrictsMixin, PortalTabularInline):
    """A part of a method: read-only (no add, change or delete) once results use the method."""

    extra = 0
    formset = MethodPartFormSet

    def method_of(self, obj) -> Method | None:
        return obj

    def frozen(self, obj) -> bool:
        return in_use(self.method_of(obj))

    def has_add_permission(self, request, obj=None):
        return not self.frozen(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not self.frozen(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self.frozen(obj) and super().has_delete_permission(request, obj)


class MethodRaterInline(_MethodPartInline):
    model = MethodRater
    formset = RaterFormSet
    fields = ("rater", "position")
    max_num = len(Rater.choices)


class QualityInline(_MethodPartInline):
    """The qualities; each one's indicators on its own page (the row's link)."""

    model = Quality
    formset = QualityFormSet
    fields = ("position", "name", "short_name", "indicator_count")
    readonly_fields = ("indicator_count",)
    max_num = MAX_QUALITIES
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(indicator_count=Count("indicators"))

    def get_object(self, request, object_id, from_field=None):
        if request.method == "POST":  # the quality's method locked, as on the method's page
            method_id = Quality.objects.filter(pk=object_id).values_list("method_id", flat=True).first()
            if method_id is not None:
                _lock_method(method_id)
        return super().get_object(request, object_id, from_field)

    @admin.display(description=_("показателей"))
    def indicator_count(self, obj: Quality) -> str:
        count = getattr(obj, "indicator_count", None)
        return "—" if count is None else str(count)


class ScaleValueInline(_MethodPartInline):
    model = ScaleValue
    formset = ScaleFormSet
    fields = ("value", "label")
    max_num = SCALE_MAX - SCALE_MIN + 1


class LevelBandInline(_MethodPartInline):
    model = LevelBand
    formset = BandFormSet
    fields = ("name", "lower", "upper")
    max_num = 10


# --- the method ------------------------------------------------------------------------------------


class MethodAdminForm(forms.ModelForm):
    """The method's form (and its history's «revert», which saves through it): a change of what
    results depend on is refused while results use the method, whatever the path — also a field
    the form does not show, which keeps the instance's value (on a history page, the old one's)."""

    class Meta:
        model = Method
        fields = METHOD_FIELDS

    def clean(self):
        cleaned = super().clean()
        if in_use(self.instance):
            stored = Method.objects.filter(pk=self.instance.pk).values(*Method.FROZEN_FIELDS).first() or {}
            values = {name: cleaned[name] if name in cleaned else getattr(self.instance, name)
                      for name in Method.FROZEN_FIELDS}
            if any(stored.get(name) != value for name, value in values.items()):
                self.add_error(None, method_in_use_error())
        return cleaned


@admin.register(Method)
class MethodAdmin(SharedAcrossDistrictsMixin, HistoryAdmin):
    form = MethodAdminForm
    list_display = ("name", "version", "grades_label", "is_current", "monitoring_count")
    list_filter = ("is_current",)
    search_fields = ("name", "author")
    fieldsets = (
        (None, {"fields": ("usage", "questionnaire")}),
        (_("Методика"), {"fields": ("name", "author", "version", "previous", "grade_from", "grade_to")}),
        (_("Как вычисляется уровень"), {"fields": ("level_rule", "decimals")}),
        (None, {"fields": ("is_current", "note")}),
    )
    readonly_fields = ("usage", "questionnaire", "previous")
    inlines = (MethodRaterInline, QualityInline, ScaleValueInline, LevelBandInline)
    actions = ("make_new_version",)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(monitoring_count=Count("monitorings"))

    def get_object(self, request, object_id, from_field=None):
        """On a POST (inside the admin's transaction) the method's row is locked first: a class's
        monitoring started meanwhile (`services.monitoring_start` locks it too) waits, so the
        form is checked against whether the method is in use as it is saved."""
        if request.method == "POST":
            _lock_method(object_id)
        return super().get_object(request, object_id, from_field)

    @admin.display(description=_("классы"), ordering="grade_from")
    def grades_label(self, obj: Method) -> str:
        return obj.grades_label

    @admin.display(description=_("мониторингов"), ordering="monitoring_count")
    def monitoring_count(self, obj: Method) -> int:
        return obj.monitoring_count

    @admin.display(description=_("использование"))
    def usage(self, obj: Method | None) -> str:
        if obj is None or obj.pk is None:
            return gettext("Новая методика: добавьте оценивающих, качества, шкалу и уровни; показатели качеств — "
                           "на странице качества (ссылка в его строке) после сохранения.")
        if in_use(obj):
            count = obj.monitorings.count()
            return ngettext(
                "По этой версии сохранены результаты (%(count)s мониторинг класса): её нельзя изменить, только "
                "отметку «действующая версия» и примечание. Чтобы изменить методику, создайте новую версию.",
                "По этой версии сохранены результаты (%(count)s мониторингов классов): её нельзя изменить, только "
                "отметку «действующая версия» и примечание. Чтобы изменить методику, создайте новую версию.",
                count,
            ) % {"count": count}
        return gettext("Результатов по этой версии нет: её можно исправить.")

    @admin.display(description=_("анкета"))
    def questionnaire(self, obj: Method | None) -> str:
        if obj is None or obj.pk is None:
            return "—"
        return format_html('<a href="{}">{}</a>', reverse("reports:monitoring_method", args=[obj.pk]),
                           gettext("Открыть анкету методики (для печати)"))

    def get_readonly_fields(self, request, obj=None):
        if in_use(obj):
            return (*self.readonly_fields, *(name for name in METHOD_FIELDS if name not in EDITABLE_IN_USE))
        return self.readonly_fields

    def has_delete_permission(self, request, obj=None):
        return not in_use(obj) and super().has_delete_permission(request, obj)

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if isinstance(inline, _MethodPartInline):
            kwargs["siblings"] = request.__dict__.setdefault("_method_formsets", {})
        return kwargs

    # --- a new version -------------------------------------------------------------------------

    @admin.action(description=_("Создать новую версию"), permissions=["add"])
    def make_new_version(self, request, queryset):
        methods = list(queryset[:2])
        if len(methods) != 1:
            self.message_user(request, gettext("Выберите одну методику: новая версия создаётся для каждой отдельно."),
                              messages.WARNING)
            return None
        return self._new_version(request, methods[0])

    def _new_version(self, request, method: Method):
        try:
            copy = services.method_new_version(method=method)
        except IntegrityError:  # another version of it made a moment ago
            self.message_user(request, gettext("Новую версию этой методики только что создал другой пользователь: "
                                               "откройте её в списке."), messages.ERROR)
            return HttpResponseRedirect(reverse("admin:reports_method_changelist"))
        self.log_addition(request, copy, [{"added": {}}])
        self.message_user(request, gettext(
            "Создана версия %(version)s методики «%(name)s»: теперь она действующая, новые мониторинги ведутся по "
            "ней; результаты прежней версии остались как были. Исправьте её ниже."
        ) % {"version": copy.version, "name": copy.name}, messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:reports_method_change", args=[copy.pk]))

    def new_version_view(self, request, object_id):
        """The change page's button: POST only, for those who may add a method."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_add_permission(request):
            raise PermissionDenied
        try:
            method = self.get_queryset(request).get(pk=int(unquote(object_id)))
        except (ValueError, OverflowError, Method.DoesNotExist):
            raise Http404 from None
        return self._new_version(request, method)

    def get_urls(self):
        return [
            path("<path:object_id>/new-version/", self.admin_site.admin_view(self.new_version_view),
                 name="reports_method_new_version"),
            *super().get_urls(),
        ]

    # --- the history ---------------------------------------------------------------------------

    def revert_disabled(self, request, obj=None) -> bool:
        return in_use(obj) or super().revert_disabled(request, obj)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self.history_ids_or_404(object_id, version_id)
        if request.method == "POST" and in_use(self.get_object(request, unquote(object_id))):
            raise PermissionDenied  # a revert would change what results depend on
        return super().history_form_view(request, object_id, version_id, extra_context)


# --- a quality and its indicators ------------------------------------------------------------------


class IndicatorInline(_MethodPartInline):
    model = Indicator
    fields = ("position", "text")
    max_num = MAX_INDICATORS
    formfield_overrides = {models.CharField: {"widget": forms.TextInput(attrs={"size": 80})}}

    def method_of(self, obj) -> Method | None:
        return obj.method if obj is not None else None


@admin.register(Quality)
class QualityAdmin(SharedAcrossDistrictsMixin, PortalAdmin):
    """A quality with its indicator statements. Qualities are added on their method's page."""

    list_display = ("name", "method", "position", "indicator_count")
    list_filter = ("method",)
    list_select_related = ("method",)
    search_fields = ("name", "indicators__text")
    fields = ("method", "position", "name", "short_name")
    readonly_fields = ("method",)
    inlines = (IndicatorInline,)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(indicator_count=Count("indicators"))

    @admin.display(description=_("показателей"), ordering="indicator_count")
    def indicator_count(self, obj: Quality) -> int:
        return obj.indicator_count

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return not (obj is not None and in_use(obj.method)) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not (obj is not None and in_use(obj.method)) and super().has_delete_permission(request, obj)
