"""Standards as data: the seed's two standards, versions, pinning, copying, the printed page."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.urls import reverse

from assessments import services
from assessments.models import Criterion, IncidentCategory, IncidentGroup, Standard, StandardEvent
from assessments.selectors import (
    access_criterion_by_id,
    criteria_by_id,
    criteria_of,
    pass_rule_for,
)
from assessments.verdict import Judgement, evaluate
from pingan.errors import NotPermitted

TEN_NONE = [
    "无命案发生",
    "无刑事治安案件",
    "无邪教",
    "无涉黑涉恶势力",
    "无黄赌毒",
    "无公共安全事件",
    "无涉访违法行为",
    "无群体性事件",
    "无酒驾醉驾引发案件",
    "无重点人群肇事肇祸和违法犯罪案件(青少年零犯罪零受害)",
]


def test_safe_village_standard_has_seven_items_and_ten_vetoes_under_the_first(standards):
    safe_village, _ = standards
    top = safe_village.criteria.filter(parent=None).order_by("order")
    assert [c.number for c in top] == ["一", "二", "三", "四", "五", "六", "七"]
    first = top[0]
    vetoes = first.children.order_by("order")
    assert [c.title for c in vetoes] == TEN_NONE
    assert {c.kind for c in vetoes} == {Criterion.Kind.VETO}
    assert all(c.incident_category is not None for c in vetoes)
    assert safe_village.criteria.filter(kind=Criterion.Kind.VETO).count() == 10
    assert first.text.startswith("平安稳定实现“十无”：无命案发生、无刑事治安案件无邪教")


def test_camera_threshold_sits_under_item_five(standards):
    safe_village, _ = standards
    cameras = safe_village.criteria.get(kind=Criterion.Kind.THRESHOLD)
    assert cameras.parent.number == "五"
    assert (cameras.comparator, cameras.bound, cameras.unit) == (">=", Decimal(5), "个")
    assert cameras.profile_field == "camera_count"
    assert "不少于5个" in cameras.parent.text


def test_item_three_posts_are_requirements(standards):
    safe_village, _ = standards
    three = safe_village.criteria.get(number="三", parent=None)
    titles = [c.title for c in three.children.order_by("order")]
    assert len(titles) == 5
    assert all(c.kind == Criterion.Kind.REQUIREMENT for c in three.children.all())
    assert "“一格一员”配备到位" in titles and "治保调解主任配备到位" in titles


def test_demonstration_standard_has_five_items_word_for_word(standards):
    _, demonstration = standards
    top = demonstration.criteria.filter(parent=None).order_by("order")
    assert [c.title for c in top] == [
        "平安稳定优",
        "组织体系严",
        "矛盾化解好",
        "治安防控强",
        "特色亮点多",
    ]
    stability = top[0]
    assert stability.text == "村(社区)平安稳定实现“十无”。侵财类、电信网络诈骗类等案件防范有效。"
    assert stability.children.filter(kind=Criterion.Kind.VETO).count() == 10
    assert stability.children.filter(title__contains="电信网络诈骗").exists()
    assert "小事不出村，大事不出镇，矛盾不上交" in top[2].text


def test_incident_categories_are_data_with_five_never_to_be_confirmed(standards):
    assert IncidentCategory.objects.filter(group__code="ten-none").count() == 10
    five_never = IncidentGroup.objects.get(code="five-never")
    assert five_never.needs_confirmation
    assert five_never.categories.count() == 5
    assert "鄂平安组〔2023〕7号" in five_never.source


def test_seed_standard_judged_by_the_engine(standards):
    safe_village, _ = standards
    criteria = criteria_of(safe_village)
    rule = pass_rule_for(safe_village, criteria)
    judgements = {}
    for criterion in criteria:
        if criterion.kind == Criterion.Kind.VETO:
            judgements[criterion.key] = Judgement(breached=False)
        elif criterion.kind == Criterion.Kind.REQUIREMENT:
            judgements[criterion.key] = Judgement(met=True)
        elif criterion.kind == Criterion.Kind.THRESHOLD:
            judgements[criterion.key] = Judgement(value=Decimal(4))
    verdict = evaluate(rule, judgements)
    assert [str(r) for r in verdict.reasons] == [
        "五(2) 公共区域高清探头接入乡镇(街道)综治中心：实际4个，要求不少于5个"
    ]
    judgements["technical-prevention.cameras"] = Judgement(value=Decimal(5))
    assert evaluate(rule, judgements).passed
    verdict = evaluate(rule, judgements, frozenset({"cult"}))
    assert [r.label for r in verdict.reasons] == ["一(3)"]


def test_pinned_version_cannot_be_edited(standards, people):
    safe_village, _ = standards
    services.pin_standard(
        actor=people["town_office"], standard_id=safe_village.pk, reason="2024年度创建活动启用"
    )
    safe_village.refresh_from_db()
    assert safe_village.status == Standard.Status.PINNED
    event = safe_village.events.get()
    assert (event.from_status, event.to_status, event.actor) == (
        "editable",
        "pinned",
        people["town_office"],
    )

    safe_village.pass_mark = Decimal(90)
    with pytest.raises(ValidationError, match="复制为新版本"):
        safe_village.full_clean()
    cameras = safe_village.criteria.get(key="technical-prevention.cameras")
    cameras.bound = Decimal(3)
    with pytest.raises(ValidationError, match="不能再修改"):
        cameras.full_clean()


@pytest.mark.django_db(transaction=True)
def test_a_pinned_versions_criteria_are_read_once_an_editable_ones_each_time(
    standards, people, django_assert_num_queries
):
    safe_village, demonstration = standards
    for _ in range(2):
        with django_assert_num_queries(1):
            criteria_by_id(safe_village.pk)
    services.pin_standard(actor=people["town_office"], standard_id=safe_village.pk, reason="启用")
    with django_assert_num_queries(1):
        pinned = criteria_by_id(safe_village.pk)
    with django_assert_num_queries(0):
        assert criteria_by_id(safe_village.pk) is pinned
    assert [c.pk for c in pinned.values()] == [c.pk for c in criteria_of(safe_village)]
    cameras = next(c for c in pinned.values() if c.key == "technical-prevention.cameras")
    assert (cameras.label, cameras.standard.status) == ("五(2)", Standard.Status.PINNED)

    # A pin not yet committed may still roll back: what is read meanwhile is not kept.
    with transaction.atomic():
        services.pin_standard(
            actor=people["town_office"], standard_id=demonstration.pk, reason="启用"
        )
        with django_assert_num_queries(1):
            criteria_by_id(demonstration.pk)
    with django_assert_num_queries(1):
        criteria_by_id(demonstration.pk)
    with django_assert_num_queries(0):
        criteria_by_id(demonstration.pk)


@pytest.mark.django_db(transaction=True)
def test_an_item_is_found_by_its_id_alone_and_a_pinned_one_without_a_query(
    standards, people, django_assert_num_queries
):
    safe_village, _ = standards
    cameras = safe_village.criteria.get(key="technical-prevention.cameras")
    with django_assert_num_queries(2):
        found = access_criterion_by_id(cameras.pk)
    assert (found.label, found.parent.pk) == ("五(2)", cameras.parent_id)
    services.pin_standard(actor=people["town_office"], standard_id=safe_village.pk, reason="启用")
    access_criterion_by_id(cameras.pk)
    with django_assert_num_queries(0):
        assert access_criterion_by_id(cameras.pk).pk == cameras.pk
    with django_assert_num_queries(1), pytest.raises(Http404):
        access_criterion_by_id(cameras.pk + 10_000)


def test_admin_shows_a_pinned_version_read_only_with_the_reason(client, standards, people):
    safe_village, _ = standards
    services.pin_standard(actor=people["administrator"], standard_id=safe_village.pk, reason="启用")
    client.force_login(people["administrator"])
    url = reverse("admin:assessments_standard_change", args=[safe_village.pk])
    page = client.get(url).content.decode()
    assert "复制为新版本" in page and "不能再修改" in page
    response = client.post(url, {"name": "篡改", "code": "safe-village", "version": 1})
    assert response.status_code == 403
    safe_village.refresh_from_db()
    assert safe_village.name == "平安村(社区)创建标准"


def test_copy_makes_an_editable_next_version_with_the_same_tree(standards, people):
    safe_village, _ = standards
    services.pin_standard(actor=people["administrator"], standard_id=safe_village.pk, reason="启用")
    copy = services.copy_standard_as_new_version(
        actor=people["administrator"], standard_id=safe_village.pk
    )
    assert (copy.version, copy.effective_year, copy.status) == (2, 2024, Standard.Status.EDITABLE)
    assert copy.copied_from == safe_village
    old = {c.key: (c.title, c.parent.key if c.parent else None) for c in criteria_of(safe_village)}
    new = {c.key: (c.title, c.parent.key if c.parent else None) for c in criteria_of(copy)}
    assert new == old
    assert not Criterion.objects.filter(standard=copy, parent__standard=safe_village).exists()
    cameras = copy.criteria.get(key="technical-prevention.cameras")
    cameras.bound = Decimal(8)
    cameras.full_clean()
    cameras.save()
    assert safe_village.criteria.get(key="technical-prevention.cameras").bound == Decimal(5)
    assert copy.events.get().kind == StandardEvent.Kind.COPIED


def test_admin_action_copies_a_version(client, standards, people):
    safe_village, _ = standards
    client.force_login(people["administrator"])
    response = client.post(
        reverse("admin:assessments_standard_changelist"),
        {"action": "copy_as_new_version", "_selected_action": [safe_village.pk]},
        follow=True,
    )
    assert "可编辑" in response.content.decode()
    assert Standard.objects.filter(code="safe-village", version=2).exists()


@pytest.mark.parametrize("role", ["secretary", "town_office", "city_office"])
def test_only_an_administrator_copies(standards, people, role):
    with pytest.raises(NotPermitted):
        services.copy_standard_as_new_version(actor=people[role], standard_id=standards[0].pk)
    assert Standard.objects.count() == 2


def test_secretary_cannot_pin(standards, people):
    with pytest.raises(NotPermitted):
        services.pin_standard(actor=people["secretary"], standard_id=standards[0].pk, reason="x")


def test_standard_page_prints_the_whole_text(
    client, standards, people, django_assert_max_num_queries
):
    safe_village, _ = standards
    client.force_login(people["secretary"])
    with django_assert_max_num_queries(10):
        response = client.get(reverse("assessments:standard_detail", args=[safe_village.pk]))
    page = response.content.decode()
    assert "平安村(社区)创建标准" in page
    for title in TEN_NONE:
        assert title in page
    assert "不少于(≥) 5个" in page
    assert "data-print" in page


def test_standard_list_and_missing_standard(client, standards, people):
    client.force_login(people["secretary"])
    page = client.get(reverse("assessments:standard_list")).content.decode()
    assert "平安湖北建设示范村(社区)创建命名标准" in page
    assert client.get(reverse("assessments:standard_detail", args=[9999])).status_code == 404
