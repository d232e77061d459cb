"""Reads of the town's assessment: the pass list as drafted, and as it would stand today."""

from django.http import Http404

from assessments.models import Assessment, PassList, PassListEntry


def pass_list_entries(campaign):
    """The passing villages in code order, as they would stand on the list today."""
    passed = (
        Assessment.objects.filter(
            campaign=campaign, kind=Assessment.Kind.YEARLY, result_passed=True
        )
        .select_related("village")
        .order_by("village__code")
    )
    return [
        PassListEntry(
            village=assessment.village,
            position=position,
            village_name=assessment.village.name,
            village_kind=assessment.village.get_kind_display(),
        )
        for position, assessment in enumerate(passed, start=1)
    ]


def pass_list_of(campaign):
    """The campaign's pass list, or 404 while the town has not drafted it."""
    pass_list = PassList.objects.filter(campaign=campaign).select_related("campaign__town")
    pass_list = pass_list.first()
    if pass_list is None:
        raise Http404("尚未拟制达标名单通报。")
    return pass_list
