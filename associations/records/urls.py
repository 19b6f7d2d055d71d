"""URLs of the records of methodical work, one module per kind (under /records/)."""

from django.urls import include, path

urlpatterns = [
    path("records/contests/", include("associations.records.contests.urls")),
    path("records/attestation/", include("associations.records.attestation.urls")),
    path("records/courses/", include("associations.records.courses.urls")),
    path("records/visits/", include("associations.records.visits.urls")),
    path("records/consultations/", include("associations.records.consultations.urls")),
    path("records/nominations/", include("associations.records.nominations.urls")),
    path("records/instructions/", include("associations.records.instructions.urls")),
]
