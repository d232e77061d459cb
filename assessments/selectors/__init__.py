"""Every read of the campaign scoped to the user, one module a capability."""

from assessments.selectors.campaigns import (
    access_assessment_by_id,
    access_campaign_by_id,
    assessment_history,
    campaign_board,
    current_assessment_of_secretary,
    visible_assessments,
    visible_campaigns,
)
from assessments.selectors.city_review import (
    DEFAULT_TARGET,
    campaign_rates,
    city_rates,
    current_sample,
    past_samples,
    sample_entries,
    sampling_rule_for,
    target_ratio_for,
)
from assessments.selectors.common import (
    access_region_by_id,
    ancestor_paths,
)
from assessments.selectors.inspections import (
    access_bulletin_by_id,
    access_inspection_by_id,
    access_order_by_id,
    order_history,
    overdue_orders,
    visible_bulletins,
    visible_inspections,
    visible_orders,
)
from assessments.selectors.prepared_files import (
    access_prepared_file_by_id,
    prepared_files_of,
)
from assessments.selectors.self_assessment import (
    access_evidence_by_id,
    latest_return_comments,
    new_or_changed_criteria,
    previous_assessment_of,
    workspace_parts,
)
from assessments.selectors.standards import (
    access_standard_by_id,
    criteria_of,
    criteria_tree,
    judged_criteria_count,
    pass_rule_for,
    visible_standards,
)
from assessments.selectors.titles import (
    TimelineEntry,
    access_incident_by_id,
    access_title_by_id,
    recent_revocations,
    village_timeline,
    visible_incidents,
    visible_titles,
)
from assessments.selectors.town_review import (
    pass_list_entries,
    pass_list_of,
)

__all__ = [
    "DEFAULT_TARGET",
    "TimelineEntry",
    "access_assessment_by_id",
    "access_bulletin_by_id",
    "access_campaign_by_id",
    "access_evidence_by_id",
    "access_incident_by_id",
    "access_inspection_by_id",
    "access_order_by_id",
    "access_prepared_file_by_id",
    "access_region_by_id",
    "access_standard_by_id",
    "access_title_by_id",
    "ancestor_paths",
    "assessment_history",
    "campaign_board",
    "campaign_rates",
    "city_rates",
    "criteria_of",
    "criteria_tree",
    "current_assessment_of_secretary",
    "current_sample",
    "judged_criteria_count",
    "latest_return_comments",
    "new_or_changed_criteria",
    "order_history",
    "overdue_orders",
    "pass_list_entries",
    "pass_list_of",
    "pass_rule_for",
    "past_samples",
    "prepared_files_of",
    "previous_assessment_of",
    "recent_revocations",
    "sample_entries",
    "sampling_rule_for",
    "target_ratio_for",
    "village_timeline",
    "visible_assessments",
    "visible_bulletins",
    "visible_campaigns",
    "visible_incidents",
    "visible_inspections",
    "visible_orders",
    "visible_standards",
    "visible_titles",
    "workspace_parts",
]
