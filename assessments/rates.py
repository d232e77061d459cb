"""The three rates the seed's 70% target is read against, computed from plain counts."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

DEFINITIONS = {
    "pass_rate": "达标率 = 镇级考核达标的村(社区)数 ÷ 参与创建的村(社区)总数",
    "review_pass_rate": "复核合格率 = 市级复核合格的村(社区)数 ÷ 已复核的村(社区)数",
    "holding_rate": (
        "称号保有率 = 持有本年度有效平安村(社区)称号的村(社区)数 ÷ 参与创建的村(社区)总数"
    ),
}


@dataclass(frozen=True)
class Rate:
    numerator: int
    denominator: int
    target: Decimal

    @property
    def value(self):
        if not self.denominator:
            return None
        return Decimal(self.numerator) / Decimal(self.denominator)

    @property
    def percent(self):
        value = self.value
        if value is None:
            return None
        return (value * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    @property
    def meets_target(self):
        return self.value is not None and self.value >= self.target


@dataclass(frozen=True)
class Rates:
    total: int
    passed: int
    reviewed: int
    review_passed: int
    holding: int
    target: Decimal

    @property
    def pass_rate(self):
        return Rate(self.passed, self.total, self.target)

    @property
    def review_pass_rate(self):
        return Rate(self.review_passed, self.reviewed, self.target)

    @property
    def holding_rate(self):
        return Rate(self.holding, self.total, self.target)

    @property
    def target_percent(self):
        return (self.target * 100).quantize(Decimal("1"))

    @classmethod
    def none(cls, target):
        return cls(total=0, passed=0, reviewed=0, review_passed=0, holding=0, target=target)

    def __add__(self, other):
        return Rates(
            total=self.total + other.total,
            passed=self.passed + other.passed,
            reviewed=self.reviewed + other.reviewed,
            review_passed=self.review_passed + other.review_passed,
            holding=self.holding + other.holding,
            target=self.target,
        )
