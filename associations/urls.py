from django.urls import path

from associations import plan_views, views

app_name = "associations"

urlpatterns = [
    path("associations/", views.association_list, name="list"),
    path("associations/<int:pk>/", views.association_detail, name="detail"),
    path("associations/<int:pk>/members/add/", views.members_add, name="members_add"),
    path("associations/<int:pk>/members/copy/", views.members_copy, name="members_copy"),
    path("associations/members/<int:pk>/remove/", views.member_remove, name="member_remove"),
    path("people/", views.person_list, name="people"),
    path("people/<int:pk>/", views.person_detail, name="person"),
    # The annual plan.
    path("associations/<int:pk>/plans/new/", plan_views.plan_create, name="plan_create"),
    path("plans/<int:pk>/", plan_views.plan_detail, name="plan"),
    path("plans/<int:pk>/edit/", plan_views.plan_edit, name="plan_edit"),
    path("plans/<int:pk>/submit/", plan_views.plan_submit, name="plan_submit"),
    path("plans/<int:pk>/return/", plan_views.plan_return, name="plan_return"),
    path("plans/<int:pk>/approve/", plan_views.plan_approve, name="plan_approve"),
    path("plans/items/<int:pk>/mark/", plan_views.plan_item_mark, name="plan_item_mark"),
]
