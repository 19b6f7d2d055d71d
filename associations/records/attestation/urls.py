"""URLs of attestation (under /records/attestation/): the records, the applications, the
overview of where people stand and a school МО's perspective schedule."""

from django.urls import path

from associations.records.attestation import views

urlpatterns = [
    path("", views.attestation_list, name="attestations"),
    path("new/", views.attestation_create, name="attestation_create"),
    path("<int:pk>/edit/", views.attestation_edit, name="attestation_edit"),
    path("<int:pk>/delete/", views.attestation_delete, name="attestation_delete"),
    path("applications/new/", views.application_create, name="application_create"),
    path("applications/<int:pk>/decide/", views.application_decide, name="application_decide"),
    path("overview/", views.attestation_overview, name="attestation_overview"),
    path("schedule/<int:pk>/", views.attestation_schedule, name="attestation_schedule"),
]
