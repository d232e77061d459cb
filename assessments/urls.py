from django.urls import path

from assessments import views

app_name = "assessments"

urlpatterns = [
    path("standards/", views.standard_list, name="standard_list"),
    path("standards/<int:standard_id>/", views.standard_detail, name="standard_detail"),
]
