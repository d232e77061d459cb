"""The schema of every operation lists the refusals it can answer, each with its Chinese
meaning, whether or not the operation's own annotation names them; a refusal is always JSON,
even to a client that asked for a PDF."""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework.permissions import IsAuthenticated

from api.serializers import ErrorSerializer

REFUSAL_MEANINGS = {
    400: "输入有误：参数或请求体不符合要求，detail 说明哪一项、应当怎样填写",
    401: "未登录，或令牌无效、已撤销、已过期、已因修改密码失效",
    403: "无权办理：该事项不在您的职责范围内",
    404: "未找到该对象，或它不在您的职责范围内(两者不加区分)",
    409: "当前状态不允许此操作，例如已提交的自评不能再修改；detail 说明当前状态",
}


JSON = "application/json"


def refusal(code):
    return OpenApiResponse(ErrorSerializer, description=REFUSAL_MEANINGS[code])


class PinganSchema(AutoSchema):
    def get_description(self):
        # The views' docstrings are English notes for developers, not the published text.
        return None

    def _refusal_codes(self):
        codes = [400, 403]
        if any(isinstance(rule, IsAuthenticated) for rule in self.view.get_permissions()):
            codes.append(401)
        if "{" in self.path:
            codes.append(404)
        if self.method != "GET":
            codes.append(409)
        return codes

    def _get_response_bodies(self, direction="response"):
        bodies = super()._get_response_bodies(direction)
        if direction == "response":
            for code in self._refusal_codes():
                bodies.setdefault(
                    str(code), self._get_response_for_code(refusal(code), str(code), [JSON])
                )
        return dict(sorted(bodies.items()))
