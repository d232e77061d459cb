from django.urls import path

from assessments import (
    dashboard_views,
    rectification_views,
    review_views,
    title_views,
    views,
)

app_name = "assessments"

urlpatterns = [
    path("standards/", views.standard_list, name="standard_list"),
    path("standards/<int:standard_id>/", views.standard_detail, name="standard_detail"),
    path("campaigns/", views.campaign_list, name="campaign_list"),
    path("campaigns/new/", views.campaign_create, name="campaign_create"),
    path("campaigns/<int:campaign_id>/", views.campaign_detail, name="campaign_detail"),
    path("campaigns/<int:campaign_id>/open/", views.campaign_open, name="campaign_open"),
    path(
        "campaigns/<int:campaign_id>/close-self-assessment/",
        views.campaign_close_self_assessment,
        name="campaign_close_self_assessment",
    ),
    path("campaigns/<int:campaign_id>/approve/", views.campaign_approve, name="campaign_approve"),
    path("campaigns/<int:campaign_id>/pass-list/", views.pass_list_edit, name="pass_list_edit"),
    path("campaigns/<int:campaign_id>/pass-list.pdf", views.pass_list_pdf, name="pass_list_pdf"),
    path("campaigns/<int:campaign_id>/pass-list.xlsx", views.pass_list_xlsx, name="pass_list_xlsx"),
    path("campaigns/<int:campaign_id>/file/", views.campaign_file, name="campaign_file"),
    path("my/", views.my_assessment, name="my_assessment"),
    path(
        "assessments/<int:assessment_id>/town/",
        views.town_assessment,
        name="town_assessment",
    ),
    path(
        "assessments/<int:assessment_id>/town/conclude/",
        views.town_assessment_conclude,
        name="town_assessment_conclude",
    ),
    path(
        "assessments/<int:assessment_id>/city/",
        views.city_review,
        name="city_review",
    ),
    path(
        "assessments/<int:assessment_id>/city/conclude/",
        views.city_review_conclude,
        name="city_review_conclude",
    ),
    path(
        "assessments/<int:assessment_id>/town/reopen/",
        views.town_assessment_reopen,
        name="town_assessment_reopen",
    ),
    path("assessments/<int:assessment_id>/", views.assessment_detail, name="assessment_detail"),
    path("assessments/<int:assessment_id>/plan/", views.assessment_plan, name="assessment_plan"),
    path(
        "assessments/<int:assessment_id>/criteria/<int:criterion_id>/",
        views.assessment_criterion,
        name="assessment_criterion",
    ),
    path(
        "assessments/<int:assessment_id>/criteria/<int:criterion_id>/evidence/",
        views.evidence_upload,
        name="evidence_upload",
    ),
    path(
        "assessments/<int:assessment_id>/submit/",
        views.assessment_submit,
        name="assessment_submit",
    ),
    path(
        "assessments/<int:assessment_id>/return/",
        views.assessment_return,
        name="assessment_return",
    ),
    path(
        "assessments/<int:assessment_id>/extend/",
        views.assessment_extend,
        name="assessment_extend",
    ),
    path("evidence/<int:evidence_id>/", views.evidence_download, name="evidence_download"),
    path(
        "evidence/<int:evidence_id>/thumbnail/",
        views.evidence_thumbnail,
        name="evidence_thumbnail",
    ),
    path(
        "evidence/<int:evidence_id>/withdraw/",
        views.evidence_withdraw,
        name="evidence_withdraw",
    ),
    path("inspections/", rectification_views.inspection_list, name="inspection_list"),
    path("inspections/new/", rectification_views.inspection_create, name="inspection_create"),
    path(
        "inspections/<int:inspection_id>/",
        rectification_views.inspection_detail,
        name="inspection_detail",
    ),
    path("rectifications/", rectification_views.order_list, name="order_list"),
    path("rectifications/<int:order_id>/", rectification_views.order_detail, name="order_detail"),
    path(
        "rectifications/<int:order_id>/accept/",
        rectification_views.order_accept,
        name="order_accept",
    ),
    path(
        "rectifications/<int:order_id>/reopen/",
        rectification_views.order_reopen,
        name="order_reopen",
    ),
    path("bulletins/new/", rectification_views.bulletin_create, name="bulletin_create"),
    path("bulletins/<int:bulletin_id>.pdf", rectification_views.bulletin_pdf, name="bulletin_pdf"),
    path("city/", review_views.city_overview, name="city_overview"),
    path(
        "campaigns/<int:campaign_id>/review/",
        review_views.campaign_review,
        name="campaign_review",
    ),
    path("campaigns/<int:campaign_id>/sample/", review_views.sample_draw, name="sample_draw"),
    path("campaigns/<int:campaign_id>/sample.pdf", review_views.sample_pdf, name="sample_pdf"),
    path(
        "campaigns/<int:campaign_id>/close-city-review/",
        review_views.campaign_close_city_review,
        name="campaign_close_city_review",
    ),
    path(
        "assessments/<int:assessment_id>/candidacy/",
        review_views.candidacy_start,
        name="candidacy_start",
    ),
    path("recommendations/new/", review_views.recommendation_create, name="recommendation_create"),
    path(
        "recommendations/<int:list_id>.pdf",
        review_views.recommendation_pdf,
        name="recommendation_pdf",
    ),
    path(
        "recommendations/<int:list_id>.xlsx",
        review_views.recommendation_xlsx,
        name="recommendation_xlsx",
    ),
    path("incidents/", title_views.incident_list, name="incident_list"),
    path("incidents/new/", title_views.incident_create, name="incident_create"),
    path("incidents/<int:incident_id>/", title_views.incident_detail, name="incident_detail"),
    path(
        "incidents/<int:incident_id>/correct/",
        title_views.incident_correct,
        name="incident_correct",
    ),
    path("titles/", title_views.title_list, name="title_list"),
    path("titles/certificates.pdf", title_views.title_certificates, name="title_certificates"),
    path("titles/<int:title_id>/", title_views.title_detail, name="title_detail"),
    path(
        "titles/<int:title_id>/certificate.pdf",
        title_views.title_certificate,
        name="title_certificate",
    ),
    path("namings/new/", title_views.naming_create, name="naming_create"),
    path("timeline/<int:village_id>/", title_views.timeline, name="timeline"),
    path(
        "dashboard/town/<int:region_id>/",
        dashboard_views.town_dashboard_view,
        name="town_dashboard",
    ),
    path(
        "dashboard/region/<int:region_id>/",
        dashboard_views.region_dashboard_view,
        name="region_dashboard",
    ),
    path(
        "assessments/<int:assessment_id>/report.pdf",
        views.assessment_report_pdf,
        name="assessment_report_pdf",
    ),
    path(
        "campaigns/<int:campaign_id>/reports.pdf",
        views.campaign_reports_pdf,
        name="campaign_reports_pdf",
    ),
    path(
        "rectifications/<int:order_id>/notice.pdf",
        rectification_views.order_notice_pdf,
        name="order_notice_pdf",
    ),
]
