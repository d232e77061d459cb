"""Audit entries for sign-ins, failed sign-ins and sign-outs: Django announces them only as
signals. Every change of data is audited by the service that makes it."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from audit.middleware import client_address
from audit.trail import record


@receiver(user_logged_in)
def audit_login(sender, request, user, **kwargs):
    record(action="login", actor=user, target=user, address=client_address(request))


@receiver(user_logged_out)
def audit_logout(sender, request, user, **kwargs):
    if user is not None:
        record(action="logout", actor=user, target=user, address=client_address(request))


@receiver(user_login_failed)
def audit_failed_login(sender, credentials, request=None, **kwargs):
    record(
        action="login_failed",
        after={"username": credentials.get("username", "")},
        address=client_address(request) if request is not None else None,
    )
