"""What the reads share: scoping a query to the user's reach, the regions within it, and
the document numbers already issued."""

from django.db.models import Q
from django.http import Http404

from assessments.models import (
    Assessment,
    Bulletin,
    Campaign,
    NamingBatch,
    OfficialDocument,
    PassList,
    RecommendationList,
)
from villages.models import Region
from villages.rules import record_scope, staffed_villages_of, village_scope


def scoped(queryset, scope):
    return queryset if scope is None else queryset.filter(scope)


def assessment_scope(user, prefix=""):
    """Assessments (reached through `prefix`) the user may see: a year's assessment, with its
    findings and evidence, belongs to the town that ran that year's campaign."""
    return record_scope(user, f"{prefix}village__", f"{prefix}campaign__town__")


def team_scope(user, prefix=""):
    """The yearly assessments in progress (reached through `prefix`) of the villages whose
    team the user is in; None when they are in none."""
    villages = staffed_villages_of(user)
    if not villages:
        return None
    return Q(
        **{
            f"{prefix}village_id__in": villages,
            f"{prefix}kind": Assessment.Kind.YEARLY,
            f"{prefix}campaign__status__in": Campaign.OPEN_FOR_WORK,
        }
    )


def with_team(scope, user, prefix=""):
    """`scope` widened by what the user reaches as a member of a village's team."""
    team = team_scope(user, prefix)
    return scope if scope is None or team is None else scope | team


def assessed_record_scope(user, prefix=""):
    """Titles or evidence (reached through `prefix`) the user may see: one resting on an
    assessment follows that year's town; one without (a rectification report) the village's
    town today."""
    by_year = assessment_scope(user, f"{prefix}assessment__")
    if by_year is None:
        return None
    return (Q(**{f"{prefix}assessment__isnull": False}) & by_year) | (
        Q(**{f"{prefix}assessment__isnull": True}) & village_scope(user, f"{prefix}village__")
    )


def ancestor_paths(region):
    parts = region.path_codes
    return ["/".join(parts[:i]) + "/" for i in range(1, len(parts) + 1)]


def access_region_by_id(user, region_id, levels=None):
    """A region whose dashboard the user may read: at or below one of their regional roles;
    404 alike for a missing region and one out of reach."""
    regions = Region.objects.select_related("parent")
    if levels is not None:
        regions = regions.filter(level__in=levels)
    region = regions.filter(pk=region_id).first()
    if region is None or not user.has_perm("villages.view_region_dashboard", region):
        raise Http404("未找到该区划。")
    return region


# Where each kind of document keeps the region of the body that issues it.
ISSUING_REGION = {
    PassList: "campaign__town",
    Bulletin: "town",
    RecommendationList: "city",
    NamingBatch: "province",
    OfficialDocument: "region",
}


def document_holding_number(document_number, region, exclude=None):
    """The document the body of `region` already issued under `document_number`, or None.
    A 文号 is the body's own series by year, so it is unique across all its kinds of
    document; `exclude` is the document being edited."""
    for model, field in ISSUING_REGION.items():
        holders = model.objects.filter(document_number=document_number.strip(), **{field: region})
        if exclude is not None and isinstance(exclude, model) and exclude.pk:
            holders = holders.exclude(pk=exclude.pk)
        holder = holders.first()
        if holder is not None:
            return holder
    return None
