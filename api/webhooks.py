"""Events for integrators: what the audit trail records, told to each region's registered
endpoints as signed JSON, delivered by the background worker with retries and a log."""

import hashlib
import hmac
import json
import urllib.error
import urllib.request
from datetime import timedelta

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone
from django_tasks import task

from api.models import WebhookDelivery, WebhookEndpoint

# Audit actions → the events integrators subscribe to.
EVENTS = {
    "assessmentevent.submitted": "assessment.submitted",
    "assessmentevent.town_assessed": "assessment.town_assessed",
    "sample.drawn": "sample.drawn",
    "titleevent.granted": "title.granted",
    "titleevent.revoked": "title.revoked",
    "incident.recorded": "incident.recorded",
    "incident.corrected": "incident.corrected",
}
FILED = "list.filed"
# Seconds before each retry of a delivery that failed.
RETRY_AFTER = (30, 120, 600, 3600)


def event_of(entry):
    if entry.action == "campaignevent.status":
        return FILED if (entry.after or {}).get("status") == "filed" else None
    return EVENTS.get(entry.action)


def payload_of(entry, event):
    return {
        "event": event,
        "sequence": entry.sequence,
        "occurred_at": timezone.localtime(entry.occurred_at).isoformat(),
        "actor": entry.actor_name,
        "object": {"type": entry.object_type, "id": entry.object_id, "name": entry.object_repr},
        "village": entry.village.code if entry.village_id else None,
        "region": entry.region.code if entry.region_id else None,
        "before": entry.before,
        "after": entry.after,
    }


def queue_deliveries(entries):
    """After a commit: one delivery per endpoint of a region above the place of each event."""
    events = [(entry, event_of(entry)) for entry in entries]
    events = [(entry, event) for entry, event in events if event and entry.region_id]
    if not events:
        return
    endpoints = list(WebhookEndpoint.objects.filter(is_active=True).select_related("region"))
    for entry, event in events:
        for endpoint in endpoints:
            if entry.region.path.startswith(endpoint.region.path) and endpoint.wants(event):
                delivery = WebhookDelivery.objects.create(
                    endpoint=endpoint,
                    event=event,
                    sequence=entry.sequence,
                    payload=payload_of(entry, event),
                )
                deliver_webhook.enqueue(delivery.pk)


def signature(secret, body):
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def attempt_delivery(delivery_id):
    """Send once; on failure record why and schedule the next try, up to len(RETRY_AFTER)."""
    delivery = WebhookDelivery.objects.select_related("endpoint").get(pk=delivery_id)
    if delivery.status != WebhookDelivery.Status.PENDING:
        return delivery
    body = json.dumps(delivery.payload, ensure_ascii=False, cls=DjangoJSONEncoder).encode()
    request = urllib.request.Request(
        delivery.endpoint.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": "pingan-webhooks/1",
            "X-Pingan-Event": delivery.event,
            "X-Pingan-Delivery": str(delivery.pk),
            "X-Pingan-Signature": signature(delivery.endpoint.secret, body),
        },
    )
    delivery.attempts += 1
    try:
        with urllib.request.urlopen(request, timeout=settings.WEBHOOK_TIMEOUT) as response:
            delivery.last_status_code = response.status
        delivery.status = WebhookDelivery.Status.DELIVERED
        delivery.delivered_at = timezone.now()
        delivery.last_error = ""
    except urllib.error.HTTPError as error:
        delivery.last_status_code = error.code
        delivery.last_error = f"接收方答复 {error.code}"
    except (urllib.error.URLError, OSError) as error:
        delivery.last_error = f"无法送达：{error}"
    if delivery.status == WebhookDelivery.Status.PENDING:
        retries = len(RETRY_AFTER)
        if delivery.attempts > retries:
            delivery.status = WebhookDelivery.Status.FAILED
        else:
            wait = timedelta(seconds=RETRY_AFTER[delivery.attempts - 1])
            deliver_webhook.using(run_after=timezone.now() + wait).enqueue(delivery.pk)
    delivery.save()
    return delivery


@task()
def deliver_webhook(delivery_id):
    """The background job of one delivery, run by `manage.py db_worker`."""
    attempt_delivery(delivery_id)
