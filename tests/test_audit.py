"""The hash-chained audit trail and verify_audit."""

import io
from datetime import timedelta

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from assessments import services
from audit.models import AuditCheckpoint, AuditEntry, AuditHead, PlaceVersion
from audit.trail import make_checkpoint, record, record_many, verify
from tests.factories import (
    MembershipFactory,
    RegionFactory,
    UserFactory,
    VillageFactory,
    user_with_role,
)
from tests.helpers import answer_everything, run_town_year
from tests.test_imports import NEW_TOWN, sheet, village_row
from villages.imports import import_villages
from villages.models import Membership, Village


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
    with pytest.raises(CommandError, match=f"第 {entry.sequence} 条记录被篡改"):
        call_command("verify_audit")


def test_a_removed_row_is_found(trail):
    entries = list(AuditEntry.objects.order_by("sequence"))
    removed = entries[3]
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditentry WHERE id = %s", [removed.pk])
    with pytest.raises(CommandError, match=f"第 {removed.sequence} 条记录缺失"):
        call_command("verify_audit")


def test_a_removed_last_row_is_found(trail):
    last = AuditEntry.objects.order_by("sequence").last()
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


def test_the_approval_writes_one_entry_per_village(campaign, people):
    run_town_year(campaign, people)
    approved = AuditEntry.objects.filter(action="assessmentevent.approved")
    assert approved.count() == 17
    assert set(approved.values_list("object_id", flat=True)) == {
        str(pk) for pk in campaign.assessments.values_list("pk", flat=True)
    }
    assert {entry.actor for entry in approved} == {people["town_leading_group"]}


def test_an_import_writes_one_entry_per_row(people, wangchang):
    rows = [NEW_TOWN, village_row("429006105201", "多宝村"), village_row("429006105202", "彭湖村")]
    rows.append(village_row("429006104203", "新沟村", town="429006104", cameras=9))
    import_villages(actor=people["administrator"], upload=sheet(rows), dry_run=False)
    villages = AuditEntry.objects.filter(object_type="villages.Village")
    assert sorted(villages.values_list("action", "object_repr")) == [
        ("village.created", "多宝村"),
        ("village.created", "彭湖村"),
        ("village.profile_changed", "新沟村"),
    ]
    town = AuditEntry.objects.get(action="region.imported")
    assert town.object_repr.startswith("多祥镇") and town.actor == people["administrator"]


def test_the_head_is_locked_for_one_statement_of_writes_on_postgresql(
    people, xingou, cuiwang, django_assert_num_queries
):
    """Every writer waits for the head's lock: on PostgreSQL the entries, their places'
    versions and the head are written in one statement while it is held."""
    member = UserFactory()
    record(action="test.started", actor=people["administrator"])
    granted = [
        MembershipFactory(user=member, role=Membership.Role.VILLAGE_STAFF, village=village).pk
        for village in (xingou, cuiwang)
    ]
    # With their places, as a service holds what it changes.
    grants = list(
        Membership.objects.select_related("village__town").filter(pk__in=granted).order_by("pk")
    )
    # The lock, then the writes: one statement, or three where each is its own.
    with django_assert_num_queries(2 if connection.vendor == "postgresql" else 4):
        entries = record_many(
            action="membership.checked",
            actor=people["administrator"],
            changes=[(grant, None, {"role": grant.role}) for grant in grants],
        )
    assert [entry.pk for entry in entries] == list(
        AuditEntry.objects.filter(action="membership.checked")
        .order_by("sequence")
        .values_list("pk", flat=True)
    )
    head = AuditHead.objects.get()
    assert (head.count, head.last_hash) == (entries[-1].sequence, entries[-1].entry_hash)
    town = xingou.town
    assert dict(
        PlaceVersion.objects.filter(place__in=town.path_codes).values_list("place", "sequence")
    ) == {code: entries[-1].sequence for code in town.path_codes}
    assert verify() is None


def test_an_answer_is_recorded_with_what_it_said(people, campaign, cuiwang):
    assessment = campaign.assessments.get(village=cuiwang)
    secretary = user_with_role(Membership.Role.SECRETARY, cuiwang)
    homicide = assessment.standard.criteria.get(key="ten-none.homicide")
    services.save_answer(
        actor=secretary,
        assessment_id=assessment.pk,
        criterion_id=homicide.pk,
        veto_occurred=True,
        narrative="5月发生一起命案",
    )
    entry = AuditEntry.objects.get(action="answer.saved")
    assert entry.actor == secretary and entry.village == cuiwang
    assert entry.after["veto_occurred"] is True and entry.after["narrative"] == "5月发生一起命案"


def test_a_role_granted_in_the_admin_is_recorded(client, people, wangchang):
    stranger = user_with_role(Membership.Role.SECRETARY, Village.objects.get(code="429006104203"))
    province = wangchang.parent.parent
    client.force_login(people["administrator"])
    response = client.post(
        reverse("admin:villages_membership_add"),
        {"user": stranger.pk, "role": "province_office", "region": province.pk, "is_active": "on"},
    )
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="admin.membership.added")
    assert entry.actor == people["administrator"]
    assert entry.after["role"] == "province_office" and entry.after["user"] == stranger.pk
    assert entry.region == province


def _rewrite_from(sequence, key):
    """What someone with the database (and `key`) could do: change one entry, then redo
    every hash after it and the head."""
    entries = list(AuditEntry.objects.filter(sequence__gte=sequence).order_by("sequence"))
    previous = AuditEntry.objects.get(sequence=sequence - 1).entry_hash
    for entry in entries:
        if entry.sequence == sequence:
            entry.object_repr = "改写"
        entry.previous_hash = previous
        entry.entry_hash = entry.compute_hash(key)
        previous = entry.entry_hash
        AuditEntry.objects.filter(pk=entry.pk).update(
            object_repr=entry.object_repr,
            previous_hash=entry.previous_hash,
            entry_hash=entry.entry_hash,
        )
    AuditHead.objects.filter(pk=1).update(last_hash=previous)


def test_a_chain_rewritten_without_the_key_is_caught(trail):
    _rewrite_from(5, key="a guessed key")
    with pytest.raises(CommandError, match="第 5 条记录被篡改"):
        call_command("verify_audit")


def test_a_chain_rewritten_with_the_key_is_caught_by_the_printed_checkpoint(trail, settings):
    checkpoint = make_checkpoint("测试")
    call_command("verify_audit", checkpoint=[checkpoint.printed], verbosity=0)
    AuditCheckpoint.objects.all().delete()
    _rewrite_from(5, key=settings.AUDIT_KEY)
    call_command("verify_audit", verbosity=0)
    with pytest.raises(CommandError, match="摘要与打印件不符"):
        call_command("verify_audit", checkpoint=[checkpoint.printed])


def test_a_deleted_tail_with_its_head_is_caught_by_an_exported_checkpoint(trail, tmp_path):
    make_checkpoint("测试")
    exported = tmp_path / "checkpoints.json"
    call_command("export_audit_checkpoints", str(exported), verbosity=0)
    last = AuditEntry.objects.order_by("sequence").last().sequence
    kept = AuditEntry.objects.get(sequence=last - 3)
    AuditEntry.objects.filter(sequence__gt=kept.sequence).delete()
    AuditCheckpoint.objects.all().delete()
    AuditHead.objects.filter(pk=1).update(last_hash=kept.entry_hash, count=kept.sequence)
    call_command("verify_audit", verbosity=0)
    with pytest.raises(CommandError, match="记录被截断"):
        call_command("verify_audit", checkpoints=str(exported))


def test_a_forged_appended_entry_is_caught(trail):
    last = AuditEntry.objects.order_by("sequence").last()
    forged = AuditEntry(
        sequence=last.sequence + 1,
        occurred_at=last.occurred_at,
        action="titleevent.revoked",
        object_repr="伪造",
        previous_hash=last.entry_hash,
    )
    forged.entry_hash = forged.compute_hash("not the key")
    forged.save()
    AuditHead.objects.filter(pk=1).update(last_hash=forged.entry_hash, count=forged.sequence)
    with pytest.raises(CommandError, match=f"第 {forged.sequence} 条记录被篡改"):
        call_command("verify_audit")


def test_a_forged_checkpoint_is_caught(trail):
    checkpoint = make_checkpoint("测试")
    AuditCheckpoint.objects.filter(pk=checkpoint.pk).update(sequence=checkpoint.sequence - 1)
    with pytest.raises(CommandError, match="签名无效"):
        call_command("verify_audit")


def test_the_address_is_never_what_the_client_wrote(client, people, settings):
    credentials = {"username": people["town_office"].username, "password": "correct-horse-battery"}
    client.post(
        reverse("login"), credentials, REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="8.8.8.8"
    )
    assert AuditEntry.objects.get(action="login").address == "10.0.0.5"
    client.post(reverse("logout"))
    settings.TRUSTED_PROXY_COUNT = 1
    client.post(
        reverse("login"),
        credentials,
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="8.8.8.8, 203.0.113.7",
    )
    assert AuditEntry.objects.filter(action="login").latest("sequence").address == "203.0.113.7"


def test_a_checkpoint_is_signed_at_least_daily(trail):
    first = AuditCheckpoint.objects.order_by("sequence").first()
    assert first is not None and first.reason == "每日检查点"
    AuditHead.objects.filter(pk=1).update(checkpointed_at=timezone.now() - timedelta(days=2))
    record(action="test", after={"n": 1})
    assert AuditCheckpoint.objects.filter(reason="每日检查点").count() == 2
    assert verify() is None


# Writes that reach the trail through these calls; a service that writes must make one.
AUDITING_CALLS = (
    "record_event(",
    "move_state(",
    "move_assessment(",
    "move_campaign(",
    "_move_title(",
    "_move_prepared(",
    "_move_order(",
    "_request_file(",
    "audit(",
    "record(",
    "record_many(",
    "record_village_events(",
    "_publish(",
    "save_answer(",
    "save_finding(",
    "services.save_answer(",
)
# Public names of the services packages that read or compute and write nothing.
WRITES_NOTHING = {
    "closing_needs_reason",
    "default_pass_list_text",
    "demonstration_standard_for",
    "draw",
    "inspection_standard_for",
    "is_sampled",
    "missing_for_submission",
    "unsubmitted_assessments",
    "verdict_of",
}


def _service_functions():
    import inspect

    from assessments import services as campaign_services
    from villages import services as village_services

    for module in (campaign_services, village_services):
        names = getattr(module, "__all__", None) or [
            name for name in dir(module) if not name.startswith("_")
        ]
        for name in names:
            function = getattr(module, name)
            if inspect.isfunction(function) and function.__module__.startswith(
                ("assessments.services", "villages.services")
            ):
                yield name, inspect.getsource(function)


def test_every_service_that_writes_writes_its_audit_entry():
    silent = [
        name
        for name, source in _service_functions()
        if name not in WRITES_NOTHING and not any(call in source for call in AUDITING_CALLS)
    ]
    assert not silent, f"services that write without an audit entry: {silent}"


def test_every_model_the_admin_may_change_is_audited(rf, people):
    from django.contrib import admin

    from audit.admin_changes import AuditedAdmin

    request = rf.get("/")
    request.user = people["administrator"]
    unaudited = [
        model._meta.label
        for model, model_admin in admin.site._registry.items()
        if model._meta.app_label in ("villages", "assessments", "audit")
        and (
            model_admin.has_change_permission(request)
            or model_admin.has_add_permission(request)
            or model_admin.has_delete_permission(request)
        )
        and not isinstance(model_admin, AuditedAdmin)
    ]
    assert not unaudited, f"admin pages that change data without an audit entry: {unaudited}"


def test_each_office_reads_the_trail_of_its_own_place(client, people, trail, xingou, wangchang):
    other_town = RegionFactory(code="429006105", name="多祥镇", parent=wangchang.parent)
    stranger = VillageFactory(code="429006105201", town=other_town, name="多宝村")
    other_office = user_with_role(Membership.Role.TOWN_OFFICE, other_town)
    record(action="village.renamed", actor=people["administrator"], target=stranger)

    client.force_login(people["town_office"])
    page = client.get(reverse("audit:entry_list"), {"village": "新沟村"})
    assert page.status_code == 200
    shown = list(page.context["entries"])
    assert shown and all(entry.village == xingou for entry in shown)
    assert "assessmentevent.returned" in page.text
    mine = client.get(reverse("audit:entry_list"), {"action": "village"}).context["entries"]
    assert not [entry for entry in mine if entry.village == stranger]

    client.force_login(other_office)
    theirs = list(client.get(reverse("audit:entry_list")).context["entries"])
    assert [entry.village for entry in theirs] == [stranger]

    client.force_login(people["administrator"])
    everything = client.get(reverse("audit:entry_list"), {"person": people["secretary"].username})
    assert {e.actor for e in everything.context["entries"]} == {people["secretary"]}

    client.force_login(people["secretary"])
    assert client.get(reverse("audit:entry_list")).status_code == 403


def test_the_trail_exports_to_excel_with_before_and_after(client, people, trail):
    client.force_login(people["town_office"])
    response = client.get(reverse("audit:entry_export"), {"action": "assessmentevent"})
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    rows = list(workbook.active.iter_rows(values_only=True))
    assert rows[0][0] == "序号" and rows[0][7] == "变更前"
    returned = next(row for row in rows[1:] if row[4] == "assessmentevent.returned")
    assert '"submitted"' in returned[7] and '"returned"' in returned[8]


def test_the_api_lists_the_trail_with_the_same_scope(people, trail):
    api = APIClient()
    api.force_authenticate(people["town_office"])
    listed = api.get("/api/v1/audit/", {"action": "assessmentevent.returned"}).json()
    assert [row["action"] for row in listed["results"]] == ["assessmentevent.returned"]
    assert listed["results"][0]["village"] == "429006104203"
    api.force_authenticate(people["secretary"])
    assert api.get("/api/v1/audit/").status_code == 403
