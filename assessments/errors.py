from villages.errors import InvalidInput


class IncompleteAssessment(InvalidInput):
    """A submission refused for missing items; `missing` lists each one."""

    def __init__(self, missing):
        self.missing = list(missing)
        super().__init__("自评尚未完成，不能提交：" + "；".join(self.missing))
