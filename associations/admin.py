"""The education department's admin: the organisation, people, memberships and appointments.

Appointments are written only through `services.appointment_create` (the rules of the job
instruction and the regulation); a school's staff list comes in through `imports.staff_import`.
Every changelist fetches its related rows up front (`list_select_related`, one prefetch), so
its query count does not grow with the number of rows.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from associations import access, imports, services
from associations.files.services import FileNotStored
from associations.forms import AppointmentAddForm, AppointmentChangeForm, StaffImportForm
from associations.models import (
    AcademicYear,
    Appointment,
    Association,
    ClassAssignment,
    District,
    DistrictOfficial,
    Membership,
    Person,
    School,
    StaffDistrict,
)
from rmo_portal.admin_history import HistoryAdmin, PortalAdmin, PortalTabularInline, ScopedChoicesMixin


class DistrictScopedMixin:
    """A staff user sees the rows of their district only (`access.administered`); the path from
    the model to its district is `district_path`."""

    district_path: str = ""

    def get_queryset(self, request):
        return access.administered(request.user, super().get_queryset(request), district_path=self.district_path)


class SuperuserOnlyMixin:
    """Rows that span districts or grant them (a staff user's district): the superuser's."""

    def has_module_permission(self, request):
        return request.user.is_superuser and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_view_permission(request, obj)

    def has_add_permission(self, request, *args):
        return request.user.is_superuser and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_delete_permission(request, obj)


@admin.register(StaffDistrict)
class StaffDistrictAdmin(SuperuserOnlyMixin, PortalAdmin):
    list_display = ("user", "district")
    list_select_related = ("user", "district")
    search_fields = ("user__username", "user__last_name", "district__name")
    autocomplete_fields = ("district",)


@admin.register(District)
class DistrictAdmin(DistrictScopedMixin, PortalAdmin):
    list_display = ("name", "slug", "education_department", "methodical_office")
    search_fields = ("name", "slug", "education_department")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(School)
class SchoolAdmin(PortalAdmin):
    list_display = ("short_name", "district", "director_name", "import_staff_link")
    list_filter = ("district",)
    search_fields = ("short_name", "name", "district__name")
    list_select_related = ("district",)
    autocomplete_fields = ("district",)

    def get_queryset(self, request):
        return access.visible(request.user, "school", super().get_queryset(request))

    @admin.display(description=_("список сотрудников"))
    def import_staff_link(self, obj: School) -> str:
        url = reverse("admin:associations_school_import_staff", args=(obj.pk,))
        return format_html('<a href="{}">{}</a>', url, gettext("Импорт списка сотрудников"))

    def get_urls(self):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path(
                "import-staff/template.xlsx",
                self.admin_site.admin_view(self.staff_template_view),
                name=f"{prefix}_import_staff_template",
            ),
            path(
                "<path:object_id>/import-staff/",
                self.admin_site.admin_view(self.import_staff_view),
                name=f"{prefix}_import_staff",
            ),
            *super().get_urls(),
        ]

    def _may_import(self, request, school: School | None = None) -> bool:
        user = request.user
        return (
            self.has_view_or_change_permission(request, school)
            and user.has_perm("associations.add_person")
            and user.has_perm("associations.change_person")
        )

    def staff_template_view(self, request):
        if not self._may_import(request):
            raise PermissionDenied
        response = HttpResponse(
            imports.staff_import_template(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = 'attachment; filename="staff-template.xlsx"'
        return response

    def import_staff_view(self, request, object_id):
        school = self.get_object(request, unquote(object_id))
        if school is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self._may_import(request, school):
            raise PermissionDenied

        report = None
        if request.method == "POST":
            form = StaffImportForm(request.POST, request.FILES)
            if form.is_valid():
                upload = form.cleaned_data["file"]
                try:
                    report = imports.staff_import(
                        school=school,
                        file=upload,
                        filename=upload.name,
                        user=request.user,
                        dry_run=form.cleaned_data["dry_run"],
                    )
                except ValidationError as error:
                    form.add_error("file", error)
                else:
                    if report.ok and not report.dry_run:
                        self.log_change(
                            request,
                            school,
                            gettext("Импорт списка сотрудников из «%(file)s»: %(summary)s")
                            % {"file": report.filename, "summary": report.summary},
                        )
        else:
            form = StaffImportForm()

        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Импорт списка сотрудников: %(school)s") % {"school": school.short_name},
            "subtitle": None,
            "opts": self.opts,
            "original": school,
            "school": school,
            "form": form,
            "report": report,
            "columns": imports.COLUMNS,
            "max_rows": imports.MAX_ROWS,
            "people_url": reverse("admin:associations_person_changelist") + f"?school__id__exact={school.pk}",
            "template_url": reverse("admin:associations_school_import_staff_template"),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/associations/school/import_staff.html", context)


@admin.register(AcademicYear)
class AcademicYearAdmin(PortalAdmin):
    list_display = ("__str__", "start_year", "starts_on_display", "ends_on_display")
    search_fields = ("start_year",)
    ordering = ("-start_year",)

    @admin.display(description=_("начало"), ordering="start_year")
    def starts_on_display(self, obj: AcademicYear):
        return obj.starts_on

    @admin.display(description=_("окончание"), ordering="start_year")
    def ends_on_display(self, obj: AcademicYear):
        return obj.ends_on


class ClassAssignmentInline(PortalTabularInline):
    model = ClassAssignment
    fk_name = "teacher"
    fields = ("academic_year", "grade", "letter", "school")
    autocomplete_fields = ("school",)
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("academic_year", "school")


@admin.register(Person)
class PersonAdmin(HistoryAdmin):
    list_display = (
        "full_name_display",
        "school",
        "district",
        "position",
        "education",
        "experience_since",
        "category",
        "email",
        "has_login",
    )
    list_filter = (
        "district",
        "position",
        "education",
        "category",
        ("school", admin.RelatedOnlyFieldListFilter),
    )
    search_fields = ("last_name", "first_name", "patronymic", "email", "school__short_name")
    list_select_related = ("school", "district")
    autocomplete_fields = ("district", "school", "user")
    fieldsets = (
        (None, {"fields": ("last_name", "first_name", "patronymic", "gender")}),
        (_("Место работы"), {"fields": ("district", "school", "position")}),
        (
            _("Образование и квалификация"),
            {"fields": ("education", "experience_since", "category", "category_date")},
        ),
        (_("Связь"), {"fields": ("email", "user")}),
    )
    inlines = (ClassAssignmentInline,)

    def get_queryset(self, request):
        return access.visible(request.user, "person", super().get_queryset(request))

    @admin.display(description=_("ФИО"), ordering="last_name")
    def full_name_display(self, obj: Person) -> str:
        return obj.full_name

    @admin.display(description=_("учётная запись"), boolean=True)
    def has_login(self, obj: Person) -> bool:
        return obj.user_id is not None


class AppointmentInline(PortalTabularInline):
    """History of heads and secretaries on the association's page; read-only, because a new
    appointment goes through the service (the add page of «Назначения»)."""

    model = Appointment
    fields = ("role", "person", "order_display", "starts_on", "ends_on", "position_rule_confirmed")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True
    verbose_name_plural = _("Руководители и секретари (история назначений)")

    @admin.display(description=_("приказ"))
    def order_display(self, obj: Appointment) -> str:
        return obj.order_label

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("person").order_by("role", "-starts_on")

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class MembershipInline(PortalTabularInline):
    model = Membership
    fields = ("person", "academic_year")
    autocomplete_fields = ("person",)
    extra = 0
    verbose_name_plural = _("Члены объединения")

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("person", "academic_year")
            .order_by("-academic_year__start_year", "person__last_name", "person__first_name")
        )


@admin.register(Association)
class AssociationAdmin(HistoryAdmin):
    list_display = ("name", "kind", "district", "school", "current_head")
    list_filter = ("kind", "district")
    search_fields = ("name", "school__short_name", "district__name")
    list_select_related = ("district", "school")
    autocomplete_fields = ("district", "school")
    readonly_fields = ("appoint_link",)
    fields = ("kind", "district", "school", "name", "appoint_link")
    inlines = (AppointmentInline, MembershipInline)

    def get_queryset(self, request):
        current_heads = (
            Appointment.objects.in_office(timezone.localdate()).filter(role=Appointment.Role.HEAD)
            .select_related("person")
        )
        return access.visible(
            request.user,
            "association",
            super()
            .get_queryset(request)
            .prefetch_related(Prefetch("appointments", queryset=current_heads, to_attr="current_heads")),
        )

    @admin.display(description=_("руководитель"))
    def current_head(self, obj: Association) -> str:
        heads = getattr(obj, "current_heads", None)
        if heads is None:  # not fetched through get_queryset
            heads = list(
                Appointment.objects.in_office(timezone.localdate())
                .filter(association=obj, role=Appointment.Role.HEAD)
                .select_related("person")
            )
        return ", ".join(a.person.short_name for a in heads) or "—"

    @admin.display(description=_("назначение"))
    def appoint_link(self, obj: Association) -> str:
        if obj.pk is None:
            return "—"
        url = reverse("admin:associations_appointment_add") + f"?association={obj.pk}"
        return format_html('<a href="{}">{}</a>', url, gettext("Назначить руководителя или секретаря"))


@admin.register(Membership)
class MembershipAdmin(DistrictScopedMixin, HistoryAdmin):
    district_path = "association__district"
    list_display = ("person", "association", "academic_year")
    list_filter = ("academic_year", "association__kind", "association__district")
    search_fields = (
        "person__last_name",
        "person__first_name",
        "association__name",
        "association__school__short_name",
    )
    list_select_related = ("person", "association", "academic_year")
    autocomplete_fields = ("person", "association")


@admin.register(ClassAssignment)
class ClassAssignmentAdmin(DistrictScopedMixin, HistoryAdmin):
    district_path = "school__district"
    list_display = ("label_display", "school", "academic_year", "teacher")
    list_filter = ("academic_year", "school__district", "grade")
    search_fields = ("school__short_name", "teacher__last_name", "teacher__first_name")
    list_select_related = ("school", "academic_year", "teacher")
    autocomplete_fields = ("school", "teacher")

    @admin.display(description=_("класс"), ordering="grade")
    def label_display(self, obj: ClassAssignment) -> str:
        return obj.label


class CurrentAppointmentFilter(admin.SimpleListFilter):
    title = _("действует")
    parameter_name = "current"

    def lookups(self, request, model_admin):
        return (("yes", _("действующие")), ("no", _("завершённые")))

    def queryset(self, request, queryset):
        # In force today (an end set in advance still counts until its last day): in_office().
        if self.value() == "yes":
            return queryset.filter(pk__in=Appointment.objects.in_office(timezone.localdate()).values("pk"))
        if self.value() == "no":
            return queryset.exclude(pk__in=Appointment.objects.in_office(timezone.localdate()).values("pk"))
        return queryset


@admin.register(Appointment)
class AppointmentAdmin(DistrictScopedMixin, HistoryAdmin):
    """Adding goes through `services.appointment_create`; an existing appointment keeps its rule
    fields, only the order's details and the end date may be corrected."""

    district_path = "association__district"

    list_display = (
        "association",
        "role",
        "person",
        "order_display",
        "starts_on",
        "ends_on",
        "position_rule_confirmed",
        "created_by",
    )
    list_filter = (
        CurrentAppointmentFilter,
        "role",
        "association__kind",
        "association__district",
        "position_rule_confirmed",
    )
    search_fields = ("person__last_name", "person__first_name", "association__name", "order_number")
    list_select_related = ("association", "person", "created_by")
    autocomplete_fields = ("association", "person")

    rule_fields = ("association", "person", "role", "order_date", "starts_on")
    record_fields = ("position_rule_confirmed", "created_by", "created_at", "order_scan_display")

    @admin.display(description=_("приказ"))
    def order_display(self, obj: Appointment) -> str:
        return obj.order_label

    @admin.display(description=_("скан приказа"))
    def order_scan_display(self, obj: Appointment) -> str:
        if obj is None or not obj.has_order_scan:
            return gettext("не приложен")
        url = reverse("associations:appointment_order_scan", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, obj.order_scan.original_name)

    def _attach_order_scan(self, request, form, appointment: Appointment) -> None:
        """The order's scan checked by the form's UploadField, stored through the file module."""
        upload = form.cleaned_data.get("order_scan_upload")
        if upload:
            try:
                attached = services.appointment_order_scan_attach(
                    appointment=appointment, upload=upload, user=request.user
                )
            except FileNotStored as refusal:
                # The storage failed (the disk full): the appointment's fields are saved, the scan
                # is not, nothing of it is kept, and the user is told so beside the success line.
                messages.error(request, gettext("Скан приказа не приложен. %(reason)s") % {
                    "reason": " ".join(refusal.messages),
                })
                return
            appointment.order_scan_id = attached.order_scan_id

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = AppointmentChangeForm if obj is not None else AppointmentAddForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        return self.rule_fields + self.record_fields

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return (
                (None, {"fields": ("association", "person", "role")}),
                (_("Приказ"), {
                    "fields": ("order_number", "order_date", "order_issuer", "starts_on", "order_scan_upload"),
                }),
                (_("Подтверждения"), {"fields": ("confirm_position", "confirm_earlier_order")}),
            )
        return (
            (None, {"fields": ("association", "person", "role")}),
            (_("Приказ"), {"fields": ("order_number", "order_date", "order_issuer", "order_scan_display",
                                      "order_scan_upload")}),
            (_("Полномочия"), {"fields": ("starts_on", "ends_on", "position_rule_confirmed")}),
            (_("Учёт"), {"fields": ("created_by", "created_at")}),
        )

    def save_model(self, request, obj, form, change):
        if change:
            data = form.cleaned_data
            services.appointment_update(
                appointment=obj, order_number=data["order_number"], order_issuer=data.get("order_issuer", ""),
                ends_on=data.get("ends_on"), user=request.user,
            )
            self._attach_order_scan(request, form, obj)
            obj.refresh_from_db()
            return
        data = form.cleaned_data
        try:
            appointment = services.appointment_create(
                association=data["association"],
                person=data["person"],
                role=data["role"],
                order_number=data["order_number"],
                order_date=data["order_date"],
                order_issuer=data.get("order_issuer") or "",
                starts_on=data.get("starts_on"),
                confirm_position=data.get("confirm_position", False),
                confirm_earlier_order=data.get("confirm_earlier_order", False),
                created_by=request.user,
            )
        except ValidationError as error:
            # The form ran the same checks a moment ago; only a concurrent appointment gets here.
            request._appointment_refused = error
            return
        self._attach_order_scan(request, form, appointment)
        # The admin goes on with `obj` (log entry, redirect): make it the row the service wrote.
        for name, value in vars(appointment).items():
            if name != "_state":
                setattr(obj, name, value)
        obj._state.adding = False
        obj._state.db = appointment._state.db

    def log_addition(self, request, obj, message):
        if obj.pk is None:
            return None
        return super().log_addition(request, obj, message)

    def response_add(self, request, obj, post_url_continue=None):
        error = getattr(request, "_appointment_refused", None)
        if error is not None:
            for text in error.messages:
                self.message_user(request, text, level=messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())
        return super().response_add(request, obj, post_url_continue)

    def has_delete_permission(self, request, obj=None) -> bool:
        # The history keeps a deleted appointment anyway; only a superuser may remove one.
        return request.user.is_superuser and super().has_delete_permission(request, obj)

    def revert_disabled(self, request, obj=None) -> bool:
        # Reverting to an old version would bypass the service's rules.
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


@admin.register(DistrictOfficial)
class DistrictOfficialAdmin(DistrictScopedMixin, HistoryAdmin):
    """Who approves the district РМО's plan: the head of the education department or of the
    methodical office, assigned here (the РМО's own head never reviews its plan)."""

    district_path = "district"
    list_display = ("person", "role", "district", "starts_on", "ends_on")
    list_filter = ("role", "district")
    list_select_related = ("person", "district")
    search_fields = ("person__last_name", "person__first_name", "district__name")
    autocomplete_fields = ("district", "person")


# The plan's admin registers itself on import (Django autodiscovers only this module).
from associations.files import admin as files_admin  # noqa: E402, F401
from associations.plans import admin as plans_admin  # noqa: E402, F401
from associations.records import admin as records_admin  # noqa: E402, F401

# --- logins: a staff user administers their district's, and may not grant what they lack ----------

UserModel = get_user_model()


class StaffDistrictInline(SuperuserOnlyMixin, PortalTabularInline):
    model = StaffDistrict
    fields = ("district",)
    autocomplete_fields = ("district",)
    extra = 0
    max_num = 1


class PortalUserAdmin(ScopedChoicesMixin, UserAdmin):
    """Django's user admin, scoped: a staff user sees the logins of their district and cannot
    make anyone a superuser or hand out permissions (only a superuser can)."""

    inlines = (StaffDistrictInline,)

    def get_queryset(self, request):
        return access.administered_users(request.user, super().get_queryset(request))

    def get_readonly_fields(self, request, obj=None):
        readonly = tuple(super().get_readonly_fields(request, obj))
        if request.user.is_superuser:
            return readonly
        return (*readonly, "is_superuser", "is_staff", "groups", "user_permissions")


admin.site.unregister(UserModel)
admin.site.register(UserModel, PortalUserAdmin)
