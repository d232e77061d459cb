from django.conf import settings

from audit.trail import current_address


class AuditAddressMiddleware:
    """Remember the client address of the request for the audit entries it causes."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_address.set(client_address(request))
        try:
            return self.get_response(request)
        finally:
            current_address.reset(token)


def client_address(request):
    """The socket's address, or, behind the TRUSTED_PROXY_COUNT proxies the deployment names,
    the address the first of them saw: each proxy appends what it saw, so anything to the
    left of that was written by the client and is not believed."""
    remote = request.META.get("REMOTE_ADDR") or None
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < proxies:
        return remote
    return forwarded[-proxies]
