"""What every write of the campaign shares: permission checks, moving an object along its
transition table with its event row, locking an assessment, input parsing, storing evidence,
and files removed when a write fails."""

from contextlib import contextmanager
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from assessments.evidence import check_upload, process_photo
from assessments.models import (
    Assessment,
    AssessmentEvent,
    Campaign,
    CampaignEvent,
    Evidence,
    RectificationOrder,
)
from assessments.selectors import (
    criteria_by_id,
    document_holding_number,
    issued_recommendation_list,
)
from audit.trail import record
from pingan.errors import InvalidInput, InvalidTransition, NotPermitted


def require(actor, permission, message):
    if not actor.has_perm(permission):
        raise NotPermitted(message)


def require_object(actor, permission, obj, message):
    if not actor.has_perm(permission, obj):
        raise NotPermitted(message)


def full_clean(instance, exclude=None):
    try:
        instance.full_clean(exclude=exclude)
    except ValidationError as error:
        raise InvalidInput("；".join(error.messages)) from None


def require_unused_document_number(document, region):
    """A 文号 is given once by its body (`region`): refuse one it already used."""
    holder = document_holding_number(document.document_number, region, exclude=document)
    if holder is not None:
        raise InvalidInput(
            f"发文字号“{document.document_number}”已用于{holder._meta.verbose_name}"
            f"《{getattr(holder, 'title', None) or holder}》，同一机关同一年度的文号不能重复，"
            "请核对后重新编号。"
        )


def record_event(event_model, subject, actor, previous, reason="", **fields):
    """The who/when/from/to/why row of a change of `subject`, which already holds its new
    state, and its audit entry, in the caller's transaction."""
    event = event_model.objects.create(
        **{event_model.subject_field: subject},
        actor=actor,
        from_status=previous,
        to_status=subject.status,
        reason=reason,
        **fields,
    )
    record(
        action=event_action(event),
        actor=actor,
        target=subject,
        before={"status": previous},
        after={"status": subject.status, "reason": reason},
    )
    return event


def event_action(event):
    """The audit name of an event row: `assessmentevent.submitted`, `campaignevent.status`."""
    kind = getattr(event, "action", None) or getattr(event, "kind", None) or "status"
    return f"{event._meta.model_name}.{kind}"


def document_fields(document):
    """What an audit entry keeps of a document: its number, title, issuer and date."""
    return {
        name: getattr(document, name, None)
        for name in ("document_number", "title", "issuer", "issued_on", "named_on")
        if getattr(document, name, None) is not None
    }


def audit(actor, action, target, before=None, after=None):
    """An audited write without a state event (an answer, a finding, a document drafted)."""
    return record(action=action, actor=actor, target=target, before=before, after=after)


def move_state(subject, target, event_model, *, actor, refusal, reason="", **fields):
    """Move `subject` along its model's transition table and record the move, or refuse."""
    if target not in type(subject).TRANSITIONS[subject.status]:
        raise InvalidTransition(refusal)
    previous = subject.status
    subject.status = target
    return record_event(event_model, subject, actor, previous, reason, **fields)


def move_job(model, job_id, target, event_model, reason, **fields):
    """Move a background job (a prepared file, a sheet import) along its transition table, as
    its requester, setting `fields`, in its own transaction: the worker's steps are seen as
    they happen."""
    with transaction.atomic():
        job = model.objects.select_for_update().get(pk=job_id)
        move_state(
            job,
            target,
            event_model,
            actor=job.requested_by,
            refusal=f"{job}已{job.get_status_display()}。",
            reason=reason,
        )
        for name, value in fields.items():
            setattr(job, name, value)
        job.save()
        return job


@contextmanager
def files_removed_on_failure():
    """Files written during a write that then fails are removed with the rolled-back rows."""
    written = []
    try:
        yield written
    except BaseException:
        for name in written:
            if name:
                default_storage.delete(name)
        raise


def lock_assessment(actor, assessment_id, permission, message, lock=True):
    """The assessment, locked unless only checked, if the actor holds the permission on it."""
    assessments = Assessment.objects.select_related("campaign__town", "village__town")
    if lock:
        assessments = assessments.select_for_update(of=("self",))
    assessment = assessments.get(pk=assessment_id)
    require_object(actor, permission, assessment, message)
    return assessment


def require_campaign_open(campaign):
    if campaign.status not in Campaign.OPEN_FOR_WORK:
        raise InvalidTransition(
            f"创建活动当前为“{campaign.get_status_display()}”，考评结果已确定，不能再改动。"
        )


def require_candidacies_open(campaign):
    issued = issued_recommendation_list(campaign)
    if issued is not None:
        raise InvalidTransition(
            f"{campaign.year}年度示范村推荐名单已印发({issued.document_number})，"
            "示范村推荐考评不能再准备、修改或复核。"
        )


def move_assessment(assessment, actor, target, action, reason=""):
    return move_state(
        assessment,
        target,
        AssessmentEvent,
        actor=actor,
        action=action,
        reason=reason,
        refusal=f"自评当前为“{assessment.get_status_display()}”，"
        f"不能{AssessmentEvent.Action(action).label}。",
    )


def mark_started(assessment, actor, changed=()):
    """The locked assessment saved with its `changed` fields, started by its first write."""
    if assessment.status == Assessment.Status.NOT_STARTED:
        move_assessment(
            assessment, actor, Assessment.Status.IN_PROGRESS, AssessmentEvent.Action.STARTED
        )
    assessment.save(update_fields=["status", "updated_at", *changed])


def criterion_in_standard(assessment, criterion_id):
    """The item of the assessment's standard, with its parent: the audit entry names the item
    by its printed number, 一(3)."""
    try:
        return criteria_by_id(assessment.standard_id)[int(criterion_id)]
    except (KeyError, ValueError, TypeError):
        raise InvalidInput("该条目不属于本年度创建标准。") from None


def store_evidence(
    actor, owner, criterion, upload, written, covers_from=None, covers_until=None, grid=None
):
    """Store an upload for an assessment or a rectification order (`owner`), with the period
    it covers (a patrol log for 2024年3月) apart from when it was uploaded, and the grid it
    comes from."""
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
        size=checked.size,
        uploaded_by=actor,
        covers_from=covers_from,
        covers_until=covers_until or covers_from,
        grid=grid,
        status=Evidence.Status.PROCESSING if checked.is_photo else Evidence.Status.READY,
    )
    evidence.file.save(checked.token.hex, checked.file_content(), save=False)
    written.append(evidence.file.name)
    evidence.save()
    if checked.is_photo:
        transaction.on_commit(lambda: finish_photo_later.enqueue(evidence.pk))
    return evidence


def finish_photo(*, evidence_id):
    """Decode a photo in full, store it written again upright with a thumbnail, and let it be
    served; one that cannot be decoded is refused with the reason and taken out of its
    assessment or report, its bytes deleted. The move is in the audit trail."""
    with transaction.atomic():
        # With what its stored name (the year, the village) and its audit entry's places
        # name, read under the one lock.
        evidence = (
            Evidence.objects.select_related("assessment__campaign", "village__town")
            .select_for_update(of=("self",))
            .filter(pk=evidence_id)
            .first()
        )
        if evidence is None or evidence.status != Evidence.Status.PROCESSING:
            return None
        raw_name = evidence.file.name
        try:
            with evidence.file.open("rb") as stored:
                content, thumbnail, captured_at = process_photo(
                    stored, evidence.original_name, evidence.extension
                )
        except InvalidInput as refusal:
            evidence.status = Evidence.Status.REFUSED
            evidence.refusal = refusal.message[:200]
            evidence.withdrawn_at = timezone.now()
            evidence.save(update_fields=["status", "refusal", "withdrawn_at"])
            record(
                action="evidence.refused",
                target=evidence,
                before={"status": Evidence.Status.PROCESSING},
                after={"status": evidence.status, "reason": evidence.refusal},
            )
            transaction.on_commit(lambda: default_storage.delete(raw_name))
            return evidence
        # The photo as written again takes the place of the bytes as sent, under its name.
        default_storage.delete(raw_name)
        name = evidence.token.hex
        evidence.file.save(
            name, ContentFile(content, name=f"{name}.{evidence.extension}"), save=False
        )
        evidence.thumbnail.save(
            f"{name}.jpg", ContentFile(thumbnail, name=f"{name}.jpg"), save=False
        )
        evidence.size = len(content)
        evidence.captured_at = captured_at
        evidence.status = Evidence.Status.READY
        evidence.save(update_fields=["file", "thumbnail", "size", "captured_at", "status"])
        record(
            action="evidence.processed",
            target=evidence,
            before={"status": Evidence.Status.PROCESSING},
            after={"status": evidence.status, "size": evidence.size},
        )
        return evidence


@task()
def finish_photo_later(evidence_id):
    """The background job of an uploaded photo, run by `manage.py db_worker`."""
    finish_photo(evidence_id=evidence_id)


def plain_text(raw, label):
    """Free text as typed, trimmed; a NUL character (which no form sends, and PostgreSQL cannot
    store) is refused."""
    if "\x00" in raw:
        raise InvalidInput(f"{label}含有无法保存的控制字符，请删除后重新填写。")
    return raw.strip()


def decimal_input(raw, label):
    if raw in (None, ""):
        return None
    try:
        number = Decimal(str(raw).strip())
    except InvalidOperation:
        raise InvalidInput(f"{label}须填写数字。") from None
    if not number.is_finite() or number < 0 or number >= Decimal("100000000"):
        raise InvalidInput(f"{label}须为不小于 0 的数字。")
    return number.quantize(Decimal("0.01"))


def move_campaign(campaign, actor, target, reason=""):
    move_state(
        campaign,
        target,
        CampaignEvent,
        actor=actor,
        reason=reason,
        refusal=f"{campaign}当前为“{campaign.get_status_display()}”，"
        f"不能变更为“{Campaign.Status(target).label}”。",
    )


def photo_written_again(upload):
    """A photo from outside the campaign's evidence (a 异议, a publicity record), decoded in
    the request and written again upright with its capture time alone, no place: JPEG bytes.
    These are few, so they are not worth the background queue."""
    checked = check_upload(upload)
    if not checked.is_photo:
        raise InvalidInput("只能上传照片(JPEG、PNG)。")
    content, _thumbnail, _taken = process_photo(upload, upload.name, checked.accepted.extension)
    return ContentFile(content)
