"""Writes of the campaign. Each is one transaction on the locked row, checked against the
object's transition table, with an event row of who, when, from, to and why."""

import math
import random
import secrets
import uuid
from contextlib import contextmanager
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from assessments import prepared as prepared_documents
from assessments.documents import (
    bulletin_document,
    pass_list_document,
    recommendation_document,
)
from assessments.errors import IncompleteAssessment, StaleAnswer
from assessments.evidence import check_upload
from assessments.models import (
    Answer,
    Assessment,
    AssessmentEvent,
    Bulletin,
    Campaign,
    CampaignEvent,
    Criterion,
    Evidence,
    Finding,
    Incident,
    IncidentCategory,
    IncidentEffect,
    Inspection,
    InspectionFinding,
    NamingBatch,
    PassList,
    PassListEntry,
    PreparedFile,
    PreparedFileEvent,
    Recommendation,
    RecommendationList,
    RectificationEvent,
    RectificationOrder,
    ReturnComment,
    Sample,
    SampleEntry,
    Standard,
    StandardEvent,
    Title,
    TitleEvent,
)
from assessments.selectors import (
    access_campaign_by_id,
    access_region_by_id,
    criteria_of,
    pass_rule_for,
    previous_assessment_of,
    workspace_parts,
)
from assessments.tasks import prepare_file
from assessments.verdict import evaluate
from pingan.pdf import render_pdf
from villages.errors import InvalidInput, InvalidTransition, NotPermitted
from villages.models import Village


def _require(actor, permission, message):
    if not actor.has_perm(permission):
        raise NotPermitted(message)


def _require_object(actor, permission, obj, message):
    if not actor.has_perm(permission, obj):
        raise NotPermitted(message)


def _full_clean(instance, exclude=None):
    try:
        instance.full_clean(exclude=exclude)
    except ValidationError as error:
        raise InvalidInput("；".join(error.messages)) from None


def _record_event(event_model, subject, actor, previous, reason="", **fields):
    """The who/when/from/to/why row of a change of `subject`, which already holds its new state."""
    return event_model.objects.create(
        **{event_model.subject_field: subject},
        actor=actor,
        from_status=previous,
        to_status=subject.status,
        reason=reason,
        **fields,
    )


def _move_state(subject, target, event_model, *, actor, refusal, reason="", **fields):
    """Move `subject` along its model's transition table and record the move, or refuse."""
    if target not in type(subject).TRANSITIONS[subject.status]:
        raise InvalidTransition(refusal)
    previous = subject.status
    subject.status = target
    return _record_event(event_model, subject, actor, previous, reason, **fields)


@contextmanager
def _files_removed_on_failure():
    """Files written during a write that then fails are removed with the rolled-back rows."""
    written = []
    try:
        yield written
    except BaseException:
        for name in written:
            if name:
                default_storage.delete(name)
        raise


@transaction.atomic
def pin_standard(*, actor, standard_id, reason):
    """Freeze a version once a campaign relies on it; its results are judged by it forever."""
    _require(actor, "assessments.pin_standard", "您没有启用创建标准的权限。")
    standard = Standard.objects.select_for_update().get(pk=standard_id)
    if standard.status == Standard.Status.PINNED:
        return standard
    if not standard.criteria.exclude(kind=Criterion.Kind.GROUP).exists():
        raise InvalidInput(f"标准“{standard}”没有可评判的条目，不能启用。")
    _move_state(
        standard,
        Standard.Status.PINNED,
        StandardEvent,
        actor=actor,
        reason=reason,
        kind=StandardEvent.Kind.PINNED,
        refusal=f"标准“{standard}”当前为{standard.get_status_display()}，"
        f"不能变更为{Standard.Status.PINNED.label}。",
    )
    standard.save(update_fields=["status"])
    return standard


@transaction.atomic
def copy_standard_as_new_version(*, actor, standard_id, effective_year=None):
    """Make the next, editable version; criteria keep their keys so years stay comparable."""
    _require(actor, "assessments.manage_standards", "只有系统管理员可以维护创建标准。")
    source = Standard.objects.select_for_update().get(pk=standard_id)
    latest = Standard.objects.filter(code=source.code).order_by("-version").first()
    copy = Standard.objects.create(
        code=source.code,
        name=source.name,
        kind=source.kind,
        version=latest.version + 1,
        effective_year=effective_year or source.effective_year + 1,
        source_document=source.source_document,
        pass_mark=source.pass_mark,
        copied_from=source,
    )
    criteria = list(source.criteria.order_by("order", "id"))
    parent_of = {c.pk: c.parent_id for c in criteria}

    def depth(pk):
        levels = 0
        while parent_of.get(pk):
            pk, levels = parent_of[pk], levels + 1
        return levels

    copies = {}
    for criterion in sorted(criteria, key=lambda c: depth(c.pk)):
        old_pk = criterion.pk
        criterion.pk = None
        criterion.standard = copy
        criterion.parent = copies.get(criterion.parent_id)
        criterion.save()
        copies[old_pk] = criterion
    _record_event(
        StandardEvent,
        copy,
        actor,
        "",
        f"复制自第{source.version}版",
        kind=StandardEvent.Kind.COPIED,
    )
    return copy


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
):
    _require_object(actor, "assessments.create_campaign", town, "您不能为该乡镇创建创建活动。")
    if Campaign.objects.filter(town=town, year=year).exists():
        raise InvalidInput(f"{town.name}{year}年度的创建活动已存在。")
    campaign = Campaign(
        town=town,
        year=year,
        standard=standard,
        self_assessment_due=self_assessment_due,
        town_assessment_due=town_assessment_due,
        city_review_due=city_review_due,
    )
    _full_clean(campaign)
    campaign.save()
    _record_event(CampaignEvent, campaign, actor, "", "新建")
    return campaign


@transaction.atomic
def open_campaign(*, actor, campaign_id):
    """Start self-assessment: pin the standard, one assessment per active village, once."""
    campaign = Campaign.objects.select_for_update().select_related("town").get(pk=campaign_id)
    _require_object(actor, "assessments.open_campaign", campaign, "您不能启动该创建活动。")
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
    _record_event(CampaignEvent, campaign, actor, previous, "启动自评")
    return campaign


def _lock_assessment(actor, assessment_id, permission, message):
    assessment = (
        Assessment.objects.select_for_update(of=("self",))
        .select_related("campaign", "village__town")
        .get(pk=assessment_id)
    )
    _require_object(actor, permission, assessment, message)
    return assessment


def _require_campaign_open(campaign):
    if campaign.status not in Campaign.OPEN_FOR_WORK:
        raise InvalidTransition(
            f"创建活动当前为“{campaign.get_status_display()}”，考评结果已确定，不能再改动。"
        )


def _lock_for_editing(actor, assessment_id):
    assessment = _lock_assessment(
        actor,
        assessment_id,
        "assessments.edit_assessment",
        "只有本村(社区)党组织书记可以填报自评；示范村推荐考评由镇平安办填报。",
    )
    if not assessment.is_editable:
        if assessment.status in Assessment.EDITABLE_STATUSES:
            raise InvalidTransition(
                f"创建活动当前为“{assessment.campaign.get_status_display()}”，不能修改自评。"
            )
        raise InvalidTransition(
            f"自评已{assessment.get_status_display()}，不能再修改；如需修改请联系镇平安办退回。"
        )
    return assessment


def _move(assessment, actor, target, action, reason=""):
    return _move_state(
        assessment,
        target,
        AssessmentEvent,
        actor=actor,
        action=action,
        reason=reason,
        refusal=f"自评当前为“{assessment.get_status_display()}”，"
        f"不能{AssessmentEvent.Action(action).label}。",
    )


def _mark_started(assessment, actor):
    if assessment.status == Assessment.Status.NOT_STARTED:
        _move(assessment, actor, Assessment.Status.IN_PROGRESS, AssessmentEvent.Action.STARTED)
    assessment.save()


def _criterion_of(assessment, criterion_id):
    try:
        return Criterion.objects.get(pk=criterion_id, standard_id=assessment.standard_id)
    except (Criterion.DoesNotExist, ValueError, TypeError):
        raise InvalidInput("该条目不属于本年度创建标准。") from None


def _store_evidence(actor, owner, criterion, upload, written, covers_from=None, covers_until=None):
    """Store an upload for an assessment or a rectification order (`owner`), with the period
    it covers (a patrol log for 2024年3月) apart from when it was uploaded."""
    if covers_from and covers_until and covers_from > covers_until:
        raise InvalidInput("所涉期间的起始日期不能晚于结束日期。")
    checked = check_upload(upload)
    evidence = Evidence(
        token=checked.token,
        village=owner.village,
        assessment=owner if isinstance(owner, Assessment) else None,
        rectification_order=owner if isinstance(owner, RectificationOrder) else None,
        criterion=criterion,
        original_name=upload.name[-200:],
        extension=checked.accepted.extension,
        content_type=checked.accepted.content_type,
        size=upload.size,
        uploaded_by=actor,
        covers_from=covers_from,
        covers_until=covers_until or covers_from,
        captured_at=checked.captured_at,
    )
    evidence.file.save(checked.token.hex, checked.file_content(), save=False)
    written.append(evidence.file.name)
    thumbnail = checked.thumbnail_content()
    if thumbnail is not None:
        evidence.thumbnail.save(thumbnail.name, thumbnail, save=False)
        written.append(evidence.thumbnail.name)
    evidence.save()
    return evidence


def save_plan(*, actor, assessment_id, plan_text, outreach_text, plan_upload=None):
    """The village's 创建方案 (text and/or a document) and how the work reaches households."""
    with _files_removed_on_failure() as written, transaction.atomic():
        assessment = _lock_for_editing(actor, assessment_id)
        assessment.plan_text = _plain_text(plan_text, "创建方案")
        assessment.outreach_text = _plain_text(outreach_text, "向小区、湾组、网格、家庭延伸情况")
        if plan_upload is not None:
            replaced = assessment.plan_document_id
            assessment.plan_document = _store_evidence(
                actor, assessment, None, plan_upload, written
            )
            if replaced:
                Evidence.objects.filter(pk=replaced).update(withdrawn_at=timezone.now())
        _mark_started(assessment, actor)
        return assessment


def _plain_text(raw, label):
    """Free text as typed, trimmed; a NUL character (which no form sends, and PostgreSQL cannot
    store) is refused."""
    if "\x00" in raw:
        raise InvalidInput(f"{label}含有无法保存的控制字符，请删除后重新填写。")
    return raw.strip()


def _decimal(raw, label):
    if raw in (None, ""):
        return None
    try:
        number = Decimal(str(raw).strip())
    except InvalidOperation:
        raise InvalidInput(f"{label}须填写数字。") from None
    if not number.is_finite() or number < 0 or number >= Decimal("100000000"):
        raise InvalidInput(f"{label}须为不小于 0 的数字。")
    return number.quantize(Decimal("0.01"))


@transaction.atomic
def save_answer(
    *,
    actor,
    assessment_id,
    criterion_id,
    veto_occurred=None,
    met=None,
    value=None,
    score=None,
    narrative="",
    base_version=None,
):
    """Save one answer as a draft; only the field of the criterion's kind is kept. A save that
    names the version it was made from (`base_version`) is refused when the server holds a
    newer one, so an older copy never overwrites a newer."""
    assessment = _lock_for_editing(actor, assessment_id)
    criterion = _criterion_of(assessment, criterion_id)
    if not criterion.is_judged:
        raise InvalidInput(f"“{criterion.title}”是分组标题，请逐项填写其下各条。")
    answer = Answer.objects.filter(assessment=assessment, criterion=criterion).first() or Answer(
        assessment=assessment, criterion=criterion
    )
    if base_version is not None and answer.pk and answer.version != base_version:
        raise StaleAnswer(answer)
    answer.veto_occurred = answer.met = answer.value = answer.score = None
    label = f"{criterion.number} {criterion.title}"
    answer.narrative = _plain_text(narrative, f"{label}：说明")
    if criterion.kind == Criterion.Kind.VETO:
        answer.veto_occurred = veto_occurred
        if veto_occurred and not answer.narrative:
            raise InvalidInput(f"{label}：选择“已发生”时须说明发生的案事件情况。")
    elif criterion.kind == Criterion.Kind.REQUIREMENT:
        answer.met = met
    elif criterion.kind == Criterion.Kind.THRESHOLD:
        answer.value = _decimal(value, label)
    else:
        answer.score = _decimal(score, label)
        if answer.score is not None and answer.score > criterion.max_score:
            raise InvalidInput(f"{label}：自评得分不能超过满分 {criterion.max_score} 分。")
    answer.updated_by = actor
    answer.carried_over = False
    answer.version += 1
    answer.save()
    _mark_started(assessment, actor)
    return answer


@transaction.atomic
def start_from_last_year(*, actor, assessment_id):
    """Carry last year's answers into the criteria not yet answered that ask the same question,
    each marked 沿用上年 until the secretary confirms or changes it; returns (carried, fresh):
    the carried answers and the criteria left blank because they are new or changed."""
    assessment = _lock_for_editing(actor, assessment_id)
    previous = previous_assessment_of(assessment)
    if previous is None:
        raise InvalidInput("没有上年度的自评可以沿用。")
    earlier = {a.criterion.key: a for a in previous.answers.select_related("criterion")}
    answered = set(assessment.answers.values_list("criterion_id", flat=True))
    carried, fresh = [], []
    for criterion in criteria_of(assessment.standard):
        if not criterion.is_judged or criterion.pk in answered:
            continue
        answer = earlier.get(criterion.key)
        if answer is None or not criterion.asks_the_same_as(answer.criterion):
            fresh.append(criterion)
            continue
        carried.append(
            Answer(
                assessment=assessment,
                criterion=criterion,
                veto_occurred=answer.veto_occurred,
                met=answer.met,
                value=answer.value,
                score=answer.score,
                narrative=answer.narrative,
                carried_over=True,
                version=1,
                updated_by=actor,
            )
        )
    if not carried:
        raise InvalidInput(f"{previous.campaign.year}年度没有可以沿用的答案。")
    Answer.objects.bulk_create(carried)
    _mark_started(assessment, actor)
    reason = f"沿用{previous.campaign.year}年度答案{len(carried)}项"
    if fresh:
        reason += "；新增或修改的条目须重新作答：" + "、".join(c.label for c in fresh)
    _record_event(
        AssessmentEvent,
        assessment,
        actor,
        assessment.status,
        reason,
        action=AssessmentEvent.Action.CARRIED_OVER,
    )
    return carried, fresh


@transaction.atomic
def confirm_carried_answer(*, actor, assessment_id, criterion_id):
    """The secretary confirms that last year's answer still holds."""
    assessment = _lock_for_editing(actor, assessment_id)
    criterion = _criterion_of(assessment, criterion_id)
    answer = Answer.objects.filter(
        assessment=assessment, criterion=criterion, carried_over=True
    ).first()
    if answer is None:
        raise InvalidTransition(f"{criterion.label}没有待确认的沿用答案。")
    answer.carried_over = False
    answer.version += 1
    answer.updated_by = actor
    answer.save()
    return answer


def carry_evidence(*, actor, assessment_id, evidence_id):
    """Keep one of last year's files for the same criterion: a copy, marked where it came from."""
    with _files_removed_on_failure() as written, transaction.atomic():
        assessment = _lock_for_editing(actor, assessment_id)
        previous = previous_assessment_of(assessment)
        source = (
            Evidence.objects.filter(pk=evidence_id, assessment=previous, withdrawn_at__isnull=True)
            .select_related("criterion")
            .first()
            if previous
            else None
        )
        if source is None or source.criterion is None:
            raise InvalidInput("只能沿用本村(社区)上年度自评中仍有效的佐证材料。")
        criterion = assessment.standard.criteria.filter(key=source.criterion.key).first()
        if criterion is None:
            raise InvalidInput(f"本年度标准已没有“{source.criterion.title}”这一条目。")
        if Evidence.objects.filter(
            assessment=assessment, carried_from=source, withdrawn_at__isnull=True
        ).exists():
            raise InvalidTransition(f"“{source.original_name}”已经沿用。")
        copy = Evidence(
            token=uuid.uuid4(),
            village=assessment.village,
            assessment=assessment,
            criterion=criterion,
            carried_from=source,
            original_name=source.original_name,
            extension=source.extension,
            content_type=source.content_type,
            size=source.size,
            covers_from=source.covers_from,
            covers_until=source.covers_until,
            captured_at=source.captured_at,
            uploaded_by=actor,
        )
        with source.file.open("rb") as stored:
            copy.file.save(copy.token.hex, ContentFile(stored.read()), save=False)
        written.append(copy.file.name)
        if source.thumbnail:
            with source.thumbnail.open("rb") as stored:
                copy.thumbnail.save(f"{copy.token}.jpg", ContentFile(stored.read()), save=False)
            written.append(copy.thumbnail.name)
        copy.save()
        _mark_started(assessment, actor)
        return copy


def add_evidence(
    *, actor, assessment_id, criterion_id, upload, covers_from=None, covers_until=None
):
    with _files_removed_on_failure() as written, transaction.atomic():
        assessment = _lock_for_editing(actor, assessment_id)
        criterion = _criterion_of(assessment, criterion_id)
        evidence = _store_evidence(
            actor, assessment, criterion, upload, written, covers_from, covers_until
        )
        _mark_started(assessment, actor)
        return evidence


@transaction.atomic
def withdraw_evidence(*, actor, evidence_id):
    """Take a file out of the assessment; the record and the file stay for the history."""
    evidence = Evidence.objects.select_for_update().get(pk=evidence_id)
    assessment = _lock_for_editing(actor, evidence.assessment_id)
    if evidence.withdrawn_at is not None:
        raise InvalidTransition(f"“{evidence.original_name}”已撤回。")
    evidence.withdrawn_at = timezone.now()
    evidence.save(update_fields=["withdrawn_at"])
    if assessment.plan_document_id == evidence.pk:
        assessment.plan_document = None
        assessment.save(update_fields=["plan_document"])
    return evidence


def missing_for_submission(assessment, criteria, answers, evidence_by_criterion):
    """Every reason, in Chinese, why the assessment cannot be submitted yet."""
    missing = []
    if assessment.kind == Assessment.Kind.YEARLY and not assessment.has_plan:
        missing.append("尚未填写或上传创建方案。")
    for criterion in criteria:
        if not criterion.is_judged:
            continue
        label = f"{criterion.label} {criterion.title}"
        answer = answers.get(criterion.pk)
        if answer is None or not answer.is_complete(criterion.kind):
            missing.append(f"{label}：尚未作答。")
        elif answer.carried_over:
            missing.append(f"{label}：沿用上年的答案尚未确认。")
        if criterion.evidence_required and not evidence_by_criterion.get(criterion.pk):
            missing.append(f"{label}：须上传佐证材料。")
    return missing


@transaction.atomic
def submit_assessment(*, actor, assessment_id):
    assessment = _lock_for_editing(actor, assessment_id)
    criteria, answers, evidence_by_criterion = workspace_parts(assessment)
    missing = missing_for_submission(assessment, criteria, answers, evidence_by_criterion)
    if missing:
        raise IncompleteAssessment(missing)
    now = timezone.now()
    late = timezone.localdate(now) > assessment.effective_due
    event = _move(
        assessment,
        actor,
        Assessment.Status.SUBMITTED,
        AssessmentEvent.Action.SUBMITTED,
        "逾期提交" if late else "",
    )
    assessment.submitted_at = now
    assessment.submitted_late = late
    assessment.save()
    return event


@transaction.atomic
def return_assessment(*, actor, assessment_id, comments, general_reason=""):
    """Send a submitted assessment back, with the reason for each criterion concerned."""
    assessment = _lock_assessment(
        actor, assessment_id, "assessments.return_assessment", "只有镇平安办可以退回自评。"
    )
    _require_campaign_open(assessment.campaign)
    comments = {key: text.strip() for key, text in comments.items() if text and text.strip()}
    general_reason = general_reason.strip()
    if not comments and not general_reason:
        raise InvalidInput("退回修改须写明原因：请至少对一个条目或整体填写退回意见。")
    criteria = {
        c.pk: c
        for c in Criterion.objects.filter(standard_id=assessment.standard_id, pk__in=list(comments))
    }
    if set(comments) - set(criteria):
        raise InvalidInput("退回意见中含有不属于本年度创建标准的条目。")
    event = _move(
        assessment,
        actor,
        Assessment.Status.RETURNED,
        AssessmentEvent.Action.RETURNED,
        general_reason or "见各条目退回意见",
    )
    assessment.save()
    notes = [
        ReturnComment(event=event, criterion=criteria[key], text=text)
        for key, text in comments.items()
    ]
    if general_reason:
        notes.insert(0, ReturnComment(event=event, criterion=None, text=general_reason))
    ReturnComment.objects.bulk_create(notes)
    return event


@transaction.atomic
def extend_deadline(*, actor, assessment_id, due_date, reason):
    assessment = _lock_assessment(
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
    _record_event(
        AssessmentEvent,
        assessment,
        actor,
        assessment.status,
        f"{previous_due:%Y-%m-%d} → {due_date:%Y-%m-%d}：{reason.strip()}",
        action=AssessmentEvent.Action.DEADLINE_EXTENDED,
    )
    return assessment


def _finding_fields(criterion, basis, agrees, veto_occurred, met, value, score):
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
        fields["value"] = _decimal(value, label)
        if fields["value"] is None:
            raise InvalidInput(f"{label}：请填写核定数值。")
    else:
        fields["score"] = _decimal(score, label)
        if fields["score"] is None or fields["score"] > criterion.max_score:
            raise InvalidInput(f"{label}：核定得分须在 0 至 {criterion.max_score} 分之间。")
    return fields


def _lock_for_review(actor, assessment_id, stage):
    """Lock an assessment a reviewer may score at this stage, or refuse."""
    if stage == Finding.Stage.TOWN:
        assessment = _lock_assessment(
            actor, assessment_id, "assessments.assess_assessment", "只有镇平安办可以进行镇级考核。"
        )
        _require_campaign_open(assessment.campaign)
        if assessment.status != Assessment.Status.SUBMITTED:
            raise InvalidTransition(
                f"自评当前为“{assessment.get_status_display()}”，只有已提交的自评可以考核。"
            )
        return assessment
    assessment = _lock_assessment(
        actor, assessment_id, "assessments.re_review_assessment", "只有市委平安办可以复核。"
    )
    if assessment.campaign.status != Campaign.Status.CITY_REVIEW:
        raise InvalidTransition(
            f"创建活动当前为“{assessment.campaign.get_status_display()}”，不在市级复核阶段。"
        )
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


def _finding_basis(assessment, criterion, stage):
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
):
    """Record a reviewer's finding on one criterion (town assessment or city re-review)."""
    assessment = _lock_for_review(actor, assessment_id, stage)
    criterion = _criterion_of(assessment, criterion_id)
    if not criterion.is_judged:
        raise InvalidInput(f"“{criterion.title}”是分组标题，请逐项考核其下各条。")
    basis = _finding_basis(assessment, criterion, stage)
    fields = _finding_fields(criterion, basis, agrees, veto_occurred, met, value, score)
    comment = comment.strip()
    if not agrees and not comment:
        raise InvalidInput(f"{criterion.label} {criterion.title}：不同意时须写明意见。")
    finding, _ = Finding.objects.update_or_create(
        assessment=assessment,
        criterion=criterion,
        stage=stage,
        defaults={**fields, "agrees": agrees, "comment": comment, "recorded_by": actor},
    )
    return finding


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


def _stage_findings(assessment, stage, criteria):
    findings = {
        f.criterion_id: f for f in Finding.objects.filter(assessment=assessment, stage=stage)
    }
    missing = [f"{c.label} {c.title}" for c in criteria if c.is_judged and c.pk not in findings]
    if missing:
        raise InvalidInput("以下条目尚未考核：" + "；".join(missing))
    return findings


def _reasons_text(result):
    return result.label + (
        "：" + "；".join(str(r) for r in result.reasons) if result.reasons else ""
    )


@transaction.atomic
def conclude_town_assessment(*, actor, assessment_id):
    """Fix the town verdict once every criterion has a finding."""
    assessment = _lock_assessment(
        actor, assessment_id, "assessments.assess_assessment", "只有镇平安办可以进行镇级考核。"
    )
    _require_campaign_open(assessment.campaign)
    criteria = criteria_of(assessment.standard)
    findings = _stage_findings(assessment, Finding.Stage.TOWN, criteria)
    result = verdict_of(assessment, Finding.Stage.TOWN, criteria, findings)
    event = _move(
        assessment,
        actor,
        Assessment.Status.TOWN_ASSESSED,
        AssessmentEvent.Action.TOWN_ASSESSED,
        _reasons_text(result),
    )
    assessment.town_passed = result.passed
    assessment.town_reasons = [str(reason) for reason in result.reasons]
    assessment.town_total_score = result.total_score
    assessment.town_assessed_at = event.occurred_at
    assessment.save()
    return assessment


@transaction.atomic
def reopen_town_assessment(*, actor, assessment_id, reason):
    assessment = _lock_assessment(
        actor, assessment_id, "assessments.assess_assessment", "只有镇平安办可以进行镇级考核。"
    )
    _require_campaign_open(assessment.campaign)
    if not reason.strip():
        raise InvalidInput("重新考核须说明原因。")
    _move(
        assessment,
        actor,
        Assessment.Status.SUBMITTED,
        AssessmentEvent.Action.TOWN_REOPENED,
        reason.strip(),
    )
    assessment.town_passed = None
    assessment.town_reasons = []
    assessment.town_total_score = None
    assessment.town_assessed_at = None
    assessment.save()
    return assessment


def _move_campaign(campaign, actor, target, reason=""):
    _move_state(
        campaign,
        target,
        CampaignEvent,
        actor=actor,
        reason=reason,
        refusal=f"{campaign}当前为“{campaign.get_status_display()}”，"
        f"不能变更为“{Campaign.Status(target).label}”。",
    )


@transaction.atomic
def close_self_assessment(*, actor, campaign_id):
    """Enter 镇级考核; late and returned villages may still submit until approval."""
    campaign = Campaign.objects.select_for_update().select_related("town").get(pk=campaign_id)
    _require_object(
        actor, "assessments.close_self_assessment", campaign, "只有镇平安办可以结束自评阶段。"
    )
    _move_campaign(campaign, actor, Campaign.Status.TOWN_ASSESSMENT, "结束自评，进入镇级考核")
    campaign.save(update_fields=["status"])
    return campaign


@transaction.atomic
def approve_campaign(*, actor, campaign_id, reason=""):
    """The leading group fixes every village's yearly result in one step."""
    campaign = Campaign.objects.select_for_update().select_related("town").get(pk=campaign_id)
    _require_object(
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
    _move_campaign(campaign, actor, Campaign.Status.APPROVED, reason.strip() or "审定考评结果")
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
            f"镇党委平安建设领导小组考核，{campaign.year}年度共有{passed_count}个村(社区)"
            f"达到平安村(社区)创建标准，现予通报。\n"
            f"希望达标村(社区)再接再厉，巩固创建成果；未达标村(社区)要对照创建标准查找差距，"
            f"限期整改，确保{campaign.year + 1}年度创建达标。"
        ),
        "issuer": f"中共{town}委员会",
    }


@transaction.atomic
def save_pass_list(*, actor, campaign_id, document_number, title, body, issuer, issued_on):
    campaign = Campaign.objects.select_for_update().select_related("town").get(pk=campaign_id)
    _require_object(
        actor, "assessments.prepare_pass_list", campaign, "只有镇平安办可以拟制达标名单通报。"
    )
    if campaign.status != Campaign.Status.APPROVED:
        raise InvalidTransition(
            f"达标名单通报须在领导小组审定后、报备前拟制；当前为“{campaign.get_status_display()}”。"
        )
    pass_list = PassList.objects.filter(campaign=campaign).first() or PassList(campaign=campaign)
    pass_list.document_number = document_number.strip()
    pass_list.title = title.strip()
    pass_list.body = body.strip()
    pass_list.issuer = issuer.strip()
    pass_list.issued_on = issued_on
    _full_clean(pass_list)
    pass_list.save()
    return pass_list


def pass_list_entries(campaign):
    """The passing villages in code order, as they would stand on the list today."""
    passed = (
        Assessment.objects.filter(
            campaign=campaign, kind=Assessment.Kind.YEARLY, result_passed=True
        )
        .select_related("village")
        .order_by("village__code")
    )
    return [
        PassListEntry(
            village=assessment.village,
            position=position,
            village_name=assessment.village.name,
            village_kind=assessment.village.get_kind_display(),
        )
        for position, assessment in enumerate(passed, start=1)
    ]


def file_campaign(*, actor, campaign_id):
    """Report the list to the city office: the list and its PDF are frozen from here on."""
    with _files_removed_on_failure() as written, transaction.atomic():
        campaign = Campaign.objects.select_for_update().select_related("town").get(pk=campaign_id)
        _require_object(
            actor, "assessments.file_campaign", campaign, "只有镇平安办可以报市委平安办备案。"
        )
        _move_campaign(campaign, actor, Campaign.Status.FILED, "报市委平安办备案")
        pass_list = PassList.objects.filter(campaign=campaign).first()
        if pass_list is None:
            raise InvalidInput("请先拟制达标名单通报(发文字号、标题、正文)，再报备。")
        entries = pass_list_entries(campaign)
        for entry in entries:
            entry.pass_list = pass_list
        PassListEntry.objects.bulk_create(entries)
        pdf = render_pdf("documents/pass_list.html", pass_list_document(pass_list, entries))
        pass_list.pdf.save(
            f"pass-list-{campaign.town.code}-{campaign.year}.pdf", ContentFile(pdf), save=False
        )
        written.append(pass_list.pdf.name)
        pass_list.save(update_fields=["pdf"])
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


@transaction.atomic
def record_inspection(*, actor, village_id, inspected_on, inspectors, summary, findings):
    """Record a spot inspection; each shortfall opens a 限期整改通知 with its deadline.

    `findings` holds dicts of criterion_id, met, comment and, where not met, deadline.
    """
    village = Village.objects.select_for_update().select_related("town").get(pk=village_id)
    _require_object(actor, "assessments.inspect_village", village, "只有镇平安办可以开展抽查检查。")
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
        _record_event(
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
    _move_state(
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
    with _files_removed_on_failure() as written, transaction.atomic():
        order = _lock_order(order_id)
        _require_object(
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
            _store_evidence(actor, order, None, upload, written)
        return order


@transaction.atomic
def accept_rectification(*, actor, order_id, comment=""):
    order = _lock_order(order_id)
    _require_object(actor, "assessments.accept_rectification", order, "只有镇平安办可以验收整改。")
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
    _require_object(actor, "assessments.accept_rectification", order, "只有镇平安办可以验收整改。")
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
    with _files_removed_on_failure() as written, transaction.atomic():
        _require_object(actor, "assessments.issue_bulletin", town, "只有镇平安办可以印发重点通报。")
        villages = list(villages)
        if not villages:
            raise InvalidInput("请至少选择一个被通报的村(社区)。")
        if any(village.town_id != town.pk for village in villages):
            raise InvalidInput("只能通报本镇的村(社区)。")
        bulletin = Bulletin(
            town=town,
            document_number=document_number.strip(),
            title=title.strip(),
            body=body.strip(),
            issuer=issuer.strip(),
            issued_on=issued_on,
            issued_by=actor,
        )
        _full_clean(bulletin, exclude=["pdf"])
        pdf = render_pdf("documents/bulletin.html", bulletin_document(bulletin, villages))
        bulletin.pdf.save(
            f"bulletin-{town.code}-{uuid.uuid4().hex}.pdf", ContentFile(pdf), save=False
        )
        written.append(bulletin.pdf.name)
        bulletin.save()
        bulletin.villages.set(villages)
        return bulletin


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
    _require_object(actor, "assessments.draw_sample", campaign, "只有市委平安办可以抽查。")
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
        _move_campaign(campaign, actor, Campaign.Status.CITY_REVIEW, f"抽查(种子 {seed})")
        campaign.save(update_fields=["status"])
    else:
        _record_event(
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
    assessment = _lock_for_review(actor, assessment_id, Finding.Stage.CITY)
    criteria = criteria_of(assessment.standard)
    findings = _stage_findings(assessment, Finding.Stage.CITY, criteria)
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
    _record_event(
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
    _require_object(
        actor, "assessments.close_city_review", campaign, "只有市委平安办可以结束复核。"
    )
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
    _move_campaign(campaign, actor, Campaign.Status.CLOSED, "市级复核结束")
    campaign.save(update_fields=["status"])
    _grant_yearly_titles(campaign, actor)
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
    yearly = _lock_assessment(
        actor, assessment_id, "assessments.start_candidacy", "只有镇平安办可以准备示范村推荐考评。"
    )
    if yearly.kind != Assessment.Kind.YEARLY or yearly.city_passed is not True:
        raise InvalidTransition("只有市级复核合格的村(社区)可以作为示范村推荐对象。")
    if yearly.campaign.status != Campaign.Status.CITY_REVIEW:
        raise InvalidTransition("示范村推荐考评须在市级复核阶段准备。")
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
    _record_event(
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
    with _files_removed_on_failure() as written, transaction.atomic():
        _require_object(actor, "assessments.recommend", city, "只有市委平安办可以择优推荐。")
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
        _full_clean(recommendation_list, exclude=["pdf"])
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
        recommendation_list.save()
        for recommendation in recommendations:
            recommendation.recommendation_list = recommendation_list
        Recommendation.objects.bulk_create(recommendations)
        return recommendation_list


def _move_title(title, actor, target, action, reason, incident=None):
    _move_state(
        title,
        target,
        TitleEvent,
        actor=actor,
        action=action,
        reason=reason,
        incident=incident,
        refusal=f"{title}当前为“{title.get_status_display()}”，"
        f"不能{TitleEvent.Action(action).label}。",
    )
    title.save(update_fields=["status"])


def _grant_yearly_titles(campaign, actor):
    """Each village whose approved result survived re-review holds the year's 平安村 title."""
    holders = (
        Assessment.objects.filter(
            campaign=campaign, kind=Assessment.Kind.YEARLY, result_passed=True
        )
        .select_related("village")
        .order_by("village__code")
    )
    issued_on = timezone.localdate()
    for number, assessment in enumerate(holders, start=1):
        title = Title.objects.create(
            village=assessment.village,
            kind=Title.Kind.SAFE_VILLAGE,
            first_year=campaign.year,
            last_year=campaign.year,
            assessment=assessment,
            certificate_number=f"{campaign.town.code}-{campaign.year}-{number:03d}",
            certificate_date=issued_on,
            issuer=f"中共{campaign.town.name}委员会",
        )
        _record_event(
            TitleEvent,
            title,
            actor,
            "",
            f"{campaign.year}年度考评达标并经复核",
            action=TitleEvent.Action.GRANTED,
        )


def occurred_categories(village, year):
    """Codes of the disqualifying categories of the village's standing incidents in the year."""
    return frozenset(
        Incident.objects.filter(
            village=village,
            occurred_on__year=year,
            status=Incident.Status.RECORDED,
            category__disqualifying=True,
        ).values_list("category__code", flat=True)
    )


@transaction.atomic
def record_incident(*, actor, village_id, category_id, occurred_on, description, case_number=""):
    """Register an incident; a disqualifying one revokes, in this same transaction, the
    village's valid 示范村 naming and its 平安村 title of the year, and vetoes that year's
    result while it is still being decided."""
    village = Village.objects.select_for_update().select_related("town").get(pk=village_id)
    _require_object(actor, "assessments.record_incident", village, "您不能为该村(社区)登记案事件。")
    category = IncidentCategory.objects.filter(pk=category_id, is_active=True).first()
    if category is None:
        raise InvalidInput("请选择有效的案事件类别。")
    if occurred_on > timezone.localdate():
        raise InvalidInput("发生日期不能晚于今天。")
    if not description.strip():
        raise InvalidInput("请填写简要案情。")
    incident = Incident.objects.create(
        village=village,
        category=category,
        occurred_on=occurred_on,
        description=description.strip(),
        case_number=case_number.strip(),
        recorded_by=actor,
    )
    if not category.disqualifying:
        return incident
    reason = f"{occurred_on:%Y年%m月%d日}发生{category.name}(案事件登记)：{incident.description}"
    titles = Title.objects.select_for_update().filter(
        Q(kind=Title.Kind.DEMONSTRATION)
        | Q(kind=Title.Kind.SAFE_VILLAGE, first_year=occurred_on.year),
        village=village,
        status=Title.Status.VALID,
    )
    for title in titles:
        _move_title(title, actor, Title.Status.REVOKED, TitleEvent.Action.REVOKED, reason, incident)
        IncidentEffect.objects.create(incident=incident, title=title)
    _veto_open_result(village, occurred_on.year, incident, actor, reason)
    return incident


def _veto_open_result(village, year, incident, actor, reason):
    """The year's yearly result, while still being decided, fails on the incident."""
    assessment = (
        Assessment.objects.select_for_update()
        .filter(
            village=village,
            kind=Assessment.Kind.YEARLY,
            campaign__year=year,
        )
        .exclude(campaign__status=Campaign.Status.CLOSED)
        .first()
    )
    if assessment is None or (
        assessment.town_passed is False and assessment.result_passed is not True
    ):
        return
    fields = ("town_passed", "town_reasons", "result_passed", "result_reasons")
    IncidentEffect.objects.create(
        incident=incident,
        assessment=assessment,
        previous={name: getattr(assessment, name) for name in fields},
    )
    veto = f"一票否决：{reason}"
    if assessment.town_passed is not None:
        assessment.town_passed = False
        assessment.town_reasons = [*assessment.town_reasons, veto]
    if assessment.result_passed is not None:
        assessment.result_passed = False
        assessment.result_reasons = [*assessment.result_reasons, veto]
    assessment.save()
    _record_event(
        AssessmentEvent,
        assessment,
        actor,
        assessment.status,
        veto,
        action=AssessmentEvent.Action.INCIDENT,
    )


@transaction.atomic
def correct_incident(*, actor, incident_id, reason):
    """An incident recorded in error: restore exactly what it took away, keep both steps."""
    incident = (
        Incident.objects.select_for_update().select_related("village__town").get(pk=incident_id)
    )
    _require_object(actor, "assessments.record_incident", incident.village, "您不能更正该案事件。")
    if incident.status != Incident.Status.RECORDED:
        raise InvalidTransition("该案事件已更正，不能重复更正。")
    if not reason.strip():
        raise InvalidInput("更正须说明原因(如误录)。")
    incident.status = Incident.Status.CORRECTED
    incident.correction_reason = reason.strip()
    incident.corrected_by = actor
    incident.corrected_at = timezone.now()
    incident.save()
    note = f"案事件更正({reason.strip()})，恢复因{incident}所作处理"
    for effect in incident.effects.select_related("title", "assessment").filter(
        undone_at__isnull=True
    ):
        if effect.title_id:
            title = Title.objects.select_for_update().get(pk=effect.title_id)
            _move_title(
                title, actor, Title.Status.VALID, TitleEvent.Action.RESTORED, note, incident
            )
        else:
            assessment = Assessment.objects.select_for_update().get(pk=effect.assessment_id)
            for name, value in effect.previous.items():
                setattr(assessment, name, value)
            assessment.save()
            _record_event(
                AssessmentEvent,
                assessment,
                actor,
                assessment.status,
                note,
                action=AssessmentEvent.Action.INCIDENT_CORRECTED,
            )
        effect.undone_at = incident.corrected_at
        effect.save(update_fields=["undone_at"])
    return incident


@transaction.atomic
def review_title(*, actor, title_id, keep, reason):
    """The province's periodic re-review of a demonstration naming: keep it or revoke it."""
    title = Title.objects.select_for_update().select_related("village__town").get(pk=title_id)
    _require_object(actor, "assessments.review_title", title, "只有省委平安办可以复核示范村命名。")
    if title.kind != Title.Kind.DEMONSTRATION:
        raise InvalidInput("定期复核只针对平安湖北建设示范村(社区)命名。")
    if not reason.strip():
        raise InvalidInput("请写明复核意见。")
    if title.status != Title.Status.VALID:
        raise InvalidTransition("该命名已撤销。")
    if keep:
        _record_event(
            TitleEvent, title, actor, title.status, reason.strip(), action=TitleEvent.Action.KEPT
        )
    else:
        _move_title(title, actor, Title.Status.REVOKED, TitleEvent.Action.REVOKED, reason.strip())
    return title


@transaction.atomic
def name_demonstration_villages(
    *, actor, province, first_year, document_number, issuer, named_on, picks
):
    """审定命名: `picks` are (recommendation id, certificate number) from the cities' lists."""
    _require_object(actor, "assessments.name_villages", province, "只有省委平安办可以审定命名。")
    last_year = first_year + 1
    if not picks:
        raise InvalidInput("请至少选择一个命名对象。")
    batch = NamingBatch(
        province=province,
        first_year=first_year,
        last_year=last_year,
        document_number=document_number.strip(),
        issuer=issuer.strip(),
        named_on=named_on,
        named_by=actor,
    )
    _full_clean(batch)
    batch.save()
    recommendations = {
        r.pk: r
        for r in Recommendation.objects.select_related(
            "assessment__village__town", "recommendation_list"
        ).filter(pk__in=[pk for pk, _ in picks])
    }
    for pk, certificate_number in picks:
        recommendation = recommendations.get(pk)
        if recommendation is None or not recommendation.assessment.village.town.is_within(province):
            raise InvalidInput("命名对象须是本省各市(县)推荐的村(社区)。")
        village = recommendation.assessment.village
        if not first_year <= recommendation.recommendation_list.year <= last_year:
            raise InvalidInput(f"{village.name}的推荐年度不在{batch.period_label}内。")
        if not certificate_number.strip():
            raise InvalidInput(f"{village.name}：请填写证书编号。")
        if Title.objects.filter(certificate_number=certificate_number.strip()).exists():
            raise InvalidInput(f"证书编号{certificate_number.strip()}已被使用。")
        if Title.objects.filter(
            village=village, kind=Title.Kind.DEMONSTRATION, first_year=first_year
        ).exists():
            raise InvalidInput(f"{village.name}已获{batch.period_label}命名。")
        title = Title.objects.create(
            village=village,
            kind=Title.Kind.DEMONSTRATION,
            first_year=first_year,
            last_year=last_year,
            assessment=recommendation.assessment,
            naming=batch,
            certificate_number=certificate_number.strip(),
            certificate_date=named_on,
            issuer=batch.issuer,
        )
        _record_event(
            TitleEvent,
            title,
            actor,
            "",
            f"{batch.document_number}审定命名",
            action=TitleEvent.Action.GRANTED,
        )
    return batch


def _request_file(actor, **fields):
    prepared = PreparedFile.objects.create(requested_by=actor, **fields)
    _record_event(PreparedFileEvent, prepared, actor, "", "申请后台生成")
    transaction.on_commit(lambda: prepare_file.enqueue(prepared.pk))
    return prepared


@transaction.atomic
def request_campaign_reports(*, actor, campaign_id):
    """Queue every village's 考评报告 of a campaign the actor may see, as one PDF."""
    campaign = access_campaign_by_id(actor, campaign_id)
    name = f"{campaign.town.name}{campaign.year}年度各村(社区)考评报告"
    return _request_file(
        actor,
        kind=PreparedFile.Kind.CAMPAIGN_REPORTS,
        campaign=campaign,
        title=name,
        filename=f"{name}.pdf",
    )


@transaction.atomic
def request_region_results(*, actor, region_id, year):
    """Queue one row per village of a region for a year's results, as a workbook."""
    region = access_region_by_id(actor, region_id)
    if year is None:
        raise InvalidInput("请填写要导出的年度。")
    if not Campaign.objects.filter(year=year, town__path__startswith=region.path).exists():
        raise InvalidInput(f"{region.name}没有{year}年度的创建活动。")
    name = f"{region.name}{year}年度平安村(社区)考评结果"
    return _request_file(
        actor,
        kind=PreparedFile.Kind.REGION_RESULTS,
        region=region,
        year=year,
        title=name,
        filename=f"{name}.xlsx",
    )


def _move_prepared(prepared_id, target, reason, **fields):
    with transaction.atomic():
        prepared = PreparedFile.objects.select_for_update().get(pk=prepared_id)
        _move_state(
            prepared,
            target,
            PreparedFileEvent,
            actor=prepared.requested_by,
            refusal=f"{prepared}已{prepared.get_status_display()}。",
            reason=reason,
        )
        for name, value in fields.items():
            setattr(prepared, name, value)
        prepared.save()
        return prepared


def build_prepared_file(*, prepared_file_id):
    """The background step: build the file, reporting progress, then offer it or say why not.

    Runs outside a request, as the requester: the file holds what they may see now."""
    prepared = _move_prepared(prepared_file_id, PreparedFile.Status.RUNNING, "开始生成")

    def progress(done, total):
        PreparedFile.objects.filter(pk=prepared.pk).update(done=done, total=total)

    try:
        if prepared.kind == PreparedFile.Kind.CAMPAIGN_REPORTS:
            content = prepared_documents.campaign_reports(
                prepared.requested_by, prepared.campaign, progress
            )
        else:
            content = prepared_documents.region_results(
                prepared.requested_by, prepared.region, prepared.year, progress
            )
    except Exception as error:
        _move_prepared(
            prepared.pk,
            PreparedFile.Status.FAILED,
            "生成失败",
            error=f"{type(error).__name__}: {error}",
            finished_at=timezone.now(),
        )
        raise
    extension = prepared.filename.rsplit(".", 1)[-1]
    stored = default_storage.save(f"prepared/{uuid.uuid4().hex}.{extension}", ContentFile(content))
    try:
        return _move_prepared(
            prepared.pk,
            PreparedFile.Status.READY,
            "生成完成",
            file=stored,
            finished_at=timezone.now(),
        )
    except BaseException:
        default_storage.delete(stored)
        raise
