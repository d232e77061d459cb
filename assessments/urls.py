from django.urls import path

from assessments.views import (
    assignments,
    campaigns,
    city_review,
    dashboards,
    inspections,
    prepared_files,
    publications,
    publicity,
    self_assessment,
    sheets,
    standards,
    titles,
    town_review,
)

app_name = "assessments"

urlpatterns = [
    path("standards/", standards.standard_list, name="standard_list"),
    path("standards/<int:standard_id>/", standards.standard_detail, name="standard_detail"),
    path("campaigns/", campaigns.campaign_list, name="campaign_list"),
    path("campaigns/new/", campaigns.campaign_create, name="campaign_create"),
    path("campaigns/<int:campaign_id>/", campaigns.campaign_detail, name="campaign_detail"),
    path("campaigns/<int:campaign_id>/open/", campaigns.campaign_open, name="campaign_open"),
    path(
        "campaigns/<int:campaign_id>/close-self-assessment/",
        campaigns.campaign_close_self_assessment,
        name="campaign_close_self_assessment",
    ),
    path("campaigns/<int:campaign_id>/urge/", campaigns.campaign_urge, name="campaign_urge"),
    path(
        "campaigns/<int:campaign_id>/approve/",
        town_review.campaign_approve,
        name="campaign_approve",
    ),
    path(
        "campaigns/<int:campaign_id>/pass-list/", town_review.pass_list_edit, name="pass_list_edit"
    ),
    path(
        "campaigns/<int:campaign_id>/pass-list.pdf", town_review.pass_list_pdf, name="pass_list_pdf"
    ),
    path(
        "campaigns/<int:campaign_id>/pass-list.xlsx",
        town_review.pass_list_xlsx,
        name="pass_list_xlsx",
    ),
    path("campaigns/<int:campaign_id>/file/", town_review.campaign_file, name="campaign_file"),
    path("gongshi/", publications.public_publications, name="public_publications"),
    path(
        "gongshi/<int:publication_id>/objection/",
        publications.public_objection,
        name="public_objection",
    ),
    path(
        "campaigns/<int:campaign_id>/publication/",
        publications.campaign_publication,
        name="campaign_publication",
    ),
    path(
        "publications/<int:publication_id>/",
        publications.publication_detail,
        name="publication_detail",
    ),
    path("objections/<int:objection_id>/", publications.objection_detail, name="objection_detail"),
    path(
        "objections/<int:objection_id>/photo.jpg",
        publications.objection_photo,
        name="objection_photo",
    ),
    path("publicity/<int:village_id>/", publicity.village_publicity, name="village_publicity"),
    path("publicity/<int:village_id>/practices/new/", publicity.practice_edit, name="practice_new"),
    path(
        "publicity/<int:village_id>/practices/<int:practice_id>/edit/",
        publicity.practice_edit,
        name="practice_edit",
    ),
    path(
        "publicity/<int:village_id>/photos/<int:record_id>.jpg",
        publicity.publicity_photo,
        name="publicity_photo",
    ),
    path("practices/", publicity.practice_list, name="practice_list"),
    path("practices/<int:practice_id>/photo.jpg", publicity.practice_photo, name="practice_photo"),
    path("practices/<int:practice_id>/", publicity.practice_detail, name="practice_detail"),
    path("practices/<int:practice_id>/submit/", publicity.practice_submit, name="practice_submit"),
    path(
        "practices/<int:practice_id>/publish/", publicity.practice_publish, name="practice_publish"
    ),
    path("practices/<int:practice_id>/return/", publicity.practice_return, name="practice_return"),
    path("practices/<int:practice_id>/pdf/", publicity.practice_pdf, name="practice_pdf"),
    path("my/", self_assessment.my_assessment, name="my_assessment"),
    path("my/items/", assignments.my_assignments_view, name="my_assignments"),
    path(
        "assessments/<int:assessment_id>/assignments/",
        assignments.assessment_assignments,
        name="assessment_assignments",
    ),
    path(
        "assignments/<int:assignment_id>/hand-in/",
        assignments.assignment_hand_in,
        name="assignment_hand_in",
    ),
    path(
        "assignments/<int:assignment_id>/accept/",
        assignments.assignment_accept,
        name="assignment_accept",
    ),
    path(
        "assignments/<int:assignment_id>/send-back/",
        assignments.assignment_send_back,
        name="assignment_send_back",
    ),
    path(
        "assignments/<int:assignment_id>/withdraw/",
        assignments.assignment_withdraw,
        name="assignment_withdraw",
    ),
    path(
        "assessments/<int:assessment_id>/town/",
        town_review.town_assessment,
        name="town_assessment",
    ),
    path(
        "assessments/<int:assessment_id>/town/conclude/",
        town_review.town_assessment_conclude,
        name="town_assessment_conclude",
    ),
    path(
        "assessments/<int:assessment_id>/city/",
        city_review.city_review,
        name="city_review",
    ),
    path(
        "assessments/<int:assessment_id>/city/conclude/",
        city_review.city_review_conclude,
        name="city_review_conclude",
    ),
    path(
        "assessments/<int:assessment_id>/town/not-submitted/",
        town_review.town_assessment_not_submitted,
        name="town_assessment_not_submitted",
    ),
    path(
        "assessments/<int:assessment_id>/criteria/<int:criterion_id>/keep/",
        self_assessment.returned_answer_keep,
        name="returned_answer_keep",
    ),
    path(
        "assessments/<int:assessment_id>/town/reopen/",
        town_review.town_assessment_reopen,
        name="town_assessment_reopen",
    ),
    path(
        "assessments/<int:assessment_id>/",
        self_assessment.assessment_detail,
        name="assessment_detail",
    ),
    path(
        "assessments/<int:assessment_id>/plan/",
        self_assessment.assessment_plan,
        name="assessment_plan",
    ),
    path(
        "assessments/<int:assessment_id>/criteria/<int:criterion_id>/",
        self_assessment.assessment_criterion,
        name="assessment_criterion",
    ),
    path(
        "assessments/<int:assessment_id>/criteria/<int:criterion_id>/evidence/",
        self_assessment.evidence_upload,
        name="evidence_upload",
    ),
    path(
        "assessments/<int:assessment_id>/vetoes/",
        self_assessment.assessment_vetoes,
        name="assessment_vetoes",
    ),
    path(
        "assessments/<int:assessment_id>/carry-over/",
        self_assessment.assessment_carry_over,
        name="assessment_carry_over",
    ),
    path(
        "assessments/<int:assessment_id>/criteria/<int:criterion_id>/confirm/",
        self_assessment.answer_confirm,
        name="answer_confirm",
    ),
    path(
        "assessments/<int:assessment_id>/evidence/<int:evidence_id>/carry/",
        self_assessment.evidence_carry,
        name="evidence_carry",
    ),
    path(
        "assessments/<int:assessment_id>/submit/",
        self_assessment.assessment_submit,
        name="assessment_submit",
    ),
    path(
        "assessments/<int:assessment_id>/return/",
        self_assessment.assessment_return,
        name="assessment_return",
    ),
    path(
        "assessments/<int:assessment_id>/extend/",
        campaigns.assessment_extend,
        name="assessment_extend",
    ),
    path(
        "evidence/<int:evidence_id>/", self_assessment.evidence_download, name="evidence_download"
    ),
    path(
        "evidence/<int:evidence_id>/thumbnail/",
        self_assessment.evidence_thumbnail,
        name="evidence_thumbnail",
    ),
    path(
        "evidence/<int:evidence_id>/withdraw/",
        self_assessment.evidence_withdraw,
        name="evidence_withdraw",
    ),
    path("inspections/", inspections.inspection_list, name="inspection_list"),
    path("inspections/new/", inspections.inspection_create, name="inspection_create"),
    path(
        "inspections/<int:inspection_id>/",
        inspections.inspection_detail,
        name="inspection_detail",
    ),
    path("rectifications/", inspections.order_list, name="order_list"),
    path("rectifications/<int:order_id>/", inspections.order_detail, name="order_detail"),
    path(
        "rectifications/<int:order_id>/accept/",
        inspections.order_accept,
        name="order_accept",
    ),
    path(
        "rectifications/<int:order_id>/reopen/",
        inspections.order_reopen,
        name="order_reopen",
    ),
    path("bulletins/", inspections.bulletin_list, name="bulletin_list"),
    path("bulletins/new/", inspections.bulletin_create, name="bulletin_create"),
    path("bulletins/<int:bulletin_id>.pdf", inspections.bulletin_pdf, name="bulletin_pdf"),
    path("city/", city_review.city_overview, name="city_overview"),
    path(
        "campaigns/<int:campaign_id>/review/",
        city_review.campaign_review,
        name="campaign_review",
    ),
    path("campaigns/<int:campaign_id>/sample/", city_review.sample_draw, name="sample_draw"),
    path("campaigns/<int:campaign_id>/sample.pdf", city_review.sample_pdf, name="sample_pdf"),
    path(
        "campaigns/<int:campaign_id>/close-city-review/",
        city_review.campaign_close_city_review,
        name="campaign_close_city_review",
    ),
    path(
        "assessments/<int:assessment_id>/candidacy/",
        city_review.candidacy_start,
        name="candidacy_start",
    ),
    path("recommendations/new/", city_review.recommendation_create, name="recommendation_create"),
    path(
        "recommendations/<int:list_id>.pdf",
        city_review.recommendation_pdf,
        name="recommendation_pdf",
    ),
    path(
        "recommendations/<int:list_id>.xlsx",
        city_review.recommendation_xlsx,
        name="recommendation_xlsx",
    ),
    path("incidents/", titles.incident_list, name="incident_list"),
    path("incidents/new/", titles.incident_create, name="incident_create"),
    path("incidents/<int:incident_id>/", titles.incident_detail, name="incident_detail"),
    path(
        "incidents/<int:incident_id>/correct/",
        titles.incident_correct,
        name="incident_correct",
    ),
    path("titles/", titles.title_list, name="title_list"),
    path("titles/certificates.pdf", titles.title_certificates, name="title_certificates"),
    path("titles/<int:title_id>/", titles.title_detail, name="title_detail"),
    path(
        "titles/<int:title_id>/certificate.pdf",
        titles.title_certificate,
        name="title_certificate",
    ),
    path("namings/new/", titles.naming_create, name="naming_create"),
    path("timeline/<int:village_id>/", titles.timeline, name="timeline"),
    path(
        "dashboard/town/<int:region_id>/",
        dashboards.town_dashboard_view,
        name="town_dashboard",
    ),
    path(
        "dashboard/region/<int:region_id>/",
        dashboards.region_dashboard_view,
        name="region_dashboard",
    ),
    path(
        "assessments/<int:assessment_id>/report.pdf",
        campaigns.assessment_report_pdf,
        name="assessment_report_pdf",
    ),
    path(
        "campaigns/<int:campaign_id>/reports/",
        prepared_files.campaign_reports_prepare,
        name="campaign_reports_prepare",
    ),
    path(
        "regions/<int:region_id>/results/",
        prepared_files.region_results_prepare,
        name="region_results_prepare",
    ),
    path("downloads/", prepared_files.prepared_file_list, name="prepared_file_list"),
    path("documents/", prepared_files.document_list, name="document_list"),
    path("documents/draft/", prepared_files.document_draft, name="document_draft"),
    path("documents/<int:document_id>/", prepared_files.document_detail, name="document_detail"),
    path("documents/<int:document_id>.pdf", prepared_files.document_pdf, name="document_pdf"),
    path(
        "documents/<int:document_id>/issue/", prepared_files.document_issue, name="document_issue"
    ),
    path(
        "downloads/<int:prepared_file_id>/",
        prepared_files.prepared_file,
        name="prepared_file",
    ),
    path(
        "downloads/<int:prepared_file_id>/file/",
        prepared_files.prepared_file_download,
        name="prepared_file_download",
    ),
    path(
        "rectifications/<int:order_id>/notice.pdf",
        inspections.order_notice_pdf,
        name="order_notice_pdf",
    ),
    path("exports/<slug:name>.xlsx", sheets.export_list, name="export_list"),
    path(
        "campaigns/<int:campaign_id>/exports/<slug:name>.xlsx",
        sheets.export_campaign,
        name="export_campaign",
    ),
    path("incidents/import/", sheets.incident_import, name="incident_import"),
    path("imports/<int:job_id>/", sheets.sheet_import_detail, name="sheet_import_detail"),
    path("imports/<int:job_id>/confirm/", sheets.sheet_import_confirm, name="sheet_import_confirm"),
    path(
        "campaigns/<int:campaign_id>/findings/import/",
        sheets.finding_import,
        name="finding_import",
    ),
    path(
        "standards/<int:standard_id>/criteria/import/",
        sheets.criteria_import,
        name="criteria_import",
    ),
]
