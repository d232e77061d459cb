"""Writes of 公示: the town publishes its pass list for a period of working days, anyone may
raise an 异议 within it, the town answers each, and a 异议 found true takes the village off
the list and its year's result away. The list is filed only after the period has ended and
every 异议 is answered (town_review.file_campaign asks `require_publication_settled`)."""

import uuid
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from assessments.calendar import working_period_from
from assessments.evidence import check_upload, process_photo
from assessments.models import (
    Assessment,
    AssessmentEvent,
    Campaign,
    Objection,
    ObjectionEvent,
    Publication,
    PublicationEntry,
)
from assessments.selectors import pass_list_entries
from assessments.services.common import (
    audit,
    files_removed_on_failure,
    move_state,
    plain_text,
    record_event,
    require_object,
)
from audit.trail import record
from pingan.errors import InvalidInput, InvalidTransition, TooManyRequests
from villages.services import MOBILE

LONGEST_PERIOD = 15


@transaction.atomic
def publish_pass_list(*, actor, campaign_id, working_days, contact):
    """Make the approved pass list public from the next working day for `working_days`."""
    campaign = Campaign.objects.select_for_update().select_related("town").get(pk=campaign_id)
    require_object(
        actor, "assessments.prepare_pass_list", campaign, "只有镇平安办可以发布达标名单公示。"
    )
    if campaign.status != Campaign.Status.APPROVED:
        raise InvalidTransition(
            f"达标名单须在领导小组审定后、报备前公示；当前为“{campaign.get_status_display()}”。"
        )
    if Publication.objects.filter(campaign=campaign, kind=Publication.Kind.PASS_LIST).exists():
        raise InvalidTransition(f"{campaign.year}年度达标名单已经公示。")
    if not 1 <= working_days <= LONGEST_PERIOD:
        raise InvalidInput(f"公示期须为 1 至 {LONGEST_PERIOD} 个工作日，一般为 5 或 7 个工作日。")
    contact = plain_text(contact, "受理单位及电话")
    if not contact:
        raise InvalidInput("请填写受理异议的单位和电话。")
    entries = pass_list_entries(campaign)
    if not entries:
        raise InvalidInput("本年度没有达标的村(社区)，无需公示。")
    starts_on, ends_on = working_period_from(timezone.localdate() + timedelta(days=1), working_days)
    publication = Publication.objects.create(
        kind=Publication.Kind.PASS_LIST,
        campaign=campaign,
        title=f"{campaign.town.name}{campaign.year}年度平安村(社区)达标名单公示",
        working_days=working_days,
        starts_on=starts_on,
        ends_on=ends_on,
        contact=contact,
        published_by=actor,
    )
    PublicationEntry.objects.bulk_create(
        PublicationEntry(
            publication=publication, village=entry.village, village_name=entry.village_name
        )
        for entry in entries
    )
    audit(
        actor,
        "publication.published",
        publication,
        None,
        {
            "title": publication.title,
            "starts_on": starts_on,
            "ends_on": ends_on,
            "villages": [entry.village_name for entry in entries],
        },
    )
    return publication


def raise_objection(*, publication_id, village_id, name, phone, matter, photo=None, address=None):
    """An 异议 from anyone, signed in or not (the public has no account: the actor is the
    address it came from). The matter is kept exactly as sent."""
    with files_removed_on_failure() as written, transaction.atomic():
        publication = Publication.objects.select_for_update().filter(pk=publication_id).first()
        today = timezone.localdate()
        if publication is None or not publication.is_open_on(today):
            raise InvalidTransition("该公示不在公示期内，不能再提出异议。")
        since = timezone.now() - timedelta(hours=1)
        if (
            address
            and Objection.objects.filter(address=address, raised_at__gte=since).count()
            >= settings.OBJECTIONS_PER_HOUR
        ):
            raise TooManyRequests(
                "同一网络一小时内提出的异议已达上限，请稍后再试或电话联系受理单位。"
            )
        entry = PublicationEntry.objects.filter(
            publication=publication, village_id=village_id, removed_at__isnull=True
        ).first()
        if entry is None:
            raise InvalidInput("请选择公示名单中的村(社区)。")
        name, phone = plain_text(name, "姓名"), plain_text(phone, "联系电话")
        if "\x00" in matter:
            raise InvalidInput("异议内容含有无法保存的控制字符，请删除后重新填写。")
        if not name:
            raise InvalidInput("请填写您的姓名。")
        if not MOBILE.match(phone):
            raise InvalidInput("请填写 11 位手机号码，以便核实后答复您。")
        if not matter.strip():
            raise InvalidInput("请写明异议的具体事实。")
        objection = Objection(
            token=uuid.uuid4(),
            publication=publication,
            entry=entry,
            name=name,
            phone=phone,
            matter=matter,
            address=address,
        )
        if photo is not None:
            checked = check_upload(photo)
            if not checked.is_photo:
                raise InvalidInput("只能附照片(JPEG、PNG)。")
            content, _thumbnail, _taken = process_photo(
                photo, photo.name, checked.accepted.extension
            )
            objection.photo.save("photo.jpg", ContentFile(content), save=False)
            written.append(objection.photo.name)
        objection.save()
        # The objector has no account: the entry names the address, never the person.
        record(
            action="objection.raised",
            target=objection,
            after={"village": entry.village_name, "photo": bool(objection.photo)},
            address=address,
        )
        return objection


@transaction.atomic
def answer_objection(*, actor, objection_id, found_true, inquiry, answer):
    """The town's inquiry and answer. Found true, the village leaves the list with the reason
    and its year's result is taken away."""
    objection = (
        Objection.objects.select_for_update()
        .select_related("publication__campaign__town", "entry")
        .get(pk=objection_id)
    )
    campaign = objection.publication.campaign
    require_object(actor, "assessments.prepare_pass_list", campaign, "只有镇平安办可以答复异议。")
    inquiry, answer = plain_text(inquiry, "核实情况"), plain_text(answer, "答复理由")
    if not inquiry or not answer:
        raise InvalidInput("请写明核实情况和答复理由。")
    target = Objection.Status.FOUND_TRUE if found_true else Objection.Status.FOUND_UNTRUE
    move_state(
        objection,
        target,
        ObjectionEvent,
        actor=actor,
        refusal=f"该异议已{objection.get_status_display()}，不能再次答复。",
        reason=answer,
    )
    objection.inquiry, objection.answer = inquiry, answer
    objection.answered_by, objection.answered_at = actor, timezone.now()
    objection.save()
    if found_true:
        _remove_from_list(actor, objection, answer)
    return objection


def _remove_from_list(actor, objection, reason):
    entry = objection.entry
    if entry.removed_at is None:
        entry.removed_at, entry.removed_reason = timezone.now(), reason
        entry.save(update_fields=["removed_at", "removed_reason"])
    assessment = Assessment.objects.select_for_update().get(
        campaign=objection.publication.campaign,
        village=entry.village,
        kind=Assessment.Kind.YEARLY,
    )
    if assessment.result_passed:
        why = f"公示异议属实：{reason}"
        assessment.result_passed = False
        assessment.result_reasons = [*assessment.result_reasons, why]
        assessment.save(update_fields=["result_passed", "result_reasons", "updated_at"])
        record_event(
            AssessmentEvent,
            assessment,
            actor,
            assessment.status,
            why,
            action=AssessmentEvent.Action.OBJECTION_UPHELD,
        )


def require_publication_settled(campaign, today):
    """Refuse to file a list still under 公示 or with an 异议 unanswered."""
    publication = Publication.objects.filter(
        campaign=campaign, kind=Publication.Kind.PASS_LIST
    ).first()
    if publication is None:
        return
    if today <= publication.ends_on:
        raise InvalidTransition(
            f"达标名单公示至{publication.ends_on:%Y年%m月%d日}，公示期结束后才能报备。"
        )
    waiting = publication.objections.filter(status=Objection.Status.PENDING).count()
    if waiting:
        raise InvalidTransition(f"尚有 {waiting} 件公示异议未答复，答复后才能报备。")
