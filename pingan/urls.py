from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from api import account
from assessments.views import dashboards
from pingan.views import favicon
from villages.views import PasswordChange

urlpatterns = [
    path("", dashboards.home, name="home"),
    path("favicon.ico", favicon, name="favicon"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", PasswordChange.as_view(), name="password_change"),
    path("accounts/tokens/", account.token_list, name="token_list"),
    path("accounts/tokens/revoke-all/", account.token_revoke_all, name="token_revoke_all"),
    path("accounts/tokens/<str:digest>/revoke/", account.token_revoke, name="token_revoke"),
    path("villages/", include("villages.urls")),
    path("audit/", include("audit.urls")),
    path("", include("assessments.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("api.urls")),
]
