"""Personal tokens for the password."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers as drf_serializers
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from api import serializers as s
from api.schema import JSON, refusal
from api.tokens import issue_token


class TokenExchangeSerializer(AuthTokenSerializer):
    name = drf_serializers.CharField(label="用途", required=False, allow_blank=True, max_length=60)


class ObtainToken(GenericAPIView):
    """A new personal token for the username and password: shown once, stored as a hash,
    expiring after API_TOKEN_DAYS and dead once the password changes."""

    authentication_classes = []
    permission_classes = []
    serializer_class = TokenExchangeSerializer

    @extend_schema(
        summary="用户名和密码换取个人令牌",
        responses={200: s.TokenSerializer, (400, JSON): refusal(400)},
    )
    def post(self, request):
        serializer = TokenExchangeSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        token, key = issue_token(actor=data["user"], name=data.get("name", ""))
        return Response({"token": key, "expiry": token.expiry, "name": token.name})
