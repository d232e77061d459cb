"""The year as random sequences of its actions, through the services: after every step the
rates equal the counts over titles and outcomes, every valid title stands on a passing result
with no standing disqualifying incident in its period, stored verdicts agree with the engine,
and an incident followed by its correction leaves everything as it was."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)
from rest_framework.test import APIClient

from assessments import services
from assessments.models import (
    Assessment,
    Campaign,
    Finding,
    Incident,
    IncidentCategory,
    Recommendation,
    SampleEntry,
    Title,
)
from assessments.selectors import (
    campaign_rates,
    criteria_of,
    result_sentence,
    with_year_titles,
)
from pingan.errors import ApplicationError
from tests.factories import RegionFactory, VillageFactory, user_with_role
from tests.helpers import answer_everything
from villages.models import Membership, Region

Role = Membership.Role
YEAR = 2025
VILLAGES = 3
VILLAGE = st.integers(min_value=0, max_value=VILLAGES - 1)
# A 十无 category that a veto criterion names, one of the 五个不发生 that none names, and one
# that disqualifies nothing.
CATEGORY = st.sampled_from(["homicide", "five-major-criminal", "vice"])


def agree_all(actor, assessment, stage):
    judged = [c for c in criteria_of(assessment.standard) if c.is_judged]
    services.save_findings(
        actor=actor,
        assessment_id=assessment.pk,
        findings=[{"criterion_id": c.pk, "agrees": True} for c in judged],
        stage=stage,
    )


class Year(RuleBasedStateMachine):
    """One small town's year; `world` (set by the test) holds the town, people and standard."""

    world = None

    def __init__(self):
        super().__init__()
        self.savepoint = transaction.atomic()
        self.savepoint.__enter__()
        world = self.world
        self.people = world["people"]
        self.villages = world["villages"]
        self.secretaries = world["secretaries"]
        campaign = services.create_campaign(
            actor=self.people["town_office"],
            town=world["town"],
            year=YEAR,
            standard=world["standard"],
            self_assessment_due=date(2099, 6, 30),
            town_assessment_due=date(2099, 7, 31),
            city_review_due=date(2099, 9, 30),
        )
        self.campaign_id = services.open_campaign(
            actor=self.people["town_office"], campaign_id=campaign.pk
        ).pk
        self.certificates = 0

    def teardown(self):
        self.teardown_events()
        self.pages_and_api_show_the_selector_s_figures()
        transaction.set_rollback(True)
        self.savepoint.__exit__(None, None, None)

    @property
    def campaign(self):
        return Campaign.objects.get(pk=self.campaign_id)

    def yearly(self, index):
        return Assessment.objects.get(
            campaign_id=self.campaign_id, village=self.villages[index], kind="yearly"
        )

    def attempt(self, action):
        """An action the state does not allow is refused with a message and changes nothing."""
        try:
            with transaction.atomic():
                action()
        except ApplicationError as refusal:
            assert refusal.message

    @rule(index=VILLAGE)
    def submit(self, index):
        secretary = self.secretaries[index]

        def act():
            assessment = self.yearly(index)
            answer_everything(secretary, assessment)
            services.submit_assessment(actor=secretary, assessment_id=assessment.pk)

        self.attempt(act)

    @rule(index=VILLAGE)
    def conclude(self, index):
        def act():
            assessment = self.yearly(index)
            agree_all(self.people["town_office"], assessment, Finding.Stage.TOWN)
            services.conclude_town_assessment(
                actor=self.people["town_office"], assessment_id=assessment.pk
            )

        self.attempt(act)

    @initialize(stages=st.integers(min_value=0, max_value=9))
    def start_at_a_stage_of_the_year(self, stages):
        """Random steps alone seldom walk the whole year; each run starts somewhere along it."""
        for _ in range(stages):
            self.advance()

    @rule()
    def advance(self):
        """The next step of the usual year, whatever the stage."""
        campaign = self.campaign
        yearly = campaign.assessments.filter(kind="yearly")
        if campaign.status in Campaign.OPEN_FOR_WORK:
            if yearly.filter(town_passed=None).exists():
                for index in range(VILLAGES):
                    self.submit(index)
                    self.conclude(index)
            else:
                self.approve()
        elif campaign.status == Campaign.Status.APPROVED:
            self.file()
        elif campaign.status == Campaign.Status.FILED:
            self.draw()
        elif campaign.status == Campaign.Status.CITY_REVIEW:
            sampled = SampleEntry.objects.filter(
                sample__campaign=campaign, sample__is_current=True
            ).values("assessment_id")
            if yearly.filter(pk__in=sampled, city_passed=None).exists():
                for index in range(VILLAGES):
                    self.re_review(index)
            elif not campaign.assessments.filter(kind="demonstration").exists():
                for index in range(VILLAGES):
                    self.prepare_candidacy(index)
            else:
                self.close_review()
        elif not Recommendation.objects.filter(assessment__campaign=campaign).exists():
            self.recommend_and_name()

    @rule()
    def approve(self):
        def act():
            if self.campaign.status == Campaign.Status.SELF_ASSESSMENT:
                services.close_self_assessment(
                    actor=self.people["town_office"],
                    campaign_id=self.campaign_id,
                    reason="提前结束",
                )
            services.approve_campaign(
                actor=self.people["town_leading_group"], campaign_id=self.campaign_id
            )

        self.attempt(act)

    @rule()
    def file(self):
        def act():
            campaign = self.campaign
            passed = campaign.assessments.filter(kind="yearly", result_passed=True).count()
            services.save_pass_list(
                actor=self.people["town_office"],
                campaign_id=campaign.pk,
                document_number=f"测发〔{YEAR}〕1号",
                issued_on=date(YEAR, 12, 20),
                **services.default_pass_list_text(campaign, passed),
            )
            services.file_campaign(actor=self.people["town_office"], campaign_id=campaign.pk)

        self.attempt(act)

    @rule()
    def draw(self):
        self.attempt(
            lambda: services.draw_sample(
                actor=self.people["city_office"],
                campaign_id=self.campaign_id,
                ratio=Decimal("0.5"),
                minimum_count=2,
                seed="invariants",
            )
        )

    @rule(index=VILLAGE)
    def re_review(self, index):
        def act():
            assessment = self.yearly(index)
            agree_all(self.people["city_office"], assessment, Finding.Stage.CITY)
            services.conclude_city_review(
                actor=self.people["city_office"], assessment_id=assessment.pk
            )

        self.attempt(act)

    @rule(index=VILLAGE)
    def prepare_candidacy(self, index):
        town_office = self.people["town_office"]

        def act():
            candidacy = services.start_candidacy(
                actor=town_office, assessment_id=self.yearly(index).pk
            )
            answer_everything(town_office, candidacy)
            services.submit_assessment(actor=town_office, assessment_id=candidacy.pk)
            agree_all(self.people["city_office"], candidacy, Finding.Stage.CITY)
            services.conclude_city_review(
                actor=self.people["city_office"], assessment_id=candidacy.pk
            )

        self.attempt(act)

    @rule()
    def close_review(self):
        self.attempt(
            lambda: services.close_city_review(
                actor=self.people["city_office"], campaign_id=self.campaign_id
            )
        )

    @rule()
    def recommend_and_name(self):
        def act():
            candidacies = Assessment.objects.filter(
                campaign_id=self.campaign_id, kind="demonstration", city_passed=True
            ).exclude(pk__in=Recommendation.objects.values("assessment_id"))
            services.issue_recommendations(
                actor=self.people["city_office"],
                city=Region.objects.get(code="429006"),
                year=YEAR,
                document_number=f"天平安组〔{YEAR}〕3号",
                title="推荐报告",
                body="省委平安办：\n现报上。",
                issuer="市委平安天门建设领导小组",
                issued_on=date(YEAR, 12, 28),
                picks=[(c.pk, "特色鲜明") for c in candidacies],
            )
            picks = []
            for recommendation in Recommendation.objects.filter(
                assessment__campaign_id=self.campaign_id
            ):
                self.certificates += 1
                picks.append((recommendation.pk, f"鄂平安示范〔{YEAR}〕{self.certificates:03d}号"))
            services.name_demonstration_villages(
                actor=self.people["province_office"],
                province=Region.objects.get(code="42"),
                first_year=YEAR,
                document_number=f"鄂平安组〔{YEAR + 1}〕2号",
                issuer="中共湖北省委平安湖北建设领导小组",
                named_on=date(YEAR + 1, 3, 1),
                picks=picks,
            )

        self.attempt(act)

    @rule(index=VILLAGE, category=CATEGORY)
    def record_incident(self, index, category):
        self.attempt(
            lambda: services.record_incident(
                actor=self.people["town_office"],
                village_id=self.villages[index].pk,
                category_id=IncidentCategory.objects.get(code=category).pk,
                occurred_on=date(YEAR, 6, 1),
                description="随机登记",
            )
        )

    @rule(data=st.data())
    def correct_incident(self, data):
        standing = list(
            Incident.objects.filter(status=Incident.Status.RECORDED, village__in=self.villages)
        )
        if not standing:
            return
        incident = data.draw(st.sampled_from(standing))
        self.attempt(
            lambda: services.correct_incident(
                actor=self.people["town_office"], incident_id=incident.pk, reason="误录"
            )
        )

    @rule(index=VILLAGE, category=CATEGORY)
    def incident_then_correction(self, index, category):
        before = self.snapshot()
        incident = services.record_incident(
            actor=self.people["town_office"],
            village_id=self.villages[index].pk,
            category_id=IncidentCategory.objects.get(code=category).pk,
            occurred_on=date(YEAR, 6, 1),
            description="登记后即更正",
        )
        services.correct_incident(
            actor=self.people["town_office"], incident_id=incident.pk, reason="误录"
        )
        assert self.snapshot() == before

    @rule(keep=st.booleans())
    def periodic_re_review(self, keep):
        title = Title.objects.filter(
            village__in=self.villages, kind=Title.Kind.DEMONSTRATION, status=Title.Status.VALID
        ).first()
        if title is not None:
            services.review_title(
                actor=self.people["province_office"],
                title_id=title.pk,
                keep=keep,
                reason="定期复核",
            )

    def snapshot(self):
        return (
            sorted(
                Title.objects.filter(village__in=self.villages).values_list(
                    "village_id", "kind", "status"
                )
            ),
            sorted(
                Assessment.objects.filter(campaign_id=self.campaign_id).values_list(
                    "pk", "status", "town_passed", "city_passed", "result_passed"
                )
            ),
            campaign_rates(self.campaign),
        )

    def pages_and_api_show_the_selector_s_figures(self):
        """Once a run: the town's workbench prints the selector's rates, and the API gives the
        selector's sentence for each village."""
        rates = campaign_rates(self.campaign)
        client = Client()
        client.force_login(self.people["town_office"])
        page = client.get(reverse("assessments:town_dashboard", args=[self.world["town"].pk]))
        for rate in (rates.pass_rate, rates.review_pass_rate, rates.holding_rate):
            if rate.value is not None:
                assert f"({rate.numerator}/{rate.denominator})" in page.text
        api = APIClient()
        api.force_authenticate(self.people["town_office"])
        listed = api.get("/api/v1/assessments/", {"campaign": self.campaign_id}).json()["results"]
        sentences = {
            assessment.pk: result_sentence(assessment)
            for assessment in with_year_titles(
                Assessment.objects.filter(campaign_id=self.campaign_id)
            )
        }
        assert {row["id"]: row["result_sentence"] for row in listed} == sentences

    def teardown_events(self):
        event(f"活动状态：{self.campaign.get_status_display()}")
        if Title.objects.filter(village__in=self.villages, kind=Title.Kind.DEMONSTRATION).exists():
            event("已命名示范村")

    @invariant()
    def rates_count_titles_and_outcomes(self):
        yearly = Assessment.objects.filter(campaign_id=self.campaign_id, kind="yearly")
        rates = campaign_rates(self.campaign)
        assert rates.total == VILLAGES
        assert rates.passed == yearly.filter(town_passed=True).count()
        assert rates.reviewed == yearly.exclude(city_passed=None).count()
        assert rates.review_passed == yearly.filter(city_passed=True).count()
        assert (
            rates.holding
            == Title.objects.filter(
                village__in=self.villages,
                kind=Title.Kind.SAFE_VILLAGE,
                first_year=YEAR,
                status=Title.Status.VALID,
            ).count()
        )

    @invariant()
    def valid_titles_stand_on_a_passing_result_and_no_incident(self):
        for title in Title.objects.filter(village__in=self.villages, status=Title.Status.VALID):
            if title.kind == Title.Kind.SAFE_VILLAGE:
                assert title.assessment.result_passed is True, title
            else:
                assert title.assessment.city_passed is True, title
            assert not Incident.objects.filter(
                village=title.village,
                status=Incident.Status.RECORDED,
                category__disqualifying=True,
                occurred_on__year__gte=title.first_year,
                occurred_on__year__lte=title.last_year,
            ).exists(), title

    @invariant()
    def decided_verdicts_agree_with_the_engine(self):
        """Until the year closes, every decided verdict is the engine's on the findings and the
        incidents standing now; afterwards an incident takes the title, not the verdicts."""
        if self.campaign.status == Campaign.Status.CLOSED:
            return
        for assessment in Assessment.objects.filter(campaign_id=self.campaign_id, kind="yearly"):
            if assessment.status == Assessment.Status.TOWN_ASSESSED:
                assert assessment.town_passed is not None, assessment
            if assessment.town_passed is not None:
                expected = services.verdict_of(assessment, Finding.Stage.TOWN).passed
                assert assessment.town_passed is expected, (assessment, assessment.town_reasons)
            if assessment.city_passed is not None:
                expected = services.verdict_of(assessment, Finding.Stage.CITY).passed
                assert assessment.city_passed is expected, (assessment, assessment.city_reasons)
            if assessment.result_passed is not None:
                expected = assessment.town_passed and assessment.city_passed is not False
                assert assessment.result_passed is expected, assessment


@pytest.fixture
def world(people, standards, wangchang):
    town = RegionFactory(code="429006198", name="不变镇", parent=wangchang.parent)
    villages = VillageFactory.create_batch(VILLAGES, town=town)
    return {
        "town": town,
        "standard": standards[0],
        "villages": villages,
        "secretaries": [user_with_role(Role.SECRETARY, village) for village in villages],
        "people": {
            **people,
            "town_office": user_with_role(Role.TOWN_OFFICE, town),
            "town_leading_group": user_with_role(Role.TOWN_LEADING_GROUP, town),
        },
    }


def test_the_year_keeps_its_invariants_whatever_the_order(world):
    Year.world = world
    run_state_machine_as_test(
        Year,
        settings=settings(
            max_examples=20,
            stateful_step_count=40,
            deadline=None,
            suppress_health_check=list(HealthCheck),
        ),
    )
