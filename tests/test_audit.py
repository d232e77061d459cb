"""The hash-chained audit trail and verify_audit."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse

from assessments import services
from audit.models import AuditEntry
from audit.trail import verify
from tests.helpers import answer_everything


@pytest.fixture
def trail(client, people, campaign, xingou):
    """A few days of work: sign-ins, a failed one, answers, a submission and a return."""
    client.post(reverse("login"), {"username": people["secretary"].username, "password": "wrong"})
    assessment = campaign.assessments.get(village=xingou)
    answer_everything(people["secretary"], assessment)
    services.submit_assessment(actor=people["secretary"], assessment_id=assessment.pk)
    services.return_assessment(
        actor=people["town_office"], assessment_id=assessment.pk, comments={}, general_reason="补充"
    )
    return assessment


def test_state_changes_and_sign_ins_are_recorded(client, trail, people):
    client.post(
        reverse("login"),
        {"username": people["town_office"].username, "password": "correct-horse-battery"},
        REMOTE_ADDR="10.1.2.3",
    )
    client.post(reverse("logout"))
    actions = list(AuditEntry.objects.values_list("action", flat=True))
    for action in [
        "login_failed",
        "campaignevent.status",
        "standardevent.pinned",
        "assessmentevent.submitted",
        "assessmentevent.returned",
        "login",
        "logout",
    ]:
        assert action in actions, action
    returned = AuditEntry.objects.get(action="assessmentevent.returned")
    assert returned.object_type == "assessments.Assessment"
    assert returned.object_id == str(trail.pk)
    assert (returned.before, returned.after["status"]) == ({"status": "submitted"}, "returned")
    assert returned.actor == people["town_office"]
    login = AuditEntry.objects.get(action="login")
    assert login.address == "10.1.2.3"
    call_command("verify_audit", verbosity=0)
    assert verify() is None


def test_an_altered_row_is_named(trail):
    entry = AuditEntry.objects.filter(action="assessmentevent.submitted").get()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_auditentry SET actor_name = %s WHERE id = %s", ["someone", entry.pk]
        )
    with pytest.raises(CommandError, match=f"第 {entry.pk} 条记录被篡改"):
        call_command("verify_audit")


def test_a_removed_row_is_found(trail):
    entries = list(AuditEntry.objects.order_by("id"))
    removed, following = entries[3], entries[4]
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditentry WHERE id = %s", [removed.pk])
    with pytest.raises(CommandError, match=f"第 {following.pk} 条之前的记录被删除"):
        call_command("verify_audit")


def test_a_removed_last_row_is_found(trail):
    last = AuditEntry.objects.order_by("id").last()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditentry WHERE id = %s", [last.pk])
    with pytest.raises(CommandError, match="链尾的记录被删除"):
        call_command("verify_audit")


def test_findings_are_recorded_with_before_and_after(people, trail, standards):
    services.submit_assessment(actor=people["secretary"], assessment_id=trail.pk)
    veto = trail.standard.criteria.filter(kind="veto").first()
    services.save_finding(
        actor=people["town_office"], assessment_id=trail.pk, criterion_id=veto.pk, agrees=True
    )
    services.save_finding(
        actor=people["town_office"],
        assessment_id=trail.pk,
        criterion_id=veto.pk,
        agrees=False,
        veto_occurred=True,
        comment="核查发现",
    )
    first, second = AuditEntry.objects.filter(action="finding.saved").order_by("id")
    assert first.before is None and first.after["agrees"] is True
    assert second.before["agrees"] is True and second.after["veto_occurred"] is True


def test_administrators_search_the_trail(client, people, trail):
    client.force_login(people["administrator"])
    response = client.get(reverse("admin:audit_auditentry_changelist"), {"q": "assessmentevent"})
    assert response.status_code == 200
    assert "assessmentevent.submitted" in response.content.decode()
    client.force_login(people["town_office"])
    assert client.get(reverse("admin:audit_auditentry_changelist")).status_code == 302


BACKUP_EXCLUDES = ["contenttypes", "auth.permission", "sessions", "admin.logentry"]


def test_a_dump_restores_into_an_empty_database_with_the_chain_intact(
    transactional_db, trail, tmp_path
):
    dump = tmp_path / "pingan.json"
    call_command("dumpdata", exclude=BACKUP_EXCLUDES, output=str(dump), verbosity=0)
    entries = AuditEntry.objects.count()
    call_command("flush", interactive=False, verbosity=0)
    assert AuditEntry.objects.count() == 0
    call_command("loaddata", str(dump), verbosity=0)
    assert AuditEntry.objects.count() == entries
    call_command("verify_audit", verbosity=0)
