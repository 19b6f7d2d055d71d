"""The annual analysis, under /reports/analysis/ (URL names `reports:analysis_*`)."""

from django.urls import path

from reports.analysis import views

urlpatterns: list = [
    path("associations/<int:pk>/<int:year>/", views.analysis, name="analysis"),
    path("associations/<int:pk>/<int:year>/start/", views.analysis_start, name="analysis_start"),
    path("<int:pk>/edit/", views.analysis_edit, name="analysis_edit"),
    path("<int:pk>/submit/", views.analysis_submit, name="analysis_submit"),
    path("<int:pk>/accept/", views.analysis_accept, name="analysis_accept"),
    path("<int:pk>/return/", views.analysis_return, name="analysis_return"),
    path("<int:pk>/pdf/", views.analysis_pdf, name="analysis_pdf"),
    path("board/districts/<int:pk>/<int:year>/", views.analysis_board, name="analysis_board"),
    path("board/districts/<int:pk>/<int:year>/deadline/", views.analysis_deadline, name="analysis_deadline"),
    path("board/districts/<int:pk>/<int:year>/remind/", views.analysis_remind_all, name="analysis_remind_all"),
    path("board/associations/<int:pk>/<int:year>/remind/", views.analysis_remind, name="analysis_remind"),
    path("<int:pk>/xlsx/", views.analysis_xlsx, name="analysis_xlsx"),
    path("<int:pk>/docx/", views.analysis_docx, name="analysis_docx"),
]
