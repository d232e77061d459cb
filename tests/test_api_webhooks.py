"""Webhooks: a region's registered endpoint receives each event of its places as signed
JSON, delivered by the worker, retried when it fails, every attempt in the delivery log."""

import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from api.models import WebhookDelivery, WebhookEndpoint
from api.webhooks import attempt_delivery
from assessments import services
from audit.models import AuditEntry
from tests.factories import RegionFactory
from tests.helpers import answer_everything


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        status = self.server.answers.pop(0) if self.server.answers else 200
        self.server.received.append((dict(self.headers), body))
        self.send_response(status)
        self.end_headers()

    def log_message(self, *args):
        """The receiver keeps what it got; it prints nothing."""


@pytest.fixture
def receiver():
    """An integrator's system on 127.0.0.1 that keeps what it receives."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.received, server.answers = [], []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def endpoint_for(region, receiver, events=()):
    return WebhookEndpoint.objects.create(
        region=region,
        name="市综治中心",
        url=f"http://127.0.0.1:{receiver.server_port}/pingan",
        events=list(events),
    )


def submit(people, assessment, capture):
    answer_everything(people["secretary"], assessment)
    with capture(execute=True):
        services.submit_assessment(actor=people["secretary"], assessment_id=assessment.pk)


def test_a_city_endpoint_receives_its_villages_events_signed(
    campaign, people, xingou, receiver, run_worker, django_capture_on_commit_callbacks
):
    endpoint = endpoint_for(xingou.town.parent, receiver)
    far = endpoint_for(RegionFactory(code="430100", name="长沙市", level="city"), receiver)
    only_revocations = endpoint_for(xingou.town, receiver, ["title.revoked"])
    submit(people, campaign.assessments.get(village=xingou), django_capture_on_commit_callbacks)
    run_worker()

    assert len(receiver.received) == 1
    headers, body = receiver.received[0]
    assert headers["X-Pingan-Event"] == "assessment.submitted"
    expected = "sha256=" + hmac.new(endpoint.secret.encode(), body, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(headers["X-Pingan-Signature"], expected)
    payload = json.loads(body)
    assert payload["event"] == "assessment.submitted" and payload["village"] == xingou.code
    assert payload["after"]["status"] == "submitted"
    delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (
        "delivered",
        1,
        200,
    )
    assert not WebhookDelivery.objects.filter(endpoint__in=[far, only_revocations]).exists()


def test_a_failed_delivery_is_logged_and_retried(
    campaign, people, xingou, receiver, run_worker, django_capture_on_commit_callbacks
):
    endpoint_for(xingou.town, receiver)
    receiver.answers = [503]
    submit(people, campaign.assessments.get(village=xingou), django_capture_on_commit_callbacks)
    run_worker()
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("pending", 1, 503)
    assert delivery.last_error == "接收方答复 503"
    attempt_delivery(delivery.pk)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("delivered", 2)
    assert [json.loads(body)["sequence"] for _, body in receiver.received] == [
        delivery.sequence
    ] * 2


def test_an_unreachable_endpoint_fails_after_its_retries(
    campaign, people, xingou, receiver, django_capture_on_commit_callbacks
):
    endpoint = endpoint_for(xingou.town, receiver)
    endpoint.url = "http://127.0.0.1:9/nowhere"
    endpoint.save()
    submit(people, campaign.assessments.get(village=xingou), django_capture_on_commit_callbacks)
    delivery = WebhookDelivery.objects.get()
    for _ in range(5):
        attempt_delivery(delivery.pk)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("failed", 5)
    assert delivery.last_error.startswith("无法送达")


def test_an_endpoint_registered_in_the_admin_keeps_its_secret_out_of_the_trail(
    client, people, wangchang
):
    client.force_login(people["administrator"])
    client.post(
        "/admin/api/webhookendpoint/add/",
        {
            "region": wangchang.pk,
            "name": "案事件系统",
            "url": "https://case.example.gov.cn/hook",
            "secret": "s" * 64,
            "events": "[]",
            "is_active": "on",
        },
    )
    endpoint = WebhookEndpoint.objects.get()
    entry = AuditEntry.objects.get(action="admin.webhookendpoint.added")
    assert endpoint.secret not in json.dumps(entry.after)
