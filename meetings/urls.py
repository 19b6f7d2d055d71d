"""URLs of meetings, attendance, protocols (and their scans) and decisions (and their result files); the
schedule's are in meetings/schedule/urls.py."""

from django.urls import include, path

from meetings import views

app_name = "meetings"
urlpatterns = [
    path("associations/<int:pk>/", views.association_meetings, name="association_meetings"),
    path("associations/<int:pk>/new/", views.meeting_create, name="meeting_create"),
    path("<int:pk>/", views.meeting_detail, name="meeting"),
    path("<int:pk>/edit/", views.meeting_edit, name="meeting_edit"),
    path("<int:pk>/cancel/", views.meeting_cancel, name="meeting_cancel"),
    path("<int:pk>/held/", views.meeting_hold, name="meeting_hold"),
    path("<int:pk>/attendance/", views.attendance, name="attendance"),
    path("<int:pk>/protocol/new/", views.protocol_create, name="protocol_create"),
    path("protocols/<int:pk>/", views.protocol_detail, name="protocol"),
    path("protocols/<int:pk>/edit/", views.protocol_edit, name="protocol_edit"),
    path("protocols/<int:pk>/sign/", views.protocol_sign, name="protocol_sign"),
    path("protocols/<int:pk>/pdf/", views.protocol_pdf, name="protocol_pdf"),
    path("protocols/<int:pk>/docx/", views.protocol_docx, name="protocol_docx"),
    path("protocols/items/<int:item_pk>/extract/pdf/", views.protocol_extract_pdf, name="protocol_extract_pdf"),
    path("protocols/items/<int:item_pk>/extract/docx/", views.protocol_extract_docx, name="protocol_extract_docx"),
    path("protocols/<int:pk>/scan/", views.protocol_scan, name="protocol_scan"),
    path("protocols/<int:pk>/scan/attach/", views.protocol_scan_attach, name="protocol_scan_attach"),
    path("decisions/", views.decision_list, name="decisions"),
    path("decisions/<int:pk>/done/", views.decision_done, name="decision_done"),
    path("decisions/<int:pk>/files/add/", views.decision_file_add, name="decision_file_add"),
    path("decisions/files/<int:pk>/", views.decision_file, name="decision_file"),
    path("decisions/files/<int:pk>/delete/", views.decision_file_delete, name="decision_file_delete"),
    path("", include("meetings.schedule.urls")),
    path("visits/", include("meetings.visits.urls")),
    path("bank/", include("meetings.bank.urls")),
    path("<int:pk>/sign-in-sheet/pdf/", views.sign_in_sheet_pdf, name="sign_in_sheet_pdf"),
]
