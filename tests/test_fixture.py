from villages.models import Region, Village

WANGCHANG_VILLAGES = {
    "429006104001": "汪场社区",
    "429006104203": "新沟村",
    "429006104206": "崔王村",
    "429006104207": "别台村",
    "429006104208": "石谭村",
    "429006104212": "沙岭村",
    "429006104213": "金场村",
    "429006104214": "杨店村",
    "429006104221": "三桥村",
    "429006104222": "方桥村",
    "429006104223": "江桥村",
    "429006104225": "大兴村",
    "429006104226": "罗阳村",
    "429006104227": "赖场村",
    "429006104228": "艾台村",
    "429006104229": "雷场村",
    "429006104230": "艾垸村",
}


def test_fixture_holds_exactly_the_seventeen_units_of_wangchang(wangchang):
    assert dict(Village.objects.values_list("code", "name")) == WANGCHANG_VILLAGES
    assert set(Village.objects.values_list("town", flat=True)) == {wangchang.pk}
    assert Village.objects.filter(is_active=True).count() == 17


def test_one_community_and_sixteen_villages(wangchang):
    assert list(
        Village.objects.filter(kind=Village.Kind.COMMUNITY).values_list("name", flat=True)
    ) == ["汪场社区"]
    assert Village.objects.filter(kind=Village.Kind.VILLAGE).count() == 16


def test_tree_runs_from_province_to_town(wangchang):
    city = wangchang.parent
    province = city.parent
    assert (province.name, province.level) == ("湖北省", Region.Level.PROVINCE)
    assert (city.name, city.level) == ("天门市", Region.Level.CITY)
    assert (wangchang.name, wangchang.level) == ("汪场镇", Region.Level.TOWN)
    assert wangchang.is_within(province)
    assert not province.is_within(wangchang)


def test_region_path_follows_a_move(wangchang):
    other_city = Region.objects.create(
        code="429005", name="潜江市", level=Region.Level.CITY, parent=wangchang.parent.parent
    )
    wangchang.parent = other_city
    wangchang.save()
    wangchang.refresh_from_db()
    assert wangchang.path == "42/429005/429006104/"
