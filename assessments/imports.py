"""Sheets that feed the campaign: incidents from a case system, town findings scored on
paper. Each row goes through the same service as the page, so the rules are one copy: a
preview asks it to check only (no write, no lock), an import runs the whole sheet in one
transaction, undone on any refusal. A long sheet is checked and imported in the background."""

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django_tasks import task

from assessments import services
from assessments.models import (
    STANDARD_LOCKED_MESSAGE,
    Assessment,
    Criterion,
    IncidentCategory,
    SheetImport,
    SheetImportEvent,
    Standard,
)
from assessments.selectors import access_campaign_by_id, criteria_tree
from assessments.services.common import move_job, move_state, record_event
from audit.trail import record
from pingan.errors import ApplicationError, NotPermitted
from pingan.sheets import (
    SheetRefused,
    discard_staged,
    read_table,
    sheet_row_count,
    stage_file,
    staged_file,
)
from villages.models import Village

INCIDENT_HEADERS = [
    "统计用区划代码",
    "村(社区)",
    "案事件类别",
    "发生日期",
    "简要案情",
    "案件编号或来源",
]
INCIDENT_EXAMPLE = [
    "429006104203",
    "新沟村",
    "命案",
    "2024-11-05",
    "简要案情",
    "天公刑〔2024〕88号",
]
FINDING_HEADERS = ["统计用区划代码", "村(社区)", "条目标识", "条目", "结论", "核定结果", "意见"]
AGREE, DISAGREE = "同意", "不同意"


@dataclass
class SheetOutcome:
    applied: int = 0
    notes: list = field(default_factory=list)


def _date(value, row_number, header, problems):
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        problems.append(f"第{row_number}行“{header}”列应为日期(如 2024-11-05)，现为“{value}”。")
        return None


def _run_rows(rows, run_row, progress):
    outcome = SheetOutcome()
    problems = []
    for done, (row_number, values) in enumerate(rows, start=1):
        try:
            with transaction.atomic():
                note = run_row(values)
        except ApplicationError as error:
            problems.append(f"第{row_number}行：{error.message}")
        else:
            outcome.applied += 1
            if note:
                outcome.notes.append(f"第{row_number}行：{note}")
        if progress is not None:
            progress(done, len(rows))
    return outcome, problems


def _apply(rows, dry_run, apply_row, check_row, progress=None):
    """Check each (row number, values) with `check_row`, which reads and writes nothing, for
    a preview; or run `apply_row` on each in one transaction, where any refusal names its row
    and undoes every row. A preview never holds a write transaction, however long the sheet."""
    if dry_run:
        outcome, problems = _run_rows(rows, check_row, progress)
    else:
        with transaction.atomic():
            outcome, problems = _run_rows(rows, apply_row, progress)
            if problems:
                transaction.set_rollback(True)
    if problems:
        raise SheetRefused(problems)
    return outcome


def import_incidents(*, actor, upload, dry_run, progress=None):
    """Incidents as exported by a 综治 case system; a disqualifying one revokes as by hand."""
    dataset = read_table(upload, INCIDENT_HEADERS)
    villages = {v.code: v for v in Village.objects.filter(code__in=dataset["统计用区划代码"])}
    categories = {c.name: c for c in IncidentCategory.objects.filter(is_active=True)}
    problems, rows = [], []
    for values, row_number in zip(dataset.dict, dataset.row_numbers, strict=True):
        code = str(values["统计用区划代码"] or "").strip()
        village = villages.get(code)
        if village is None:
            problems.append(f"第{row_number}行“统计用区划代码”列的 {code} 不是已登记的村(社区)。")
        category = categories.get(str(values["案事件类别"] or "").strip())
        if category is None:
            problems.append(
                f"第{row_number}行“案事件类别”列应为系统中的类别名称(如“命案”)，"
                f"现为“{values['案事件类别']}”。"
            )
        occurred_on = _date(values["发生日期"], row_number, "发生日期", problems)
        if village and category and occurred_on:
            rows.append((row_number, (village, category, occurred_on, values)))
    if problems:
        raise SheetRefused(problems)

    def record_row(values, check_only):
        village, category, occurred_on, raw = values
        return services.record_incident(
            actor=actor,
            village_id=village.pk,
            category_id=category.pk,
            occurred_on=occurred_on,
            description=str(raw["简要案情"] or ""),
            case_number=str(raw["案件编号或来源"] or ""),
            check_only=check_only,
        )

    def revocation_note(village, revoked):
        return f"{village.name}撤销称号 {revoked} 个" if revoked else ""

    def apply_row(values):
        incident = record_row(values, check_only=False)
        return revocation_note(values[0], incident.effects.filter(title__isnull=False).count())

    # A title an earlier row of the sheet takes away is not taken again by a later one.
    revoked_earlier = set()

    def check_row(values):
        titles = {title.pk for title in record_row(values, check_only=True)} - revoked_earlier
        revoked_earlier.update(titles)
        return revocation_note(values[0], len(titles))

    return _apply(rows, dry_run, apply_row, check_row, progress)


def import_findings(*, actor, campaign, upload, dry_run, progress=None):
    """The town's findings for a campaign, one row per village and criterion."""
    dataset = read_table(upload, FINDING_HEADERS)
    assessments = {
        a.village.code: a
        for a in Assessment.objects.filter(
            campaign=campaign, kind=Assessment.Kind.YEARLY
        ).select_related("village")
    }
    criteria = {c.key: c for c in Criterion.objects.filter(standard=campaign.standard)}
    problems, rows = [], []
    for values, row_number in zip(dataset.dict, dataset.row_numbers, strict=True):
        assessment = assessments.get(str(values["统计用区划代码"] or "").strip())
        criterion = criteria.get(str(values["条目标识"] or "").strip())
        verdict = str(values["结论"] or "").strip()
        if assessment is None:
            problems.append(f"第{row_number}行“统计用区划代码”列不是本次创建活动的村(社区)。")
        if criterion is None or (criterion and not criterion.is_judged):
            problems.append(
                f"第{row_number}行“条目标识”列应为本年度标准的评判条目标识，"
                f"现为“{values['条目标识']}”。"
            )
        if verdict not in (AGREE, DISAGREE):
            problems.append(f"第{row_number}行“结论”列应为“同意”或“不同意”，现为“{verdict}”。")
        if assessment and criterion and verdict in (AGREE, DISAGREE):
            rows.append((row_number, (assessment, criterion, verdict == AGREE, values)))
    if problems:
        raise SheetRefused(problems)

    def save(values, check_only):
        assessment, criterion, agrees, raw = values
        services.save_finding(
            actor=actor,
            assessment_id=assessment.pk,
            criterion_id=criterion.pk,
            agrees=agrees,
            comment=str(raw["意见"] or ""),
            check_only=check_only,
            **({} if agrees else finding_value(criterion, raw["核定结果"])),
        )
        return ""

    return _apply(
        rows,
        dry_run,
        lambda values: save(values, check_only=False),
        lambda values: save(values, check_only=True),
        progress,
    )


VALUE_WORDS = {"已发生": True, "未发生": False, "达标": True, "未达标": False}


def finding_value(criterion, raw):
    """The judgement column as the service expects it for the criterion's kind."""
    text = "" if raw is None else str(raw).strip()
    if criterion.kind == Criterion.Kind.VETO:
        return {"veto_occurred": VALUE_WORDS.get(text) if text in ("已发生", "未发生") else None}
    if criterion.kind == Criterion.Kind.REQUIREMENT:
        return {"met": VALUE_WORDS.get(text) if text in ("达标", "未达标") else None}
    if criterion.kind == Criterion.Kind.THRESHOLD:
        return {"value": text}
    return {"score": text}


def finding_result_text(criterion, finding):
    """The judgement column written back, so an export re-imports unchanged."""
    if finding is None:
        return ""
    if criterion.kind == Criterion.Kind.VETO:
        return "已发生" if finding.veto_occurred else "未发生"
    if criterion.kind == Criterion.Kind.REQUIREMENT:
        return "达标" if finding.met else "未达标"
    number = finding.value if criterion.kind == Criterion.Kind.THRESHOLD else finding.score
    return "" if number is None else f"{number.normalize():f}"


CRITERION_HEADERS = [
    "条目标识",
    "上级条目标识",
    "序号",
    "标题",
    "条文",
    "评判方式",
    "对应案事件类别",
    "比较方式",
    "指标值",
    "单位",
    "满分",
    "应提供的佐证材料",
    "必须上传佐证",
]
KIND_OF_LABEL = {label: value for value, label in Criterion.Kind.choices}
COMPARATOR_OF_SYMBOL = {
    ">=": ">=",
    "≥": ">=",
    ">": ">",
    "<=": "<=",
    "≤": "<=",
    "<": "<",
    "=": "==",
    "==": "==",
}


def criterion_rows(standard):
    """A standard's criteria in the criteria import layout (parents before children)."""
    for criterion, _depth in criteria_tree(standard):
        yield [
            criterion.key,
            criterion.parent.key if criterion.parent else "",
            criterion.number,
            criterion.title,
            criterion.text,
            criterion.get_kind_display(),
            criterion.incident_category.name if criterion.incident_category else "",
            criterion.comparator,
            "" if criterion.bound is None else float(criterion.bound),
            criterion.unit,
            "" if criterion.max_score is None else float(criterion.max_score),
            criterion.expected_evidence,
            "是" if criterion.evidence_required else "否",
        ]


def import_criteria(*, actor, standard, upload, dry_run):
    """Add or update an editable standard version's criteria by their 条目标识."""
    if not actor.has_perm("assessments.manage_standards"):
        raise NotPermitted("只有系统管理员可以维护创建标准。")
    dataset = read_table(upload, CRITERION_HEADERS)
    categories = {c.name: c for c in IncidentCategory.objects.all()}
    keys = [str(v or "").strip() for v in dataset["条目标识"]]
    problems, rows = [], []
    for values, row_number in zip(dataset.dict, dataset.row_numbers, strict=True):
        key = str(values["条目标识"] or "").strip()
        parent = str(values["上级条目标识"] or "").strip()
        kind = KIND_OF_LABEL.get(str(values["评判方式"] or "").strip())
        if keys.count(key) > 1:
            problems.append(f"第{row_number}行“条目标识”列的 {key} 在表中重复。")
        if kind is None:
            problems.append(
                f"第{row_number}行“评判方式”列应为 " + "、".join(KIND_OF_LABEL) + " 之一。"
            )
        if parent and parent not in keys[: len(rows)]:
            problems.append(
                f"第{row_number}行“上级条目标识”列的 {parent} 须在本表中且位于本行之前。"
            )
        category_name = str(values["对应案事件类别"] or "").strip()
        if category_name and category_name not in categories:
            problems.append(f"第{row_number}行“对应案事件类别”列的“{category_name}”不存在。")
        comparator = str(values["比较方式"] or "").strip()
        if comparator and comparator not in COMPARATOR_OF_SYMBOL:
            problems.append(f"第{row_number}行“比较方式”列应为 ≥、>、≤、< 或 =。")
        rows.append(
            (row_number, key, parent, kind, categories.get(category_name), comparator, values)
        )
    if problems:
        raise SheetRefused(problems)
    outcome = SheetOutcome()
    with transaction.atomic():
        locked = Standard.objects.select_for_update().get(pk=standard.pk)
        if not locked.is_editable:
            raise SheetRefused([STANDARD_LOCKED_MESSAGE])
        saved = {c.key: c for c in Criterion.objects.filter(standard=locked)}
        for order, (row_number, key, parent, kind, category, comparator, values) in enumerate(
            rows, start=1
        ):
            criterion = saved.get(key) or Criterion(standard=locked, key=key)
            criterion.parent = saved.get(parent) if parent else None
            criterion.number = str(values["序号"] or "").strip()
            criterion.title = str(values["标题"] or "").strip()
            criterion.text = str(values["条文"] or "").strip()
            criterion.order = order
            criterion.kind = kind
            criterion.incident_category = category
            criterion.comparator = COMPARATOR_OF_SYMBOL.get(comparator, "")
            criterion.bound = _optional_decimal(values["指标值"])
            criterion.unit = str(values["单位"] or "").strip()
            criterion.max_score = _optional_decimal(values["满分"])
            criterion.expected_evidence = str(values["应提供的佐证材料"] or "").strip()
            criterion.evidence_required = str(values["必须上传佐证"] or "").strip() == "是"
            try:
                criterion.full_clean()
            except ValidationError as error:
                problems.append(f"第{row_number}行：{'；'.join(error.messages)}")
                continue
            criterion.save()
            saved[key] = criterion
            outcome.applied += 1
        if problems or dry_run:
            transaction.set_rollback(True)
    if problems:
        raise SheetRefused(problems)
    return outcome


def _optional_decimal(value):
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return value


def _run_import(job, dry_run, progress=None):
    upload = staged_file(job.staged_token, job.file_name)
    if upload is None:
        raise SheetRefused(["暂存的表格已过期(超过1小时未确认)，请重新上传。"])
    actor = job.requested_by
    if job.kind == SheetImport.Kind.INCIDENTS:
        return import_incidents(actor=actor, upload=upload, dry_run=dry_run, progress=progress)
    return import_findings(
        actor=actor, campaign=job.campaign, upload=upload, dry_run=dry_run, progress=progress
    )


def runs_in_background(upload):
    """Whether a sheet is long enough to be checked and imported by the worker."""
    return sheet_row_count(upload) > settings.IMPORT_INLINE_ROWS


@transaction.atomic
def request_sheet_import(*, actor, kind, upload, campaign_id=None):
    """Keep the sheet and queue its check; the requester follows it on its own page."""
    if kind == SheetImport.Kind.INCIDENTS:
        campaign = None
        if not actor.has_perm("assessments.enter_incidents"):
            raise NotPermitted("您不能登记案事件。")
    else:
        campaign = access_campaign_by_id(actor, campaign_id)
        if not actor.has_perm("assessments.close_self_assessment", campaign):
            raise NotPermitted("只有镇平安办可以导入镇级考核意见。")
    read_table(upload, INCIDENT_HEADERS if campaign is None else FINDING_HEADERS, head_only=True)
    token = stage_file(upload)
    job = SheetImport.objects.create(
        kind=kind,
        campaign=campaign,
        requested_by=actor,
        file_name=upload.name[-200:],
        staged_token=token,
        total=sheet_row_count(upload),
    )
    record_event(SheetImportEvent, job, actor, "", "上传，排队校验")
    transaction.on_commit(lambda: run_sheet_import.enqueue(job.pk))
    return job


def access_sheet_import_by_id(user, job_id):
    """The user's own background import; 404 alike for another person's and a missing one."""
    try:
        return SheetImport.objects.select_related("campaign").get(pk=job_id, requested_by=user)
    except (SheetImport.DoesNotExist, ValueError, TypeError):
        raise Http404("未找到该导入。") from None


@transaction.atomic
def confirm_sheet_import(*, actor, job_id):
    job = access_sheet_import_by_id(actor, job_id)
    job = SheetImport.objects.select_for_update().get(pk=job.pk)
    move_state(
        job,
        SheetImport.Status.APPLYING,
        SheetImportEvent,
        actor=actor,
        refusal=f"该导入当前为“{job.get_status_display()}”，不能确认导入。",
        reason="确认导入",
    )
    job.save()
    transaction.on_commit(lambda: run_sheet_import.enqueue(job.pk))
    return job


def _finish(job_id, target, reason, **fields):
    return move_job(SheetImport, job_id, target, SheetImportEvent, reason, **fields)


def process_sheet_import(*, job_id):
    """The background step: check a waiting sheet, reporting progress as rows are read; or
    import a confirmed one, its rows, its audit entry and its state in one transaction. Runs
    as the requester, under today's rules."""
    job = SheetImport.objects.select_related("requested_by", "campaign").get(pk=job_id)
    applying = job.status == SheetImport.Status.APPLYING

    def progress(done, total):
        if done % 50 == 0 or done == total:
            SheetImport.objects.filter(pk=job.pk).update(done=done, total=total)

    try:
        if not applying:
            outcome = _run_import(job, dry_run=True, progress=progress)
            return _finish(
                job.pk,
                SheetImport.Status.CHECKED,
                f"校验通过 {outcome.applied} 行",
                applied=outcome.applied,
                notes=outcome.notes,
                done=job.total,
            )
        with transaction.atomic():
            outcome = _run_import(job, dry_run=False)
            record(
                action=f"import.{job.kind}",
                actor=job.requested_by,
                target=job.campaign,
                after={"file": job.file_name, "rows": outcome.applied},
            )
            imported = _finish(
                job.pk,
                SheetImport.Status.APPLIED,
                f"已导入 {outcome.applied} 行",
                applied=outcome.applied,
                notes=outcome.notes,
                finished_at=timezone.now(),
            )
        discard_staged(job.staged_token)
        return imported
    except SheetRefused as refused:
        if applying:
            discard_staged(job.staged_token)
        return _finish(
            job.pk,
            SheetImport.Status.REFUSED,
            "导入时被拒绝，未导入任何一行" if applying else "校验未通过",
            problems=refused.problems,
            finished_at=timezone.now(),
        )
    except Exception as error:
        _finish(
            job.pk,
            SheetImport.Status.FAILED,
            f"处理失败：{type(error).__name__}",
            finished_at=timezone.now(),
        )
        raise


@task()
def run_sheet_import(job_id):
    """The background job of a long sheet, run by `manage.py db_worker`."""
    process_sheet_import(job_id=job_id)
