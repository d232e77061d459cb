"""The portal's URLs plus the floor view the benchmarks compare every page with."""

from django.http import HttpResponse
from django.template import RequestContext, Template
from django.urls import path

from pingan.urls import urlpatterns as portal

FLOOR = Template("<p>{{ user.username }}</p>")


def floor_view(request):
    """The stack's floor: session, user, context processors and middleware, no work."""
    return HttpResponse(FLOOR.render(RequestContext(request)))


urlpatterns = [path("_floor/", floor_view), *portal]
