"""The documents of the records of methodical work (PDF, XLSX), under /reports/records/."""

from django.urls import path

from reports.records import views as record_views

urlpatterns: list = [
    path(
        "appointments/<int:pk>/acknowledgment-sheet/", record_views.acknowledgment_sheet,
        name="acknowledgment_sheet",
    ),
    path(
        "attestation/schedule/<int:pk>/pdf/", record_views.attestation_schedule_pdf_view,
        name="attestation_schedule_pdf",
    ),
    path(
        "attestation/schedule/<int:pk>/xlsx/", record_views.attestation_schedule_xlsx_view,
        name="attestation_schedule_xlsx",
    ),
]
