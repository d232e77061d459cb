"""The verdict engine, alone: pure data in, a verdict with every reason out."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from assessments.verdict import CriterionRule, Judgement, Kind, PassRule, evaluate

VETOES = tuple(
    CriterionRule(
        key=f"veto-{i}",
        label=f"一({i})",
        title=f"无第{i}类案件",
        kind=Kind.VETO,
        incident_category=f"category-{i}",
    )
    for i in range(1, 11)
)
REQUIREMENTS = tuple(
    CriterionRule(key=f"req-{i}", label=f"{i}", title=f"要求{i}", kind=Kind.REQUIREMENT)
    for i in range(1, 4)
)
CAMERAS = CriterionRule(
    key="cameras",
    label="五(2)",
    title="公共区域高清探头",
    kind=Kind.THRESHOLD,
    comparator=">=",
    bound=Decimal(5),
    unit="个",
)
SAFE_VILLAGE = PassRule(criteria=(*VETOES, *REQUIREMENTS, CAMERAS))


def all_clear(cameras=Decimal(5)):
    judgements = {rule.key: Judgement(breached=False) for rule in VETOES}
    judgements.update({rule.key: Judgement(met=True) for rule in REQUIREMENTS})
    judgements["cameras"] = Judgement(value=cameras)
    return judgements


def test_everything_in_order_passes():
    verdict = evaluate(SAFE_VILLAGE, all_clear())
    assert verdict.passed
    assert verdict.reasons == ()
    assert verdict.label == "达标"


def test_five_cameras_pass_and_four_fail_naming_value_and_bound():
    assert evaluate(SAFE_VILLAGE, all_clear(Decimal(5))).passed
    verdict = evaluate(SAFE_VILLAGE, all_clear(Decimal(4)))
    assert not verdict.passed
    assert [str(r) for r in verdict.reasons] == ["五(2) 公共区域高清探头：实际4个，要求不少于5个"]


def test_missing_threshold_value_fails():
    judgements = all_clear()
    del judgements["cameras"]
    (reason,) = evaluate(SAFE_VILLAGE, judgements).reasons
    assert "未填写数值" in reason.message and "不少于5个" in reason.message


def test_declared_veto_fails():
    judgements = all_clear()
    judgements["veto-3"] = Judgement(breached=True)
    verdict = evaluate(SAFE_VILLAGE, judgements)
    assert not verdict.passed
    assert str(verdict.reasons[0]) == "一(3) 无第3类案件：一票否决：已发生"


def test_incident_of_a_veto_category_fails_even_when_answered_clear():
    verdict = evaluate(SAFE_VILLAGE, all_clear(), occurred_categories=frozenset({"category-7"}))
    assert not verdict.passed
    assert [r.key for r in verdict.reasons] == ["veto-7"]
    assert "发生该类案事件" in verdict.reasons[0].message


def test_a_disqualifying_category_no_criterion_names_still_vetoes():
    occurred = {"category-7": "第7类", "five-major": "不发生重大刑事案件"}
    verdict = evaluate(SAFE_VILLAGE, all_clear(), occurred_categories=occurred)
    assert not verdict.passed
    assert [r.key for r in verdict.reasons] == ["veto-7", ""]
    assert str(verdict.reasons[1]) == "一票否决 不发生重大刑事案件：考评期内发生该类案事件"


def test_unconfirmed_veto_and_unanswered_requirement_fail():
    judgements = all_clear()
    del judgements["veto-1"]
    judgements["req-2"] = Judgement(met=None)
    reasons = evaluate(SAFE_VILLAGE, judgements).reasons
    assert [r.key for r in reasons] == ["veto-1", "req-2"]
    assert "未作确认" in reasons[0].message and "未作答" in reasons[1].message


def test_reasons_list_every_failure_in_standard_order():
    judgements = all_clear(Decimal(2))
    judgements["veto-2"] = Judgement(breached=True)
    judgements["veto-9"] = Judgement(breached=True)
    judgements["req-1"] = Judgement(met=False)
    verdict = evaluate(SAFE_VILLAGE, judgements)
    assert [r.key for r in verdict.reasons] == ["veto-2", "veto-9", "req-1", "cameras"]


def scored_rule(pass_mark="90"):
    return PassRule(
        criteria=(
            CriterionRule(
                key="a", label="1", title="组织", kind=Kind.SCORED, max_score=Decimal(50)
            ),
            CriterionRule(
                key="b", label="2", title="调解", kind=Kind.SCORED, max_score=Decimal(50)
            ),
        ),
        pass_mark=Decimal(pass_mark),
    )


def test_scored_rubric_short_of_the_mark_fails_with_the_shortfall():
    verdict = evaluate(
        scored_rule(), {"a": Judgement(score=Decimal("45")), "b": Judgement(score=Decimal("44.5"))}
    )
    assert not verdict.passed
    assert verdict.total_score == Decimal("89.5")
    assert verdict.max_score == Decimal(100)
    assert str(verdict.reasons[-1]) == "总分 得分89.5分，低于达标分90分，相差0.5分"


def test_scored_rubric_at_the_mark_passes():
    verdict = evaluate(
        scored_rule(), {"a": Judgement(score=Decimal("45")), "b": Judgement(score=Decimal("45"))}
    )
    assert verdict.passed
    assert verdict.total_score == Decimal(90)


def test_score_out_of_range_is_refused_and_counts_nothing():
    verdict = evaluate(
        scored_rule(), {"a": Judgement(score=Decimal("60")), "b": Judgement(score=Decimal("50"))}
    )
    assert not verdict.passed
    assert "超出" in verdict.reasons[0].message
    assert verdict.total_score == Decimal(50)


def test_unscored_item_is_a_reason_of_its_own():
    verdict = evaluate(scored_rule("40"), {"a": Judgement(score=Decimal("50"))})
    assert [r.key for r in verdict.reasons] == ["b"]
    assert "未评分" in verdict.reasons[0].message


def test_other_comparators():
    for comparator, value, passes in [
        (">", 5, False),
        (">", 6, True),
        ("<=", 5, True),
        ("<=", 6, False),
        ("<", 4, True),
        ("<", 5, False),
        ("==", 5, True),
        ("==", 4, False),
    ]:
        rule = PassRule(
            criteria=(
                CriterionRule(
                    key="x",
                    label="1",
                    title="指标",
                    kind=Kind.THRESHOLD,
                    comparator=comparator,
                    bound=Decimal(5),
                    unit="人",
                ),
            )
        )
        assert evaluate(rule, {"x": Judgement(value=Decimal(value))}).passed is passes


judgement_for = {
    Kind.VETO: st.builds(Judgement, breached=st.sampled_from([True, False, None])),
    Kind.REQUIREMENT: st.builds(Judgement, met=st.sampled_from([True, False, None])),
    Kind.THRESHOLD: st.builds(Judgement, value=st.one_of(st.none(), st.decimals(0, 50, places=0))),
}


@st.composite
def assessments(draw):
    judgements = {}
    for rule in SAFE_VILLAGE.criteria:
        if draw(st.booleans()):
            judgements[rule.key] = draw(judgement_for[rule.kind])
    occurred = draw(st.frozensets(st.sampled_from([f"category-{i}" for i in range(1, 13)])))
    return judgements, occurred


@given(assessments(), st.sampled_from(VETOES))
def test_any_breached_veto_fails_whatever_else_holds(case, veto):
    judgements, occurred = case
    judgements[veto.key] = Judgement(breached=True)
    verdict = evaluate(SAFE_VILLAGE, judgements, occurred)
    assert not verdict.passed
    assert veto.key in {r.key for r in verdict.reasons}


@given(assessments())
def test_passes_exactly_when_no_criterion_fails(case):
    judgements, occurred = case
    verdict = evaluate(SAFE_VILLAGE, judgements, occurred)
    failing = set()
    for rule in SAFE_VILLAGE.criteria:
        judgement = judgements.get(rule.key)
        if rule.kind == Kind.VETO:
            bad = (
                rule.incident_category in occurred
                or judgement is None
                or judgement.breached is not False
            )
        elif rule.kind == Kind.REQUIREMENT:
            bad = judgement is None or judgement.met is not True
        else:
            bad = judgement is None or judgement.value is None or judgement.value < rule.bound
        if bad:
            failing.add(rule.key)
    if occurred - {rule.incident_category for rule in SAFE_VILLAGE.criteria}:
        failing.add("")
    assert {r.key for r in verdict.reasons} == failing
    assert verdict.passed is (not failing)


@given(
    st.lists(st.decimals(0, 10, places=1), min_size=10, max_size=10),
    st.decimals(0, 100, places=1),
)
def test_scored_total_decides_against_the_pass_mark(scores, pass_mark):
    criteria = tuple(
        CriterionRule(
            key=f"s{i}", label=str(i), title=f"评分{i}", kind=Kind.SCORED, max_score=Decimal(10)
        )
        for i in range(10)
    )
    judgements = {f"s{i}": Judgement(score=score) for i, score in enumerate(scores)}
    verdict = evaluate(PassRule(criteria=criteria, pass_mark=pass_mark), judgements)
    total = sum(scores, Decimal(0))
    assert verdict.total_score == total
    assert verdict.passed is (total >= pass_mark)
    if not verdict.passed:
        assert f"相差{(pass_mark - total).normalize():f}分" in verdict.reasons[-1].message
