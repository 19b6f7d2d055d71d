"""URLs of the annual plan: its page, editor, review, execution marks and the items' result files."""

from django.urls import path

from associations.plans import views as plan_views

urlpatterns = [
    path("associations/<int:pk>/plans/new/", plan_views.plan_create, name="plan_create"),
    path("plans/<int:pk>/", plan_views.plan_detail, name="plan"),
    path("plans/<int:pk>/edit/", plan_views.plan_edit, name="plan_edit"),
    path("plans/<int:pk>/submit/", plan_views.plan_submit, name="plan_submit"),
    path("plans/<int:pk>/return/", plan_views.plan_return, name="plan_return"),
    path("plans/<int:pk>/approve/", plan_views.plan_approve, name="plan_approve"),
    path("plans/items/<int:pk>/mark/", plan_views.plan_item_mark, name="plan_item_mark"),
    path("plans/items/<int:pk>/files/add/", plan_views.plan_item_file_add, name="plan_item_file_add"),
    path("plans/files/<int:pk>/", plan_views.plan_item_file, name="plan_item_file"),
    path("plans/files/<int:pk>/delete/", plan_views.plan_item_file_delete, name="plan_item_file_delete"),
    path("associations/<int:pk>/plans/import/", plan_views.plan_import, name="plan_import"),
    path("associations/<int:pk>/plans/import/confirm/", plan_views.plan_import_confirm, name="plan_import_confirm"),
    path("plans/<int:pk>/mark/", plan_views.plan_items_mark, name="plan_items_mark"),
]
