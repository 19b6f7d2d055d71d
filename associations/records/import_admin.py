"""The admin's import of attestation and courses from XLSX: a page reached from the changelist
(«Импорт из XLSX») and the file's template, on `AttestationAdmin` and `CourseAdmin` through
`RecordImportMixin`. A staff user imports into their district (its people only); a superuser, or
a staff user of several districts, picks the district. Who may: the model's add permission.
The import itself is `associations.records.imports`."""

from __future__ import annotations

from django import forms
from django.contrib.admin.models import ADDITION, LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from associations import access, sheets
from associations.models import District
from associations.records import imports


class RecordImportForm(forms.Form):
    district = forms.ModelChoiceField(
        queryset=District.objects.none(),
        label=_("Район"),
        help_text=_("Педагоги из файла ищутся среди педагогов этого района."),
        error_messages={
            "required": _("Выберите район."),
            "invalid_choice": _("Выберите район из списка."),
        },
    )
    file = forms.FileField(
        label=_("Файл"),
        help_text=_("XLSX (или CSV в UTF-8, разделитель «;» или «,»), не больше 2 МБ."),
        error_messages={"required": _("Выберите файл для импорта.")},
    )
    dry_run = forms.BooleanField(label=_("Только проверить, ничего не записывать"), required=False)

    def __init__(self, *args, districts: list[District], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.districts = districts
        if len(districts) == 1:
            del self.fields["district"]  # a staff user's own district: nothing to pick
        else:
            self.fields["district"].queryset = District.objects.filter(pk__in=[d.pk for d in districts])

    def clean_file(self):
        upload = self.cleaned_data["file"]
        sheets.check_upload(filename=upload.name, size=upload.size)
        return upload

    def chosen_district(self) -> District:
        """The district to import into (after validation)."""
        if "district" not in self.fields:
            return self.districts[0]
        return self.cleaned_data["district"]


class RecordImportMixin:
    """For a ModelAdmin of records: `record_import` names the kind's import."""

    record_import: imports.RecordImport

    def get_urls(self):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path("import/", self.admin_site.admin_view(self.import_view), name=f"{prefix}_import"),
            path(
                "import/template.xlsx",
                self.admin_site.admin_view(self.import_template_view),
                name=f"{prefix}_import_template",
            ),
            *super().get_urls(),
        ]

    def _import_districts(self, request) -> list[District]:
        """The districts the user may import into; a PermissionDenied if none or no add right."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        districts = list(access.administered(request.user, District.objects.order_by("name"), district_path=""))
        if not districts:
            raise PermissionDenied
        return districts

    def import_template_view(self, request):
        self._import_districts(request)
        response = HttpResponse(imports.import_template(self.record_import), content_type=sheets.XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{self.record_import.kind}-template.xlsx"'
        return response

    def import_view(self, request):
        districts = self._import_districts(request)
        report = None
        if request.method == "POST":
            form = RecordImportForm(request.POST, request.FILES, districts=districts)
            if form.is_valid():
                upload = form.cleaned_data["file"]
                try:
                    report = imports.records_import(
                        self.record_import,
                        district=form.chosen_district(),
                        file=upload,
                        filename=upload.name,
                        user=request.user,
                        dry_run=form.cleaned_data["dry_run"],
                    )
                except ValidationError as error:
                    form.add_error("file", error)
                else:
                    if report.ok and not report.dry_run:
                        if report.records:
                            LogEntry.objects.log_actions(
                                user_id=request.user.pk,
                                queryset=report.records,
                                action_flag=ADDITION,
                                change_message=gettext("Импорт из «%(file)s»") % {"file": report.filename},
                            )
                        self.message_user(request, report.summary)
                        return HttpResponseRedirect(reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}"
                                                            "_changelist"))
        else:
            form = RecordImportForm(districts=districts)

        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Импорт из XLSX: %(records)s") % {"records": self.opts.verbose_name_plural},
            "subtitle": None,
            "opts": self.opts,
            "form": form,
            "report": report,
            "district": districts[0] if len(districts) == 1 else None,
            "columns": self.record_import.columns,
            "help_rows": self.record_import.help_rows(),
            "max_rows": sheets.MAX_ROWS,
            "template_url": reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_import_template"),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/associations/import_records.html", context)
