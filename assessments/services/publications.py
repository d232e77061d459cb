"""Writes of 公示: the town's pass list, the city's recommendation list and the province's
naming are each made public for a period of working days; anyone may raise an 异议 within
it, the publishing office answers each, and a 异议 found true takes the village off the list
(off a pass list, its year's result too). The list is filed, issued or named only after the
period has ended and every 异议 is answered (`require_publication_settled`)."""

import uuid
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from assessments.calendar import working_period_from
from assessments.models import (
    Assessment,
    AssessmentEvent,
    Campaign,
    Objection,
    ObjectionEvent,
    Publication,
    PublicationEntry,
    Recommendation,
)
from assessments.selectors import pass_list_entries
from assessments.services.common import (
    audit,
    files_removed_on_failure,
    move_state,
    photo_written_again,
    plain_text,
    record_event,
    require_object,
)
from audit.trail import record
from pingan.errors import InvalidInput, InvalidTransition, TooManyRequests
from villages.models import Region
from villages.services import MOBILE

LONGEST_PERIOD = 15


def _publish(*, actor, kind, region, year, title, villages, working_days, contact, campaign=None):
    """Make the list of `villages` public from the next working day for `working_days`."""
    # The region's row, locked, keeps two offices' clicks from publishing the same list twice.
    Region.objects.select_for_update().filter(pk=region.pk).first()
    if Publication.objects.filter(kind=kind, region=region, year=year).exists():
        raise InvalidTransition(f"{title}已经发布，不能重复公示。")
    if not 1 <= working_days <= LONGEST_PERIOD:
        raise InvalidInput(f"公示期须为 1 至 {LONGEST_PERIOD} 个工作日，一般为 5 或 7 个工作日。")
    contact = plain_text(contact, "受理单位及电话")
    if not contact:
        raise InvalidInput("请填写受理异议的单位和电话。")
    if not villages:
        raise InvalidInput("名单为空，无需公示。")
    try:
        starts_on, ends_on = working_period_from(
            timezone.localdate() + timedelta(days=1), working_days
        )
    except ValueError:
        raise InvalidInput(
            "节假日安排中连续一个多月没有工作日，请系统管理员核对节假日安排后再发布。"
        ) from None
    publication = Publication.objects.create(
        kind=kind,
        region=region,
        year=year,
        campaign=campaign,
        title=title,
        working_days=working_days,
        starts_on=starts_on,
        ends_on=ends_on,
        contact=contact,
        published_by=actor,
    )
    PublicationEntry.objects.bulk_create(
        PublicationEntry(publication=publication, village=village, village_name=village.name)
        for village in villages
    )
    audit(
        actor,
        "publication.published",
        publication,
        None,
        {
            "title": title,
            "starts_on": starts_on,
            "ends_on": ends_on,
            "villages": [village.code for village in villages],
        },
    )
    return publication


@transaction.atomic
def publish_pass_list(*, actor, campaign_id, working_days, contact):
    """The town's approved pass list, before it is filed with the city."""
    campaign = Campaign.objects.select_for_update().select_related("town").get(pk=campaign_id)
    require_object(
        actor, "assessments.prepare_pass_list", campaign, "只有镇平安办可以发布达标名单公示。"
    )
    if campaign.status != Campaign.Status.APPROVED:
        raise InvalidTransition(
            f"达标名单须在领导小组审定后、报备前公示；当前为“{campaign.get_status_display()}”。"
        )
    return _publish(
        actor=actor,
        kind=Publication.Kind.PASS_LIST,
        region=campaign.town,
        year=campaign.year,
        campaign=campaign,
        title=f"{campaign.town.name}{campaign.year}年度平安村(社区)达标名单公示",
        villages=[entry.village for entry in pass_list_entries(campaign)],
        working_days=working_days,
        contact=contact,
    )


@transaction.atomic
def publish_recommendations(*, actor, city, year, assessment_ids, working_days, contact):
    """The city's chosen 示范村 candidates, before the recommendation list is issued."""
    require_object(actor, "assessments.recommend", city, "只有市委平安办可以发布推荐名单公示。")
    candidacies = list(
        Assessment.objects.select_related("village__town").filter(
            pk__in=assessment_ids,
            kind=Assessment.Kind.DEMONSTRATION,
            campaign__year=year,
            city_passed=True,
        )
    )
    if len(candidacies) != len(set(assessment_ids)) or not all(
        c.village.town.is_within(city) for c in candidacies
    ):
        raise InvalidInput(f"推荐对象须是本市(县){year}年度示范村标准复核合格的村(社区)。")
    return _publish(
        actor=actor,
        kind=Publication.Kind.RECOMMENDATION,
        region=city,
        year=year,
        title=f"{city.name}{year}年度平安湖北建设示范村(社区)推荐名单公示",
        villages=sorted((c.village for c in candidacies), key=lambda v: v.code),
        working_days=working_days,
        contact=contact,
    )


@transaction.atomic
def publish_naming(*, actor, province, first_year, recommendation_ids, working_days, contact):
    """The province's villages to be named, before they are named."""
    require_object(
        actor, "assessments.name_villages", province, "只有省委平安办可以发布拟命名名单公示。"
    )
    recommendations = list(
        Recommendation.objects.select_related("assessment__village__town").filter(
            pk__in=recommendation_ids,
            recommendation_list__year__in=(first_year, first_year + 1),
        )
    )
    if len(recommendations) != len(set(recommendation_ids)) or not all(
        r.assessment.village.town.is_within(province) for r in recommendations
    ):
        raise InvalidInput("拟命名对象须是本省各市(县)推荐的村(社区)。")
    return _publish(
        actor=actor,
        kind=Publication.Kind.NAMING,
        region=province,
        year=first_year,
        title=f"{province.name}{first_year}—{first_year + 1}年度平安湖北建设示范村(社区)"
        "拟命名名单公示",
        villages=sorted((r.assessment.village for r in recommendations), key=lambda v: v.code),
        working_days=working_days,
        contact=contact,
    )


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
            objection.photo.save("photo.jpg", photo_written_again(photo), save=False)
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
    """The publishing office's inquiry and answer. Found true, the village leaves the list with
    the reason; off a pass list, its year's result is taken away too."""
    objection = (
        Objection.objects.select_for_update(of=("self",))
        .select_related("publication__region", "publication__campaign__town", "entry")
        .get(pk=objection_id)
    )
    require_object(
        actor,
        "assessments.answer_objections",
        objection.publication,
        "只有发布公示的单位可以答复异议。",
    )
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
    if objection.publication.kind != Publication.Kind.PASS_LIST:
        return
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


def require_publication_settled(kind, region, year, villages, today, acting):
    """Refuse to `acting` (报备, 印发, 命名) a list still under 公示, with an 异议 unanswered,
    or naming a village that was not on it or was taken off it."""
    publication = Publication.objects.filter(kind=kind, region=region, year=year).first()
    if publication is None:
        return
    if today <= publication.ends_on:
        raise InvalidTransition(
            f"{publication.title}至{publication.ends_on:%Y年%m月%d日}，公示期结束后才能{acting}。"
        )
    waiting = publication.objections.filter(status=Objection.Status.PENDING).count()
    if waiting:
        raise InvalidTransition(f"尚有 {waiting} 件公示异议未答复，答复后才能{acting}。")
    listed = set(
        publication.entries.filter(removed_at__isnull=True).values_list("village_id", flat=True)
    )
    outside = [village.name for village in villages if village.pk not in listed]
    if outside:
        raise InvalidInput(
            "、".join(outside)
            + f"不在{publication.title}的名单中(或已因异议属实移出)，不能{acting}。"
        )
