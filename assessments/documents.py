"""Contexts of the printed documents; rendering itself is pingan.pdf.render_pdf."""


def chinese_date(day):
    return f"{day.year}年{day.month}月{day.day}日"


def official_document(*, town, document_number, title, body, issuer, issued_on):
    """The parts every red-header document shares."""
    lines = [line.strip() for line in body.splitlines() if line.strip()]
    salutation = lines.pop(0) if lines and lines[0].endswith(("：", ":")) else ""
    return {
        "issuer_mark": f"中共{town.name}委员会文件",
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
            town=campaign.town,
            document_number=pass_list.document_number,
            title=pass_list.title,
            body=pass_list.body,
            issuer=pass_list.issuer,
            issued_on=pass_list.issued_on,
        ),
        "attachment_title": f"{campaign.year}年度{campaign.town.name}平安村(社区)达标名单",
        "entries": entries,
    }
