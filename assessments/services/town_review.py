"""Writes of the town's assessment: findings, the verdict, approval, the pass list and its
filing with the city."""

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from assessments.documents import (
    pass_list_document,
)
from assessments.errors import UnassessedCriteria
from assessments.models import (
    Answer,
    Assessment,
    AssessmentEvent,
    Campaign,
    Criterion,
    DocumentKind,
    Finding,
    PassList,
    PassListEntry,
    Publication,
    SampleEntry,
)
from assessments.selectors import (
    criteria_of,
    document_setting,
    occurred_categories,
    pass_list_entries,
    pass_rule_for,
    status_before_town_conclusion,
)
from assessments.services.common import (
    audit,
    criterion_in_standard,
    decimal_input,
    document_fields,
    files_removed_on_failure,
    full_clean,
    lock_assessment,
    move_assessment,
    move_campaign,
    require_campaign_open,
    require_candidacies_open,
    require_object,
    require_unused_document_number,
)
from assessments.services.publications import require_publication_settled
from assessments.verdict import evaluate
from audit.trail import make_checkpoint, record_many
from pingan.errors import InvalidInput, InvalidTransition
from pingan.pdf import render_pdf


def finding_fields(criterion, basis, agrees, veto_occurred, met, value, score):
    """The judgement a finding records: the basis it agrees with, or the reviewer's own."""
    label = f"{criterion.label} {criterion.title}"
    if agrees:
        if basis is None:
            raise InvalidInput(f"{label}：没有可同意的结果，请填写核定结果。")
        return {
            "veto_occurred": basis.veto_occurred,
            "met": basis.met,
            "value": basis.value,
            "score": basis.score,
        }
    fields = {"veto_occurred": None, "met": None, "value": None, "score": None}
    if criterion.kind == Criterion.Kind.VETO:
        if veto_occurred is None:
            raise InvalidInput(f"{label}：请核定是否发生。")
        fields["veto_occurred"] = veto_occurred
    elif criterion.kind == Criterion.Kind.REQUIREMENT:
        if met is None:
            raise InvalidInput(f"{label}：请核定是否达标。")
        fields["met"] = met
    elif criterion.kind == Criterion.Kind.THRESHOLD:
        fields["value"] = decimal_input(value, label)
        if fields["value"] is None:
            raise InvalidInput(f"{label}：请填写核定数值。")
    else:
        fields["score"] = decimal_input(score, label)
        if fields["score"] is None or fields["score"] > criterion.max_score:
            raise InvalidInput(f"{label}：核定得分须在 0 至 {criterion.max_score} 分之间。")
    return fields


def lock_for_review(actor, assessment_id, stage, lock=True):
    """Lock an assessment a reviewer may score at this stage, or refuse."""
    if stage == Finding.Stage.TOWN:
        assessment = lock_assessment(
            actor,
            assessment_id,
            "assessments.assess_assessment",
            "只有镇平安办可以进行镇级考核。",
            lock,
        )
        require_campaign_open(assessment.campaign)
        if assessment.status != Assessment.Status.SUBMITTED:
            raise InvalidTransition(
                f"自评当前为“{assessment.get_status_display()}”，只有已提交的自评可以考核。"
            )
        return assessment
    assessment = lock_assessment(
        actor, assessment_id, "assessments.re_review_assessment", "只有市委平安办可以复核。", lock
    )
    stages = (
        Campaign.CANDIDACY_STAGES
        if assessment.kind == Assessment.Kind.DEMONSTRATION
        else (Campaign.Status.CITY_REVIEW,)
    )
    if assessment.campaign.status not in stages:
        raise InvalidTransition(
            f"创建活动当前为“{assessment.campaign.get_status_display()}”，不在市级复核阶段。"
        )
    if assessment.kind == Assessment.Kind.DEMONSTRATION:
        require_candidacies_open(assessment.campaign)
    if assessment.city_passed is not None:
        raise InvalidTransition(
            f"{assessment.village.name}已完成复核，结果为{assessment.city_verdict_label}。"
        )
    if assessment.kind == Assessment.Kind.YEARLY and not is_sampled(assessment):
        raise InvalidTransition(f"{assessment.village.name}不在现行抽查名单中，不能复核。")
    if assessment.kind == Assessment.Kind.DEMONSTRATION and (
        assessment.status != Assessment.Status.SUBMITTED
    ):
        raise InvalidTransition("示范村推荐考评尚未由镇平安办提交，不能复核。")
    return assessment


def is_sampled(assessment):
    return SampleEntry.objects.filter(sample__is_current=True, assessment=assessment).exists()


def finding_basis(assessment, criterion, stage):
    """What “agree” refers to: the town's finding when the city re-reviews a yearly
    assessment, otherwise the answer the assessment was prepared with."""
    if stage == Finding.Stage.CITY and assessment.kind == Assessment.Kind.YEARLY:
        return Finding.objects.filter(
            assessment=assessment, criterion=criterion, stage=Finding.Stage.TOWN
        ).first()
    answer = Answer.objects.filter(assessment=assessment, criterion=criterion).first()
    if answer is None or not answer.is_complete(criterion.kind):
        return None
    return answer


@transaction.atomic
def save_finding(
    *,
    actor,
    assessment_id,
    criterion_id,
    agrees,
    veto_occurred=None,
    met=None,
    value=None,
    score=None,
    comment="",
    stage=Finding.Stage.TOWN,
    check_only=False,
):
    """Record a reviewer's finding on one criterion (town assessment or city re-review); with
    check_only, refuse as it would and write nothing, taking no lock (a sheet's preview)."""
    assessment = lock_for_review(actor, assessment_id, stage, lock=not check_only)
    criterion = criterion_in_standard(assessment, criterion_id)
    if not criterion.is_judged:
        raise InvalidInput(f"“{criterion.title}”是分组标题，请逐项考核其下各条。")
    basis = finding_basis(assessment, criterion, stage)
    fields = finding_fields(criterion, basis, agrees, veto_occurred, met, value, score)
    comment = comment.strip()
    if not agrees and not comment:
        raise InvalidInput(f"{criterion.label} {criterion.title}：不同意时须写明意见。")
    if check_only:
        return None
    previous = Finding.objects.filter(
        assessment=assessment, criterion=criterion, stage=stage
    ).first()
    finding, _ = Finding.objects.update_or_create(
        assessment=assessment,
        criterion=criterion,
        stage=stage,
        defaults={**fields, "agrees": agrees, "comment": comment, "recorded_by": actor},
    )
    audit(
        actor,
        "finding.saved",
        finding,
        finding_values(previous) if previous else None,
        finding_values(finding),
    )
    return finding


def finding_values(finding):
    return {
        name: getattr(finding, name)
        for name in ("stage", "agrees", "veto_occurred", "met", "value", "score", "comment")
    }


def verdict_of(assessment, stage, criteria=None, findings=None):
    """The engine's verdict on one stage's findings."""
    standard = assessment.standard
    criteria = criteria if criteria is not None else criteria_of(standard)
    if findings is None:
        findings = {
            f.criterion_id: f for f in Finding.objects.filter(assessment=assessment, stage=stage)
        }
    judgements = {c.key: findings[c.pk].to_judgement() for c in criteria if c.pk in findings}
    occurred = occurred_categories(assessment.village, assessment.campaign.year)
    return evaluate(pass_rule_for(standard, criteria), judgements, occurred)


def stage_findings(assessment, stage, criteria):
    findings = {
        f.criterion_id: f for f in Finding.objects.filter(assessment=assessment, stage=stage)
    }
    missing = [c for c in criteria if c.is_judged and c.pk not in findings]
    if missing:
        raise UnassessedCriteria(missing)
    return findings


def reasons_text(result):
    return result.label + (
        "：" + "；".join(str(r) for r in result.reasons) if result.reasons else ""
    )


@transaction.atomic
def conclude_town_assessment(*, actor, assessment_id):
    """Fix the town verdict once every criterion has a finding."""
    assessment = lock_assessment(
        actor, assessment_id, "assessments.assess_assessment", "只有镇平安办可以进行镇级考核。"
    )
    require_campaign_open(assessment.campaign)
    # The table also lets an unsubmitted assessment reach 镇级已考核 (by the town's finding
    # that it was not submitted); a verdict from findings needs the village's submission.
    if assessment.status != Assessment.Status.SUBMITTED:
        raise InvalidTransition(
            f"自评当前为“{assessment.get_status_display()}”，只有已提交的自评可以完成镇级考核。"
        )
    criteria = criteria_of(assessment.standard)
    findings = stage_findings(assessment, Finding.Stage.TOWN, criteria)
    result = verdict_of(assessment, Finding.Stage.TOWN, criteria, findings)
    event = move_assessment(
        assessment,
        actor,
        Assessment.Status.TOWN_ASSESSED,
        AssessmentEvent.Action.TOWN_ASSESSED,
        reasons_text(result),
    )
    assessment.town_passed = result.passed
    assessment.town_reasons = [str(reason) for reason in result.reasons]
    assessment.town_total_score = result.total_score
    assessment.town_assessed_at = event.occurred_at
    assessment.save()
    return assessment


@transaction.atomic
def conclude_without_submission(*, actor, assessment_id):
    """After the self-assessment stage closed, the town concludes a village that never
    submitted (or never resubmitted a return) as 不达标, so its absence cannot hold up
    approval; a late submission is still taken until then."""
    assessment = lock_assessment(
        actor, assessment_id, "assessments.assess_assessment", "只有镇平安办可以进行镇级考核。"
    )
    campaign = assessment.campaign
    if campaign.status != Campaign.Status.TOWN_ASSESSMENT:
        raise InvalidTransition(
            f"创建活动当前为“{campaign.get_status_display()}”；"
            "须在结束自评、进入镇级考核后，才能认定未提交的村(社区)。"
        )
    if assessment.kind != Assessment.Kind.YEARLY:
        raise InvalidTransition("示范村推荐考评由镇平安办填报，不适用此项认定。")
    if assessment.status not in Assessment.EDITABLE_STATUSES:
        raise InvalidTransition(
            f"{assessment.village.name}的自评当前为“{assessment.get_status_display()}”，"
            "已经提交，请逐项考核。"
        )
    today = timezone.localdate()
    if today <= assessment.effective_due:
        raise InvalidTransition(
            f"{assessment.village.name}的自评期限至{assessment.effective_due:%Y年%m月%d日}，"
            "期限届满后才能认定为未按期提交。"
        )
    event = move_assessment(
        assessment,
        actor,
        Assessment.Status.TOWN_ASSESSED,
        AssessmentEvent.Action.TOWN_ASSESSED,
        f"不达标：{Assessment.NOT_SUBMITTED_REASON}(自评期限{assessment.effective_due:%Y年%m月%d日})",
    )
    assessment.town_passed = False
    assessment.town_reasons = [Assessment.NOT_SUBMITTED_REASON]
    assessment.town_total_score = None
    assessment.town_assessed_at = event.occurred_at
    assessment.save()
    return assessment


@transaction.atomic
def reopen_town_assessment(*, actor, assessment_id, reason):
    assessment = lock_assessment(
        actor, assessment_id, "assessments.assess_assessment", "只有镇平安办可以进行镇级考核。"
    )
    require_campaign_open(assessment.campaign)
    if not reason.strip():
        raise InvalidInput("重新考核须说明原因。")
    move_assessment(
        assessment,
        actor,
        status_before_town_conclusion(assessment),
        AssessmentEvent.Action.TOWN_REOPENED,
        reason.strip(),
    )
    assessment.town_passed = None
    assessment.town_reasons = []
    assessment.town_total_score = None
    assessment.town_assessed_at = None
    assessment.save()
    return assessment


@transaction.atomic
def approve_campaign(*, actor, campaign_id, reason=""):
    """The leading group fixes every village's yearly result in one step."""
    campaign = Campaign.objects.select_for_update().select_related("town").get(pk=campaign_id)
    require_object(
        actor,
        "assessments.approve_campaign",
        campaign,
        "只有镇平安建设领导小组可以审定考评结果。",
    )
    if campaign.status != Campaign.Status.TOWN_ASSESSMENT:
        raise InvalidTransition(
            f"{campaign}当前为“{campaign.get_status_display()}”，"
            + (
                "考评结果已审定，不能重复审定。"
                if campaign.approved_at
                else "须先进入镇级考核阶段。"
            )
        )
    assessments = list(
        Assessment.objects.select_for_update()
        .filter(campaign=campaign, kind=Assessment.Kind.YEARLY)
        .select_related("village")
        .order_by("village__code")
    )
    unfinished = [a for a in assessments if a.status != Assessment.Status.TOWN_ASSESSED]
    if unfinished:
        raise InvalidTransition(
            "以下村(社区)尚未完成镇级考核，不能审定："
            + "、".join(f"{a.village.name}({a.get_status_display()})" for a in unfinished)
        )
    now = timezone.now()
    events = []
    for assessment in assessments:
        events.append(
            AssessmentEvent(
                assessment=assessment,
                action=AssessmentEvent.Action.APPROVED,
                actor=actor,
                from_status=assessment.status,
                to_status=Assessment.Status.APPROVED,
                reason=assessment.town_verdict_label,
            )
        )
        assessment.status = Assessment.Status.APPROVED
        assessment.result_passed = assessment.town_passed
        assessment.result_reasons = assessment.town_reasons
        assessment.updated_at = now
    Assessment.objects.bulk_update(
        assessments, ["status", "result_passed", "result_reasons", "updated_at"]
    )
    AssessmentEvent.objects.bulk_create(events)
    record_many(
        action="assessmentevent.approved",
        actor=actor,
        changes=[
            (
                assessment,
                {"status": event.from_status},
                {
                    "status": event.to_status,
                    "reason": event.reason,
                    "result_passed": assessment.result_passed,
                },
            )
            for assessment, event in zip(assessments, events, strict=True)
        ],
    )
    move_campaign(campaign, actor, Campaign.Status.APPROVED, reason.strip() or "审定考评结果")
    campaign.approved_at = now
    campaign.save(update_fields=["status", "approved_at"])
    return campaign


def default_pass_list_text(campaign, passed_count):
    town = campaign.town.name
    return {
        "title": f"关于{campaign.year}年度平安村(社区)达标名单的通报",
        "body": (
            f"各村(社区)党支部：\n"
            f"根据《{town}关于开展平安村(社区)创建活动的通知》要求，经村(社区)自评、"
            f"镇平安办考核、镇党委平安建设领导小组审定，{campaign.year}年度共有"
            f"{passed_count}个村(社区)"
            f"达到平安村(社区)创建标准，现予通报。\n"
            f"希望达标村(社区)再接再厉，巩固创建成果；未达标村(社区)要对照创建标准查找差距，"
            f"限期整改，确保{campaign.year + 1}年度创建达标。"
        ),
        "issuer": document_setting(campaign.town, DocumentKind.PASS_LIST).issuing_body.full_name,
    }


@transaction.atomic
def save_pass_list(*, actor, campaign_id, document_number, title, body, issuer, issued_on):
    campaign = Campaign.objects.select_for_update().select_related("town").get(pk=campaign_id)
    require_object(
        actor, "assessments.prepare_pass_list", campaign, "只有镇平安办可以拟制达标名单通报。"
    )
    if campaign.status != Campaign.Status.APPROVED:
        raise InvalidTransition(
            f"达标名单通报须在领导小组审定后、报备前拟制；当前为“{campaign.get_status_display()}”。"
        )
    pass_list = PassList.objects.filter(campaign=campaign).first() or PassList(campaign=campaign)
    before = document_fields(pass_list) if pass_list.pk else None
    pass_list.document_number = document_number.strip()
    pass_list.title = title.strip()
    pass_list.body = body.strip()
    pass_list.issuer = issuer.strip()
    pass_list.issued_on = issued_on
    full_clean(pass_list)
    require_unused_document_number(pass_list, campaign.town)
    pass_list.save()
    audit(actor, "passlist.drafted", pass_list, before, document_fields(pass_list))
    return pass_list


def file_campaign(*, actor, campaign_id):
    """Report the list to the city office: the list and its PDF are frozen from here on."""
    with files_removed_on_failure() as written, transaction.atomic():
        campaign = Campaign.objects.select_for_update().select_related("town").get(pk=campaign_id)
        require_object(
            actor, "assessments.file_campaign", campaign, "只有镇平安办可以报市委平安办备案。"
        )
        move_campaign(campaign, actor, Campaign.Status.FILED, "报市委平安办备案")
        pass_list = PassList.objects.filter(campaign=campaign).first()
        if pass_list is None:
            raise InvalidInput("请先拟制达标名单通报(发文字号、标题、正文)，再报备。")
        entries = pass_list_entries(campaign)
        require_publication_settled(
            Publication.Kind.PASS_LIST,
            campaign.town,
            campaign.year,
            [entry.village for entry in entries],
            timezone.localdate(),
            "报备",
        )
        for entry in entries:
            entry.pass_list = pass_list
        PassListEntry.objects.bulk_create(entries)
        audit(
            actor,
            "passlist.filed",
            pass_list,
            None,
            {
                **document_fields(pass_list),
                "villages": [f"{entry.village.code} {entry.village_name}" for entry in entries],
            },
        )
        pass_list.checkpoint = make_checkpoint(f"报备 {pass_list.document_number}")
        pdf = render_pdf("documents/pass_list.html", pass_list_document(pass_list, entries))
        pass_list.pdf.save(
            f"pass-list-{campaign.town.code}-{campaign.year}.pdf", ContentFile(pdf), save=False
        )
        written.append(pass_list.pdf.name)
        pass_list.save(update_fields=["pdf", "checkpoint"])
        campaign.filed_at = timezone.now()
        campaign.save(update_fields=["status", "filed_at"])
        return campaign


@transaction.atomic
def save_findings(*, actor, assessment_id, findings, stage=Finding.Stage.TOWN):
    """Save several findings at once: all of them, or none when one is refused."""
    return [
        save_finding(actor=actor, assessment_id=assessment_id, stage=stage, **finding)
        for finding in findings
    ]
