"""The documents of the records of methodical work (PDF, XLSX), under /reports/records/."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
