"""Writes of the town's spot inspections: findings that open rectification orders, the
village's report, acceptance, and bulletins."""

import uuid

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from assessments.documents import (
    bulletin_document,
)
from assessments.models import (
    Bulletin,
    Campaign,
    Criterion,
    Inspection,
    InspectionFinding,
    RectificationEvent,
    RectificationOrder,
    Standard,
)
from assessments.selectors import failing_reasons_of, open_orders_of
from assessments.services.common import (
    audit,
    document_fields,
    files_removed_on_failure,
    full_clean,
    move_state,
    record_event,
    require_object,
    require_unused_document_number,
    store_evidence,
)
from audit.trail import make_checkpoint
from pingan.errors import InvalidInput
from pingan.pdf import render_pdf
from villages.models import Village


@transaction.atomic
def record_inspection(*, actor, village_id, inspected_on, inspectors, summary, findings):
    """Record a spot inspection; each shortfall opens a 限期整改通知 with its deadline.

    `findings` holds dicts of criterion_id, met, comment and, where not met, deadline.
    """
    village = Village.objects.select_for_update().select_related("town").get(pk=village_id)
    require_object(actor, "assessments.inspect_village", village, "只有镇平安办可以开展抽查检查。")
    if not inspectors.strip():
        raise InvalidInput("请填写检查人员。")
    if not findings:
        raise InvalidInput("请至少填写一个条目的检查情况。")
    if inspected_on > timezone.localdate():
        raise InvalidInput("检查日期不能晚于今天。")
    standard = inspection_standard_for(village.town)
    criteria = {
        c.pk: c
        for c in Criterion.objects.filter(
            standard=standard, pk__in=[f["criterion_id"] for f in findings]
        )
    }
    inspection = Inspection.objects.create(
        village=village,
        standard=standard,
        inspected_on=inspected_on,
        inspectors=inspectors.strip(),
        summary=summary.strip(),
        recorded_by=actor,
    )
    for finding in findings:
        criterion = criteria.get(finding["criterion_id"])
        if criterion is None or not criterion.is_judged:
            raise InvalidInput("检查条目须是本镇现行创建标准中的评判条目。")
        label = f"{criterion.label} {criterion.title}"
        comment = (finding.get("comment") or "").strip()
        row = InspectionFinding.objects.create(
            inspection=inspection, criterion=criterion, met=finding["met"], comment=comment
        )
        audit(
            actor,
            "inspection.finding",
            inspection,
            None,
            {"criterion": criterion.key, "met": row.met, "comment": comment},
        )
        if finding["met"]:
            continue
        deadline = finding.get("deadline")
        if deadline is None or deadline <= inspected_on:
            raise InvalidInput(f"{label}：未达标的条目须定出晚于检查日期的整改期限。")
        if not comment:
            raise InvalidInput(f"{label}：未达标的条目须写明存在的问题。")
        order = RectificationOrder.objects.create(
            village=village, inspection_finding=row, problem=comment, deadline=deadline
        )
        record_event(
            RectificationEvent,
            order,
            actor,
            "",
            f"整改期限 {deadline}",
            action=RectificationEvent.Action.ISSUED,
        )
    return inspection


def inspection_standard_for(town):
    """The standard the town currently works under: its latest campaign's, else the newest."""
    campaign = (
        Campaign.objects.filter(town=town)
        .exclude(status=Campaign.Status.DRAFT)
        .order_by("-year")
        .first()
    )
    if campaign is not None:
        return campaign.standard
    standard = (
        Standard.objects.filter(kind=Standard.Kind.SAFE_VILLAGE)
        .order_by("-effective_year", "-version")
        .first()
    )
    if standard is None:
        raise InvalidInput("尚未录入平安村(社区)创建标准，无法开展抽查检查。")
    return standard


def _lock_order(order_id):
    return (
        RectificationOrder.objects.select_for_update()
        .select_related("village__town")
        .get(pk=order_id)
    )


def _move_order(order, actor, target, action, reason=""):
    move_state(
        order,
        target,
        RectificationEvent,
        actor=actor,
        action=action,
        reason=reason,
        refusal=f"整改通知当前为“{order.get_status_display()}”，"
        f"不能{RectificationEvent.Action(action).label}。",
    )


def report_rectification(*, actor, order_id, report, uploads=()):
    """The village reports what it did, with new evidence."""
    with files_removed_on_failure() as written, transaction.atomic():
        order = _lock_order(order_id)
        require_object(
            actor,
            "assessments.report_rectification",
            order,
            "只有本村(社区)党组织书记可以报告整改情况。",
        )
        if not report.strip():
            raise InvalidInput("请填写整改情况。")
        _move_order(
            order, actor, RectificationOrder.Status.REPORTED, RectificationEvent.Action.REPORTED
        )
        order.report = report.strip()
        order.reported_at = timezone.now()
        order.save()
        for upload in uploads:
            store_evidence(actor, order, None, upload, written)
        return order


@transaction.atomic
def accept_rectification(*, actor, order_id, comment=""):
    order = _lock_order(order_id)
    require_object(actor, "assessments.accept_rectification", order, "只有镇平安办可以验收整改。")
    _move_order(
        order,
        actor,
        RectificationOrder.Status.ACCEPTED,
        RectificationEvent.Action.ACCEPTED,
        comment.strip(),
    )
    order.closed_at = timezone.now()
    order.save()
    return order


@transaction.atomic
def reopen_rectification(*, actor, order_id, reason, deadline):
    order = _lock_order(order_id)
    require_object(actor, "assessments.accept_rectification", order, "只有镇平安办可以验收整改。")
    if not reason.strip():
        raise InvalidInput("验收不通过须说明原因。")
    if deadline is None or deadline <= timezone.localdate():
        raise InvalidInput("请定出晚于今天的新整改期限。")
    _move_order(
        order,
        actor,
        RectificationOrder.Status.OPEN,
        RectificationEvent.Action.REOPENED,
        f"{reason.strip()}(新期限 {deadline})",
    )
    order.deadline = deadline
    order.save()
    return order


def issue_bulletin(*, actor, town, document_number, title, body, issuer, issued_on, villages):
    """Print a 重点通报 naming slow or weak villages with their open orders."""
    with files_removed_on_failure() as written, transaction.atomic():
        require_object(actor, "assessments.issue_bulletin", town, "只有镇平安办可以印发重点通报。")
        villages = list(villages)
        if not villages:
            raise InvalidInput("请至少选择一个被通报的村(社区)。")
        if any(village.town_id != town.pk for village in villages):
            raise InvalidInput("只能通报本镇的村(社区)。")
        reasons = failing_reasons_of(villages, issued_on)
        orders = open_orders_of(villages)
        without = [v.name for v in villages if v.pk not in reasons and v.pk not in orders]
        if without:
            raise InvalidInput(
                "通报须对照附件所列问题；以下村(社区)既无考评问题也无未完成的整改事项，"
                "请先下发整改通知或不予通报：" + "、".join(without)
            )
        bulletin = Bulletin(
            town=town,
            document_number=document_number.strip(),
            title=title.strip(),
            body=body.strip(),
            issuer=issuer.strip(),
            issued_on=issued_on,
            issued_by=actor,
        )
        full_clean(bulletin, exclude=["pdf"])
        require_unused_document_number(bulletin, town)
        bulletin.save()
        bulletin.villages.set(villages)
        audit(
            actor,
            "bulletin.issued",
            bulletin,
            None,
            {**document_fields(bulletin), "villages": [v.code for v in villages]},
        )
        # The checkpoint covers the issuing itself, and the printout carries it.
        bulletin.checkpoint = make_checkpoint(f"印发 {bulletin.document_number}")
        pdf = render_pdf("documents/bulletin.html", bulletin_document(bulletin, villages))
        bulletin.pdf.save(
            f"bulletin-{town.code}-{uuid.uuid4().hex}.pdf", ContentFile(pdf), save=False
        )
        written.append(bulletin.pdf.name)
        bulletin.save(update_fields=["pdf", "checkpoint"])
        return bulletin
