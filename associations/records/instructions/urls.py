"""URLs of the job instruction and its acknowledgment (under /records/instructions/)."""

from django.urls import path

from associations.records.instructions import views

urlpatterns = [
    path("versions/<int:pk>/", views.instruction, name="instruction"),
    path("appointments/<int:pk>/acknowledge/", views.acknowledge, name="acknowledge"),
    path("acknowledgments/", views.acknowledgments, name="acknowledgments"),
]
