"""Reads of 公示: what the public sees (names and periods, never objectors), and what the
office that published sees."""

from django.db.models import Prefetch
from django.http import Http404

from assessments.models import Objection, Publication, PublicationEntry


def _with_listed(publications):
    return publications.select_related("region").prefetch_related(
        Prefetch(
            "entries",
            queryset=PublicationEntry.objects.filter(removed_at__isnull=True).order_by(
                "village__code"
            ),
            to_attr="listed",
        )
    )


def open_publications(today):
    """Every list under 公示 today, the newest first, with the villages still on it."""
    return list(_with_listed(Publication.objects.filter(starts_on__lte=today, ends_on__gte=today)))


def access_open_publication(publication_id, today):
    """A list under 公示 today, for anyone; 404 alike for missing and not (or no longer) open."""
    found = (
        _with_listed(Publication.objects.filter(starts_on__lte=today, ends_on__gte=today))
        .filter(pk=publication_id)
        .first()
        if str(publication_id).isdigit()
        else None
    )
    if found is None:
        raise Http404("该公示不存在或已结束。")
    return found


def publication_of(kind, region, year):
    return (
        Publication.objects.filter(kind=kind, region=region, year=year)
        .select_related("region", "campaign")
        .prefetch_related("entries")
        .first()
    )


def access_publication_by_id(user, publication_id):
    """A publication for the office that made it; 404 alike for missing and others'."""
    publication = (
        Publication.objects.filter(pk=publication_id)
        .select_related("region", "campaign__town")
        .prefetch_related("entries")
        .first()
        if str(publication_id).isdigit()
        else None
    )
    if publication is None or not user.has_perm("assessments.answer_objections", publication):
        raise Http404("未找到该公示。")
    return publication


def objections_of(publication):
    return list(
        Objection.objects.filter(publication=publication)
        .select_related("entry", "answered_by")
        .order_by("raised_at", "id")
    )


def access_objection_by_id(user, objection_id):
    """The 异议 for the office that published its list; 404 alike for missing and others."""
    objection = (
        Objection.objects.filter(pk=objection_id)
        .select_related(
            "publication__region", "publication__campaign__town", "entry", "answered_by"
        )
        .first()
        if str(objection_id).isdigit()
        else None
    )
    if objection is None or not user.has_perm(
        "assessments.answer_objections", objection.publication
    ):
        raise Http404("未找到该异议。")
    return objection
