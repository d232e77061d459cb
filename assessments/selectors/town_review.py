"""Reads of the town's assessment: the pass list as drafted, and as it would stand today."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from assessments.models import Assessment, AssessmentEvent, Finding, PassList, PassListEntry
from villages.figures import ConfirmedFigure


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
    pass_list = PassList.objects.filter(campaign=campaign).first()
    if pass_list is None:
        raise Http404("尚未拟制达标名单通报。")
    # The campaign at hand, with its town, rather than read again with the list.
    pass_list.campaign = campaign
    return pass_list


def require_draft_reader(user, campaign):
    """A draft pass list is its authors' and approvers' until it is filed, in every format."""
    if not (
        user.has_perm("assessments.prepare_pass_list", campaign)
        or user.has_perm("assessments.approve_campaign", campaign)
    ):
        raise PermissionDenied


def readable_pass_list(user, campaign):
    """The pass list and its entries as this reader may see them: the filed list as filed; a
    draft, as it would stand today, only for its authors and approvers."""
    pass_list = pass_list_of(campaign)
    if pass_list.pdf:
        return pass_list, list(pass_list.entries.select_related("village").order_by("position"))
    require_draft_reader(user, campaign)
    return pass_list, pass_list_entries(campaign)


def confirmed_profile_figures(village_ids):
    """The village counts the standard asks about (criteria that pre-fill from a profile field)
    as the town last confirmed them in a concluded yearly assessment, with year and person."""
    findings = (
        Finding.objects.filter(
            stage=Finding.Stage.TOWN,
            assessment__village_id__in=village_ids,
            assessment__kind=Assessment.Kind.YEARLY,
            assessment__town_passed__isnull=False,
            value__isnull=False,
        )
        .exclude(criterion__profile_field="")
        .select_related("criterion", "assessment__campaign", "recorded_by")
        .order_by("assessment__campaign__year", "recorded_at")
    )
    figures = {}
    for finding in findings:
        value = finding.value
        number = int(value) if value == value.to_integral_value() else value
        figures[(finding.assessment.village_id, finding.criterion.profile_field)] = ConfirmedFigure(
            number, finding.assessment.campaign.year, finding.recorded_by.display_name
        )
    return figures


def status_before_town_conclusion(assessment):
    """Where the assessment stood when the town concluded it: 已提交, or, for a village the
    town concluded without a submission, the state it had stopped in."""
    concluded = (
        AssessmentEvent.objects.filter(
            assessment=assessment, action=AssessmentEvent.Action.TOWN_ASSESSED
        )
        .order_by("-occurred_at", "-id")
        .first()
    )
    return concluded.from_status if concluded else Assessment.Status.SUBMITTED
