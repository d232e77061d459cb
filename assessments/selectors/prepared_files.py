"""Reads of the files prepared in the background for their requester."""

from django.http import Http404

from assessments.models import (
    PreparedFile,
)


def prepared_files_of(user):
    """Files made in the background are their requester's alone."""
    return PreparedFile.objects.filter(requested_by=user)


def access_prepared_file_by_id(user, prepared_file_id):
    try:
        return prepared_files_of(user).get(pk=prepared_file_id)
    except (PreparedFile.DoesNotExist, ValueError, TypeError):
        raise Http404("未找到该文件。") from None
