"""Audit entries for sign-ins and for changes of the administrative register."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_save
from django.dispatch import receiver

from audit.middleware import client_address
from audit.trail import record
from villages.models import VillageEvent


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


@receiver(post_save, sender=VillageEvent)
def audit_village_event(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        record(
            action=f"village.{instance.kind}",
            actor=instance.actor,
            target=instance.village,
            before={"value": instance.from_value} if instance.from_value else None,
            after={"value": instance.to_value, "reason": instance.reason},
        )
