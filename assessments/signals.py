"""Audit entries for every state change of the campaign, every finding and every incident.

Each event row the services write becomes an entry of the hash-chained trail in the same
transaction; findings and incidents are audited with their values before and after.
"""

from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from assessments.models import (
    AssessmentEvent,
    CampaignEvent,
    Finding,
    Incident,
    PreparedFileEvent,
    RectificationEvent,
    StandardEvent,
    TitleEvent,
)
from audit.trail import record

ACTION_FIELD = {
    StandardEvent: "kind",
    AssessmentEvent: "action",
    CampaignEvent: None,
    RectificationEvent: "action",
    TitleEvent: "action",
    PreparedFileEvent: None,
}
FINDING_FIELDS = ("stage", "agrees", "veto_occurred", "met", "value", "score", "comment")


def _state_event(sender, instance, created, raw=False, **kwargs):
    if not created or raw:
        return
    action_field = ACTION_FIELD[sender]
    action = getattr(instance, action_field) if action_field else "status"
    record(
        action=f"{sender._meta.model_name}.{action}",
        actor=instance.actor,
        target=getattr(instance, sender.subject_field),
        before={"status": instance.from_status},
        after={"status": instance.to_status, "reason": instance.reason},
    )


for model in ACTION_FIELD:
    post_save.connect(_state_event, sender=model, dispatch_uid=f"audit-{model._meta.label}")


def _values(instance):
    return {name: getattr(instance, name) for name in FINDING_FIELDS}


@receiver(pre_save, sender=Finding)
def remember_finding(sender, instance, raw=False, **kwargs):
    if raw:
        return
    previous = Finding.objects.filter(pk=instance.pk).first() if instance.pk else None
    instance._audit_before = _values(previous) if previous else None


@receiver(post_save, sender=Finding)
def audit_finding(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    record(
        action="finding.saved",
        actor=instance.recorded_by,
        target=instance,
        before=getattr(instance, "_audit_before", None),
        after=_values(instance),
    )


@receiver(post_save, sender=Incident)
def audit_incident(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    record(
        action="incident.recorded" if created else f"incident.{instance.status}",
        actor=instance.recorded_by if created else instance.corrected_by,
        target=instance,
        after={
            "village": instance.village.code,
            "category": instance.category.code,
            "occurred_on": instance.occurred_on,
            "status": instance.status,
            "correction_reason": instance.correction_reason,
        },
    )
