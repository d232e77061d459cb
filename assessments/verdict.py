"""The verdict engine: the one place that decides pass or fail.

`evaluate` is pure: it takes plain data (the rules of a standard version, the judgements made
on each criterion, the incident categories that occurred in the period) and returns a Verdict
with every reason in Chinese. Callers build the inputs from the database; nothing in here
touches it.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum


class Kind(StrEnum):
    VETO = "veto"
    REQUIREMENT = "requirement"
    THRESHOLD = "threshold"
    SCORED = "scored"


COMPARATORS = {
    ">=": ("不少于", lambda value, bound: value >= bound),
    ">": ("多于", lambda value, bound: value > bound),
    "<=": ("不多于", lambda value, bound: value <= bound),
    "<": ("少于", lambda value, bound: value < bound),
    "==": ("等于", lambda value, bound: value == bound),
}


@dataclass(frozen=True)
class CriterionRule:
    key: str
    label: str
    title: str
    kind: Kind
    incident_category: str | None = None
    comparator: str | None = None
    bound: Decimal | None = None
    unit: str = ""
    max_score: Decimal | None = None


@dataclass(frozen=True)
class PassRule:
    """A standard version as the engine sees it: its judged criteria and its pass mark."""

    criteria: tuple[CriterionRule, ...]
    pass_mark: Decimal | None = None


@dataclass(frozen=True)
class Judgement:
    """What was found on one criterion; only the field of the criterion's kind is read."""

    breached: bool | None = None
    met: bool | None = None
    value: Decimal | None = None
    score: Decimal | None = None


@dataclass(frozen=True)
class Reason:
    key: str
    label: str
    message: str

    def __str__(self):
        return f"{self.label} {self.message}"


@dataclass(frozen=True)
class Verdict:
    passed: bool
    reasons: tuple[Reason, ...]
    total_score: Decimal | None = None
    max_score: Decimal | None = None

    @property
    def label(self):
        return "达标" if self.passed else "不达标"


def _number(value):
    text = format(value.normalize(), "f") if isinstance(value, Decimal) else str(value)
    return text


def _judge_veto(rule, judgement, occurred):
    if rule.incident_category and rule.incident_category in occurred:
        return "一票否决：考评期内发生该类案事件"
    if judgement is None or judgement.breached is None:
        return "一票否决项未作确认"
    if judgement.breached:
        return "一票否决：已发生"
    return None


def _judge_requirement(rule, judgement):
    if judgement is None or judgement.met is None:
        return "未作答"
    return None if judgement.met else "未达标"


def _judge_threshold(rule, judgement):
    wording, holds = COMPARATORS[rule.comparator]
    required = f"要求{wording}{_number(rule.bound)}{rule.unit}"
    if judgement is None or judgement.value is None:
        return f"未填写数值({required})"
    if holds(judgement.value, rule.bound):
        return None
    return f"实际{_number(judgement.value)}{rule.unit}，{required}"


def threshold_shortfall(rule, value):
    """Why `value` falls short of a threshold rule, in Chinese, or None when it meets it."""
    if value is None:
        return None
    return _judge_threshold(rule, Judgement(breached=None, met=None, value=value, score=None))


def _judge_score(rule, judgement):
    if judgement is None or judgement.score is None:
        return "未评分", Decimal(0)
    if judgement.score < 0 or judgement.score > rule.max_score:
        return f"得分{_number(judgement.score)}超出 0—{_number(rule.max_score)} 分", Decimal(0)
    return None, judgement.score


def evaluate(
    rule: PassRule,
    judgements: Mapping[str, Judgement],
    occurred_categories: Mapping[str, str] | frozenset[str] = frozenset(),
) -> Verdict:
    """Judge every criterion; list every failure, never only the first.

    `occurred_categories` are the disqualifying incident categories of the period (codes, or
    codes with their names): a category no veto criterion names still vetoes, on its own.
    """
    reasons = []
    total = Decimal(0)
    maximum = Decimal(0)
    has_scored = False
    for criterion in rule.criteria:
        judgement = judgements.get(criterion.key)
        if criterion.kind == Kind.VETO:
            failure = _judge_veto(criterion, judgement, occurred_categories)
        elif criterion.kind == Kind.REQUIREMENT:
            failure = _judge_requirement(criterion, judgement)
        elif criterion.kind == Kind.THRESHOLD:
            failure = _judge_threshold(criterion, judgement)
        else:
            has_scored = True
            failure, points = _judge_score(criterion, judgement)
            total += points
            maximum += criterion.max_score
        if failure:
            reasons.append(Reason(criterion.key, criterion.label, f"{criterion.title}：{failure}"))

    named = {criterion.incident_category for criterion in rule.criteria}
    for code in sorted(set(occurred_categories) - named):
        name = occurred_categories[code] if isinstance(occurred_categories, Mapping) else code
        reasons.append(Reason("", "一票否决", f"{name}：考评期内发生该类案事件"))

    if has_scored and rule.pass_mark is not None and total < rule.pass_mark:
        reasons.append(
            Reason(
                "",
                "总分",
                f"得分{_number(total)}分，低于达标分{_number(rule.pass_mark)}分，"
                f"相差{_number(rule.pass_mark - total)}分",
            )
        )
    return Verdict(
        passed=not reasons,
        reasons=tuple(reasons),
        total_score=total if has_scored else None,
        max_score=maximum if has_scored else None,
    )
