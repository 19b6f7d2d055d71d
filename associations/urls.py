from django.urls import include, path

from associations import views

app_name = "associations"

urlpatterns = [
    path("associations/", views.association_list, name="list"),
    path("associations/<int:pk>/", views.association_detail, name="detail"),
    path("associations/<int:pk>/members/add/", views.members_add, name="members_add"),
    path("associations/<int:pk>/members/copy/", views.members_copy, name="members_copy"),
    path("associations/members/<int:pk>/remove/", views.member_remove, name="member_remove"),
    path("people/", views.person_list, name="people"),
    path("people/<int:pk>/", views.person_detail, name="person"),
    path("appointments/<int:pk>/order-scan/", views.appointment_order_scan, name="appointment_order_scan"),
    path("", include("associations.plans.urls")),
    path("", include("associations.records.urls")),
    path("associations/<int:pk>/people-search/", views.people_search, name="people_search"),
    path("records/people-search/<slug:people_for>/", views.record_people_search, name="record_people_search"),
]
