from django.urls import path

from villages import views

app_name = "villages"

urlpatterns = [
    path("", views.village_list, name="list"),
    path("<int:village_id>/", views.village_detail, name="detail"),
]
