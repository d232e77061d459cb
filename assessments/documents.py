"""Contexts of the printed documents; rendering itself is pingan.pdf.render_pdf."""

from assessments.models import RectificationOrder


def chinese_date(day):
    return f"{day.year}年{day.month}月{day.day}日"


def official_document(*, issuer_mark, document_number, title, body, issuer, issued_on):
    """The parts every red-header document shares."""
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
        ),
        "attachment_title": f"{campaign.year}年度{campaign.town.name}平安村(社区)达标名单",
        "entries": entries,
    }


def bulletin_document(bulletin, villages):
    """The 重点通报 with, for each named village, its open rectification orders."""
    open_orders = {}
    for order in RectificationOrder.objects.filter(
        village__in=villages,
        status__in=[RectificationOrder.Status.OPEN, RectificationOrder.Status.REPORTED],
    ).order_by("deadline"):
        open_orders.setdefault(order.village_id, []).append(order)
    return {
        **official_document(
            issuer_mark=f"中共{bulletin.town.name}委员会文件",
            document_number=bulletin.document_number,
            title=bulletin.title,
            body=bulletin.body,
            issuer=bulletin.issuer,
            issued_on=bulletin.issued_on,
        ),
        "attachment_title": "被重点通报村(社区)及未完成整改事项",
        "named": [
            {"village": village, "orders": open_orders.get(village.pk, [])}
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
