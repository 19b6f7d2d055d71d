"""URLs of the consultation logs (under /records/consultations/, namespace «associations»)."""

from django.urls import path

from associations.records.consultations import views

urlpatterns = [
    path("", views.consultation_list, name="consultations"),
    path("new/", views.consultation_create, name="consultation_create"),
    path("<int:pk>/edit/", views.consultation_edit, name="consultation_edit"),
    path("<int:pk>/delete/", views.consultation_delete, name="consultation_delete"),
]
