"""The reports: the plan as a document (PDF, XLSX) and the district's table of plans."""

from django.urls import include, path

from reports import views

app_name = "reports"

urlpatterns = [
    path("plans/", views.district_plans, name="district_plans"),
    path("plans/xlsx/", views.district_plans_xlsx, name="district_plans_xlsx"),
    path("plans/<int:pk>/pdf/", views.plan_pdf, name="plan_pdf"),
    path("plans/<int:pk>/xlsx/", views.plan_xlsx, name="plan_xlsx"),
    path("plans/<int:pk>/docx/", views.plan_docx, name="plan_docx"),
    path("records/", include("reports.records.urls")),
    path("monitoring/", include("reports.monitoring.urls")),
    path("analysis/", include("reports.analysis.urls")),
    path("summary/", include("reports.summary.urls")),
    path("checklist/", include("reports.checklist.urls")),
]
