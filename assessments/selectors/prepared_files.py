"""Reads of the files prepared in the background for their requester, and of the settings and
drafts of official documents."""

from django.db.models import Q
from django.http import Http404

from assessments.models import (
    DocumentKind,
    DocumentSetting,
    OfficialDocument,
    PreparedFile,
)
from assessments.rules import ISSUING_ROLE
from villages.models import IssuingBody
from villages.rules import is_administrator, memberships_of
from villages.selectors import visible_regions


def prepared_files_of(user):
    """Files made in the background are their requester's alone."""
    return PreparedFile.objects.filter(requested_by=user)


def access_prepared_file_by_id(user, prepared_file_id):
    try:
        return prepared_files_of(user).get(pk=prepared_file_id)
    except (PreparedFile.DoesNotExist, ValueError, TypeError):
        raise Http404("未找到该文件。") from None


# Which way a kind of document goes when the administrator has not said: a report to the
# level above goes up, everything else down to the level below.
UPWARD_KINDS = (DocumentKind.RECOMMENDATION, DocumentKind.ANNUAL_SUMMARY)


def document_setting(region, kind):
    """How the region issues a kind of document: its setting, or, until the administrator
    makes one, the region's first issuing body (or one named after the region)."""
    setting = (
        DocumentSetting.objects.select_related("issuing_body")
        .filter(region=region, kind=kind)
        .first()
    )
    if setting is not None:
        return setting
    body = IssuingBody.objects.filter(region=region).first() or IssuingBody(
        region=region, full_name=region.name, mark=f"{region.name}文件"
    )
    direction = DocumentSetting.Direction.UP if kind in UPWARD_KINDS else None
    return DocumentSetting(
        region=region,
        kind=kind,
        issuing_body=body,
        direction=direction or DocumentSetting.Direction.DOWN,
    )


def visible_documents(user):
    """Issued documents of the regions the user works in, under or above; a draft is its
    issuing office's alone."""
    documents = OfficialDocument.objects.select_related("region", "naming")
    if is_administrator(user):
        return documents
    readable = Q(status=OfficialDocument.Status.ISSUED, region__in=visible_regions(user))
    for membership in memberships_of(user):
        kinds = [kind for kind, role in ISSUING_ROLE.items() if role == membership.role]
        if kinds and membership.region_id:
            readable |= Q(kind__in=kinds, region__path__startswith=membership.region.path)
    return documents.filter(readable)


def access_document_by_id(user, document_id):
    try:
        return visible_documents(user).get(pk=document_id)
    except (OfficialDocument.DoesNotExist, ValueError, TypeError):
        raise Http404("未找到该公文。") from None
