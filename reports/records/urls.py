"""The documents of the records of methodical work (PDF, XLSX), under /reports/records/."""

from django.urls import path

from reports.records import views as record_views

urlpatterns: list = [
    path(
        "appointments/<int:pk>/acknowledgment-sheet/", record_views.acknowledgment_sheet,
        name="acknowledgment_sheet",
    ),
    path(
        "appointments/<int:pk>/acknowledgment-sheet/docx/", record_views.acknowledgment_sheet_docx_view,
        name="acknowledgment_sheet_docx",
    ),
    path(
        "attestation/schedule/<int:pk>/pdf/", record_views.attestation_schedule_pdf_view,
        name="attestation_schedule_pdf",
    ),
    path(
        "attestation/schedule/<int:pk>/xlsx/", record_views.attestation_schedule_xlsx_view,
        name="attestation_schedule_xlsx",
    ),
    path(
        "attestation/schedule/<int:pk>/docx/", record_views.attestation_schedule_docx_view,
        name="attestation_schedule_docx",
    ),
]
