from django.urls import path

from associations import views

app_name = "associations"

urlpatterns = [
    path("associations/", views.association_list, name="list"),
    path("associations/<int:pk>/", views.association_detail, name="detail"),
    path("people/", views.person_list, name="people"),
    path("people/<int:pk>/", views.person_detail, name="person"),
]
