"""Contexts of the printed documents; rendering itself is pingan.pdf.render_pdf."""

from assessments.models import Answer, Evidence, Finding
from assessments.selectors import criteria_of, failing_reasons_of, open_orders_of


def chinese_date(day):
    return f"{day.year}年{day.month}月{day.day}日"


def official_document(
    *, issuer_mark, document_number, title, body, issuer, issued_on, checkpoint=None
):
    """The parts every red-header document shares; a filed or issued one prints the audit
    checkpoint made when it was filed or issued."""
    lines = [line.strip() for line in body.splitlines() if line.strip()]
    salutation = lines.pop(0) if lines and lines[0].endswith(("：", ":")) else ""
    return {
        "issuer_mark": issuer_mark,
        "document_number": document_number,
        "title": title,
        "salutation": salutation,
        "paragraphs": lines,
        "issuer": issuer,
        "issued_on_text": chinese_date(issued_on),
        "checkpoint": checkpoint,
    }


def pass_list_document(pass_list, entries):
    campaign = pass_list.campaign
    return {
        **official_document(
            issuer_mark=f"中共{campaign.town.name}委员会文件",
            document_number=pass_list.document_number,
            title=pass_list.title,
            body=pass_list.body,
            issuer=pass_list.issuer,
            issued_on=pass_list.issued_on,
            checkpoint=pass_list.checkpoint,
        ),
        "attachment_title": f"{campaign.year}年度{campaign.town.name}平安村(社区)达标名单",
        "entries": entries,
    }


def bulletin_document(bulletin, villages):
    """The 重点通报 with, for each named village, why it is named: its failing reasons and its
    open rectification orders."""
    open_orders = open_orders_of(villages)
    reasons = failing_reasons_of(villages, bulletin.issued_on)
    return {
        **official_document(
            issuer_mark=f"中共{bulletin.town.name}委员会文件",
            document_number=bulletin.document_number,
            title=bulletin.title,
            body=bulletin.body,
            issuer=bulletin.issuer,
            issued_on=bulletin.issued_on,
            checkpoint=bulletin.checkpoint,
        ),
        "attachment_title": "被重点通报村(社区)存在的问题及未完成整改事项",
        "named": [
            {
                "village": village,
                "reasons": reasons.get(village.pk, []),
                "orders": open_orders.get(village.pk, []),
            }
            for village in sorted(villages, key=lambda v: v.code)
        ],
        "today": bulletin.issued_on,
    }


def recommendation_document(recommendation_list, recommendations):
    return {
        **official_document(
            issuer_mark=f"{recommendation_list.issuer}文件",
            document_number=recommendation_list.document_number,
            title=recommendation_list.title,
            body=recommendation_list.body,
            issuer=recommendation_list.issuer,
            issued_on=recommendation_list.issued_on,
            checkpoint=recommendation_list.checkpoint,
        ),
        "attachment_title": f"{recommendation_list.year}年度平安湖北建设示范村(社区)推荐名单",
        "recommendations": recommendations,
    }


DIGITS = "〇一二三四五六七八九"


def _chinese_number(number):
    if number < 10:
        return DIGITS[number]
    tens, units = divmod(number, 10)
    return ("" if tens == 1 else DIGITS[tens]) + "十" + (DIGITS[units] if units else "")


def chinese_numeral_date(day, with_day=True):
    """二〇二四年十二月二十日 (or 二〇二四年十二月), as printed on certificates and plaques."""
    year = "".join(DIGITS[int(digit)] for digit in str(day.year))
    month = f"{year}年{_chinese_number(day.month)}月"
    return f"{month}{_chinese_number(day.day)}日" if with_day else month


def certificate_pages(titles):
    """One 荣誉证书 page per title, with the wording of its plaque."""
    pages = []
    for title in titles:
        honour = f"{title.period_label}{title.get_kind_display()}"
        verb = "被命名为" if title.kind == title.Kind.DEMONSTRATION else "被评为"
        addressee = "你社区" if title.village.kind == title.village.Kind.COMMUNITY else "你村"
        pages.append(
            {
                "title": title,
                "recipient": title.village.name,
                "honour": honour,
                "sentence": f"{addressee}{verb}{honour}。",
                "issuer": title.issuer,
                "date": chinese_numeral_date(title.certificate_date),
                "plaque": [
                    honour,
                    title.issuer,
                    chinese_numeral_date(title.certificate_date, with_day=False),
                ],
            }
        )
    return pages


def _judgement_text(criterion, item):
    if item is None:
        return "—"
    if criterion.kind == "veto":
        value = {True: "已发生", False: "未发生"}.get(item.veto_occurred, "未作答")
    elif criterion.kind == "requirement":
        value = {True: "达标", False: "未达标"}.get(item.met, "未作答")
    elif criterion.kind == "threshold":
        value = "未填写" if item.value is None else f"{item.value.normalize():f}{criterion.unit}"
    else:
        value = "未评分" if item.score is None else f"{item.score.normalize():f}分"
    note = getattr(item, "narrative", "") or getattr(item, "comment", "")
    return f"{value}；{note}" if note else value


def assessment_reports(assessments):
    """考评报告 pages: every criterion with the village's answer, the town's and the city's
    findings and the evidence list, for any number of assessments in a fixed number of queries."""
    assessments = list(assessments)
    ids = [a.pk for a in assessments]
    criteria_by_standard = {}
    answers, findings, evidence = {}, {}, {}
    for answer in Answer.objects.filter(assessment_id__in=ids):
        answers[(answer.assessment_id, answer.criterion_id)] = answer
    for finding in Finding.objects.filter(assessment_id__in=ids):
        findings[(finding.assessment_id, finding.criterion_id, finding.stage)] = finding
    for item in Evidence.objects.filter(assessment_id__in=ids, withdrawn_at__isnull=True):
        evidence.setdefault((item.assessment_id, item.criterion_id), []).append(item.original_name)
    reports = []
    for assessment in assessments:
        if assessment.standard_id not in criteria_by_standard:
            criteria_by_standard[assessment.standard_id] = criteria_of(assessment.standard)
        rows = []
        for criterion in criteria_by_standard[assessment.standard_id]:
            key = (assessment.pk, criterion.pk)
            rows.append(
                {
                    "criterion": criterion,
                    "answer": _judgement_text(criterion, answers.get(key)),
                    "town": _judgement_text(criterion, findings.get((*key, "town"))),
                    "city": _judgement_text(criterion, findings.get((*key, "city"))),
                    "evidence": evidence.get(key, []),
                }
            )
        reports.append({"assessment": assessment, "rows": rows})
    return reports
