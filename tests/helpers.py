from datetime import date, timedelta
from decimal import Decimal

from django.core.management import call_command

from assessments import services
from assessments.models import Assessment, Criterion, Evidence, Recommendation, Title
from assessments.selectors import criteria_of
from tests.factories import user_with_role
from tests.files import jpeg
from villages.models import Membership, Region

# Every role a signed-in user may hold, in the order of the authorization matrix.
SIGNED_IN_ROLES = (
    "secretary",
    "town_office",
    "town_leading_group",
    "city_office",
    "province_office",
    "administrator",
    "village_staff",
)


def answer_everything(actor, assessment, cameras=6):
    """A complete, passing self-assessment: plan, every answer, the required evidence."""
    services.save_plan(
        actor=actor,
        assessment_id=assessment.pk,
        plan_text="一、目标任务……二、工作措施……",
        outreach_text="延伸到各湾组、网格",
    )
    for criterion in Criterion.objects.filter(standard=assessment.standard):
        if criterion.kind == Criterion.Kind.VETO:
            fields = {"veto_occurred": False}
        elif criterion.kind == Criterion.Kind.REQUIREMENT:
            fields = {"met": True, "narrative": "已落实"}
        elif criterion.kind == Criterion.Kind.THRESHOLD:
            fields = {"value": cameras}
        else:
            continue
        services.save_answer(
            actor=actor, assessment_id=assessment.pk, criterion_id=criterion.pk, **fields
        )
        if criterion.evidence_required:
            photo = services.add_evidence(
                actor=actor, assessment_id=assessment.pk, criterion_id=criterion.pk, upload=jpeg()
            )
            # What the background worker does once the upload commits.
            services.finish_photo(evidence_id=photo.pk)


def finish_photos():
    """What the background worker does with the photos uploaded (and committed) so far."""
    for photo in Evidence.objects.filter(status=Evidence.Status.PROCESSING):
        services.finish_photo(evidence_id=photo.pk)


def secretary_of(village, known):
    """The secretary of a village: a given one if known, else a new account."""
    return known.get(village.pk) or user_with_role(Membership.Role.SECRETARY, village)


def run_town_year(campaign, people, short_of_cameras=(), secretaries=None):
    """Submit, assess, approve and file a campaign; the named villages report 4 cameras."""
    approve_town_year(campaign, people, short_of_cameras, secretaries)
    services.file_campaign(actor=people["town_office"], campaign_id=campaign.pk)
    campaign.refresh_from_db()
    return campaign


def approve_town_year(campaign, people, short_of_cameras=(), secretaries=None):
    """run_town_year up to the approved campaign and its drafted pass list, not yet filed."""
    secretaries = secretaries or {}
    town = people["town_office"]
    judged = [c for c in criteria_of(campaign.standard) if c.is_judged]
    for assessment in campaign.assessments.select_related("village"):
        secretary = secretary_of(assessment.village, secretaries)
        cameras = 4 if assessment.village.name in short_of_cameras else 6
        answer_everything(secretary, assessment, cameras=cameras)
        services.submit_assessment(actor=secretary, assessment_id=assessment.pk)
        services.save_findings(
            actor=town,
            assessment_id=assessment.pk,
            findings=[{"criterion_id": c.pk, "agrees": True} for c in judged],
        )
        services.conclude_town_assessment(actor=town, assessment_id=assessment.pk)
    services.close_self_assessment(actor=town, campaign_id=campaign.pk, reason="各村(社区)均已提交")
    services.approve_campaign(actor=people["town_leading_group"], campaign_id=campaign.pk)
    passed = campaign.assessments.filter(result_passed=True).count()
    services.save_pass_list(
        actor=town,
        campaign_id=campaign.pk,
        document_number=f"汪发〔{campaign.year}〕12号",
        issued_on=date(campaign.year, 12, 20),
        **services.default_pass_list_text(campaign, passed),
    )
    campaign.refresh_from_db()
    return campaign


def run_base_year(base, short_of_cameras=()):
    """run_town_year on a shared base (tests/conftest.py), 新沟村 answered by its secretary."""
    people = base["people"]
    secretaries = {base["xingou"].pk: people["secretary"]}
    return run_town_year(base["campaign"], people, short_of_cameras, secretaries)


def new_campaign(people, town, standard, year, *, due=(6, 30), role="town_office"):
    """Create a draft campaign whose deadlines fall in order in its year."""
    month, day = due
    return services.create_campaign(
        actor=people[role],
        town=town,
        year=year,
        standard=standard,
        self_assessment_due=date(year, month, day),
        town_assessment_due=date(year, 10, 31),
        city_review_due=date(year, 12, 31),
    )


def inspect_short(actor, village, criterion, comment="探头不足", days=10):
    """A spot inspection finding `criterion` short, which opens a rectification order."""
    return services.record_inspection(
        actor=actor,
        village_id=village.pk,
        inspected_on=date.today(),
        inspectors="检查组",
        summary="",
        findings=[
            {
                "criterion_id": criterion.pk,
                "met": False,
                "comment": comment,
                "deadline": date.today() + timedelta(days=days),
            }
        ],
    )


def review_base_year(base, seed):
    """The base year filed (崔王村 short of cameras), sampled with 新沟村 forced in, and every
    sampled village re-reviewed and passed by the city."""
    campaign, people, xingou = base["campaign"], base["people"], base["xingou"]
    call_command("loaddata", "fixtures/sampling_rules.json", verbosity=0)
    run_base_year(base, ("崔王村",))
    sample = services.draw_sample(
        actor=people["city_office"],
        campaign_id=campaign.pk,
        ratio=Decimal("0.3"),
        minimum_count=3,
        forced={xingou.code: "典型"},
        seed=seed,
    )
    for entry in sample.entries.all():
        agree_all(people, entry.assessment)
    return campaign


def agree_all(people, assessment):
    """The city re-reviews an assessment and agrees with every judged item."""
    judged = [c for c in criteria_of(assessment.standard) if c.is_judged]
    services.save_findings(
        actor=people["city_office"],
        assessment_id=assessment.pk,
        findings=[{"criterion_id": c.pk, "agrees": True} for c in judged],
        stage="city",
    )
    services.conclude_city_review(actor=people["city_office"], assessment_id=assessment.pk)


def recommend_and_name(people, campaign, village):
    """The village's candidacy prepared and re-reviewed, the city review closed, the village
    recommended by 天门市 and named a 2024—2025 demonstration village by 湖北省."""
    yearly = Assessment.objects.get(campaign=campaign, village=village, kind="yearly")
    candidacy = services.start_candidacy(actor=people["town_office"], assessment_id=yearly.pk)
    answer_everything(people["town_office"], candidacy)
    services.submit_assessment(actor=people["town_office"], assessment_id=candidacy.pk)
    agree_all(people, candidacy)
    services.close_city_review(actor=people["city_office"], campaign_id=campaign.pk)
    services.issue_recommendations(
        actor=people["city_office"],
        city=Region.objects.get(code="429006"),
        year=2024,
        document_number="天平安组〔2024〕3号",
        title="关于推荐2024年度平安湖北建设示范村(社区)的报告",
        body="省委平安办：\n现将我市2024年度平安湖北建设示范村(社区)推荐名单报上，请审定。",
        issuer="天门市委平安天门建设领导小组",
        issued_on=date(2024, 12, 28),
        picks=[(candidacy.pk, "特色鲜明")],
    )
    services.name_demonstration_villages(
        actor=people["province_office"],
        province=Region.objects.get(code="42"),
        first_year=2024,
        document_number="鄂平安组〔2025〕2号",
        issuer="中共湖北省委平安湖北建设领导小组",
        named_on=date(2025, 3, 1),
        picks=[(Recommendation.objects.get().pk, "鄂平安示范〔2024〕001号")],
    )
    return Title.objects.get(village=village, kind=Title.Kind.DEMONSTRATION)
