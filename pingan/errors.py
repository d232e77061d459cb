class ApplicationError(Exception):
    """A refused domain action; `message` is shown to the user as it is, in Chinese."""

    default_message = "操作未能完成。"

    def __init__(self, message=None):
        self.message = message or self.default_message
        super().__init__(self.message)


class NotPermitted(ApplicationError):
    default_message = "您没有执行此操作的权限。"


class NotFound(ApplicationError):
    """Missing and out of the user's reach alike, so an id tells nothing of another place."""

    default_message = "未找到该对象，或您无权查看。"


class InvalidTransition(ApplicationError):
    default_message = "当前状态下不能执行此操作。"


class InvalidInput(ApplicationError):
    default_message = "提交的内容不符合要求。"


class TooManyRequests(ApplicationError):
    default_message = "提交过于频繁，请稍后再试。"
