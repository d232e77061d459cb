"""A synthetic province for measuring the portal at scale (`manage.py generate_scale`).

Cities, counties, towns and villages get plausible Chinese names and 12-digit codes; every
town runs a campaign each year with assessments, answers, town findings, the city's sample and
re-review, the yearly titles, a demonstration naming batch and a few incidents that revoked
titles. Rows go in by bulk insert, and on PostgreSQL the two largest tables (answers and
findings, about 45 rows per village and year) by COPY, so a province takes minutes.

The data is synthetic and bypasses the services on purpose: it is what years of service calls
would have left behind, written in one go.
"""

import datetime
import io
import json
import random
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

from assessments.models import (
    Answer,
    Assessment,
    Campaign,
    Criterion,
    Finding,
    Incident,
    IncidentCategory,
    NamingBatch,
    PassList,
    PassListEntry,
    Sample,
    SampleEntry,
    Standard,
    Title,
    TitleEvent,
)
from villages.models import Region, User, Village

SYLLABLES = (
    "江汉荆楚襄阳宜昌黄石孝感咸宁随州恩施鄂州十堰仙桃潜天门神农沙洋钟祥京山应城安陆云梦"
    "大悟广水赤壁嘉鱼通城崇阳通山红安麻城罗田英山浠水蕲春武穴黄梅团风枣阳老河口谷城保康"
    "南漳远安兴山秭归长阳五峰当阳枝江松滋公安监利洪湖石首竹山竹溪房县丹江口郧西巴东建始"
    "利川来凤鹤峰宣恩咸丰汪场岳口多宝拖市张港马湾蒋湖净潭黄潭杨林彭市麻洋皂市胡市渔薪"
)
VILLAGE_ENDINGS = ("村", "村", "村", "村", "社区")
TOWN_ENDINGS = ("镇", "镇", "乡", "街道办事处")
COUNTY_ENDINGS = ("县", "市", "区")
GENERATOR_USERNAME = "scale-generator"
CHUNK = 2000


def _name(rng, ending):
    return rng.choice(SYLLABLES) + rng.choice(SYLLABLES) + ending


def _free_codes(prefix, width, start, taken):
    number = start
    while True:
        code = f"{prefix}{number:0{width}d}"
        number += 1
        if code not in taken:
            yield code


def _copy_text(value):
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, list | dict):
        value = json.dumps(value, ensure_ascii=False)
    text = str(value)
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def insert(model, objects):
    """Insert new rows: COPY on PostgreSQL for the big tables, batched INSERT elsewhere."""
    if not objects:
        return
    if connection.vendor != "postgresql" or model not in (Answer, Finding):
        model.objects.bulk_create(objects, batch_size=CHUNK)
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    buffer = io.StringIO()
    for obj in objects:
        values = []
        for field in fields:
            field.pre_save(obj, add=True)
            values.append(_copy_text(getattr(obj, field.attname)))
        buffer.write("\t".join(values) + "\n")
    buffer.seek(0)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    with connection.cursor() as cursor:
        cursor.copy_expert(f"COPY {model._meta.db_table} ({columns}) FROM STDIN", buffer)


class ProvinceGenerator:
    def __init__(self, *, villages, years, last_year, seed, report):
        self.target = villages
        self.years = list(range(last_year - years + 1, last_year + 1))
        self.rng = random.Random(seed)
        self.report = report
        self.now = timezone.now()

    def run(self):
        self.standard = (
            Standard.objects.filter(kind=Standard.Kind.SAFE_VILLAGE).order_by("-version").first()
        )
        if self.standard is None:
            raise LookupError("没有平安村(社区)创建标准：请先运行 seed_demo 或载入标准。")
        self.criteria = [c for c in self.standard.criteria.order_by("order", "id") if c.is_judged]
        self.categories = list(IncidentCategory.objects.filter(disqualifying=True, is_active=True))
        self.actor, _ = User.objects.get_or_create(
            username=GENERATOR_USERNAME, defaults={"full_name": "模拟数据", "is_active": False}
        )
        with transaction.atomic():
            Standard.objects.filter(pk=self.standard.pk).update(status=Standard.Status.PINNED)
            self.build_tree()
        for year in self.years:
            with transaction.atomic():
                self.build_year(year)
            self.report(f"{year} 年度：已生成")
        with transaction.atomic():
            self.build_naming()
            self.build_incidents()
        return Village.objects.count()

    def build_tree(self):
        province = Region.objects.filter(level=Region.Level.PROVINCE).order_by("code").first()
        if province is None:
            province = Region.objects.create(code="42", name="湖北省", level="province")
        taken = set(Region.objects.values_list("code", flat=True))
        taken |= set(Village.objects.values_list("code", flat=True))
        missing = self.target - Village.objects.count()
        city_codes = _free_codes(province.code, 2, 51, taken)
        written = 0
        while written < missing:
            city = self._region(next(city_codes), _name(self.rng, "市"), "city", province)
            villages = []
            for county_code in self._codes(city.code, 2, 1, 6, taken):
                county = self._region(
                    county_code, _name(self.rng, self.rng.choice(COUNTY_ENDINGS)), "county", city
                )
                for town_code in self._codes(county.code, 3, 100, self.rng.randint(12, 17), taken):
                    room = missing - written - len(villages)
                    if room <= 0:
                        break
                    town = self._region(
                        town_code, _name(self.rng, self.rng.choice(TOWN_ENDINGS)), "town", county
                    )
                    villages.extend(
                        self._village(code, town)
                        for code in self._codes(town.code, 3, 200, min(18, room), taken)
                    )
            Village.objects.bulk_create(villages, batch_size=CHUNK)
            written += len(villages)
            self.report(f"行政区划：{city.name}，累计新增 {written} 个村(社区)")
        self.villages_by_town = {}
        for village in Village.objects.filter(is_active=True).order_by("code"):
            self.villages_by_town.setdefault(village.town_id, []).append(village)
        self.towns = {
            t.pk: t for t in Region.objects.filter(pk__in=self.villages_by_town).order_by("code")
        }

    def _codes(self, prefix, width, start, count, taken):
        codes = _free_codes(prefix, width, start, taken)
        return [next(codes) for _ in range(count)]

    def _region(self, code, name, level, parent):
        return Region.objects.create(code=code, name=name, level=level, parent=parent)

    def _village(self, code, town):
        rng = self.rng
        is_community = rng.random() < 0.15
        return Village(
            code=code,
            name=_name(rng, "社区" if is_community else "村"),
            kind=Village.Kind.COMMUNITY if is_community else Village.Kind.VILLAGE,
            town=town,
            secretary_name=_name(rng, ""),
            grid_count=rng.randint(3, 20),
            camera_count=rng.randint(3, 30),
            grid_worker_count=rng.randint(3, 20),
            mediation_director_count=1,
            patrol_team_size=rng.randint(5, 30),
        )

    def build_year(self, year):
        is_current = year == self.years[-1]
        running = set(Campaign.objects.filter(year=year).values_list("town_id", flat=True))
        campaigns = [
            Campaign(
                year=year,
                town=town,
                standard=self.standard,
                self_assessment_due=datetime.date(year, 9, 30),
                town_assessment_due=datetime.date(year, 11, 15),
                city_review_due=datetime.date(year, 12, 20),
                status=(Campaign.Status.SELF_ASSESSMENT if is_current else Campaign.Status.CLOSED),
                opened_at=self.now,
                approved_at=None if is_current else self.now,
                filed_at=None if is_current else self.now,
            )
            for town in self.towns.values()
            if town.pk not in running
        ]
        Campaign.objects.bulk_create(campaigns, batch_size=CHUNK)
        for start in range(0, len(campaigns), 50):
            self.build_campaigns(campaigns[start : start + 50], is_current)

    def build_campaigns(self, campaigns, is_current):
        assessments = []
        for campaign in campaigns:
            for village in self.villages_by_town[campaign.town_id]:
                assessments.append(self._assessment(campaign, village, is_current))
        Assessment.objects.bulk_create(assessments, batch_size=CHUNK)
        answers, findings = [], []
        for assessment in assessments:
            if assessment.status == Assessment.Status.NOT_STARTED:
                continue
            shortfall = self._shortfall(assessment)
            given = self.criteria
            if assessment.status == Assessment.Status.IN_PROGRESS:
                given = self.criteria[: self.rng.randint(1, len(self.criteria) - 1)]
            for criterion in given:
                answers.append(
                    Answer(
                        assessment=assessment,
                        criterion=criterion,
                        updated_by=self.actor,
                        narrative="已落实" if criterion.kind == Criterion.Kind.REQUIREMENT else "",
                        **self._judgement(criterion, criterion == shortfall),
                    )
                )
                if assessment.town_passed is not None:
                    findings.append(
                        Finding(
                            assessment=assessment,
                            criterion=criterion,
                            stage=Finding.Stage.TOWN,
                            agrees=True,
                            recorded_by=self.actor,
                            **self._judgement(criterion, criterion == shortfall),
                        )
                    )
        insert(Answer, answers)
        if not is_current:
            self.review(campaigns, assessments, findings)
        insert(Finding, findings)

    def _assessment(self, campaign, village, is_current):
        rng = self.rng
        if is_current:
            status = rng.choices(
                [
                    Assessment.Status.NOT_STARTED,
                    Assessment.Status.IN_PROGRESS,
                    Assessment.Status.SUBMITTED,
                ],
                weights=[3, 4, 3],
            )[0]
            return Assessment(
                campaign=campaign,
                village=village,
                standard=self.standard,
                status=status,
                submitted_at=self.now if status == Assessment.Status.SUBMITTED else None,
            )
        passed = rng.random() < 0.92
        reasons = [] if passed else ["五、视频监控：高清摄像头 3 个，少于 5 个"]
        return Assessment(
            campaign=campaign,
            village=village,
            standard=self.standard,
            status=Assessment.Status.APPROVED,
            plan_text="一、目标任务……二、工作措施……",
            submitted_at=self.now,
            town_passed=passed,
            town_reasons=reasons,
            town_assessed_at=self.now,
            result_passed=passed,
            result_reasons=reasons,
        )

    def _shortfall(self, assessment):
        if assessment.town_passed is False:
            return next(c for c in self.criteria if c.kind == Criterion.Kind.THRESHOLD)
        return None

    def _judgement(self, criterion, short):
        if criterion.kind == Criterion.Kind.VETO:
            return {"veto_occurred": False}
        if criterion.kind == Criterion.Kind.THRESHOLD:
            return {"value": Decimal(3 if short else self.rng.randint(5, 30))}
        return {"met": True}

    def review(self, campaigns, assessments, findings):
        """The filed pass list, the city's sample and re-review, and the yearly titles."""
        by_campaign = {}
        for assessment in assessments:
            by_campaign.setdefault(assessment.campaign_id, []).append(assessment)
        lists, samples = [], []
        for campaign in campaigns:
            town = self.towns[campaign.town_id]
            lists.append(
                PassList(
                    campaign=campaign,
                    document_number=f"{town.name[:2]}发〔{campaign.year}〕12号",
                    title=f"关于{town.name}{campaign.year}年度平安村(社区)达标名单的通报",
                    body="经镇党委平安建设领导小组审定，以下村(社区)达到平安村(社区)创建标准。",
                    issuer=f"中共{town.name}委员会",
                    issued_on=datetime.date(campaign.year, 11, 20),
                )
            )
            passers = [a for a in by_campaign[campaign.pk] if a.town_passed]
            samples.append(
                Sample(
                    campaign=campaign,
                    ratio=Decimal("0.300"),
                    minimum_count=3,
                    seed=f"{campaign.year}-{town.code}",
                    method=Sample.METHOD,
                    population=[a.village.code for a in passers],
                    drawn_by=self.actor,
                )
            )
        PassList.objects.bulk_create(lists, batch_size=CHUNK)
        Sample.objects.bulk_create(samples, batch_size=CHUNK)
        entries, sample_entries, reviewed, titles = [], [], [], []
        for campaign, pass_list, sample in zip(campaigns, lists, samples, strict=True):
            passers = [a for a in by_campaign[campaign.pk] if a.town_passed]
            for position, assessment in enumerate(passers, start=1):
                entries.append(
                    PassListEntry(
                        pass_list=pass_list,
                        village=assessment.village,
                        position=position,
                        village_name=assessment.village.name,
                        village_kind=assessment.village.get_kind_display(),
                    )
                )
            drawn = self.rng.sample(passers, min(len(passers), max(3, round(len(passers) * 0.3))))
            for position, assessment in enumerate(drawn, start=1):
                sample_entries.append(
                    SampleEntry(sample=sample, assessment=assessment, position=position)
                )
                assessment.city_passed = self.rng.random() < 0.88
                assessment.city_reviewed_at = self.now
                camera = next(c for c in self.criteria if c.kind == Criterion.Kind.THRESHOLD)
                for criterion in self.criteria:
                    short = criterion == camera and not assessment.city_passed
                    findings.append(
                        Finding(
                            assessment=assessment,
                            criterion=criterion,
                            stage=Finding.Stage.CITY,
                            agrees=not short,
                            recorded_by=self.actor,
                            comment="实地核查摄像头 4 个" if short else "",
                            **self._judgement(criterion, short),
                        )
                    )
                if not assessment.city_passed:
                    assessment.city_reasons = ["五、视频监控：高清摄像头 4 个，少于 5 个"]
                    assessment.result_passed = False
                    assessment.result_reasons = ["市级复核不合格：五、视频监控"]
                reviewed.append(assessment)
            holders = [a for a in by_campaign[campaign.pk] if a.result_passed]
            town = self.towns[campaign.town_id]
            for number, assessment in enumerate(holders, start=1):
                titles.append(
                    Title(
                        village=assessment.village,
                        kind=Title.Kind.SAFE_VILLAGE,
                        first_year=campaign.year,
                        last_year=campaign.year,
                        assessment=assessment,
                        certificate_number=f"{town.code}-{campaign.year}-{number:03d}",
                        certificate_date=datetime.date(campaign.year, 12, 28),
                        issuer=f"中共{town.name}委员会",
                    )
                )
        PassListEntry.objects.bulk_create(entries, batch_size=CHUNK)
        SampleEntry.objects.bulk_create(sample_entries, batch_size=CHUNK)
        Assessment.objects.bulk_update(
            reviewed,
            ["city_passed", "city_reviewed_at", "city_reasons", "result_passed", "result_reasons"],
            batch_size=CHUNK,
        )
        Title.objects.bulk_create(titles, batch_size=CHUNK)
        TitleEvent.objects.bulk_create(
            [
                TitleEvent(
                    title=title,
                    actor=self.actor,
                    to_status=Title.Status.VALID,
                    reason=f"{title.first_year}年度考评达标并经复核",
                    action=TitleEvent.Action.GRANTED,
                )
                for title in titles
            ],
            batch_size=CHUNK,
        )

    def build_naming(self):
        """One two-year naming batch: about one village in fifty of the last closed years."""
        closed = self.years[:-1]
        if len(closed) < 2:
            return
        first_year = closed[-2]
        province = Region.objects.filter(level=Region.Level.PROVINCE).order_by("code").first()
        batch = NamingBatch.objects.create(
            province=province,
            first_year=first_year,
            last_year=first_year + 1,
            document_number=f"鄂平安办〔{first_year}〕8号",
            issuer="中共湖北省委平安湖北建设领导小组办公室",
            named_on=datetime.date(first_year, 12, 30),
            named_by=self.actor,
        )
        holders = Title.objects.filter(
            kind=Title.Kind.SAFE_VILLAGE, first_year=first_year, status=Title.Status.VALID
        ).values_list("village_id", "assessment_id")
        picks = [pick for pick in holders if self.rng.random() < 0.02]
        Title.objects.bulk_create(
            [
                Title(
                    village_id=village_id,
                    kind=Title.Kind.DEMONSTRATION,
                    first_year=first_year,
                    last_year=first_year + 1,
                    assessment_id=assessment_id,
                    naming=batch,
                    certificate_number=f"鄂平安示范〔{first_year}〕{number:05d}",
                    certificate_date=batch.named_on,
                    issuer=batch.issuer,
                )
                for number, (village_id, assessment_id) in enumerate(picks, start=1)
            ],
            batch_size=CHUNK,
        )

    def build_incidents(self):
        """A few disqualifying incidents per year, each having revoked that year's title."""
        if not self.categories:
            return
        revoked_titles, events, incidents = [], [], []
        for year in self.years[:-1]:
            titles = list(
                Title.objects.filter(
                    kind=Title.Kind.SAFE_VILLAGE, first_year=year, status=Title.Status.VALID
                ).only("pk", "village_id")
            )
            for title in self.rng.sample(titles, min(len(titles), max(1, len(titles) // 200))):
                incident = Incident(
                    village_id=title.village_id,
                    category=self.rng.choice(self.categories),
                    occurred_on=datetime.date(year, self.rng.randint(1, 12), 15),
                    description="模拟案事件",
                    case_number=f"模拟-{year}-{title.village_id}",
                    recorded_by=self.actor,
                )
                incidents.append(incident)
                title.status = Title.Status.REVOKED
                revoked_titles.append(title)
        Incident.objects.bulk_create(incidents, batch_size=CHUNK)
        Title.objects.bulk_update(revoked_titles, ["status"], batch_size=CHUNK)
        for incident, title in zip(incidents, revoked_titles, strict=True):
            events.append(
                TitleEvent(
                    title=title,
                    actor=self.actor,
                    from_status=Title.Status.VALID,
                    to_status=Title.Status.REVOKED,
                    reason=f"发生{incident.category.name}，即时取消命名",
                    action=TitleEvent.Action.REVOKED,
                    incident=incident,
                )
            )
        TitleEvent.objects.bulk_create(events, batch_size=CHUNK)
