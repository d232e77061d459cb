"""Two people acting on the same object at once: exactly one transition, a clear message to
the other. Rows are locked with select_for_update; proven with threads on PostgreSQL."""

import threading
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection

from assessments import services
from assessments.models import AssessmentEvent, Campaign, CampaignEvent, Sample, Standard
from assessments.selectors import criteria_of
from pingan.errors import ApplicationError
from tests.factories import RegionFactory, VillageFactory, user_with_role
from tests.helpers import answer_everything, new_campaign
from villages.models import Membership, Region

Role = Membership.Role

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="row locks are proven on PostgreSQL, the production database",
)


def race(*actions):
    """Run the actions at the same moment in threads; return what each returned or raised."""
    barrier = threading.Barrier(len(actions))
    outcomes = [None] * len(actions)

    def run(index, action):
        try:
            barrier.wait()
            outcomes[index] = action()
        except ApplicationError as error:
            outcomes[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


@pytest.fixture
def town_year(transactional_db):
    call_command(
        "loaddata",
        "fixtures/wangchang.json",
        "fixtures/incident_categories.json",
        "fixtures/standards.json",
        "fixtures/sampling_rules.json",
        verbosity=0,
    )
    city = Region.objects.get(code="429006")
    town = RegionFactory(code="429006199", name="并发镇", parent=city)
    villages = VillageFactory.create_batch(3, town=town)
    people = {
        "town_office": user_with_role(Role.TOWN_OFFICE, town),
        "leader": user_with_role(Role.TOWN_LEADING_GROUP, town),
        "second_leader": user_with_role(Role.TOWN_LEADING_GROUP, town),
        "city": user_with_role(Role.CITY_OFFICE, city),
        "second_city": user_with_role(Role.CITY_OFFICE, city),
        "secretaries": [user_with_role(Role.SECRETARY, village) for village in villages],
    }
    standard = Standard.objects.get(code="safe-village", version=1)
    campaign = new_campaign(people, town, standard, 2024)
    services.open_campaign(actor=people["town_office"], campaign_id=campaign.pk)
    return campaign, people


def submit_all(campaign, people):
    for assessment, secretary in zip(
        campaign.assessments.order_by("village__code"), people["secretaries"], strict=True
    ):
        answer_everything(secretary, assessment)
        services.submit_assessment(actor=secretary, assessment_id=assessment.pk)


def assess_all(campaign, people):
    judged = [c for c in criteria_of(campaign.standard) if c.is_judged]
    for assessment in campaign.assessments.all():
        services.save_findings(
            actor=people["town_office"],
            assessment_id=assessment.pk,
            findings=[{"criterion_id": c.pk, "agrees": True} for c in judged],
        )
        services.conclude_town_assessment(actor=people["town_office"], assessment_id=assessment.pk)
    services.close_self_assessment(
        actor=people["town_office"], campaign_id=campaign.pk, reason="各村(社区)均已提交"
    )


def test_two_leaders_approving_at_once(town_year):
    campaign, people = town_year
    submit_all(campaign, people)
    assess_all(campaign, people)
    outcomes = race(
        lambda: services.approve_campaign(actor=people["leader"], campaign_id=campaign.pk),
        lambda: services.approve_campaign(actor=people["second_leader"], campaign_id=campaign.pk),
    )
    refused = [o for o in outcomes if isinstance(o, ApplicationError)]
    assert len(refused) == 1
    assert "不能重复审定" in refused[0].message
    assert CampaignEvent.objects.filter(campaign=campaign, to_status="approved").count() == 1
    assert AssessmentEvent.objects.filter(action="approved").count() == 3


def test_a_secretary_submitting_twice_at_once(town_year):
    campaign, people = town_year
    assessment = campaign.assessments.order_by("village__code").first()
    secretary = people["secretaries"][0]
    answer_everything(secretary, assessment)
    outcomes = race(
        lambda: services.submit_assessment(actor=secretary, assessment_id=assessment.pk),
        lambda: services.submit_assessment(actor=secretary, assessment_id=assessment.pk),
    )
    refused = [o for o in outcomes if isinstance(o, ApplicationError)]
    assert len(refused) == 1 and "不能再修改" in refused[0].message
    assert AssessmentEvent.objects.filter(assessment=assessment, action="submitted").count() == 1


def test_submitting_while_the_town_extends_the_deadline(town_year):
    campaign, people = town_year
    assessment = campaign.assessments.order_by("village__code").first()
    secretary = people["secretaries"][0]
    answer_everything(secretary, assessment)
    later = campaign.self_assessment_due.replace(year=2099)
    outcomes = race(
        lambda: services.submit_assessment(actor=secretary, assessment_id=assessment.pk),
        lambda: services.extend_deadline(
            actor=people["town_office"],
            assessment_id=assessment.pk,
            due_date=later,
            reason="换届",
        ),
    )
    assessment.refresh_from_db()
    assert assessment.status == "submitted"
    extended = not isinstance(outcomes[1], ApplicationError)
    assert extended == (assessment.due_date == later)
    if not extended:
        assert "无需延期" in outcomes[1].message


def test_two_reviewers_drawing_at_once(town_year):
    campaign, people = town_year
    submit_all(campaign, people)
    assess_all(campaign, people)
    services.approve_campaign(actor=people["leader"], campaign_id=campaign.pk)
    services.save_pass_list(
        actor=people["town_office"],
        campaign_id=campaign.pk,
        document_number="并发〔2024〕1号",
        issued_on=campaign.city_review_due,
        **services.default_pass_list_text(campaign, 3),
    )
    services.file_campaign(actor=people["town_office"], campaign_id=campaign.pk)

    def draw(user, seed):
        return lambda: services.draw_sample(
            actor=user,
            campaign_id=campaign.pk,
            ratio=Decimal("0.5"),
            minimum_count=1,
            seed=seed,
        )

    outcomes = race(draw(people["city"], "a"), draw(people["second_city"], "b"))
    refused = [o for o in outcomes if isinstance(o, ApplicationError)]
    assert len(refused) == 1 and "重新抽取须写明原因" in refused[0].message
    assert Sample.objects.filter(campaign=campaign).count() == 1
    assert Campaign.objects.get(pk=campaign.pk).status == Campaign.Status.CITY_REVIEW
