"""Writes of the city's re-review: the reproducible draw, re-review conclusions, closing the
review, demonstration candidacies and the recommendation list."""

import math
import random
import secrets
import uuid
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from assessments.documents import (
    recommendation_document,
)
from assessments.models import (
    Assessment,
    AssessmentEvent,
    Campaign,
    CampaignEvent,
    Finding,
    Publication,
    Recommendation,
    RecommendationList,
    Sample,
    SampleEntry,
    Standard,
)
from assessments.selectors import (
    criteria_of,
)
from assessments.services.common import (
    audit,
    document_fields,
    files_removed_on_failure,
    full_clean,
    lock_assessment,
    move_campaign,
    record_event,
    require_candidacies_open,
    require_object,
    require_unused_document_number,
)
from assessments.services.publications import require_publication_settled
from assessments.services.standards import pin_standard
from assessments.services.titles import grant_yearly_titles
from assessments.services.town_review import lock_for_review, stage_findings, verdict_of
from audit.trail import make_checkpoint
from pingan.errors import InvalidInput, InvalidTransition
from pingan.pdf import render_pdf


def _sample_size(total, ratio, minimum):
    return min(total, max(math.ceil(Decimal(total) * ratio), minimum))


def draw(population, forced, ratio, minimum, seed):
    """The sampled codes: the forced ones first, then a seeded draw from the rest.

    Pure and reproducible: the same population, forced codes, ratio, minimum and seed give
    the same villages on any machine (Sample.METHOD describes it for the printed list).
    """
    candidates = sorted(code for code in population if code not in forced)
    size = _sample_size(len(population), ratio, minimum)
    drawn = random.Random(seed).sample(candidates, max(0, min(len(candidates), size - len(forced))))
    return [*forced, *drawn]


def _filed_pass_list_assessments(campaign):
    return {
        a.village.code: a
        for a in Assessment.objects.filter(
            campaign=campaign, kind=Assessment.Kind.YEARLY, result_passed=True
        ).select_related("village")
    }


@transaction.atomic
def draw_sample(*, actor, campaign_id, ratio, minimum_count, forced=None, seed="", reason=""):
    """Draw (or, with a written reason, redraw) the city's sample of a filed pass list.

    `forced` maps village codes that must be included to the reason for each.
    """
    campaign = Campaign.objects.select_for_update().select_related("town").get(pk=campaign_id)
    require_object(actor, "assessments.draw_sample", campaign, "只有市委平安办可以抽查。")
    forced = {code: text.strip() for code, text in (forced or {}).items()}
    previous = Sample.objects.filter(campaign=campaign, is_current=True).first()
    if previous is None and campaign.status != Campaign.Status.FILED:
        raise InvalidTransition(
            f"{campaign}当前为“{campaign.get_status_display()}”，须在报备后抽查。"
        )
    if previous is not None:
        if campaign.status != Campaign.Status.CITY_REVIEW:
            raise InvalidTransition("市级复核已结束，不能重新抽取。")
        if not reason.strip():
            raise InvalidInput("重新抽取须写明原因，原抽查结果将留档。")
        if Assessment.objects.filter(
            pk__in=previous.entries.values("assessment"), city_passed__isnull=False
        ).exists():
            raise InvalidTransition("已有村(社区)完成复核，不能重新抽取。")
    if ratio is None or not (Decimal(0) < ratio <= 1):
        raise InvalidInput("抽查比例须大于 0 且不超过 1。")
    population = _filed_pass_list_assessments(campaign)
    if not population:
        raise InvalidInput("该镇报备的达标名单为空，无可抽查的村(社区)。")
    unknown = [code for code in forced if code not in population]
    if unknown:
        raise InvalidInput("必抽村(社区)须在报备的达标名单中：" + "、".join(unknown))
    if any(not text for text in forced.values()):
        raise InvalidInput("请为每个必抽村(社区)写明原因。")
    seed = seed.strip() or secrets.token_hex(8)
    codes = draw(sorted(population), list(forced), ratio, minimum_count, seed)
    if previous is not None:
        previous.is_current = False
        previous.save(update_fields=["is_current"])
    sample = Sample.objects.create(
        campaign=campaign,
        ratio=ratio,
        minimum_count=minimum_count,
        seed=seed,
        method=Sample.METHOD,
        population=sorted(population),
        drawn_by=actor,
        redraw_reason=reason.strip(),
        replaces=previous,
    )
    audit(
        actor,
        "sample.drawn",
        campaign,
        {"replaced": previous.seed} if previous else None,
        {"seed": seed, "ratio": ratio, "minimum_count": minimum_count, "villages": codes},
    )
    SampleEntry.objects.bulk_create(
        SampleEntry(
            sample=sample,
            assessment=population[code],
            forced=code in forced,
            reason=forced.get(code, ""),
            position=position,
        )
        for position, code in enumerate(codes, start=1)
    )
    if previous is None:
        move_campaign(campaign, actor, Campaign.Status.CITY_REVIEW, f"抽查(种子 {seed})")
        campaign.save(update_fields=["status"])
    else:
        record_event(
            CampaignEvent,
            campaign,
            actor,
            campaign.status,
            f"重新抽取(种子 {seed})：{reason.strip()}",
        )
    return sample


@transaction.atomic
def conclude_city_review(*, actor, assessment_id):
    """Fix the re-review result; a failed yearly re-review takes the year's result away."""
    assessment = lock_for_review(actor, assessment_id, Finding.Stage.CITY)
    criteria = criteria_of(assessment.standard)
    findings = stage_findings(assessment, Finding.Stage.CITY, criteria)
    result = verdict_of(assessment, Finding.Stage.CITY, criteria, findings)
    reasons = [str(reason) for reason in result.reasons]
    assessment.city_passed = result.passed
    assessment.city_reasons = reasons
    assessment.city_reviewed_at = timezone.now()
    note = ("复核合格" if result.passed else "复核不合格") + (
        "：" + "；".join(reasons) if reasons else ""
    )
    if assessment.kind == Assessment.Kind.YEARLY and not result.passed:
        assessment.result_passed = False
        assessment.result_reasons = [f"市级复核不合格：{reason}" for reason in reasons]
        note += "；年度平安村(社区)结果取消"
    assessment.save()
    record_event(
        AssessmentEvent,
        assessment,
        actor,
        assessment.status,
        note,
        action=AssessmentEvent.Action.CITY_REVIEWED,
    )
    return assessment


@transaction.atomic
def close_city_review(*, actor, campaign_id):
    campaign = Campaign.objects.select_for_update().select_related("town").get(pk=campaign_id)
    require_object(actor, "assessments.close_city_review", campaign, "只有市委平安办可以结束复核。")
    sample = Sample.objects.filter(campaign=campaign, is_current=True).first()
    pending = (
        sample.entries.filter(assessment__city_passed__isnull=True).select_related(
            "assessment__village"
        )
        if sample
        else []
    )
    if pending:
        raise InvalidTransition(
            "以下抽查村(社区)尚未复核：" + "、".join(e.assessment.village.name for e in pending)
        )
    move_campaign(campaign, actor, Campaign.Status.CLOSED, "市级复核结束")
    campaign.save(update_fields=["status"])
    grant_yearly_titles(campaign, actor)
    return campaign


def demonstration_standard_for(year):
    standard = (
        Standard.objects.filter(kind=Standard.Kind.DEMONSTRATION, effective_year__lte=year)
        .order_by("-effective_year", "-version")
        .first()
    )
    if standard is None:
        raise InvalidInput("尚未录入平安湖北建设示范村(社区)创建命名标准。")
    return standard


@transaction.atomic
def start_candidacy(*, actor, assessment_id):
    """The town prepares a re-review passer's assessment against the 示范村 standard."""
    yearly = lock_assessment(
        actor, assessment_id, "assessments.start_candidacy", "只有镇平安办可以准备示范村推荐考评。"
    )
    if yearly.kind != Assessment.Kind.YEARLY or yearly.city_passed is not True:
        raise InvalidTransition("只有市级复核合格的村(社区)可以作为示范村推荐对象。")
    if yearly.campaign.status not in Campaign.CANDIDACY_STAGES:
        raise InvalidTransition("示范村推荐考评须在市级复核开始后准备。")
    require_candidacies_open(yearly.campaign)
    existing = Assessment.objects.filter(
        campaign=yearly.campaign, village=yearly.village, kind=Assessment.Kind.DEMONSTRATION
    ).first()
    if existing is not None:
        return existing
    standard = demonstration_standard_for(yearly.campaign.year)
    pin_standard(actor=actor, standard_id=standard.pk, reason=f"{yearly.campaign}示范村推荐")
    candidacy = Assessment.objects.create(
        campaign=yearly.campaign,
        village=yearly.village,
        kind=Assessment.Kind.DEMONSTRATION,
        standard=standard,
    )
    record_event(
        AssessmentEvent,
        candidacy,
        actor,
        "",
        f"依据{yearly.campaign.year}年度市级复核合格",
        action=AssessmentEvent.Action.PREPARED,
    )
    return candidacy


def issue_recommendations(
    *, actor, city, year, document_number, title, body, issuer, issued_on, picks
):
    """The city's 择优推荐: `picks` are (demonstration assessment id, justification)."""
    with files_removed_on_failure() as written, transaction.atomic():
        require_object(actor, "assessments.recommend", city, "只有市委平安办可以择优推荐。")
        if not picks:
            raise InvalidInput("请至少选择一个推荐对象。")
        chosen = {
            a.pk: a
            for a in Assessment.objects.select_related("village__town", "campaign").filter(
                pk__in=[pk for pk, _ in picks], kind=Assessment.Kind.DEMONSTRATION
            )
        }
        recommendations = []
        for position, (pk, justification) in enumerate(picks, start=1):
            candidacy = chosen.get(pk)
            if candidacy is None or not candidacy.village.town.is_within(city):
                raise InvalidInput("推荐对象须是本市(县)的示范村推荐考评。")
            if candidacy.campaign.year != year or candidacy.city_passed is not True:
                raise InvalidInput(
                    f"{candidacy.village.name}：须为{year}年度示范村标准复核合格的推荐对象。"
                )
            if not justification.strip():
                raise InvalidInput(f"{candidacy.village.name}：请写明推荐理由。")
            recommendations.append(
                Recommendation(
                    assessment=candidacy, position=position, justification=justification.strip()
                )
            )
        require_publication_settled(
            Publication.Kind.RECOMMENDATION,
            city,
            year,
            [r.assessment.village for r in recommendations],
            timezone.localdate(),
            "印发",
        )
        recommendation_list = RecommendationList(
            city=city,
            year=year,
            document_number=document_number.strip(),
            title=title.strip(),
            body=body.strip(),
            issuer=issuer.strip(),
            issued_on=issued_on,
            issued_by=actor,
        )
        full_clean(recommendation_list, exclude=["pdf"])
        require_unused_document_number(recommendation_list, city)
        recommendation_list.save()
        for recommendation in recommendations:
            recommendation.recommendation_list = recommendation_list
        Recommendation.objects.bulk_create(recommendations)
        audit(
            actor,
            "recommendationlist.issued",
            recommendation_list,
            None,
            {
                **document_fields(recommendation_list),
                "villages": [r.assessment.village.code for r in recommendations],
            },
        )
        # The checkpoint covers the issuing itself, and the printout carries it.
        recommendation_list.checkpoint = make_checkpoint(
            f"印发 {recommendation_list.document_number}"
        )
        pdf = render_pdf(
            "documents/recommendation.html",
            recommendation_document(recommendation_list, recommendations),
        )
        recommendation_list.pdf.save(
            f"recommendation-{city.code}-{year}-{uuid.uuid4().hex}.pdf",
            ContentFile(pdf),
            save=False,
        )
        written.append(recommendation_list.pdf.name)
        recommendation_list.save(update_fields=["pdf", "checkpoint"])
        return recommendation_list
