"""Every list a user can see, as .xlsx rows with Chinese headers, from the same scoped
selectors as the pages."""

from django.utils import timezone

from assessments.imports import FINDING_HEADERS, INCIDENT_HEADERS, finding_result_text
from assessments.models import Assessment, Finding, Sample
from assessments.selectors import (
    assessment_scope,
    criteria_of,
    visible_assessments,
    visible_incidents,
    visible_orders,
    visible_titles,
)


def _yes(value, yes="是", no="否"):
    return {True: yes, False: no}.get(value, "")


def campaign_assessments(user, campaign):
    headers = [
        "统计用区划代码",
        "村(社区)",
        "自评状态",
        "逾期",
        "镇级考核",
        "镇级考核不达标原因",
        "市级复核",
        "市级复核不合格原因",
        "年度结果",
        "年度结果原因",
    ]
    today = timezone.localdate()
    assessments = (
        visible_assessments(user)
        .filter(campaign=campaign, kind=Assessment.Kind.YEARLY)
        .order_by("village__code")
    )
    rows = (
        [
            a.village.code,
            a.village.name,
            a.get_status_display(),
            _yes(a.is_overdue(today)),
            a.town_verdict_label,
            "；".join(a.town_reasons),
            a.city_verdict_label,
            "；".join(a.city_reasons),
            a.result_label,
            "；".join(a.result_reasons),
        ]
        for a in assessments
    )
    return "考评结果", headers, rows


def campaign_findings(user, campaign):
    """Town findings in the findings import layout, so the sheet re-imports."""
    criteria = {c.pk: c for c in criteria_of(campaign.standard)}
    scope = assessment_scope(user, "assessment__")
    findings = Finding.objects.filter(
        assessment__campaign=campaign,
        assessment__kind=Assessment.Kind.YEARLY,
        stage=Finding.Stage.TOWN,
    ).select_related("assessment__village")
    if scope is not None:
        findings = findings.filter(scope)
    findings = sorted(
        findings, key=lambda f: (f.assessment.village.code, criteria[f.criterion_id].order)
    )
    rows = (
        [
            f.assessment.village.code,
            f.assessment.village.name,
            criteria[f.criterion_id].key,
            f"{criteria[f.criterion_id].label} {criteria[f.criterion_id].title}",
            "同意" if f.agrees else "不同意",
            "" if f.agrees else finding_result_text(criteria[f.criterion_id], f),
            f.comment,
        ]
        for f in findings
    )
    return "镇级考核意见", FINDING_HEADERS, rows


def campaign_sample(user, campaign):
    headers = [
        "序号",
        "统计用区划代码",
        "村(社区)",
        "抽取方式",
        "必抽原因",
        "复核结果",
        "复核不合格原因",
        "随机种子",
    ]
    sample = Sample.objects.filter(campaign=campaign, is_current=True).first()
    entries = sample.entries.select_related("assessment__village") if sample else []
    rows = (
        [
            e.position,
            e.assessment.village.code,
            e.assessment.village.name,
            "必抽" if e.forced else "随机",
            e.reason,
            e.assessment.city_verdict_label,
            "；".join(e.assessment.city_reasons),
            sample.seed,
        ]
        for e in entries
    )
    return "抽查复核", headers, rows


def titles(user):
    headers = [
        "统计用区划代码",
        "村(社区)",
        "称号",
        "年度",
        "证书编号",
        "发证机关",
        "发证日期",
        "状态",
    ]
    rows = (
        [
            t.village.code,
            t.village.name,
            t.get_kind_display(),
            t.period_label,
            t.certificate_number,
            t.issuer,
            t.certificate_date.isoformat(),
            t.get_status_display(),
        ]
        for t in visible_titles(user).order_by("-first_year", "village__code")
    )
    return "称号", headers, rows


def incidents(user):
    """Standing incidents in the incident import layout."""
    rows = (
        [
            i.village.code,
            i.village.name,
            i.category.name,
            i.occurred_on.isoformat(),
            i.description,
            i.case_number,
        ]
        for i in visible_incidents(user).filter(status="recorded").order_by("occurred_on")
    )
    return "案事件", INCIDENT_HEADERS, rows


def orders(user):
    headers = ["统计用区划代码", "村(社区)", "条目", "存在问题", "整改期限", "状态", "逾期"]
    today = timezone.localdate()
    rows = (
        [
            o.village.code,
            o.village.name,
            f"{o.inspection_finding.criterion.number} {o.inspection_finding.criterion.title}",
            o.problem,
            o.deadline.isoformat(),
            o.get_status_display(),
            _yes(o.is_overdue(today)),
        ]
        for o in visible_orders(user)
    )
    return "限期整改", headers, rows


LIST_EXPORTS = {"titles": titles, "incidents": incidents, "orders": orders}
CAMPAIGN_EXPORTS = {
    "assessments": campaign_assessments,
    "findings": campaign_findings,
    "sample": campaign_sample,
}
