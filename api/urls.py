from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from api import views

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("regions", views.RegionViewSet, basename="region")
router.register("villages", views.VillageViewSet, basename="village")
router.register("standards", views.StandardViewSet, basename="standard")
router.register("campaigns", views.CampaignViewSet, basename="campaign")
router.register("sampling-rules", views.SamplingRuleViewSet, basename="sampling-rule")
router.register("assessments", views.AssessmentViewSet, basename="assessment")
router.register("titles", views.TitleViewSet, basename="title")
router.register("incidents", views.IncidentViewSet, basename="incident")
router.register("incident-categories", views.IncidentCategoryViewSet, basename="incident-category")
router.register("rectification-orders", views.RectificationOrderViewSet, basename="order")
router.register("inspections", views.InspectionViewSet, basename="inspection")
router.register("bulletins", views.BulletinViewSet, basename="bulletin")
router.register("recommendation-lists", views.RecommendationViewSet, basename="recommendation")
router.register("namings", views.NamingViewSet, basename="naming")
router.register("documents", views.OfficialDocumentViewSet, basename="document")
router.register("audit", views.AuditEntryViewSet, basename="audit")

app_name = "api"

urlpatterns = [
    path("auth/token/", views.ObtainToken.as_view(), name="token"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("", include(router.urls)),
]
