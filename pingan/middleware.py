from django.conf import settings
from django.shortcuts import redirect, render
from django.urls import reverse

from pingan.errors import (
    ApplicationError,
    InvalidTransition,
    NotFound,
    NotPermitted,
    TooManyRequests,
)


class ContentSecurityPolicyMiddleware:
    """Scripts, styles, images and fonts only from the portal itself; no framing."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = settings.CONTENT_SECURITY_POLICY
        if request.path.startswith(("/admin/", "/api/v1/docs/")):
            policy = settings.CONTENT_SECURITY_POLICY_ADMIN
        response.headers.setdefault("Content-Security-Policy", policy)
        return response


class ApplicationErrorMiddleware:
    """A refused domain action reaches the user as its Chinese message, with a fitting status."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, ApplicationError):
            return None
        if isinstance(exception, NotPermitted):
            status = 403
        elif isinstance(exception, NotFound):
            status = 404
        elif isinstance(exception, InvalidTransition):
            status = 409
        elif isinstance(exception, TooManyRequests):
            status = 429
        else:
            status = 400
        return render(request, "error.html", {"message": exception.message}, status=status)


class PasswordChangeFirstMiddleware:
    """An account opened with a one-time password does nothing but choose its own password
    (or sign out) until it has one."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and user.password_must_change:
            allowed = (reverse("password_change"), reverse("logout"), settings.STATIC_URL)
            if not request.path.startswith(allowed):
                return redirect("password_change")
        return self.get_response(request)
