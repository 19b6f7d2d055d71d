"""The monitoring of upbringing, under /reports/monitoring/ (URL names `reports:monitoring_*`)."""

from django.urls import path

from reports.monitoring import views, views_documents, views_entry, views_import, views_method

urlpatterns: list = [
    path("", views.monitoring_home, name="monitoring"),
    path("classes/<int:pk>/start/", views_entry.monitoring_start, name="monitoring_start"),
    path("<int:pk>/", views.monitoring_class, name="monitoring_class"),
    path("<int:pk>/edit/", views_entry.monitoring_edit, name="monitoring_edit"),
    path("<int:pk>/template.xlsx", views_import.monitoring_template, name="monitoring_template"),
    path("<int:pk>/import/", views_import.monitoring_import, name="monitoring_import"),
    path("<int:pk>/pdf/", views_documents.class_sheet_pdf, name="monitoring_class_pdf"),
    path("<int:pk>/xlsx/", views_documents.class_sheet_xlsx, name="monitoring_class_xlsx"),
    path("schools/<int:pk>/", views.monitoring_school, name="monitoring_school"),
    path("schools/<int:pk>/pdf/", views_documents.school_summary_pdf, name="monitoring_school_pdf"),
    path("schools/<int:pk>/xlsx/", views_documents.school_summary_xlsx, name="monitoring_school_xlsx"),
    path("districts/<int:pk>/", views.monitoring_district, name="monitoring_district"),
    path("methods/<int:pk>/", views_method.method_detail, name="monitoring_method"),
]
