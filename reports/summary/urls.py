"""The district summary, under /reports/summary/ (URL names `reports:district_summary*`)."""

from django.urls import path

from reports.summary import views

urlpatterns: list = [
    path("districts/<int:pk>/<int:year>/", views.district_summary, name="district_summary"),
    path("districts/<int:pk>/<int:year>/pdf/", views.district_summary_pdf, name="district_summary_pdf"),
    path("districts/<int:pk>/<int:year>/docx/", views.district_summary_docx, name="district_summary_docx"),
    path("districts/<int:pk>/<int:year>/xlsx/", views.district_summary_xlsx, name="district_summary_xlsx"),
]
