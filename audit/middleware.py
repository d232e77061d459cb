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
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    return forwarded.split(",")[0].strip() or request.META.get("REMOTE_ADDR") or None
