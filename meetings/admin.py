"""The education department's admin of meetings and protocols.

A protocol is created only on the site (`services.protocol_create` gives it the next number of
its year under a lock) and signed only there (`services.protocol_sign` renders and keeps its
PDF): here a draft's chair, secretary and decision label may be corrected, never its number,
meeting, association or year; a signed protocol, its questions and their decisions are
read-only (the models refuse a change anyway; the admin does not offer one, and a POST to a
signed protocol's change page is a 403). Nothing is deleted: a deleted protocol would leave a
gap in the numbering. Every changelist fetches its related rows up front.
"""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from associations import access
from associations.admin import DistrictScopedMixin
from associations.models import PlanItem
from meetings.models import (
    AgendaItem,
    Attendance,
    Decision,
    Guest,
    Meeting,
    Protocol,
    ProtocolItem,
)
from rmo_portal.admin_history import HistoryAdmin, PortalAdmin, PortalTabularInline


def _signed(protocol: Protocol | None) -> bool:
    return protocol is not None and protocol.is_signed


def _meeting_frozen(meeting: Meeting | None) -> bool:
    if meeting is None or meeting.pk is None:
        return False
    return Protocol.objects.filter(meeting_id=meeting.pk, status=Protocol.Status.SIGNED).exists()


class _FrozenInline(PortalTabularInline):
    """An inline of a parent that freezes: read-only (no add, change, delete) once `frozen(obj)`."""

    extra = 0

    def frozen(self, obj) -> bool:
        raise NotImplementedError

    def has_add_permission(self, request, obj=None):
        return not self.frozen(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not self.frozen(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self.frozen(obj) and super().has_delete_permission(request, obj)


# --- meetings ---------------------------------------------------------------------------------


class _MeetingInline(_FrozenInline):
    def frozen(self, obj) -> bool:
        return _meeting_frozen(obj)


class AgendaItemInline(_MeetingInline):
    model = AgendaItem
    fields = ("position", "title", "speakers", "guest_speakers")
    autocomplete_fields = ("speakers",)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("speakers")


class GuestInline(_MeetingInline):
    model = Guest
    fields = ("full_name", "position")


class AttendanceInline(_MeetingInline):
    model = Attendance
    fields = ("person", "present", "absence_reason")
    autocomplete_fields = ("person",)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("person")


@admin.register(Meeting)
class MeetingAdmin(HistoryAdmin):
    list_display = ("starts_at", "kind", "theme", "association", "academic_year", "status", "protocol_number")
    list_filter = ("status", "kind", "academic_year", "association__kind", "association__district")
    search_fields = ("theme", "association__name", "association__school__short_name", "place")
    list_select_related = ("association", "academic_year", "protocol")
    date_hierarchy = "starts_at"
    autocomplete_fields = ("association",)
    raw_id_fields = ("plan_item",)
    readonly_fields = ("version", "created_by_display", "updated_at")
    fields = (
        "association", "academic_year", "kind", "theme", "starts_at", "duration_minutes", "place",
        "status", "cancel_reason", "plan_item", "version", "created_by_display", "updated_at",
    )
    inlines = (AgendaItemInline, GuestInline, AttendanceInline)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "plan_item":  # plan items have no admin of their own to scope them
            kwargs["queryset"] = access.administered(
                request.user, PlanItem.objects.select_related("plan__association"),
                district_path="plan__association__district",
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_queryset(self, request):
        return access.visible(request.user, "meeting", super().get_queryset(request))

    @admin.display(description=_("кем создано"))
    def created_by_display(self, obj: Meeting):
        # Meeting.created_by has no Russian verbose_name (changing it would be a migration).
        return obj.created_by or "—"

    @admin.display(description=_("протокол"))
    def protocol_number(self, obj: Meeting) -> str:
        try:
            protocol = obj.protocol
        except Protocol.DoesNotExist:
            return "—"
        return f"№ {protocol.number} ({protocol.get_status_display()})"

    def get_readonly_fields(self, request, obj=None):
        fields = self.readonly_fields
        if obj is not None and Protocol.objects.filter(meeting_id=obj.pk).exists():
            # The protocol's number belongs to the association and the year, and follows the
            # meeting's date; a meeting with a protocol is not cancelled: the date and the status
            # change on the site (meetings.services), which renumbers.
            fields = (*fields, "association", "academic_year", "starts_at", "status")
        return fields

    def has_change_permission(self, request, obj=None):
        return not _meeting_frozen(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and Protocol.objects.filter(meeting_id=obj.pk).exists():
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        if change:
            obj.version += 1  # an editor opened on the site before this change must not overwrite it
        elif obj.created_by_id is None:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST" and _meeting_frozen(self.get_object(request, object_id)):
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


# --- protocols --------------------------------------------------------------------------------


class _AgendaItemChoices:
    """A protocol question's agenda item is one of the user's district (agenda items have no
    admin of their own whose queryset would scope them)."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "agenda_item":
            kwargs["queryset"] = access.administered(
                request.user, AgendaItem.objects.all(), district_path="meeting__association__district"
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ProtocolItemInline(_AgendaItemChoices, _FrozenInline):
    model = ProtocolItem
    fields = (
        "position", "agenda_item", "heard_person", "heard_name", "heard", "spoke", "decided",
        "votes_for", "votes_against", "votes_abstained",
    )
    autocomplete_fields = ("heard_person",)
    raw_id_fields = ("agenda_item",)
    show_change_link = True

    def frozen(self, obj) -> bool:
        return _signed(obj)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("heard_person", "agenda_item")


@admin.register(Protocol)
class ProtocolAdmin(HistoryAdmin):
    list_display = ("number", "association", "academic_year", "meeting_date", "status", "signed_at", "chair")
    list_display_links = ("number", "association")
    list_filter = ("status", "academic_year", "decided_label", "association__kind", "association__district")
    search_fields = ("association__name", "association__school__short_name", "meeting__theme")
    list_select_related = ("association", "academic_year", "meeting", "chair")
    autocomplete_fields = ("chair", "secretary")
    fields = (
        "association", "academic_year", "number", "meeting", "status", "chair", "secretary", "decided_label",
        "version", "updated_at", "signed_at", "signed_by_display", "pdf", "pdf_sha256",
    )
    # Numbering (association, year, number, meeting) and signing (status and what it stores)
    # belong to the services.
    readonly_fields = (
        "association", "academic_year", "number", "meeting", "status", "version", "updated_at",
        "signed_at", "signed_by_display", "pdf", "pdf_sha256",
    )
    inlines = (ProtocolItemInline,)

    def get_queryset(self, request):
        return access.visible(request.user, "protocol", super().get_queryset(request))

    @admin.display(description=_("кем подписан"))
    def signed_by_display(self, obj: Protocol):
        # Protocol.signed_by has no Russian verbose_name (changing it would be a migration).
        return obj.signed_by or "—"

    @admin.display(description=_("дата заседания"), ordering="meeting__starts_at")
    def meeting_date(self, obj: Protocol):
        return obj.meeting.starts_at

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return not _signed(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        # Only what the admin may change: the number (renumbered under a lock on the site) is
        # never written back from the copy this page loaded.
        obj.version += 1  # an editor opened on the site before this change must not overwrite it
        if change:
            obj.save(update_fields=["chair", "secretary", "decided_label", "version", "updated_at"])
        else:
            super().save_model(request, obj, form, change)

    def revert_disabled(self, request, obj=None) -> bool:
        return True  # reverting would bypass numbering and signing

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


class DecisionInline(_FrozenInline):
    model = Decision
    fields = ("text", "responsible", "due_on", "status", "done_on", "done_note")
    autocomplete_fields = ("responsible",)

    def frozen(self, obj) -> bool:
        return obj is not None and _signed(obj.protocol)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("responsible")


@admin.register(ProtocolItem)
class ProtocolItemAdmin(_AgendaItemChoices, DistrictScopedMixin, PortalAdmin):
    district_path = "protocol__association__district"

    """A protocol's question with its decisions (the admin has no nested inlines)."""

    list_display = ("__str__", "protocol", "position", "heard_person")
    list_filter = ("protocol__status", "protocol__academic_year", "protocol__association__district")
    search_fields = ("decided", "heard", "protocol__association__name")
    list_select_related = ("protocol", "protocol__association", "protocol__academic_year", "heard_person")
    autocomplete_fields = ("heard_person",)
    raw_id_fields = ("agenda_item",)
    readonly_fields = ("protocol",)
    inlines = (DecisionInline,)

    def has_add_permission(self, request):
        return False  # questions are added in their protocol

    def has_change_permission(self, request, obj=None):
        return not (obj is not None and _signed(obj.protocol)) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not (obj is not None and _signed(obj.protocol)) and super().has_delete_permission(request, obj)


@admin.register(Decision)
class DecisionAdmin(HistoryAdmin):
    """Decisions under control. The text, responsible and due date of a signed protocol's decision
    are read-only (the model refuses a change); its execution mark may still be set."""

    list_display = ("text_short", "responsible", "due_on", "status", "done_on", "protocol_label")
    list_filter = ("status", "protocol_item__protocol__academic_year", "protocol_item__protocol__association__district")
    search_fields = ("text", "responsible__last_name", "protocol_item__protocol__association__name")
    list_select_related = (
        "responsible", "protocol_item__protocol", "protocol_item__protocol__association",
    )
    autocomplete_fields = ("responsible",)
    raw_id_fields = ("protocol_item",)
    date_hierarchy = "due_on"

    def get_queryset(self, request):
        return access.visible(request.user, "decision", super().get_queryset(request))

    @admin.display(description=_("решение"), ordering="text")
    def text_short(self, obj: Decision) -> str:
        return obj.text if len(obj.text) <= 80 else obj.text[:78] + "…"

    @admin.display(description=_("протокол"))
    def protocol_label(self, obj: Decision) -> str:
        protocol = obj.protocol_item.protocol
        return f"№ {protocol.number}, {protocol.association}"

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and _signed(obj.protocol_item.protocol):
            return ("protocol_item", "text", "responsible", "due_on")
        return ()

    def has_add_permission(self, request):
        return False  # decisions are written in their protocol

    def has_delete_permission(self, request, obj=None):
        return not (obj is not None and _signed(obj.protocol_item.protocol)) and super().has_delete_permission(
            request, obj
        )

    def revert_disabled(self, request, obj=None) -> bool:
        return True


# The schedule's and the data bank's admins register themselves on import (Django autodiscovers
# only this module).
from meetings.bank import admin as bank_admin  # noqa: E402, F401
from meetings.schedule import admin as schedule_admin  # noqa: E402, F401
