"""URLs of the data bank (under /meetings/bank/, namespace «meetings»)."""

from django.urls import path

from meetings.bank import views

urlpatterns = [
    path("", views.materials, name="materials"),
    path("new/", views.material_create, name="material_create"),
    path("authors-search/", views.material_authors_search, name="material_authors_search"),
    path("<int:pk>/", views.material_detail, name="material"),
    path("<int:pk>/edit/", views.material_edit, name="material_edit"),
    path("<int:pk>/delete/", views.material_delete, name="material_delete"),
    path("<int:pk>/publish/", views.material_publish, name="material_publish"),
    path("files/<int:pk>/", views.material_file, name="material_file"),
    path("files/<int:pk>/thumbnail/", views.material_thumbnail, name="material_thumbnail"),
    path("files/<int:pk>/delete/", views.material_file_delete, name="material_file_delete"),
]
