"""URLs of visits and their recommendations (under /records/visits/, namespace «associations»)."""

from django.urls import path

from associations.records.visits import views

urlpatterns = [
    path("", views.visit_list, name="visits"),
    path("new/", views.visit_create, name="visit_create"),
    path("<int:pk>/", views.visit_detail, name="visit"),
    path("<int:pk>/edit/", views.visit_edit, name="visit_edit"),
    path("<int:pk>/delete/", views.visit_delete, name="visit_delete"),
    path("recommendations/<int:pk>/mark/", views.recommendation_mark, name="recommendation_mark"),
]
