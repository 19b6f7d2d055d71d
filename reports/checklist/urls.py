"""The documentation checklist, under /reports/checklist/ (URL names `reports:checklist*`)."""

from django.urls import path

from reports.checklist import views

urlpatterns = [
    path("associations/<int:pk>/<int:year>/", views.checklist, name="checklist"),
    path("associations/<int:pk>/<int:year>/upload/", views.checklist_upload, name="checklist_upload"),
    path("files/<int:pk>/", views.checklist_file, name="checklist_file"),
    path("files/<int:pk>/remove/", views.checklist_file_remove, name="checklist_file_remove"),
    path("districts/<int:pk>/<int:year>/", views.checklist_district, name="checklist_district"),
]
