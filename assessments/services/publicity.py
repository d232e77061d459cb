"""Writes of 宣传与经验: the village records its publicity work and writes up its practices;
the town publishes a practice as 典型经验 to its villages (or sends it back), the city to its
towns. Photos are decoded and written again without their place before they are kept."""

import uuid

from django.db import transaction
from django.utils import timezone

from assessments.models import Practice, PracticeEvent, PublicityRecord
from assessments.services.common import (
    audit,
    files_removed_on_failure,
    move_state,
    photo_written_again,
    plain_text,
    require_object,
)
from pingan.errors import InvalidInput, InvalidTransition
from villages.models import Village


def _village(actor, village_id, permission, message):
    village = Village.objects.select_related("town").filter(pk=village_id).first()
    if village is None:
        raise InvalidInput("未找到该村(社区)。")
    require_object(actor, permission, village, message)
    return village


def record_publicity(
    *, actor, village_id, held_on, kind, summary, participants=0, outlet="", link="", photo=None
):
    with files_removed_on_failure() as written, transaction.atomic():
        village = _village(
            actor,
            village_id,
            "assessments.record_publicity",
            "只有本村(社区)书记和工作人员可以记录宣传工作。",
        )
        if kind not in PublicityRecord.Kind.values:
            raise InvalidInput("请选择宣传形式。")
        if held_on is None or held_on > timezone.localdate():
            raise InvalidInput("请填写已开展的日期(不能晚于今天)。")
        summary = plain_text(summary, "内容")
        if not summary:
            raise InvalidInput("请简要写明宣传内容。")
        outlet, link = plain_text(outlet, "媒体名称"), plain_text(link, "报道链接")
        if kind == PublicityRecord.Kind.MEDIA and not outlet:
            raise InvalidInput("媒体报道须写明媒体名称。")
        if link and not link.startswith(("https://", "http://")):
            raise InvalidInput("报道链接须以 http:// 或 https:// 开头。")
        record = PublicityRecord(
            token=uuid.uuid4(),
            village=village,
            held_on=held_on,
            kind=kind,
            summary=summary,
            participants=participants or 0,
            outlet=outlet,
            link=link,
            recorded_by=actor,
        )
        if photo is not None:
            record.photo.save("photo.jpg", photo_written_again(photo), save=False)
            written.append(record.photo.name)
        record.save()
        audit(
            actor,
            "publicity.recorded",
            record,
            None,
            {"kind": kind, "held_on": held_on, "outlet": outlet, "link": link},
        )
        return record


def save_practice(
    *, actor, village_id, title, problem, action, result, practice_id=None, photo=None
):
    """The village's write-up of a practice, new or still a draft."""
    with files_removed_on_failure() as written, transaction.atomic():
        village = _village(
            actor, village_id, "assessments.write_practice", "只有本村(社区)书记可以撰写经验做法。"
        )
        fields = {
            "title": plain_text(title, "标题"),
            "problem": plain_text(problem, "面对的问题"),
            "action": plain_text(action, "主要做法"),
            "result": plain_text(result, "取得的成效"),
        }
        if not all(fields.values()):
            raise InvalidInput("请写全标题、面对的问题、主要做法和取得的成效。")
        if practice_id is None:
            practice = Practice(token=uuid.uuid4(), village=village, written_by=actor)
            before = None
        else:
            practice = (
                Practice.objects.select_for_update().filter(pk=practice_id, village=village).first()
            )
            if practice is None:
                raise InvalidInput("未找到该经验做法。")
            if practice.status != Practice.Status.DRAFT:
                raise InvalidTransition(
                    f"《{practice.title}》已{practice.get_status_display()}，不能再修改。"
                )
            before = {name: getattr(practice, name) for name in fields}
        for name, value in fields.items():
            setattr(practice, name, value)
        if photo is not None:
            practice.photo.save("photo.jpg", photo_written_again(photo), save=False)
            written.append(practice.photo.name)
        practice.save()
        audit(actor, "practice.saved", practice, before, fields)
        return practice


def _lock_practice(practice_id):
    practice = (
        Practice.objects.select_for_update(of=("self",))
        .select_related("village__town")
        .filter(pk=practice_id)
        .first()
    )
    if practice is None:
        raise InvalidInput("未找到该经验做法。")
    return practice


@transaction.atomic
def submit_practice(*, actor, practice_id):
    practice = _lock_practice(practice_id)
    require_object(
        actor, "assessments.write_practice", practice.village, "只有本村(社区)书记可以报送。"
    )
    move_state(
        practice,
        Practice.Status.SUBMITTED,
        PracticeEvent,
        actor=actor,
        refusal=f"《{practice.title}》已{practice.get_status_display()}。",
        reason="报送镇平安办",
    )
    practice.save(update_fields=["status", "updated_at"])
    return practice


@transaction.atomic
def return_practice(*, actor, practice_id, note):
    practice = _lock_practice(practice_id)
    require_object(actor, "assessments.select_practice", practice, "只有镇平安办可以退回。")
    note = plain_text(note, "退回意见")
    if not note:
        raise InvalidInput("请写明退回修改的意见。")
    move_state(
        practice,
        Practice.Status.DRAFT,
        PracticeEvent,
        actor=actor,
        refusal=f"《{practice.title}》已{practice.get_status_display()}，不能退回。",
        reason=note,
    )
    practice.save(update_fields=["status", "updated_at"])
    return practice


@transaction.atomic
def publish_practice(*, actor, practice_id):
    """典型经验: from the town to its villages, or from the city to its towns."""
    practice = _lock_practice(practice_id)
    require_object(
        actor,
        "assessments.select_practice",
        practice,
        "只有镇平安办(或市委平安办)可以发布典型经验。",
    )
    target = (
        Practice.Status.TOWN_PUBLISHED
        if practice.status == Practice.Status.SUBMITTED
        else Practice.Status.CITY_PUBLISHED
    )
    move_state(
        practice,
        target,
        PracticeEvent,
        actor=actor,
        refusal=f"《{practice.title}》当前为“{practice.get_status_display()}”，不能发布。",
        reason=f"发布为{Practice.Status(target).label}",
    )
    practice.published_on = timezone.localdate()
    practice.save(update_fields=["status", "published_on", "updated_at"])
    return practice
