from pingan.errors import InvalidInput, InvalidTransition


class IncompleteAssessment(InvalidInput):
    """A submission refused for missing items; `missing` lists each one."""

    def __init__(self, missing):
        self.missing = list(missing)
        super().__init__("自评尚未完成，不能提交：" + "；".join(self.missing))


class StaleAnswer(InvalidTransition):
    """A save made from an older copy than the server's; `current` is the newer answer."""

    def __init__(self, current):
        self.current = current
        super().__init__(
            f"{current.criterion.label}的答案已在别处更新为第{current.version}版，"
            "这次保存基于较早的版本，没有覆盖。请核对后再保存。"
        )


class UnassessedCriteria(InvalidInput):
    """A conclusion refused because criteria have no finding; `criteria` lists them."""

    def __init__(self, criteria):
        self.criteria = list(criteria)
        super().__init__(
            f"尚有 {len(self.criteria)} 条未考核，不能完成："
            + "；".join(f"{c.label} {c.title}" for c in self.criteria)
        )
