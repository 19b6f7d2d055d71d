"""The monitoring of upbringing, under /reports/monitoring/ (URL names `reports:monitoring_*`)."""

from django.urls import path

from reports.monitoring import views

urlpatterns: list = [
    path("classes/<int:pk>/start/", views.monitoring_start, name="monitoring_start"),
    path("<int:pk>/edit/", views.monitoring_edit, name="monitoring_edit"),
    # results (lead)
    path("", views.monitoring_home, name="monitoring"),
    path("<int:pk>/", views.monitoring_result, name="monitoring_result"),
    path("schools/<int:pk>/", views.monitoring_school, name="monitoring_school"),
    path("districts/<int:pk>/", views.monitoring_district, name="monitoring_district"),
    path("<int:pk>/pdf/", views.monitoring_result_pdf, name="monitoring_result_pdf"),
    path("<int:pk>/xlsx/", views.monitoring_result_xlsx, name="monitoring_result_xlsx"),
    path("schools/<int:pk>/pdf/", views.monitoring_school_pdf, name="monitoring_school_pdf"),
    path("schools/<int:pk>/xlsx/", views.monitoring_school_xlsx, name="monitoring_school_xlsx"),
    path("<int:pk>/docx/", views.monitoring_result_docx, name="monitoring_result_docx"),
    path("schools/<int:pk>/docx/", views.monitoring_school_docx, name="monitoring_school_docx"),
    # the XLSX template and import (helper: import)
    path("<int:pk>/template.xlsx", views.monitoring_template, name="monitoring_template"),
    path("<int:pk>/import/", views.monitoring_import, name="monitoring_import"),
    # the method's questionnaire (helper: admin)
    path("methods/<int:pk>/", views.monitoring_method, name="monitoring_method"),
]
