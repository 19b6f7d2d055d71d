"""The data bank in the admin: the three reference lists (forms of events, directions and modules
of upbringing) are the department's to edit; the cards are added on the site (their owner is the
teacher who adds them) and read and corrected here, with every change in the history. A staff
user sees the cards of their district as the site shows them (`access`, «material»: no one's
drafts); a card's files are read-only here (added and removed on the card's page, through the
file module). Every change and deletion here keeps the search index and the file storage right:
`material_index` after a save, `services.material_remove` for a deletion."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from associations import access
from meetings.bank import services
from meetings.bank.models import (
    EventForm,
    Material,
    MaterialFile,
    MaterialGrade,
    UpbringingDirection,
    UpbringingModule,
)
from meetings.bank.search import material_index
from rmo_portal.admin_history import HistoryAdmin, PortalAdmin, PortalTabularInline

# --- reference lists ------------------------------------------------------------------------------


class _ReferenceListAdmin(PortalAdmin):
    list_display = ("name", "order", "is_active")
    list_editable = ("order", "is_active")
    list_filter = ("is_active",)
    search_fields = ("name",)
    #: The Material field that points to this list: a renamed entry is searched by its new name.
    material_field = ""

    def save_model(self, request, obj, form, change):
        renamed = change and "name" in form.changed_data
        super().save_model(request, obj, form, change)
        if renamed:
            material_index(Material.objects.filter(**{self.material_field: obj}))


@admin.register(EventForm)
class EventFormAdmin(_ReferenceListAdmin):
    material_field = "form"


@admin.register(UpbringingDirection)
class UpbringingDirectionAdmin(_ReferenceListAdmin):
    material_field = "direction"


@admin.register(UpbringingModule)
class UpbringingModuleAdmin(_ReferenceListAdmin):
    material_field = "module"


# --- cards ------------------------------------------------------------------------------------------


class MaterialGradeInline(PortalTabularInline):
    model = MaterialGrade
    fields = ("grade",)
    extra = 0


class MaterialFileInline(PortalTabularInline):
    model = MaterialFile
    fields = ("kind", "name", "type", "size")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("file")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("имя файла"))
    def name(self, obj: MaterialFile) -> str:
        return obj.file.original_name

    @admin.display(description=_("тип"))
    def type(self, obj: MaterialFile) -> str:
        return obj.file.get_type_display()

    @admin.display(description=_("размер"))
    def size(self, obj: MaterialFile) -> str:
        return filesizeformat(obj.file.size)


class MaterialAdminForm(forms.ModelForm):
    """The card's texts and tags, corrected by the department. Who owns it, who wrote it, whom it
    is shown to, its school and its links are the site's (the card's services check them), read
    only here. The academic year follows from the date held (the current year without one), as on
    the site; a card changed on the site meanwhile is not overwritten (its version)."""

    seen_version = forms.IntegerField(label=_("версия карточки"), widget=forms.HiddenInput, required=False)

    class Meta:
        model = Material
        fields = (
            "title", "form", "direction", "module", "held_on", "level", "is_open_event", "goal", "tasks",
            "description",
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["seen_version"].initial = self.instance.version

    def clean(self):
        data = super().clean()
        if self.instance.pk is not None:
            current = Material.objects.filter(pk=self.instance.pk).values_list("version", flat=True).first()
            if data.get("seen_version") != current:
                raise ValidationError(_(
                    "Карточку изменили, пока вы её правили: откройте её заново, чтобы не затереть чужие правки."
                ))
        try:
            self.instance.academic_year = services.material_year(data.get("held_on"))
        except ValidationError as error:
            self.add_error("held_on", error.message_dict["held_on"])
        return data


@admin.register(Material)
class MaterialAdmin(HistoryAdmin):
    form = MaterialAdminForm
    list_display = ("title", "form", "direction", "school", "held_on", "visibility", "owner")
    list_filter = ("visibility", "academic_year", "form", "direction", "module", "level", "district")
    list_select_related = ("form", "direction", "school", "owner")
    search_fields = ("title", "owner__last_name", "school__short_name")
    readonly_fields = (
        "district", "school", "owner", "authors_display", "visibility", "meeting", "plan_item", "academic_year",
        "published_by", "created_at", "updated_at", "version",
    )
    inlines = (MaterialGradeInline, MaterialFileInline)

    def get_queryset(self, request):
        return access.visible(request.user, "material", super().get_queryset(request))

    @admin.display(description=_("авторы"))
    def authors_display(self, obj: Material) -> str:
        return ", ".join(person.short_name for person in obj.authors.all())

    def has_add_permission(self, request):
        return False  # a card is added on the site by its owner

    def save_model(self, request, obj, form, change):
        if change:
            obj.version += 1  # an editor open on the site meets a conflict, not a silent overwrite
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        material_index(form.instance)

    def delete_model(self, request, obj):
        services.material_remove(material=obj, user=request.user)

    def delete_queryset(self, request, queryset):
        for material in queryset:
            services.material_remove(material=material, user=request.user)
