"""Sheets that feed the campaign: incidents from a case system, town findings scored on
paper. Each row goes through the same service as the page, so the rules are one copy;
the whole sheet is one transaction, rolled back for a preview or on any refusal."""

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction

from assessments import services
from assessments.models import (
    STANDARD_LOCKED_MESSAGE,
    Assessment,
    Criterion,
    IncidentCategory,
    Standard,
)
from assessments.selectors import criteria_tree
from pingan.errors import ApplicationError, NotPermitted
from pingan.sheets import SheetRefused, read_table
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


def _apply(rows, dry_run, apply_row):
    """Run `apply_row` on each (row number, values) in one transaction; any refusal names
    its row and undoes every row."""
    outcome = SheetOutcome()
    problems = []
    with transaction.atomic():
        for row_number, values in rows:
            try:
                with transaction.atomic():
                    note = apply_row(values)
            except ApplicationError as error:
                problems.append(f"第{row_number}行：{error.message}")
                continue
            outcome.applied += 1
            if note:
                outcome.notes.append(f"第{row_number}行：{note}")
        if problems or dry_run:
            transaction.set_rollback(True)
    if problems:
        raise SheetRefused(problems)
    return outcome


def import_incidents(*, actor, upload, dry_run):
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

    def apply_row(values):
        village, category, occurred_on, raw = values
        incident = services.record_incident(
            actor=actor,
            village_id=village.pk,
            category_id=category.pk,
            occurred_on=occurred_on,
            description=str(raw["简要案情"] or ""),
            case_number=str(raw["案件编号或来源"] or ""),
        )
        revoked = incident.effects.filter(title__isnull=False).count()
        return f"{village.name}撤销称号 {revoked} 个" if revoked else ""

    return _apply(rows, dry_run, apply_row)


def import_findings(*, actor, campaign, upload, dry_run):
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

    def apply_row(values):
        assessment, criterion, agrees, raw = values
        services.save_finding(
            actor=actor,
            assessment_id=assessment.pk,
            criterion_id=criterion.pk,
            agrees=agrees,
            comment=str(raw["意见"] or ""),
            **({} if agrees else finding_value(criterion, raw["核定结果"])),
        )
        return ""

    return _apply(rows, dry_run, apply_row)


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
