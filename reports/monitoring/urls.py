"""The monitoring of upbringing, under /reports/monitoring/ (URL names `reports:monitoring_*`)."""

from django.urls import path

from reports.monitoring import views

urlpatterns: list = [
    path("classes/<int:pk>/start/", views.monitoring_start, name="monitoring_start"),
    path("<int:pk>/edit/", views.monitoring_edit, name="monitoring_edit"),
]
