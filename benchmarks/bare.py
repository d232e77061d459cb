"""The physical floor of the capacity table: one Django view with no middleware, no session
and no database, served by the same gunicorn as the portal (`gunicorn benchmarks.bare`)."""

from django.conf import settings

settings.configure(
    DEBUG=False,
    ALLOWED_HOSTS=["127.0.0.1"],
    ROOT_URLCONF=__name__,
    MIDDLEWARE=[],
    INSTALLED_APPS=[],
    SECRET_KEY="bare-view-of-the-benchmark-only",
)

from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.urls import path  # noqa: E402


def floor(request):
    return HttpResponse("平安村(社区)创建考评平台", content_type="text/plain; charset=utf-8")


urlpatterns = [path("", floor)]
application = get_wsgi_application()
