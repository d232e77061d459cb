"""The JSON API: reads through the same selectors as the pages, writes through the same services.

An object out of the user's reach answers 404 like a missing one; a refused action answers with
the service's Chinese message (403 not permitted, 409 wrong state, 400 bad input). One module a
capability; this module only gathers them for the router."""

from api.views.assessments import AssessmentViewSet
from api.views.audit import AuditEntryViewSet
from api.views.campaigns import CampaignViewSet, SamplingRuleViewSet
from api.views.inspections import BulletinViewSet, InspectionViewSet, RectificationOrderViewSet
from api.views.places import RegionViewSet, VillageViewSet
from api.views.prepared_files import OfficialDocumentViewSet
from api.views.standards import IncidentCategoryViewSet, StandardViewSet
from api.views.titles import IncidentViewSet, NamingViewSet, RecommendationViewSet, TitleViewSet
from api.views.tokens import ObtainToken

__all__ = [
    "AssessmentViewSet",
    "AuditEntryViewSet",
    "BulletinViewSet",
    "CampaignViewSet",
    "IncidentCategoryViewSet",
    "IncidentViewSet",
    "InspectionViewSet",
    "NamingViewSet",
    "ObtainToken",
    "OfficialDocumentViewSet",
    "RecommendationViewSet",
    "RectificationOrderViewSet",
    "RegionViewSet",
    "SamplingRuleViewSet",
    "StandardViewSet",
    "TitleViewSet",
    "VillageViewSet",
]
