"""Dashboards against a scenario computed by hand, constant queries, and the printouts."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db.models import F
from django.urls import reverse

from assessments import services
from assessments.dashboards import region_ranking, town_dashboard
from assessments.models import CampaignTally, Criterion, IncidentCategory
from assessments.selectors import criteria_of
from assessments.tallies import sums_under
from tests.factories import RegionFactory, VillageFactory, user_with_role
from tests.helpers import new_campaign, run_base_year, run_town_year
from tests.pdf_checks import check_printout
from villages.models import Membership

SHORT = ("崔王村", "别台村", "石谭村")
TODAY = date.today()


def re_review_all(people, sample, failing_position=1):
    for entry in sample.entries.order_by("position"):
        judged = [c for c in criteria_of(entry.assessment.standard) if c.is_judged]
        findings = [{"criterion_id": c.pk, "agrees": True} for c in judged]
        if entry.position == failing_position:
            cameras = Criterion.objects.get(
                standard=entry.assessment.standard, key="technical-prevention.cameras"
            )
            findings = [f for f in findings if f["criterion_id"] != cameras.pk]
            findings.append(
                {"criterion_id": cameras.pk, "agrees": False, "value": 2, "comment": "仅2个"}
            )
        services.save_findings(
            actor=people["city_office"],
            assessment_id=entry.assessment.pk,
            findings=findings,
            stage="city",
        )
        services.conclude_city_review(
            actor=people["city_office"], assessment_id=entry.assessment.pk
        )


@pytest.fixture(scope="class")
def scenario_once(class_records, class_base):
    """17 villages, 14 达标 (3 short of cameras), 6 sampled, 1 failing re-review, the review
    closed (13 titles), an overdue order and an incident of the year."""

    def build():
        base = class_base.fresh()
        campaign, people, xingou = base["campaign"], base["people"], base["xingou"]
        call_command("loaddata", "fixtures/sampling_rules.json", verbosity=0)
        run_base_year(base, SHORT)
        sample = services.draw_sample(
            actor=people["city_office"],
            campaign_id=campaign.pk,
            ratio=Decimal("0.4"),
            minimum_count=3,
            seed="dashboard",
        )
        re_review_all(people, sample)
        services.close_city_review(actor=people["city_office"], campaign_id=campaign.pk)
        services.record_inspection(
            actor=people["town_office"],
            village_id=xingou.pk,
            inspected_on=TODAY - timedelta(days=20),
            inspectors="张三",
            summary="",
            findings=[
                {
                    "criterion_id": Criterion.objects.get(
                        standard=campaign.standard, key="publicity"
                    ).pk,
                    "met": False,
                    "comment": "宣传栏破损",
                    "deadline": TODAY - timedelta(days=2),
                }
            ],
        )
        category = IncidentCategory.objects.get(code="vice")
        category.disqualifying = False
        category.save()
        services.record_incident(
            actor=people["town_office"],
            village_id=xingou.pk,
            category_id=category.pk,
            occurred_on=date(2024, 6, 1),
            description="赌博",
        )
        return campaign

    return class_records.build(build)


@pytest.fixture
def scenario(db, scenario_once):
    return scenario_once.fresh()


@pytest.mark.usefixtures("class_base")
class TestOneYearFigures:
    """Three views of one year, built once for the class."""

    def test_town_dashboard_figures_match_the_scenario(self, client, scenario, people, wangchang):
        dashboard = town_dashboard(wangchang, TODAY)
        rates = dashboard.rates
        assert (rates.pass_rate.numerator, rates.pass_rate.denominator) == (14, 17)
        assert (rates.review_pass_rate.numerator, rates.review_pass_rate.denominator) == (5, 6)
        assert (rates.holding_rate.numerator, rates.holding_rate.denominator) == (13, 17)
        assert sum(row["sampled"] for row in dashboard.rows) == 6
        assert sum(row["assessment"].city_passed is False for row in dashboard.rows) == 1
        assert dashboard.state_counts == {"已审定": 17}
        assert (dashboard.open_orders, dashboard.overdue_orders) == (1, 1)
        assert len(dashboard.incidents) == 1
        ((cameras, failures),) = dashboard.failures
        assert (cameras.key, failures) == ("technical-prevention.cameras", 3)
        assert [year for year, _ in dashboard.history] == [2024]

        client.force_login(people["town_office"])
        response = client.get(reverse("home"), follow=True)
        assert response.redirect_chain[-1][0] == reverse(
            "assessments:town_dashboard", args=[wangchang.pk]
        )
        page = response.content.decode()
        assert "82.4%" in page and "83.3%" in page and "76.5%" in page
        assert "<svg" in page and "目标 70%" in page
        assert "五(2) 公共区域高清探头接入乡镇…" in page
        assert reverse("assessments:order_list") in page
        assert reverse("assessments:incident_list") in page

    def test_city_ranking_sorts_towns_and_drills_down(self, client, scenario, people, wangchang):
        small = RegionFactory(code="429006105", name="多祥镇", parent=wangchang.parent)
        villages = VillageFactory.create_batch(3, town=small)
        small_people = {
            **people,
            "town_office": user_with_role(Membership.Role.TOWN_OFFICE, small),
            "town_leading_group": user_with_role(Membership.Role.TOWN_LEADING_GROUP, small),
        }
        other = services.open_campaign(
            actor=small_people["town_office"],
            campaign_id=new_campaign(small_people, small, scenario.standard, 2024).pk,
        )
        run_town_year(other, small_people, (villages[0].name,))
        rows, total = region_ranking(wangchang.parent, 2024, "pass_rate")
        assert [region.name for region, _ in rows] == ["汪场镇", "多祥镇"]
        assert (total.passed, total.total) == (16, 20)
        client.force_login(people["city_office"])
        response = client.get(reverse("home"), follow=True)
        page = response.content.decode()
        assert reverse("assessments:town_dashboard", args=[wangchang.pk]) in page
        assert "66.7%" in page and "82.4%" in page
        ranked = client.get(
            reverse("assessments:region_dashboard", args=[wangchang.parent.pk]),
            {"year": 2024, "sort": "pass_rate"},
        )
        assert [region.name for region, _ in ranked.context["rows"]] == ["汪场镇", "多祥镇"]
        client.force_login(people["province_office"])
        province = client.get(reverse("home"), follow=True)
        assert [region.name for region, _ in province.context["rows"]] == ["天门市"]

    def test_a_ranking_sums_the_kept_counts_and_counts_the_stale_ones_again(
        self, scenario, people, wangchang
    ):
        province = wangchang.parent.parent
        city = wangchang.parent
        [(ranked, counted)], total = region_ranking(province, 2024)
        assert ranked == city and (counted.passed, counted.total) == (14, 17) == (
            total.passed,
            total.total,
        )
        # Summed under the child's own path (one city of several made again), the same.
        assert sums_under(2024, province, [city], [city.path]) == sums_under(2024, province, [city])
        # The kept row is what the sums read while it is fresh ...
        CampaignTally.objects.update(passed=3)
        assert sums_under(2024, province, [city])[city.pk]["passed"] == 3
        # ... and a stale one is counted again from the assessments, and kept.
        CampaignTally.objects.update(stale=True, version=F("version") + 1)
        assert sums_under(2024, province, [city])[city.pk]["passed"] == 14
        assert CampaignTally.objects.get().passed == 14

    def test_printouts_embed_fonts_and_show_glyphs(
        self, client, scenario, people, xingou, tmp_path
    ):
        client.force_login(people["town_office"])
        assessment = scenario.assessments.get(village=xingou)
        order = xingou.rectification_orders.get()
        for name, url, expected in [
            (
                "report",
                reverse("assessments:assessment_report_pdf", args=[assessment.pk]),
                "新沟村",
            ),
            ("notice", reverse("assessments:order_notice_pdf", args=[order.pk]), "宣传栏破损"),
            ("sample", reverse("assessments:sample_pdf", args=[scenario.pk]), "dashboard"),
            (
                "pass_list",
                reverse("assessments:pass_list_pdf", args=[scenario.pk]),
                "汪发〔2024〕12号",
            ),
        ]:
            response = client.get(url)
            assert response.status_code == 200, name
            path = tmp_path / f"{name}.pdf"
            content = (
                b"".join(response.streaming_content) if response.streaming else response.content
            )
            path.write_bytes(content)
            folder = tmp_path / name
            folder.mkdir()
            assert expected in check_printout(path, folder), name


def test_secretary_home_lists_the_tasks(client, campaign, people, xingou):
    client.force_login(people["secretary"])
    page = client.get(reverse("home"))
    assert page.context["tasks"][0] == "尚未填写或上传创建方案。"
    assert len(page.context["tasks"]) == 1 + 22 + 1
    assert "开始填报" in page.content.decode()


def test_town_dashboard_is_out_of_reach_of_another_town(client, campaign, people, wangchang):
    other = RegionFactory(code="429006105", name="多祥镇", parent=wangchang.parent)
    client.force_login(people["town_office"])
    url = reverse("assessments:town_dashboard", args=[other.pk])
    assert client.get(url).status_code == 404
    client.force_login(people["secretary"])
    assert client.get(reverse("assessments:town_dashboard", args=[wangchang.pk])).status_code == 404


PAGES = {
    "town_dashboard": (
        "town_office",
        lambda c: reverse("assessments:town_dashboard", args=[c.town_id]),
        26,
    ),
    "region_dashboard": (
        "city_office",
        lambda c: reverse("assessments:region_dashboard", args=[c.town.parent_id]),
        18,
    ),
    "campaign_board": (
        "town_office",
        lambda c: reverse("assessments:campaign_detail", args=[c.pk]),
        13,
    ),
    "campaign_list": ("city_office", lambda c: reverse("assessments:campaign_list"), 10),
    "city_overview": ("city_office", lambda c: reverse("assessments:city_overview"), 12),
    "campaign_review": (
        "city_office",
        lambda c: reverse("assessments:campaign_review", args=[c.pk]),
        18,
    ),
    "bulletin_list": ("town_office", lambda c: reverse("assessments:bulletin_list"), 12),
    "village_list": ("town_office", lambda c: reverse("villages:list"), 12),
    "order_list": ("town_office", lambda c: reverse("assessments:order_list"), 10),
    "incident_list": ("town_office", lambda c: reverse("assessments:incident_list"), 10),
    "title_list": ("town_office", lambda c: reverse("assessments:title_list"), 10),
    "inspection_list": ("town_office", lambda c: reverse("assessments:inspection_list"), 11),
    "village_home": ("secretary", lambda c: reverse("home"), 20),
    "province_ranking": (
        "province_office",
        lambda c: reverse("assessments:region_dashboard", args=[c.town.parent.parent_id]),
        17,
    ),
    "province_village_list": ("province_office", lambda c: reverse("villages:list"), 12),
    "prepared_file_list": ("town_office", lambda c: reverse("assessments:prepared_file_list"), 10),
}


@pytest.mark.parametrize("size", [17, 200])
@pytest.mark.parametrize("page", PAGES)
def test_pages_run_a_fixed_number_of_queries(
    client, people, standards, wangchang, xingou, size, page, django_assert_max_num_queries
):
    VillageFactory.create_batch(size - 17, town=wangchang)
    campaign = new_campaign(people, wangchang, standards[0], 2024)
    services.open_campaign(actor=people["town_office"], campaign_id=campaign.pk)
    for village in wangchang.villages.all()[:40]:
        services.record_inspection(
            actor=people["town_office"],
            village_id=village.pk,
            inspected_on=TODAY,
            inspectors="张三",
            summary="",
            findings=[
                {
                    "criterion_id": Criterion.objects.get(
                        standard=campaign.standard, key="publicity"
                    ).pk,
                    "met": False,
                    "comment": "宣传栏破损",
                    "deadline": TODAY + timedelta(days=5),
                }
            ],
        )
    role, url, limit = PAGES[page]
    client.force_login(people[role])
    with django_assert_max_num_queries(limit):
        response = client.get(url(campaign))
    assert response.status_code == 200
    assert campaign.assessments.count() == size


def test_the_leaders_home_shows_an_approval_waiting(client, campaign, people, wangchang):
    client.force_login(people["town_leading_group"])
    home = reverse("assessments:town_dashboard", args=[wangchang.pk])
    assert "待审定" not in client.get(home).text
    services.close_self_assessment(
        actor=people["town_office"], campaign_id=campaign.pk, reason="到期"
    )
    page = client.get(home).text
    assert "待审定：2024年度考评结果" in page and "镇级考核已完成 0 / 17 个村(社区)" in page
    assert reverse("assessments:campaign_approve", args=[campaign.pk]) in page
    client.force_login(people["town_office"])
    assert "待审定" not in client.get(home).text
