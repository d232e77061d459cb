"""Town spot inspections, rectification orders and the 重点通报."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from pypdf import PdfReader

from assessments import services
from assessments.models import (
    Assessment,
    Bulletin,
    Criterion,
    Evidence,
    Inspection,
    RectificationEvent,
    RectificationOrder,
)
from pingan.errors import InvalidInput, InvalidTransition, NotPermitted
from tests import files
from tests.factories import RegionFactory, VillageFactory, user_with_role
from tests.helpers import finish_photos
from villages.models import Membership, Village

TODAY = date.today()


@pytest.fixture
def criteria(standards):
    safe_village = standards[0]
    return {
        "cameras": Criterion.objects.get(standard=safe_village, key="technical-prevention.cameras"),
        "publicity": Criterion.objects.get(standard=safe_village, key="publicity"),
        "mediation": Criterion.objects.get(standard=safe_village, key="mediation"),
    }


def inspect(people, village, criteria, deadline=TODAY + timedelta(days=15), inspected_on=TODAY):
    return services.record_inspection(
        actor=people["town_office"],
        village_id=village.pk,
        inspected_on=inspected_on,
        inspectors="张三、李四",
        summary="随机抽查",
        findings=[
            {"criterion_id": criteria["mediation"].pk, "met": True, "comment": ""},
            {
                "criterion_id": criteria["cameras"].pk,
                "met": False,
                "comment": "仅3个探头接入综治中心",
                "deadline": deadline,
            },
        ],
    )


def test_shortfall_opens_an_order_with_its_deadline(people, xingou, criteria):
    inspection = inspect(people, xingou, criteria)
    order = RectificationOrder.objects.get()
    assert order.village == xingou
    assert order.inspection_finding.inspection == inspection
    assert order.problem == "仅3个探头接入综治中心"
    assert order.status == RectificationOrder.Status.OPEN
    assert order.deadline == TODAY + timedelta(days=15)
    event = order.events.get()
    assert (event.action, event.to_status, event.actor) == (
        "issued",
        "open",
        people["town_office"],
    )
    assert inspection.findings.count() == 2


def test_shortfall_without_a_deadline_stores_nothing(people, xingou, criteria):
    with pytest.raises(InvalidInput, match="整改期限"):
        inspect(people, xingou, criteria, deadline=None)
    assert not Inspection.objects.exists()
    assert not RectificationOrder.objects.exists()


def test_only_the_town_office_inspects(people, xingou, criteria):
    for role in ["secretary", "town_leading_group", "city_office"]:
        with pytest.raises(NotPermitted):
            services.record_inspection(
                actor=people[role],
                village_id=xingou.pk,
                inspected_on=TODAY,
                inspectors="x",
                summary="",
                findings=[{"criterion_id": criteria["publicity"].pk, "met": True}],
            )
    assert not Inspection.objects.exists()


def test_inspection_through_the_page(client, people, xingou, criteria):
    client.force_login(people["town_office"])
    response = client.post(
        reverse("assessments:inspection_create"),
        {
            "village": xingou.pk,
            "inspected_on": TODAY.isoformat(),
            "inspectors": "王五",
            "summary": "",
            f"c{criteria['publicity'].pk}-result": "not_met",
            f"c{criteria['publicity'].pk}-comment": "宣传栏内容陈旧",
            f"c{criteria['publicity'].pk}-deadline": (TODAY + timedelta(days=10)).isoformat(),
            f"c{criteria['mediation'].pk}-result": "met",
        },
    )
    assert response.status_code == 302
    assert RectificationOrder.objects.get().problem == "宣传栏内容陈旧"


def test_overdue_order_stands_out_for_the_town(client, people, xingou, criteria):
    inspect(
        people,
        xingou,
        criteria,
        deadline=TODAY - timedelta(days=1),
        inspected_on=TODAY - timedelta(days=20),
    )
    client.force_login(people["town_office"])
    home = client.get(reverse("home"), follow=True).content.decode()
    assert "有 1 项限期整改已逾期" in home
    listing = client.get(reverse("assessments:order_list"))
    assert listing.context["overdue_count"] == 1
    assert 'class="overdue"' in listing.content.decode()
    order = RectificationOrder.objects.get()
    detail = client.get(reverse("assessments:order_detail", args=[order.pk])).content.decode()
    assert "已逾期" in detail


def test_village_sees_only_its_own_orders(client, people, xingou, cuiwang, criteria):
    inspect(people, xingou, criteria)
    inspect(people, cuiwang, criteria)
    own, foreign = (
        RectificationOrder.objects.get(village=xingou),
        RectificationOrder.objects.get(village=cuiwang),
    )
    client.force_login(people["secretary"])
    listing = client.get(reverse("assessments:order_list"))
    assert [o.pk for o in listing.context["orders"]] == [own.pk]
    assert client.get(reverse("assessments:order_detail", args=[own.pk])).status_code == 200
    assert client.get(reverse("assessments:order_detail", args=[foreign.pk])).status_code == 404
    assert client.get(reverse("assessments:inspection_list")).status_code == 403


def test_report_accept_and_reopen(client, people, xingou, criteria):
    inspect(people, xingou, criteria)
    order = RectificationOrder.objects.get()
    client.force_login(people["secretary"])
    response = client.post(
        reverse("assessments:order_detail", args=[order.pk]),
        {"report": "新增2个探头并接入综治中心", "files": [files.jpeg("新探头.jpg")]},
    )
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == RectificationOrder.Status.REPORTED
    evidence = Evidence.objects.get(rectification_order=order)
    assert evidence.village == xingou and evidence.assessment is None
    finish_photos()
    assert (
        client.get(reverse("assessments:evidence_download", args=[evidence.pk])).status_code == 200
    )

    with pytest.raises(NotPermitted):
        services.accept_rectification(actor=people["secretary"], order_id=order.pk)
    client.force_login(people["town_office"])
    client.post(
        reverse("assessments:order_reopen", args=[order.pk]),
        {"reason": "探头画质不达标", "deadline": (TODAY + timedelta(days=7)).isoformat()},
    )
    order.refresh_from_db()
    assert (order.status, order.deadline) == ("open", TODAY + timedelta(days=7))
    services.report_rectification(actor=people["secretary"], order_id=order.pk, report="已更换")
    client.post(reverse("assessments:order_accept", args=[order.pk]), {"comment": "复查合格"})
    order.refresh_from_db()
    assert order.status == RectificationOrder.Status.ACCEPTED
    assert list(order.events.order_by("id").values_list("action", flat=True)) == [
        "issued",
        "reported",
        "reopened",
        "reported",
        "accepted",
    ]
    with pytest.raises(InvalidTransition):
        services.report_rectification(actor=people["secretary"], order_id=order.pk, report="再报")


def test_refused_report_upload_changes_nothing(people, xingou, criteria, private_media_root):
    inspect(people, xingou, criteria)
    order = RectificationOrder.objects.get()
    with pytest.raises(InvalidInput):
        services.report_rectification(
            actor=people["secretary"],
            order_id=order.pk,
            report="已整改",
            uploads=[files.executable_as_jpeg()],
        )
    order.refresh_from_db()
    assert order.status == "open" and order.report == ""
    assert not RectificationEvent.objects.filter(action="reported").exists()
    assert not private_media_root.exists() or not any(
        path.is_file() for path in private_media_root.rglob("*")
    )


def test_bulletin_names_laggards_with_their_open_orders(client, people, xingou, cuiwang, criteria):
    inspect(
        people,
        xingou,
        criteria,
        deadline=TODAY - timedelta(days=1),
        inspected_on=TODAY - timedelta(days=30),
    )
    client.force_login(people["town_office"])
    page = client.get(reverse("assessments:bulletin_create"))
    assert page.context["notes"][str(xingou.pk)] == ["逾期未整改 1 项"]
    fields = {
        "document_number": "汪发〔2024〕15号",
        "title": "关于平安村(社区)创建工作进展情况的通报",
        "body": "各村(社区)党支部：\n现将有关情况通报如下。",
        "issuer": "中共汪场镇委员会",
        "issued_on": TODAY.isoformat(),
    }
    refused = client.post(
        reverse("assessments:bulletin_create"), {**fields, "villages": [xingou.pk, cuiwang.pk]}
    )
    assert refused.status_code == 400
    assert "既无考评问题也无未完成的整改事项" in refused.text and "崔王村" in refused.text
    assert not Bulletin.objects.exists()
    response = client.post(
        reverse("assessments:bulletin_create"), {**fields, "villages": [xingou.pk]}
    )
    bulletin = Bulletin.objects.get()
    assert response["Location"] == reverse("assessments:bulletin_list")
    listed = client.get(response["Location"]).text
    assert "汪发〔2024〕15号" in listed
    assert reverse("assessments:bulletin_pdf", args=[bulletin.pk]) in listed
    text = "".join(p.extract_text() for p in PdfReader(bulletin.pdf.path).pages)
    compact = text.replace(" ", "").replace("\n", "")
    assert "汪发〔2024〕15号" in compact
    assert "新沟村" in compact and "仅3个探头接入综治中心" in compact and "逾期未整改" in compact
    assert "别台村" not in compact


def test_bulletin_refuses_another_towns_village(people, wangchang, criteria):
    other_town = RegionFactory(code="429006105", name="另一镇", parent=wangchang.parent)
    stranger = VillageFactory(town=other_town)
    with pytest.raises(InvalidInput, match="只能通报本镇"):
        services.issue_bulletin(
            actor=people["town_office"],
            town=wangchang,
            document_number="汪发〔2024〕16号",
            title="通报",
            body="正文",
            issuer="中共汪场镇委员会",
            issued_on=TODAY,
            villages=[stranger],
        )
    assert not Bulletin.objects.exists()
    village_secretary = user_with_role(
        Membership.Role.SECRETARY, Village.objects.get(name="崔王村")
    )
    with pytest.raises(NotPermitted):
        services.issue_bulletin(
            actor=village_secretary,
            town=wangchang,
            document_number="汪发〔2024〕16号",
            title="通报",
            body="正文",
            issuer="x",
            issued_on=TODAY,
            villages=[],
        )


def test_a_bulletin_lists_why_each_village_is_named(people, campaign, xingou, cuiwang, criteria):
    Assessment.objects.filter(campaign=campaign, village=cuiwang).update(
        due_date=TODAY - timedelta(days=5)
    )
    Assessment.objects.filter(campaign=campaign, village=xingou).update(
        status=Assessment.Status.TOWN_ASSESSED,
        town_passed=False,
        town_reasons=["五(2) 高清探头：实际3个，要求不少于5个"],
    )
    bulletin = services.issue_bulletin(
        actor=people["town_office"],
        town=xingou.town,
        document_number="汪发〔2024〕17号",
        title="关于平安村(社区)创建工作进展情况的通报",
        body="各村(社区)党支部：\n请对照附件所列问题整改。",
        issuer="中共汪场镇委员会",
        issued_on=TODAY,
        villages=[xingou, cuiwang],
    )
    text = "".join(p.extract_text() for p in PdfReader(bulletin.pdf.path).pages)
    compact = text.replace(" ", "").replace("\n", "")
    assert "2024年度镇级考核不达标：五(2)高清探头：实际3个，要求不少于5个" in compact
    assert "2024年度自评逾期未提交" in compact
    assert "无未完成的整改事项" not in compact


def test_the_bulletin_list_finds_every_issued_document_again(client, people, xingou, criteria):
    inspect(people, xingou, criteria)
    bulletin = services.issue_bulletin(
        actor=people["town_office"],
        town=xingou.town,
        document_number="汪发〔2024〕18号",
        title="重点通报",
        body="各村(社区)党支部：\n请整改。",
        issuer="中共汪场镇委员会",
        issued_on=TODAY,
        villages=[xingou],
    )
    for role in ["town_office", "city_office", "province_office"]:
        client.force_login(people[role])
        page = client.get(reverse("assessments:bulletin_list"))
        assert page.status_code == 200
        assert "汪发〔2024〕18号" in page.text and "新沟村" in page.text
        assert reverse("assessments:bulletin_pdf", args=[bulletin.pk]) in page.text
    client.force_login(people["secretary"])
    assert client.get(reverse("assessments:bulletin_list")).status_code == 403


def test_inspection_and_order_pages_name_the_item_as_printed(client, people, xingou, criteria):
    inspection = inspect(people, xingou, criteria)
    order = RectificationOrder.objects.get()
    label = f"{criteria['cameras'].label} {criteria['cameras'].title}"
    assert label.startswith("五(")
    client.force_login(people["town_office"])
    assert label in client.get(reverse("assessments:inspection_detail", args=[inspection.pk])).text
    assert label in client.get(reverse("assessments:order_detail", args=[order.pk])).text


def test_a_rectification_notice_is_rendered_once_while_what_it_prints_holds(
    client, people, xingou, criteria, pdf_renders
):
    inspect(people, xingou, criteria)
    order = xingou.rectification_orders.get()
    rendered = pdf_renders
    client.force_login(people["secretary"])
    notice = reverse("assessments:order_notice_pdf", args=[order.pk])
    first = client.get(notice).content
    assert client.get(notice).content == first and len(rendered) == 1
    type(order).objects.filter(pk=order.pk).update(deadline=TODAY + timedelta(days=30))
    assert client.get(notice).content != first and len(rendered) == 2
