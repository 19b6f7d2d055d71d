"""The records of methodical work in the admin, each with its history (django-simple-history).
A staff user sees their district's records only (`access.administered`); the reference lists
(contests, course providers) are the department's to edit. Records are written on the site
through their services; in the admin they are read and corrected, with every change in the
history."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from associations import access
from associations.records import imports as record_imports
from associations.records.attestation.forms import AttestationAdminForm
from associations.records.import_admin import RecordImportMixin
from associations.records.instructions import services as instruction_services
from associations.records.instructions.forms import InstructionVersionAdminForm
from associations.records.models import (
    Acknowledgment,
    Attestation,
    AttestationApplication,
    Consultation,
    Contest,
    ContestEntry,
    Course,
    CourseProvider,
    Instruction,
    InstructionVersion,
    Nomination,
    Visit,
    VisitRecommendation,
)
from rmo_portal.admin_history import HistoryAdmin, PortalTabularInline


class DistrictRecordAdmin(HistoryAdmin):
    """A record reached from its district by `district_path`."""

    district_path = "person__district"

    def get_queryset(self, request):
        return access.administered(request.user, super().get_queryset(request), district_path=self.district_path)


# --- reference lists ------------------------------------------------------------------------------


@admin.register(Contest)
class ContestAdmin(HistoryAdmin):
    list_display = ("name", "organiser", "is_official", "is_active")
    list_editable = ("is_official", "is_active")
    list_filter = ("is_official", "is_active")
    search_fields = ("name", "organiser")


@admin.register(CourseProvider)
class CourseProviderAdmin(HistoryAdmin):
    list_display = ("name", "is_active")
    list_editable = ("is_active",)
    list_filter = ("is_active",)
    search_fields = ("name",)


# --- records of a person --------------------------------------------------------------------------


@admin.register(ContestEntry)
class ContestEntryAdmin(DistrictRecordAdmin):
    list_display = ("person", "contest", "level", "result", "place", "held_on", "status")
    list_filter = ("academic_year", "level", "result", "status", "contest__is_official")
    list_select_related = ("person", "contest")
    search_fields = ("person__last_name", "contest__name")
    autocomplete_fields = ("person",)
    # Confirmation is the МО head's act on the site (who and when are recorded with it).
    readonly_fields = ("status", "entered_by", "confirmed_by", "confirmed_at", "version")


@admin.register(Attestation)
class AttestationAdmin(RecordImportMixin, DistrictRecordAdmin):
    record_import = record_imports.ATTESTATION_IMPORT  # «Импорт из XLSX» on the changelist
    list_display = ("person", "category", "granted_on", "expires_on", "order_number")
    list_filter = ("academic_year", "category")
    list_select_related = ("person",)
    search_fields = ("person__last_name", "order_number")
    autocomplete_fields = ("person",)
    form = AttestationAdminForm  # the rules of the Порядок; the expiry computed
    readonly_fields = ("expires_on", "entered_by", "version")


@admin.register(AttestationApplication)
class AttestationApplicationAdmin(DistrictRecordAdmin):
    list_display = ("person", "category", "applied_on", "outcome", "outcome_on")
    list_filter = ("academic_year", "category", "outcome")
    list_select_related = ("person",)
    search_fields = ("person__last_name",)
    autocomplete_fields = ("person",)
    readonly_fields = ("entered_by", "version")


@admin.register(Course)
class CourseAdmin(RecordImportMixin, DistrictRecordAdmin):
    record_import = record_imports.COURSE_IMPORT  # «Импорт из XLSX» on the changelist
    list_display = ("person", "title", "provider", "hours", "starts_on", "ends_on")
    list_filter = ("academic_year", "provider")
    list_select_related = ("person", "provider")
    search_fields = ("person__last_name", "title", "document_number")
    autocomplete_fields = ("person",)
    readonly_fields = ("entered_by", "version")


@admin.register(Nomination)
class NominationAdmin(DistrictRecordAdmin):
    list_display = ("person", "reason", "addressee", "nominated_on", "outcome")
    list_filter = ("academic_year", "addressee", "outcome")
    list_select_related = ("person",)
    search_fields = ("person__last_name", "reason")
    autocomplete_fields = ("person",)
    readonly_fields = ("entered_by", "version")


# --- visits and consultations ---------------------------------------------------------------------


class VisitRecommendationInline(PortalTabularInline):
    model = VisitRecommendation
    fields = ("position", "text", "due_on", "done_on", "done_note")
    extra = 0


@admin.register(Visit)
class VisitAdmin(DistrictRecordAdmin):
    district_path = "school__district"
    list_display = ("school", "target", "visited_on", "visitor", "visited_person")
    list_filter = ("academic_year", "target")
    list_select_related = ("school", "visitor", "visited_person")
    search_fields = ("school__short_name", "purpose", "event_title")
    autocomplete_fields = ("visitor", "visited_person")
    readonly_fields = ("entered_by", "version")
    inlines = (VisitRecommendationInline,)


@admin.register(Consultation)
class ConsultationAdmin(DistrictRecordAdmin):
    district_path = "association__district"
    list_display = ("topic", "association", "kind", "consultant", "held_on", "form", "duration_minutes")
    list_filter = ("academic_year", "kind", "form")
    list_select_related = ("association", "consultant")
    search_fields = ("topic", "consultant__last_name")
    autocomplete_fields = ("consultant", "consulted")
    readonly_fields = ("entered_by", "version")


# --- the instruction and its acknowledgment -------------------------------------------------------


class InstructionVersionInline(PortalTabularInline):
    model = InstructionVersion
    fields = ("number", "effective_from")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class SharedAcrossDistrictsMixin:
    """The instructions are every district's: a district's staff user reads them, only a superuser
    adds, changes or deletes them."""

    def has_add_permission(self, request, *args) -> bool:
        return request.user.is_superuser and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser and super().has_delete_permission(request, obj)


@admin.register(Instruction)
class InstructionAdmin(SharedAcrossDistrictsMixin, HistoryAdmin):
    list_display = ("title", "association_kind", "role")
    inlines = (InstructionVersionInline,)


@admin.register(InstructionVersion)
class InstructionVersionAdmin(SharedAcrossDistrictsMixin, HistoryAdmin):
    """A new text is a new version, numbered by `instruction_version_add`. A version once
    acknowledged never changes: its change form is read-only, and the form refuses it on every
    path that saves through it (the history's «revert» included)."""

    form = InstructionVersionAdminForm
    list_display = ("instruction", "number", "effective_from", "acknowledgment_count")
    list_filter = ("instruction",)
    list_select_related = ("instruction",)
    FROZEN = ("instruction", "number", "text", "effective_from")

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(acknowledgment_count=Count("acknowledgments"))

    @admin.display(description=_("ознакомлений"), ordering="acknowledgment_count")
    def acknowledgment_count(self, obj) -> int:
        return obj.acknowledgment_count

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ("number",)  # the next one
        if obj.pk is not None and Acknowledgment.objects.filter(version_id=obj.pk).exists():
            return self.FROZEN
        return ("instruction", "number")

    def save_model(self, request, obj, form, change):
        if change:
            instruction_services.instruction_version_update(
                version=obj, values={name: getattr(obj, name) for name in self.FROZEN}, user=request.user
            )
        else:
            instruction_services.instruction_version_add(version=obj, user=request.user)


@admin.register(Acknowledgment)
class AcknowledgmentAdmin(DistrictRecordAdmin):
    """Acknowledgments are given by the appointed person on the site and only read here (a mistaken
    one may be deleted, with its history, and given again)."""

    district_path = "appointment__association__district"
    list_display = ("appointment", "version", "acknowledged_on")
    list_select_related = ("appointment__person", "appointment__association", "version__instruction")
    search_fields = ("appointment__person__last_name",)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    # A «revert» from the history is a change: refused (rmo_portal.admin_history.HistoryAdmin).
