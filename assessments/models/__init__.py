"""The campaign's records, one module a capability; every model is importable from here."""

from assessments.models.campaigns import (
    Assessment,
    AssessmentEvent,
    Campaign,
    CampaignEvent,
    SentReminder,
)
from assessments.models.city_review import (
    Recommendation,
    RecommendationList,
    Sample,
    SampleEntry,
    SamplingRule,
    SamplingRuleManager,
)
from assessments.models.inspections import (
    Bulletin,
    Inspection,
    InspectionFinding,
    RectificationEvent,
    RectificationOrder,
)
from assessments.models.prepared_files import (
    PreparedFile,
    PreparedFileEvent,
    SheetImport,
    SheetImportEvent,
)
from assessments.models.self_assessment import (
    Answer,
    Evidence,
    ReturnComment,
    evidence_upload_path,
)
from assessments.models.standards import (
    STANDARD_LOCKED_MESSAGE,
    Criterion,
    CriterionManager,
    IncidentCategory,
    IncidentGroup,
    NaturalCodeManager,
    Standard,
    StandardEvent,
    StandardManager,
)
from assessments.models.titles import (
    Incident,
    IncidentEffect,
    NamingBatch,
    Title,
    TitleEvent,
)
from assessments.models.town_review import (
    Finding,
    PassList,
    PassListEntry,
)

__all__ = [
    "STANDARD_LOCKED_MESSAGE",
    "Answer",
    "Assessment",
    "AssessmentEvent",
    "Bulletin",
    "Campaign",
    "CampaignEvent",
    "Criterion",
    "CriterionManager",
    "Evidence",
    "Finding",
    "Incident",
    "IncidentCategory",
    "IncidentEffect",
    "IncidentGroup",
    "Inspection",
    "InspectionFinding",
    "NamingBatch",
    "NaturalCodeManager",
    "PassList",
    "PassListEntry",
    "PreparedFile",
    "PreparedFileEvent",
    "Recommendation",
    "RecommendationList",
    "RectificationEvent",
    "RectificationOrder",
    "ReturnComment",
    "Sample",
    "SampleEntry",
    "SamplingRule",
    "SamplingRuleManager",
    "SentReminder",
    "SheetImport",
    "SheetImportEvent",
    "Standard",
    "StandardEvent",
    "StandardManager",
    "Title",
    "TitleEvent",
    "evidence_upload_path",
]
