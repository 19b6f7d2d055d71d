"""URLs of professional development courses (under /records/courses/, namespace «associations»)."""

from django.urls import path

from associations.records.courses import views

urlpatterns = [
    path("", views.course_list, name="courses"),
    path("new/", views.course_create, name="course_create"),
    path("<int:pk>/edit/", views.course_edit, name="course_edit"),
    path("<int:pk>/delete/", views.course_delete, name="course_delete"),
    path("overview/", views.courses_overview, name="courses_overview"),
]
