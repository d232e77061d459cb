"""Contexts of the printed documents; rendering itself is pingan.pdf.render_pdf."""

from decimal import ROUND_HALF_UP, Decimal

from assessments.models import (
    Answer,
    Assessment,
    Bulletin,
    Campaign,
    DocumentKind,
    Evidence,
    Finding,
    Incident,
    Inspection,
    RectificationOrder,
    SampleEntry,
)
from assessments.selectors import (
    criteria_of,
    document_setting,
    failing_reasons_of,
    open_orders_of,
    rates_by_campaign,
    target_ratio_for,
)

# The type area of GB/T 9704-2012 on A4, and the height of the agency mark's characters.
TYPE_AREA_WIDTH_MM = 156
MARK_SIZE_MM = 14
# A long agency mark is condensed to this width, a little inside the type area.
MARK_MAX_WIDTH_MM = 152


def chinese_date(day):
    """成文日期 in Arabic numerals, as GB/T 9704-2012 prints it: 2024年12月20日."""
    return f"{day.year}年{day.month}月{day.day}日"


def percent(ratio):
    """A ratio as a percentage without trailing zeros: 30%, 70.6%."""
    if ratio is None:
        return "—"
    value = (Decimal(str(ratio)) * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return f"{value.normalize():f}%"


def mark_style(mark):
    """The agency mark on one line: characters of MARK_SIZE_MM, condensed across (never
    wrapped) when the name is longer than the type area holds."""
    natural = len(mark) * MARK_SIZE_MM
    scale = min(1, MARK_MAX_WIDTH_MM / natural)
    offset = (TYPE_AREA_WIDTH_MM - natural) / 2
    return f"width: {natural}mm; margin-left: {offset:.2f}mm; transform: scaleX({scale:.4f});"


def official_document(
    *,
    setting,
    document_number,
    title,
    body,
    issuer,
    issued_on,
    checkpoint=None,
    draft=False,
    attachment_title="",
):
    """The parts every red-header document shares, laid out by the issuing body's setting; a
    draft prints 草稿 on every page and no number, a filed or issued one prints in its 版记
    the audit checkpoint made when it was filed or issued."""
    lines = [line.strip() for line in body.splitlines() if line.strip()]
    salutation = lines.pop(0) if lines and lines[0].endswith(("：", ":")) else ""
    body_of = setting.issuing_body
    return {
        "mark": body_of.mark,
        "mark_style": mark_style(body_of.mark),
        "upward": setting.is_upward,
        "signer": body_of.signer,
        "document_number": "" if draft else document_number,
        "draft": draft,
        "title": title,
        "salutation": salutation,
        "paragraphs": lines,
        "issuer": issuer,
        "issued_on_text": chinese_date(issued_on),
        "copies_to": setting.copies_to,
        "printer": body_of.printer or body_of.full_name,
        "checkpoint": checkpoint,
        "attachment_title": attachment_title,
    }


def pass_list_document(pass_list, entries, draft=False):
    """The pass list as filed, or, before filing, its draft."""
    campaign = pass_list.campaign
    return {
        **official_document(
            setting=document_setting(campaign.town, DocumentKind.PASS_LIST),
            document_number=pass_list.document_number,
            title=pass_list.title,
            body=pass_list.body,
            issuer=pass_list.issuer,
            issued_on=pass_list.issued_on,
            checkpoint=pass_list.checkpoint,
            draft=draft,
            attachment_title=f"{campaign.year}年度{campaign.town.name}平安村(社区)达标名单",
        ),
        "entries": entries,
    }


def bulletin_document(bulletin, villages):
    """The 重点通报 with, for each named village, why it is named: its failing reasons and its
    open rectification orders."""
    open_orders = open_orders_of(villages)
    reasons = failing_reasons_of(villages, bulletin.issued_on)
    return {
        **official_document(
            setting=document_setting(bulletin.town, DocumentKind.BULLETIN),
            document_number=bulletin.document_number,
            title=bulletin.title,
            body=bulletin.body,
            issuer=bulletin.issuer,
            issued_on=bulletin.issued_on,
            checkpoint=bulletin.checkpoint,
            attachment_title="被重点通报村(社区)存在的问题及未完成整改事项",
        ),
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
            setting=document_setting(recommendation_list.city, DocumentKind.RECOMMENDATION),
            document_number=recommendation_list.document_number,
            title=recommendation_list.title,
            body=recommendation_list.body,
            issuer=recommendation_list.issuer,
            issued_on=recommendation_list.issued_on,
            checkpoint=recommendation_list.checkpoint,
            attachment_title=f"{recommendation_list.year}年度平安湖北建设示范村(社区)推荐名单",
        ),
        "recommendations": recommendations,
    }


def rectification_notice_document(order, issued_on):
    """The 限期整改通知书, signed by the full name of the office that inspected."""
    village = order.village
    unit = "社区" if village.kind == village.Kind.COMMUNITY else "村"
    setting = document_setting(village.town, DocumentKind.RECTIFICATION_NOTICE)
    office = setting.issuing_body.full_name
    criterion = order.inspection_finding.criterion
    inspected_on = chinese_date(order.inspection_finding.inspection.inspected_on)
    body = "\n".join(
        [
            f"{village.name}党组织：",
            f"{inspected_on}，{office}对你{unit}开展平安村(社区)创建不定期抽查检查，对照"
            f"“{criterion.label} {criterion.title}”，发现以下问题：{order.problem}",
            f"请你{unit}高度重视，于{chinese_date(order.deadline)}前整改到位，并将整改情况及"
            f"佐证材料报{office}(可通过平安村(社区)创建考评平台报告)。"
            "逾期未整改的，将予以重点通报。",
        ]
    )
    return official_document(
        setting=setting,
        document_number="",
        title="限期整改通知书",
        body=body,
        issuer=office,
        issued_on=issued_on,
    )


def experience_document(practice):
    """The 经验交流 of a 典型经验, issued by the office that published it: the town's, or the
    city's once the city has."""
    village = practice.village
    region = village.town.parent if practice.status == "city_published" else village.town
    setting = document_setting(region, DocumentKind.EXPERIENCE)
    body = "\n".join(
        [
            f"【{village.town.name}{village.name}】",
            f"一、面对的问题。{practice.problem}",
            f"二、主要做法。{practice.action}",
            f"三、取得的成效。{practice.result}",
        ]
    )
    return official_document(
        setting=setting,
        document_number="",
        title=f"经验交流：{practice.title}",
        body=body,
        issuer=setting.issuing_body.full_name,
        issued_on=practice.published_on,
    )


def _verdict(passed):
    return {True: "合格", False: "不合格"}.get(passed, "未复核")


def naming_decision_parts(naming):
    """The attachment of the province's 命名决定: every village named, with its certificate."""
    titles = naming.titles.select_related("village__town__parent").order_by(
        "village__town__path", "village__code"
    )
    rows = [
        {
            "position": position,
            "city": title.village.town.parent.name if title.village.town.parent else "",
            "town": title.village.town.name,
            "village": title.village.name,
            "certificate": title.certificate_number,
        }
        for position, title in enumerate(titles, start=1)
    ]
    title = f"关于命名{naming.period_label}平安湖北建设示范村(社区)的决定"
    body = "\n".join(
        [
            "各市、州、直管市、神农架林区党委平安建设领导小组：",
            "根据《平安湖北建设示范村(社区)命名标准》，经各地推荐、市级抽查复核和省级审核，"
            f"决定命名{len(rows)}个村(社区)为{naming.period_label}平安湖北建设示范村(社区)，"
            "颁发证书和牌匾，命名有效期两年。",
            "各地要加强对示范村(社区)的动态管理，定期开展复核；发生“十无”或“五个不发生”"
            "所列案事件的，即时撤销命名。希望受命名的村(社区)珍惜荣誉、再接再厉，"
            "发挥示范带动作用。",
        ]
    )
    return {
        "title": title,
        "body": body,
        "attachment_title": f"{naming.period_label}平安湖北建设示范村(社区)名单",
        "rows": rows,
    }


def review_bulletin_parts(city, year, campaigns, rates_by_campaign, samples):
    """The city's 抽查复核结果通报: each town's sample and outcomes, and the three rates of
    each town and of the city against the target."""
    towns, total = [], None
    for campaign in campaigns:
        rates = rates_by_campaign[campaign.pk]
        total = rates if total is None else total + rates
        towns.append(
            {
                "campaign": campaign,
                "rates": rates,
                "entries": [
                    {
                        "position": entry.position,
                        "village": entry.assessment.village.name,
                        "code": entry.assessment.village.code,
                        "outcome": _verdict(entry.assessment.city_passed),
                    }
                    for entry in samples.get(campaign.pk, [])
                ],
            }
        )
    sampled = sum(len(town["entries"]) for town in towns)
    reviewed = total.reviewed if total else 0
    review_passed = total.review_passed if total else 0
    rate_text = percent(total.review_pass_rate.value) if total else "—"
    target = f"{total.target_percent}%" if total else "70%"
    met = total is not None and total.review_pass_rate.meets_target
    body = "\n".join(
        [
            "各乡镇(街道)党(工)委平安建设领导小组：",
            f"按照平安村(社区)创建工作安排，市委平安办对各乡镇(街道)报备的{year}年度"
            f"平安村(社区)达标名单开展了抽查复核，共抽取{sampled}个村(社区)，"
            f"已复核{reviewed}个，合格{review_passed}个，复核合格率{rate_text}，"
            + (f"达到{target}的目标要求。" if met else f"未达到{target}的目标要求。"),
            "复核不合格的村(社区)，由所在乡镇(街道)督促限期整改，整改到位前不予命名；"
            "各地要对照标准查找差距，巩固创建成果。现将抽查复核结果通报如下。",
        ]
    )
    return {
        "title": f"关于{year}年度平安村(社区)创建抽查复核结果的通报",
        "body": body,
        "attachment_title": f"{city.name}{year}年度平安村(社区)抽查复核结果",
        "towns": towns,
        "total": total,
    }


def annual_summary_parts(campaign, rates, assessments, counts):
    """The town's 创建工作总结 from the year's figures, a draft the office rewrites."""
    town, year = campaign.town, campaign.year
    body = "\n".join(
        [
            f"{town.parent.name if town.parent else ''}委平安办：",
            f"{year}年，{town.name}按照“全面创建、纵深推进、年度命名、动态管理”的要求，"
            f"组织全镇{rates.total}个村(社区)开展平安村(社区)创建，现将工作情况总结如下。",
            f"一、创建情况。{counts['submitted']}个村(社区)按期完成自评，经镇级考核、"
            f"镇党委平安建设领导小组审定，{rates.passed}个村(社区)达标，"
            f"达标率{percent(rates.pass_rate.value)}。",
            f"二、抽查复核。市委平安办抽查复核{rates.reviewed}个村(社区)，合格"
            f"{rates.review_passed}个，复核合格率{percent(rates.review_pass_rate.value)}；"
            f"年末持有有效称号的村(社区){rates.holding}个，称号保有率"
            f"{percent(rates.holding_rate.value)}。",
            f"三、日常督导。全年开展不定期抽查检查{counts['inspections']}次，下达限期整改"
            f"{counts['orders']}项，已整改销号{counts['orders_accepted']}项，"
            f"印发重点通报{counts['bulletins']}期；登记案事件{counts['incidents']}起。",
            "四、存在问题和下一步打算。(请结合实际补充。)",
        ]
    )
    return {
        "title": f"{town.name}{year}年度平安村(社区)创建工作总结",
        "body": body,
        "attachment_title": f"{town.name}{year}年度各村(社区)创建结果",
        "villages": [
            {
                "position": position,
                "village": assessment.village.name,
                "town": assessment.town_verdict_label,
                "city": _verdict(assessment.city_passed)
                if assessment.city_passed is not None
                else "未抽中",
            }
            for position, assessment in enumerate(assessments, start=1)
        ],
    }


def document_parts(kind, region, year, naming=None):
    """Title, body, attachment title and attachment rows of a document drafted from the year:
    the figures as they stand now (an issued document keeps those of its day in its PDF)."""
    if kind == DocumentKind.NAMING_DECISION:
        return naming_decision_parts(naming)
    if kind == DocumentKind.REVIEW_BULLETIN:
        campaigns = list(
            Campaign.objects.filter(year=year, town__path__startswith=region.path)
            .select_related("town")
            .order_by("town__code")
        )
        target = target_ratio_for(campaigns[0].town) if campaigns else None
        samples = {}
        for entry in (
            SampleEntry.objects.filter(sample__campaign__in=campaigns, sample__is_current=True)
            .select_related("assessment__village", "sample")
            .order_by("position")
        ):
            samples.setdefault(entry.sample.campaign_id, []).append(entry)
        return review_bulletin_parts(
            region, year, campaigns, rates_by_campaign(campaigns, target), samples
        )
    campaign = Campaign.objects.select_related("town__parent").get(town=region, year=year)
    assessments = (
        Assessment.objects.filter(campaign=campaign, kind=Assessment.Kind.YEARLY)
        .select_related("village")
        .order_by("village__code")
    )
    villages = Assessment.objects.filter(campaign=campaign).values("village")
    orders = RectificationOrder.objects.filter(
        village__in=villages, created_at__year=year, village__town=region
    )
    counts = {
        "submitted": assessments.filter(submitted_at__isnull=False).count(),
        "inspections": Inspection.objects.filter(
            village__in=villages, inspected_on__year=year
        ).count(),
        "orders": orders.count(),
        "orders_accepted": orders.filter(status=RectificationOrder.Status.ACCEPTED).count(),
        "bulletins": Bulletin.objects.filter(town=region, issued_on__year=year).count(),
        "incidents": Incident.objects.filter(
            village__in=villages, occurred_on__year=year, status=Incident.Status.RECORDED
        ).count(),
    }
    rates = rates_by_campaign([campaign], target_ratio_for(region))[campaign.pk]
    return annual_summary_parts(campaign, rates, assessments, counts)


def drafted_document(document, draft):
    """The printed form of a drafted document: its text as edited, its attachment from the
    year's figures."""
    setting = document_setting(document.region, document.kind)
    parts = document_parts(document.kind, document.region, document.year, document.naming)
    return {
        **parts,
        **official_document(
            setting=setting,
            document_number=document.document_number,
            title=document.title,
            body=document.body,
            issuer=document.issuer,
            issued_on=document.issued_on or document.updated_at.date(),
            checkpoint=document.checkpoint,
            draft=draft,
            attachment_title=parts["attachment_title"],
        ),
    }


DOCUMENT_TEMPLATES = {
    DocumentKind.NAMING_DECISION: "documents/naming_decision.html",
    DocumentKind.REVIEW_BULLETIN: "documents/review_bulletin.html",
    DocumentKind.ANNUAL_SUMMARY: "documents/annual_summary.html",
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
