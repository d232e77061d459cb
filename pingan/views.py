from django.shortcuts import redirect
from django.templatetags.static import static


def favicon(request):
    """Browsers (and the admin's pages) ask for /favicon.ico; the icon lives in static/."""
    return redirect(static("favicon.svg"))
