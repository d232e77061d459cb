from django.urls import path

from villages import views

app_name = "villages"

urlpatterns = [
    path("", views.village_list, name="list"),
    path("import/", views.village_import, name="import"),
    path("import/template.xlsx", views.village_import_template, name="import_template"),
    path("export.xlsx", views.village_export, name="export"),
    path("team-import/", views.team_import, name="team_import"),
    path("<int:village_id>/", views.village_detail, name="detail"),
    path("<int:village_id>/team/", views.team, name="team"),
    path(
        "<int:village_id>/team/<int:membership_id>/end/",
        views.team_member_end,
        name="team_member_end",
    ),
]
