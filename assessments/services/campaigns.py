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
)
from assessments.services.common import (
    full_clean,
    lock_assessment,
    move_campaign,
    record_event,
    require_object,
)
from assessments.services.standards import pin_standard
from pingan.errors import InvalidInput, InvalidTransition
from villages.models import Village


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


@transaction.atomic
def close_self_assessment(*, actor, campaign_id):
    """Enter 镇级考核; late and returned villages may still submit until approval."""
    campaign = Campaign.objects.select_for_update().select_related("town").get(pk=campaign_id)
    require_object(
        actor, "assessments.close_self_assessment", campaign, "只有镇平安办可以结束自评阶段。"
    )
    move_campaign(campaign, actor, Campaign.Status.TOWN_ASSESSMENT, "结束自评，进入镇级考核")
    campaign.save(update_fields=["status"])
    return campaign
