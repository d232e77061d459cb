from datetime import date, timedelta

from assessments import services
from assessments.models import Criterion
from assessments.selectors import criteria_of
from tests.factories import user_with_role
from tests.files import jpeg
from villages.models import Membership


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
            services.add_evidence(
                actor=actor, assessment_id=assessment.pk, criterion_id=criterion.pk, upload=jpeg()
            )


def secretary_of(village, known):
    """The secretary of a village: a given one if known, else a new account."""
    return known.get(village.pk) or user_with_role(Membership.Role.SECRETARY, village)


def run_town_year(campaign, people, short_of_cameras=(), secretaries=None):
    """Submit, assess, approve and file a campaign; the named villages report 4 cameras."""
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
    services.file_campaign(actor=town, campaign_id=campaign.pk)
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
