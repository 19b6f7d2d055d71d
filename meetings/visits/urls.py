"""URLs of a visit's link to a meeting (under /meetings/visits/, namespace «meetings»)."""

from django.urls import path

from meetings.visits import views

urlpatterns = [
    path("<int:pk>/link/", views.visit_link, name="visit_link"),
    path("<int:pk>/unlink/", views.visit_unlink, name="visit_unlink"),
]
