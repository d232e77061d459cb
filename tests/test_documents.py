"""Official documents after GB/T 9704-2012, measured from the PDFs themselves: the agency mark
on one line inside the type area, 28 characters to a body line and 22 lines to a page, page
numbers on alternate sides, the 版记 on the last page, drafts marked 草稿 and unnumbered; and
the documents drafted from the year's figures, edited, issued and frozen."""

import os
import re
import subprocess
from datetime import date
from pathlib import Path
from urllib.parse import unquote

import pytest
from django.urls import reverse

from assessments import services
from assessments.documents import (
    DOCUMENT_TEMPLATES,
    drafted_document,
    pass_list_document,
    rectification_notice_document,
)
from assessments.models import (
    Criterion,
    NamingBatch,
    OfficialDocument,
    PassList,
    RecommendationList,
)
from assessments.selectors import current_sample, sample_entries
from pingan.errors import InvalidInput, NotPermitted
from pingan.pdf import render_pdf
from tests.helpers import inspect_short, recommend_and_name, review_base_year
from tests.pdf_checks import MM, TYPE_AREA, check_printout, layout_lines
from villages.models import IssuingBody

SCREENSHOTS = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
# The draft mark is set at a slant: poppler reads its two characters as lines of their own.
DRAFT_MARK = {"草", "稿", "草稿"}
PAGE_NUMBER = re.compile(r"^—(\d+)—$")
IMPRINT_DATE = re.compile(r"\d{4}年\d{1,2}月\d{1,2}日印发$")


@pytest.fixture(scope="module")
def named_once(module_records, module_base):
    """2024 filed (崔王村 short of cameras), sampled and re-reviewed, 新沟村 recommended by
    天门市 and named by 湖北省."""

    def build():
        base = module_base.fresh()
        campaign = review_base_year(base, "documents")
        recommend_and_name(base["people"], campaign, base["xingou"])
        return campaign

    return module_records.build(build)


pytestmark = pytest.mark.usefixtures("module_base", "named_once")


@pytest.fixture
def year(db, named_once):
    return named_once.fresh()


def stored(document):
    with document.pdf.open("rb") as pdf:
        return pdf.read()


def issued_bulletin(people, town):
    return services.issue_bulletin(
        actor=people["town_office"],
        town=town,
        document_number="汪发〔2025〕2号",
        title="关于平安村(社区)创建工作滞后村(社区)的通报",
        body="各村(社区)党组织：\n现将创建工作滞后的村(社区)通报如下。",
        issuer="中共汪场镇委员会",
        issued_on=date(2025, 1, 10),
        villages=[town.villages.get(name="崔王村")],
    )


def printouts(year, people, wangchang, xingou):
    """Every official document the year produces, as PDF bytes, by name."""
    cameras = Criterion.objects.get(standard=year.standard, key="technical-prevention.cameras")
    order = inspect_short(people["town_office"], xingou, cameras).findings.get()
    order = order.rectification_order
    documents = {
        "pass_list": stored(PassList.objects.get(campaign=year)),
        "bulletin": stored(issued_bulletin(people, wangchang)),
        "recommendation": stored(RecommendationList.objects.get()),
        "rectification_notice": render_pdf(
            "documents/official.html", rectification_notice_document(order, date(2025, 1, 5))
        ),
    }
    drafts = {
        "naming_decision": ("province_office", {"naming_id": NamingBatch.objects.get().pk}),
        "review_bulletin": (
            "city_office",
            {"region_id": wangchang.parent.pk, "year": year.year},
        ),
        "annual_summary": ("town_office", {"region_id": wangchang.pk, "year": year.year}),
    }
    for kind, (role, where) in drafts.items():
        document = services.draft_document(actor=people[role], kind=kind, **where)
        documents[kind] = render_pdf(DOCUMENT_TEMPLATES[kind], drafted_document(document, True))
    return documents


def test_every_document_prints_in_the_layout_of_the_standard(
    year, people, wangchang, xingou, tmp_path
):
    # `make screenshots` keeps the first page of each in docs/screenshots.
    folder = SCREENSHOTS if os.environ.get("PINGAN_SCREENSHOTS") else tmp_path
    for name, pdf in printouts(year, people, wangchang, xingou).items():
        path = tmp_path / f"{name}.pdf"
        path.write_bytes(pdf)
        check_printout(path, tmp_path)
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "60",
                "-singlefile",
                "-f",
                "1",
                "-l",
                "1",
                str(path),
                str(folder / f"document-{name.replace('_', '-')}"),
            ],
            check=True,
        )
        lines = layout_lines(pdf, tmp_path)
        pages = max(line.page for line in lines)
        numbers = [line for line in lines if PAGE_NUMBER.match(line.text)]
        assert [int(PAGE_NUMBER.match(n.text).group(1)) for n in numbers] == list(
            range(1, pages + 1)
        ), name
        for number in numbers:
            # Below the type area; odd pages on the right half, even on the left.
            assert number.y_min > TYPE_AREA[3], name
            middle = (number.x_min + number.x_max) / 2
            assert (middle > 105 * MM) == (number.page % 2 == 1), (name, number)
        imprint = [line for line in lines if IMPRINT_DATE.search(line.text)]
        assert [line.page for line in imprint] == [pages], name
        assert imprint[0].y_max <= TYPE_AREA[3] + 1, name
        mark = next(line for line in lines if line.page == 1 and line.y_min < 70 * MM)
        assert TYPE_AREA[0] <= mark.x_min and mark.x_max <= TYPE_AREA[2], (name, mark)
        assert mark.y_min >= TYPE_AREA[1] - 1, (name, mark)


def test_the_longest_agency_mark_keeps_to_one_line_inside_the_type_area(
    year, people, wangchang, tmp_path
):
    recommendation = stored(RecommendationList.objects.get())
    lines = layout_lines(recommendation, tmp_path)
    mark = [line for line in lines if "天门市委平安天门建设领导小组文件" in line.text]
    assert len(mark) == 1 and mark[0].text == "天门市委平安天门建设领导小组文件"
    assert TYPE_AREA[0] <= mark[0].x_min and mark[0].x_max <= TYPE_AREA[2]
    # 上行文: the number on the left, 签发人 on the right, on one line.
    number = next(line for line in lines if line.text == "天平安组〔2024〕3号")
    signer = next(line for line in lines if line.text.startswith("签发人："))
    assert number.x_min < 40 * MM and signer.x_max > 170 * MM
    assert abs(number.y_max - signer.y_max) < 2 and signer.text == "签发人：刘志刚"

    longest = "中共湖北省天门市汪场镇平安建设暨综合治理领导小组办公室文件"
    IssuingBody.objects.filter(region=wangchang).update(mark=longest)
    bulletin = issued_bulletin(people, wangchang)
    lines = layout_lines(stored(bulletin), tmp_path)
    mark = [line for line in lines if line.text == longest]
    assert len(mark) == 1
    assert TYPE_AREA[0] <= mark[0].x_min and mark[0].x_max <= TYPE_AREA[2]
    assert mark[0].x_max - mark[0].x_min > 140 * MM


def test_body_lines_hold_28_characters_and_pages_22_lines(year, people, wangchang, tmp_path):
    document = services.draft_document(
        actor=people["town_office"], kind="annual_summary", region_id=wangchang.pk, year=2024
    )
    paragraph = "全面创建纵深推进年度命名动态管理" * 12
    document.body = "\n".join(["天门市委平安办："] + [paragraph] * 8)
    document.save()
    pdf = render_pdf("documents/annual_summary.html", drafted_document(document, True))
    lines = layout_lines(pdf, tmp_path)
    body = [
        line
        for line in lines
        if line.page == 2
        and TYPE_AREA[1] - 1 <= line.y_min
        and line.y_max <= TYPE_AREA[3] + 1
        and line.text not in DRAFT_MARK
    ]
    assert len(body) == 22
    # A full line fills the type area with 28 characters; a paragraph's first line is
    # indented by two.
    full = [line for line in body if line.x_max > TYPE_AREA[2] - 3 * MM]
    assert len(full) > 15
    for line in full:
        indented = line.x_min > TYPE_AREA[0] + 5 * MM
        assert len(line.text) == (26 if indented else 28), line


def test_a_draft_differs_from_the_filed_pass_list_by_the_draft_mark_and_the_number(year, tmp_path):
    pass_list = PassList.objects.get(campaign=year)
    entries = list(pass_list.entries.all())
    draft = render_pdf("documents/pass_list.html", pass_list_document(pass_list, entries, True))

    def text(pdf):
        return [line.text for line in layout_lines(pdf, tmp_path)]

    filed, drafted = text(stored(pass_list)), text(draft)
    marked = {line.page for line in layout_lines(draft, tmp_path) if line.text == "草"}
    assert marked == {line.page for line in layout_lines(draft, tmp_path)}
    assert "汪发〔2024〕12号" in filed and not any("汪发" in line for line in drafted)
    kept = sorted(line for line in filed if line != "汪发〔2024〕12号")
    assert kept == sorted(line for line in drafted if line not in DRAFT_MARK)


def test_tables_keep_short_words_whole_and_percentages_plain(year, people, tmp_path):
    pass_list = PassList.objects.get(campaign=year)
    lines = [line.text for line in layout_lines(stored(pass_list), tmp_path)]
    assert "序号" in "".join(lines)
    for entry in pass_list.entries.all():
        assert any(entry.village_name in line for line in lines), entry.village_name
    sample = current_sample(year)
    pdf = render_pdf(
        "documents/sample.html",
        {
            "campaign": year,
            "sample": sample,
            "entries": sample_entries(sample),
            "drawn_on": "2025年1月1日",
            "ratio_percent": sample.ratio_percent,
        },
    )
    text = "".join(line.text for line in layout_lines(pdf, tmp_path))
    assert "抽查比例：30%" in text and "30.000%" not in text


def test_the_city_drafts_edits_and_issues_its_review_bulletin(client, year, people, wangchang):
    city = wangchang.parent
    client.force_login(people["city_office"])
    response = client.post(
        reverse("assessments:document_draft"),
        {"kind": "review_bulletin", "region": city.pk, "year": 2024},
    )
    document = OfficialDocument.objects.get(kind="review_bulletin")
    assert response.url == reverse("assessments:document_detail", args=[document.pk])
    assert "复核合格率100%，达到70%的目标要求" in document.body
    draft = client.get(reverse("assessments:document_pdf", args=[document.pk]))
    assert draft.status_code == 200 and "草稿" in unquote(draft["Content-Disposition"])

    client.force_login(people["town_office"])
    assert client.get(response.url).status_code == 404

    client.force_login(people["city_office"])
    with pytest.raises(InvalidInput, match="发文字号和成文日期"):
        services.issue_document(actor=people["city_office"], document_id=document.pk)
    client.post(
        response.url,
        {
            "title": document.title,
            "body": document.body + "\n各地要举一反三。",
            "issuer": document.issuer,
            "document_number": "天平安组〔2025〕1号",
            "issued_on": "2025-01-15",
        },
    )
    client.post(reverse("assessments:document_issue", args=[document.pk]), {"confirmed": "yes"})
    document.refresh_from_db()
    assert document.status == OfficialDocument.Status.ISSUED and document.pdf
    assert document.checkpoint is not None
    first = b"".join(client.get(reverse("assessments:document_pdf", args=[document.pk])))
    assert first == stored(document)
    assert [e.to_status for e in document.events.order_by("id")] == ["draft", "issued"]

    edit = client.post(response.url, {"title": "改", "body": "改", "issuer": "改"})
    assert edit.status_code == 403
    document.refresh_from_db()
    assert document.title != "改"
    client.force_login(people["town_office"])
    assert client.get(response.url).status_code == 200


def test_a_number_already_used_by_the_body_is_refused(year, people, wangchang):
    document = services.draft_document(
        actor=people["town_office"], kind="annual_summary", region_id=wangchang.pk, year=2024
    )
    services.save_document(
        actor=people["town_office"],
        document_id=document.pk,
        title=document.title,
        body=document.body,
        issuer=document.issuer,
        document_number="汪发〔2024〕12号",
        issued_on=date(2025, 1, 20),
    )
    with pytest.raises(InvalidInput, match="已用于"):
        services.issue_document(actor=people["town_office"], document_id=document.pk)


def test_the_province_s_naming_decision_lists_the_named_villages_and_certificates(
    year, people, tmp_path
):
    naming = NamingBatch.objects.get()
    document = services.draft_document(
        actor=people["province_office"], kind="naming_decision", naming_id=naming.pk
    )
    assert document.title == "关于命名2024—2025年度平安湖北建设示范村(社区)的决定"
    pdf = render_pdf("documents/naming_decision.html", drafted_document(document, True))
    text = "".join(line.text for line in layout_lines(pdf, tmp_path))
    assert "新沟村" in text and "鄂平安示范〔2024〕001号" in text
    assert "中共湖北省委平安湖北建设领导小组文件" in text
    with pytest.raises(NotPermitted):
        services.draft_document(
            actor=people["city_office"], kind="naming_decision", naming_id=naming.pk
        )


def test_the_town_s_summary_is_drafted_from_the_year_s_figures(year, people, wangchang):
    document = services.draft_document(
        actor=people["town_office"], kind="annual_summary", region_id=wangchang.pk, year=2024
    )
    assert "组织全镇17个村(社区)开展平安村(社区)创建" in document.body
    assert "16个村(社区)达标，达标率94.1%" in document.body
    again = services.draft_document(
        actor=people["town_office"], kind="annual_summary", region_id=wangchang.pk, year=2024
    )
    assert again == document
    assert document.title == "汪场镇2024年度平安村(社区)创建工作总结"
    with pytest.raises(InvalidInput, match="没有2023年度的创建活动"):
        services.draft_document(
            actor=people["town_office"], kind="annual_summary", region_id=wangchang.pk, year=2023
        )
