"""Writes of a campaign and of its assessments' lifecycle: creating and opening the year,
extending a deadline, closing the self-assessment stage."""

from datetime import date

from django.db import transaction
from django.utils import timezone

from assessments.models import (
    Assessment,
    AssessmentEvent,
    Campaign,
    CampaignEvent,
    SentReminder,
)
from assessments.services.common import (
    full_clean,
    lock_assessment,
    move_campaign,
    plain_text,
    record_event,
    require_object,
)
from assessments.services.standards import pin_standard
from audit.trail import record_many
from pingan.errors import InvalidInput, InvalidTransition
from pingan.notifications import configured_channels
from villages.models import Membership, Village


@transaction.atomic
def create_campaign(
    *,
    actor,
    town,
    year,
    standard,
    self_assessment_due,
    town_assessment_due,
    city_review_due,
    recommendation_due=None,
):
    require_object(actor, "assessments.create_campaign", town, "您不能为该乡镇创建创建活动。")
    if Campaign.objects.filter(town=town, year=year).exists():
        raise InvalidInput(f"{town.name}{year}年度的创建活动已存在。")
    campaign = Campaign(
        town=town,
        year=year,
        standard=standard,
        self_assessment_due=self_assessment_due,
        town_assessment_due=town_assessment_due,
        city_review_due=city_review_due,
        recommendation_due=recommendation_due,
    )
    full_clean(campaign)
    campaign.save()
    record_event(CampaignEvent, campaign, actor, "", "新建")
    return campaign


@transaction.atomic
def open_campaign(*, actor, campaign_id):
    """Start self-assessment: pin the standard, one assessment per active village, once."""
    campaign = Campaign.objects.select_for_update().select_related("town").get(pk=campaign_id)
    require_object(actor, "assessments.open_campaign", campaign, "您不能启动该创建活动。")
    if campaign.status != Campaign.Status.DRAFT:
        raise InvalidTransition(
            f"{campaign}当前为“{campaign.get_status_display()}”，已经启动过，不会重复生成考评。"
        )
    previous = campaign.status
    pin_standard(actor=actor, standard_id=campaign.standard_id, reason=f"{campaign}启用")
    villages = Village.objects.filter(town=campaign.town, is_active=True)
    if not villages.exists():
        raise InvalidInput(f"{campaign.town.name}没有参与创建的村(社区)。")
    Assessment.objects.bulk_create(
        [
            Assessment(campaign=campaign, village=village, standard=campaign.standard)
            for village in villages
        ],
        ignore_conflicts=True,
    )
    record_many(
        action="assessment.created",
        actor=actor,
        changes=[
            (assessment, None, {"status": assessment.status, "standard": campaign.standard_id})
            for assessment in Assessment.objects.filter(campaign=campaign).select_related(
                "village__town"
            )
        ],
    )
    campaign.status = Campaign.Status.SELF_ASSESSMENT
    campaign.opened_at = timezone.now()
    campaign.save(update_fields=["status", "opened_at"])
    record_event(CampaignEvent, campaign, actor, previous, "启动自评")
    return campaign


@transaction.atomic
def extend_deadline(*, actor, assessment_id, due_date, reason):
    assessment = lock_assessment(
        actor, assessment_id, "assessments.extend_deadline", "只有镇平安办可以延长自评期限。"
    )
    if not isinstance(due_date, date):
        raise InvalidInput("请填写新的截止日期。")
    if not reason.strip():
        raise InvalidInput("延长期限须说明原因。")
    if due_date <= assessment.effective_due:
        raise InvalidInput(
            f"新的截止日期须晚于现截止日期 {assessment.effective_due:%Y年%m月%d日}。"
        )
    if assessment.status not in Assessment.EDITABLE_STATUSES:
        raise InvalidTransition("自评已提交，无需延期。")
    previous_due = assessment.effective_due
    assessment.due_date = due_date
    assessment.save(update_fields=["due_date", "updated_at"])
    record_event(
        AssessmentEvent,
        assessment,
        actor,
        assessment.status,
        f"{previous_due:%Y-%m-%d} → {due_date:%Y-%m-%d}：{reason.strip()}",
        action=AssessmentEvent.Action.DEADLINE_EXTENDED,
    )
    return assessment


def unsubmitted_assessments(campaign):
    """The yearly assessments of `campaign` still open for the village to submit."""
    return list(
        Assessment.objects.filter(
            campaign=campaign,
            kind=Assessment.Kind.YEARLY,
            status__in=Assessment.EDITABLE_STATUSES,
        )
        .select_related("village")
        .order_by("village__code")
    )


def closing_needs_reason(campaign, unsubmitted, today):
    """Closing before the deadline, or while villages have not submitted, is a decision the
    town must give a reason for."""
    return bool(unsubmitted) or today <= campaign.self_assessment_due


@transaction.atomic
def close_self_assessment(*, actor, campaign_id, reason=""):
    """Enter 镇级考核; villages that have not submitted may still do so, marked late, until the
    town concludes them or the leading group approves."""
    campaign = Campaign.objects.select_for_update().select_related("town").get(pk=campaign_id)
    require_object(
        actor, "assessments.close_self_assessment", campaign, "只有镇平安办可以结束自评阶段。"
    )
    if campaign.status != Campaign.Status.SELF_ASSESSMENT:
        raise InvalidTransition(
            f"{campaign}当前为“{campaign.get_status_display()}”，不在自评阶段，无需结束自评。"
        )
    reason = plain_text(reason, "结束自评的原因")
    unsubmitted = unsubmitted_assessments(campaign)
    if closing_needs_reason(campaign, unsubmitted, timezone.localdate()) and not reason:
        why = (
            f"尚有{len(unsubmitted)}个村(社区)未提交自评"
            if unsubmitted
            else f"自评截止日期为{campaign.self_assessment_due:%Y年%m月%d日}，尚未到期"
        )
        raise InvalidInput(f"{why}；提前结束自评须写明原因。")
    note = "结束自评，进入镇级考核"
    if unsubmitted:
        note += "；未提交：" + "、".join(a.village.name for a in unsubmitted)
    if reason:
        note += f"。原因：{reason}"
    move_campaign(campaign, actor, Campaign.Status.TOWN_ASSESSMENT, note)
    campaign.save(update_fields=["status"])
    return campaign


def _urge_text(assessment, today):
    due = assessment.effective_due
    days_left = (due - today).days
    when = f"已逾期{-days_left}天" if days_left < 0 else f"还有{days_left}天截止"
    return (
        f"{assessment.village.name}{assessment.campaign.year}年度自评"
        f"({assessment.get_status_display()})期限{due:%Y年%m月%d日}，{when}。"
        "镇平安办催办：请尽快填报完整后提交。"
    )


@transaction.atomic
def urge_villages(*, actor, campaign_id, assessment_ids=None):
    """The town's 催办: remind the secretaries of villages that have not submitted, each at
    most once a day, through every channel that reaches them; returns (urged, skipped), the
    latter with why. `assessment_ids` narrows it to those villages, else every laggard."""
    campaign = Campaign.objects.select_for_update().select_related("town").get(pk=campaign_id)
    require_object(actor, "assessments.close_self_assessment", campaign, "只有镇平安办可以催办。")
    if campaign.status not in Campaign.OPEN_FOR_WORK:
        raise InvalidTransition(
            f"{campaign}当前为“{campaign.get_status_display()}”，自评已结束，无需催办。"
        )
    laggards = unsubmitted_assessments(campaign)
    if assessment_ids is not None:
        wanted = set(assessment_ids)
        laggards = [a for a in laggards if a.pk in wanted]
        if not laggards:
            raise InvalidInput("所选村(社区)已提交自评或不在本次创建活动中，无需催办。")
    today = timezone.localdate()
    urged_today = set(
        AssessmentEvent.objects.filter(
            assessment__in=laggards,
            action=AssessmentEvent.Action.URGED,
            occurred_at__date=today,
        ).values_list("assessment_id", flat=True)
    )
    secretaries = {}
    for membership in Membership.objects.filter(
        role=Membership.Role.SECRETARY,
        is_active=True,
        user__is_active=True,
        village__in=[a.village_id for a in laggards],
    ).select_related("user"):
        secretaries.setdefault(membership.village_id, []).append(membership.user)
    channels = configured_channels()
    urged, skipped, messages = [], [], []
    for assessment in laggards:
        if assessment.pk in urged_today:
            skipped.append((assessment, "今天已催办"))
            continue
        reached = [
            (user, [c for c in channels if c.reaches(user)])
            for user in secretaries.get(assessment.village_id, [])
        ]
        reached = [(user, ways) for user, ways in reached if ways]
        if not reached:
            skipped.append((assessment, "书记账号没有可用的联系方式(电子邮箱或手机)"))
            continue
        text = _urge_text(assessment, today)
        SentReminder.objects.bulk_create(
            [
                SentReminder(
                    user=user,
                    key=f"urge:{assessment.pk}:{today}",
                    text=text,
                    channels=",".join(c.name for c in ways),
                )
                for user, ways in reached
            ]
        )
        record_event(
            AssessmentEvent,
            assessment,
            actor,
            assessment.status,
            f"已通知{'、'.join(user.display_name for user, _ in reached)}",
            action=AssessmentEvent.Action.URGED,
        )
        messages.extend((user, ways, text) for user, ways in reached)
        urged.append(assessment)

    def send():
        for user, ways, text in messages:
            for channel in ways:
                channel.send(user, "平安村创建催办", [text, "请登录平安村(社区)创建考评平台办理。"])

    transaction.on_commit(send)
    return urged, skipped
