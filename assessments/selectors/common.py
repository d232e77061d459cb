"""What the reads share: scoping a query to the user's reach, and the regions within it."""

from django.http import Http404

from villages.models import Region


def scoped(queryset, scope):
    return queryset if scope is None else queryset.filter(scope)


def ancestor_paths(region):
    parts = region.path.strip("/").split("/")
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
