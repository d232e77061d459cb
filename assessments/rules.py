"""The permission rules of the campaign, built on the place rules of villages/rules.py."""

import rules

from assessments.models import Assessment, Campaign, DocumentKind
from villages.rules import (
    REGIONAL_ROLES,
    Role,
    has_regional_role,
    holds_role_over_region,
    holds_role_over_village,
    is_administrator,
    memberships_of,
    region_in_scope,
)


def year_town(record):
    """The town whose year a record belongs to: the town that ran the assessment's campaign,
    not the village's town today."""
    assessment = record if hasattr(record, "campaign_id") else record.assessment
    return assessment.campaign.town if assessment is not None else None


@rules.predicate
def prepares_assessment(user, assessment):
    """The village's secretary fills the yearly assessment; the town prepares a candidacy."""
    if assessment is None:
        return False
    role = Role.SECRETARY if assessment.kind == "yearly" else Role.TOWN_OFFICE
    return holds_role_over_village(user, assessment.village, (role,), year_town(assessment))


@rules.predicate
def is_town_office_of_assessment(user, assessment):
    return assessment is not None and holds_role_over_village(
        user, assessment.village, (Role.TOWN_OFFICE,), year_town(assessment)
    )


@rules.predicate
def can_see_assessment(user, assessment):
    return assessment is not None and holds_role_over_village(
        user, assessment.village, (Role.SECRETARY, *REGIONAL_ROLES), year_town(assessment)
    )


@rules.predicate
def can_see_campaign(user, campaign):
    return campaign is not None and region_in_scope(user, campaign.town)


@rules.predicate
def is_town_office_of_campaign(user, campaign):
    return campaign is not None and holds_role_over_region(user, campaign.town, (Role.TOWN_OFFICE,))


@rules.predicate
def is_town_office_of_region(user, region=None):
    """Town office of the region; asked without one, town office anywhere."""
    if region is None:
        return any(m.role == Role.TOWN_OFFICE for m in memberships_of(user))
    return holds_role_over_region(user, region, (Role.TOWN_OFFICE,))


rules.add_perm("assessments.view_standard", rules.is_authenticated)
rules.add_perm("assessments.manage_standards", is_administrator)
rules.add_perm("assessments.pin_standard", is_administrator | has_regional_role)

rules.add_perm("assessments.list_campaigns", is_administrator | has_regional_role)
rules.add_perm("assessments.view_campaign", is_administrator | can_see_campaign)
rules.add_perm("assessments.create_campaign", is_administrator | is_town_office_of_region)
rules.add_perm("assessments.open_campaign", is_administrator | is_town_office_of_campaign)


@rules.predicate
def is_team_member_of_current(user, assessment):
    """A member of the village's team reads the village's assessment of the year in progress
    (and nothing else of the village)."""
    return (
        assessment is not None
        and assessment.kind == Assessment.Kind.YEARLY
        and assessment.campaign.status in Campaign.OPEN_FOR_WORK
        and holds_role_over_village(user, assessment.village, (Role.VILLAGE_STAFF,))
    )


@rules.predicate
def assigns_items(user, assessment):
    """The secretary hands the items of the yearly assessment to the team and accepts them."""
    return (
        assessment is not None
        and assessment.kind == Assessment.Kind.YEARLY
        and holds_role_over_village(
            user, assessment.village, (Role.SECRETARY,), year_town(assessment)
        )
    )


@rules.predicate
def fills_assignment(user, assignment):
    """The member an item is assigned to fills it while it is theirs to fill."""
    return (
        assignment is not None
        and assignment.assignee_id == user.pk
        and assignment.is_open
        and is_team_member_of_current(user, assignment.assessment)
    )


@rules.predicate
def reviews_assignment(user, assignment):
    return assignment is not None and assigns_items(user, assignment.assessment)


rules.add_perm(
    "assessments.view_assessment",
    is_administrator | can_see_assessment | is_team_member_of_current,
)
rules.add_perm("assessments.assign_items", assigns_items)
rules.add_perm("assessments.fill_assignment", fills_assignment)
rules.add_perm("assessments.review_assignment", reviews_assignment)
rules.add_perm("assessments.edit_assessment", prepares_assessment)
rules.add_perm("assessments.return_assessment", is_town_office_of_assessment)
rules.add_perm("assessments.extend_deadline", is_town_office_of_assessment)


@rules.predicate
def is_leading_group_of_campaign(user, campaign):
    return campaign is not None and holds_role_over_region(
        user, campaign.town, (Role.TOWN_LEADING_GROUP,)
    )


rules.add_perm("assessments.assess_assessment", is_town_office_of_assessment)
rules.add_perm("assessments.close_self_assessment", is_town_office_of_campaign)
rules.add_perm("assessments.approve_campaign", is_leading_group_of_campaign)
rules.add_perm("assessments.prepare_pass_list", is_town_office_of_campaign)
rules.add_perm("assessments.file_campaign", is_town_office_of_campaign)


@rules.predicate
def is_town_office_of_village(user, village):
    return village is not None and holds_role_over_village(user, village, (Role.TOWN_OFFICE,))


@rules.predicate
def is_town_office_of_order(user, order):
    return order is not None and is_town_office_of_village(user, order.village)


@rules.predicate
def is_secretary_of_order_village(user, order):
    return order is not None and holds_role_over_village(user, order.village, (Role.SECRETARY,))


rules.add_perm("assessments.inspect_village", is_town_office_of_village)
rules.add_perm("assessments.list_inspections", is_administrator | has_regional_role)
rules.add_perm("assessments.report_rectification", is_secretary_of_order_village)
rules.add_perm("assessments.accept_rectification", is_town_office_of_order)
rules.add_perm("assessments.issue_bulletin", is_town_office_of_region)


@rules.predicate
def is_city_office_of_campaign(user, campaign):
    return campaign is not None and holds_role_over_region(user, campaign.town, (Role.CITY_OFFICE,))


@rules.predicate
def is_city_office_of_assessment(user, assessment):
    return assessment is not None and is_city_office_of_campaign(user, assessment.campaign)


@rules.predicate
def is_town_office_of_candidate(user, assessment):
    return assessment is not None and is_town_office_of_assessment(user, assessment)


@rules.predicate
def is_city_office_of_region(user, region=None):
    if region is None:
        return any(m.role == Role.CITY_OFFICE for m in memberships_of(user))
    return holds_role_over_region(user, region, (Role.CITY_OFFICE,))


rules.add_perm("assessments.draw_sample", is_city_office_of_campaign)
rules.add_perm("assessments.re_review_assessment", is_city_office_of_assessment)
rules.add_perm("assessments.close_city_review", is_city_office_of_campaign)
rules.add_perm("assessments.start_candidacy", is_town_office_of_candidate)
rules.add_perm("assessments.recommend", is_city_office_of_region)


@rules.predicate
def records_incidents_for(user, village):
    return village is not None and holds_role_over_village(
        user, village, (Role.TOWN_OFFICE, Role.CITY_OFFICE, Role.PROVINCE_OFFICE)
    )


@rules.predicate
def records_incidents_somewhere(user):
    return any(
        m.role in (Role.TOWN_OFFICE, Role.CITY_OFFICE, Role.PROVINCE_OFFICE)
        for m in memberships_of(user)
    )


@rules.predicate
def is_province_office_of_title(user, title):
    return title is not None and holds_role_over_village(
        user, title.village, (Role.PROVINCE_OFFICE,), year_town(title)
    )


@rules.predicate
def is_province_office_of_region(user, region=None):
    if region is None:
        return any(m.role == Role.PROVINCE_OFFICE for m in memberships_of(user))
    return holds_role_over_region(user, region, (Role.PROVINCE_OFFICE,))


rules.add_perm("assessments.record_incident", records_incidents_for)
rules.add_perm("assessments.list_incidents", is_administrator | has_regional_role)
rules.add_perm("assessments.enter_incidents", records_incidents_somewhere)
rules.add_perm("assessments.review_title", is_province_office_of_title)
rules.add_perm("assessments.name_villages", is_province_office_of_region)


# The office that drafts and issues each document drafted from the year's figures.
ISSUING_ROLE = {
    DocumentKind.NAMING_DECISION: Role.PROVINCE_OFFICE,
    DocumentKind.REVIEW_BULLETIN: Role.CITY_OFFICE,
    DocumentKind.ANNUAL_SUMMARY: Role.TOWN_OFFICE,
}


@rules.predicate
def issues_document(user, document):
    return document is not None and holds_role_over_region(
        user, document.region, (ISSUING_ROLE[document.kind],)
    )


rules.add_perm("assessments.issue_document", issues_document)


@rules.predicate
def publishes(user, publication):
    """The office that made a list public answers the 异议 against it."""
    if publication is None:
        return False
    if publication.kind == "pass_list":
        return is_town_office_of_campaign(user, publication.campaign)
    if publication.kind == "recommendation":
        return is_city_office_of_region(user, publication.region)
    return is_province_office_of_region(user, publication.region)


rules.add_perm("assessments.answer_objections", is_administrator | publishes)


@rules.predicate
def works_in_village(user, village):
    """The village's secretary and its team record the village's publicity work."""
    return village is not None and holds_role_over_village(
        user, village, (Role.SECRETARY, Role.VILLAGE_STAFF)
    )


@rules.predicate
def is_secretary_of_village(user, village):
    return village is not None and holds_role_over_village(user, village, (Role.SECRETARY,))


@rules.predicate
def selects_practice(user, practice):
    """The town office publishes a village's practice to its town; the city office a town's
    典型经验 to its city."""
    if practice is None:
        return False
    if practice.status == "submitted":
        return holds_role_over_village(user, practice.village, (Role.TOWN_OFFICE,))
    return holds_role_over_village(user, practice.village, (Role.CITY_OFFICE,))


rules.add_perm("assessments.record_publicity", works_in_village)
rules.add_perm("assessments.write_practice", is_secretary_of_village)
rules.add_perm("assessments.select_practice", selects_practice)
