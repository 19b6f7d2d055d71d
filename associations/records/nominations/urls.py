"""URLs of the nominations for encouragement (under /records/nominations/, namespace «associations»)."""

from django.urls import path

from associations.records.nominations import views

urlpatterns = [
    path("", views.nomination_list, name="nominations"),
    path("new/", views.nomination_create, name="nomination_create"),
    path("<int:pk>/edit/", views.nomination_edit, name="nomination_edit"),
    path("<int:pk>/delete/", views.nomination_delete, name="nomination_delete"),
]
