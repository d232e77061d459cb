"""As each role, follow every link the pages show: no error, no link to a forbidden page."""

import re
from collections import Counter, deque
from datetime import date, timedelta
from decimal import Decimal
from urllib.parse import parse_qs, urljoin, urlparse

import pytest
from django.core.management import call_command
from django.urls import resolve

from assessments import services
from assessments.models import Criterion, IncidentCategory
from tests.helpers import run_base_year

LINK = re.compile(r'href="([^"#]+)"')
SKIP = ("/static/", "/accounts/logout/", "/admin/")


@pytest.fixture(scope="module")
def year(module_records, module_base):
    """The year every role crawls, built once for the module."""

    def build():
        base = module_base.fresh()
        campaign, people, xingou = base["campaign"], base["people"], base["xingou"]
        call_command("loaddata", "fixtures/sampling_rules.json", verbosity=0)
        run_base_year(base, ("崔王村",))
        services.draw_sample(
            actor=people["city_office"],
            campaign_id=campaign.pk,
            ratio=Decimal("0.3"),
            minimum_count=3,
            forced={xingou.code: "典型"},
            seed="crawl",
        )
        services.record_inspection(
            actor=people["town_office"],
            village_id=xingou.pk,
            inspected_on=date.today(),
            inspectors="检查组",
            summary="",
            findings=[
                {
                    "criterion_id": Criterion.objects.get(
                        standard=campaign.standard, key="publicity"
                    ).pk,
                    "met": False,
                    "comment": "宣传栏破损",
                    "deadline": date.today() + timedelta(days=5),
                }
            ],
        )
        services.record_incident(
            actor=people["town_office"],
            village_id=xingou.pk,
            category_id=IncidentCategory.objects.get(code="homicide").pk,
            occurred_on=date(2024, 8, 1),
            description="命案",
        )
        return campaign

    module_records.build(build)


def kind_of_page(path, query):
    """The view and the names of its query parameters: pages of one kind differ only in the
    records they show (the 17 villages' reports, each criterion of each assessment)."""
    return resolve(path).route, tuple(sorted(parse_qs(query)))


def crawl(client, per_kind=3):
    """Follow every link until each kind of page has been opened `per_kind` times."""
    seen, queue, problems = set(), deque(["/"]), []
    opened = Counter()
    while queue:
        address = queue.popleft()
        parsed = urlparse(address)
        kind = kind_of_page(parsed.path, parsed.query)
        if address in seen or opened[kind] >= per_kind:
            continue
        seen.add(address)
        opened[kind] += 1
        response = client.get(address, follow=True)
        if response.status_code != 200:
            problems.append(f"{address}: {response.status_code}")
            continue
        if "text/html" not in response.get("Content-Type", ""):
            continue
        page = response.content.decode()
        base = response.request["PATH_INFO"]
        for link in LINK.findall(page):
            target = urljoin(base, link.replace("&amp;", "&"))
            parsed = urlparse(target)
            if parsed.netloc or not parsed.path.startswith("/") or parsed.path.startswith(SKIP):
                continue
            queue.append(parsed.path + (f"?{parsed.query}" if parsed.query else ""))
    return seen, problems


@pytest.mark.parametrize(
    "role",
    ["secretary", "town_office", "town_leading_group", "city_office", "province_office"],
)
def test_every_visible_link_opens(client, people, year, role):
    client.force_login(people[role])
    seen, problems = crawl(client)
    assert len(seen) > 5
    assert not problems, problems
