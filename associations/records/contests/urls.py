"""URLs of the contests of professional mastery (under /records/contests/): the list, a new
participation, its editor, deletion and confirmation, and the district-stage table."""

from django.urls import path

from associations.records.contests import views

urlpatterns = [
    path("", views.contest_list, name="contests"),
    path("new/", views.contest_entry_create, name="contest_entry_create"),
    path("<int:pk>/edit/", views.contest_entry_edit, name="contest_entry_edit"),
    path("<int:pk>/delete/", views.contest_entry_delete, name="contest_entry_delete"),
    path("<int:pk>/confirm/", views.contest_entry_confirm, name="contest_entry_confirm"),
    path("results/", views.contest_results, name="contest_results"),
]
