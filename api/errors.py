"""Every refusal of the API is JSON with a Chinese message and the status the pages use."""

from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import exception_handler

from api.serializers import AnswerSerializer
from pingan.errors import ApplicationError, InvalidTransition, NotFound, NotPermitted


def _status_of(error):
    if isinstance(error, NotPermitted):
        return status.HTTP_403_FORBIDDEN, "not_permitted"
    if isinstance(error, NotFound):
        return status.HTTP_404_NOT_FOUND, "not_found"
    if isinstance(error, InvalidTransition):
        return status.HTTP_409_CONFLICT, "invalid_transition"
    return status.HTTP_400_BAD_REQUEST, "invalid_input"


def handle_exception(error, context):
    # A refusal is JSON with its Chinese message even to a client that asked for a file.
    request = context.get("request")
    if request is not None:
        request.accepted_renderer = JSONRenderer()
        request.accepted_media_type = JSONRenderer.media_type
    if isinstance(error, ApplicationError):
        code, name = _status_of(error)
        body = {"detail": error.message, "code": name}
        if getattr(error, "missing", None):
            body["missing"] = error.missing
        if getattr(error, "current", None) is not None:
            body["current"] = AnswerSerializer(error.current).data
        return Response(body, status=code)
    if isinstance(error, Http404 | ObjectDoesNotExist):
        error = exceptions.NotFound(NotFound.default_message)
    response = exception_handler(error, context)
    if response is not None and isinstance(response.data, dict) and "detail" in response.data:
        response.data["code"] = getattr(error, "default_code", "error")
    return response
