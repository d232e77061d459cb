import os
from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command

from assessments import services
from assessments.models import Standard
from tests.factories import user_with_role
from villages.models import Membership, Region, Village

Role = Membership.Role


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def private_media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def wangchang(db):
    """The real tree of the seed: 湖北省 → 天门市 → 汪场镇 and its 17 villages."""
    call_command("loaddata", "fixtures/wangchang.json", verbosity=0)
    return Region.objects.get(code="429006104")


@pytest.fixture
def xingou(wangchang):
    return Village.objects.get(code="429006104203")


@pytest.fixture
def cuiwang(wangchang):
    return Village.objects.get(code="429006104206")


@pytest.fixture
def people(wangchang, xingou):
    """One user per role, placed in 汪场镇's tree."""
    return {
        "secretary": user_with_role(Role.SECRETARY, xingou),
        "town_office": user_with_role(Role.TOWN_OFFICE, wangchang),
        "town_leading_group": user_with_role(Role.TOWN_LEADING_GROUP, wangchang),
        "city_office": user_with_role(Role.CITY_OFFICE, wangchang.parent),
        "province_office": user_with_role(Role.PROVINCE_OFFICE, wangchang.parent.parent),
        "administrator": user_with_role(Role.ADMINISTRATOR),
    }


@pytest.fixture
def standards(db):
    call_command(
        "loaddata", "fixtures/incident_categories.json", "fixtures/standards.json", verbosity=0
    )
    return (
        Standard.objects.get(code="safe-village", version=1),
        Standard.objects.get(code="hubei-demonstration", version=1),
    )


@pytest.fixture
def campaign(people, standards, wangchang):
    """汪场镇's 2024 campaign, opened: one assessment per village, self-assessment running."""
    campaign = services.create_campaign(
        actor=people["town_office"],
        town=wangchang,
        year=2024,
        standard=standards[0],
        self_assessment_due=date(2099, 6, 30),
        town_assessment_due=date(2099, 7, 31),
        city_review_due=date(2099, 9, 30),
    )
    return services.open_campaign(actor=people["town_office"], campaign_id=campaign.pk)


CHROMIUM = Path("/usr/bin/chromium")
# Playwright's synchronous API runs an event loop in the test thread; the ORM calls the
# tests make around it are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not CHROMIUM.exists():
        pytest.skip("Debian Chromium (/usr/bin/chromium) is not installed; .ci/run installs it")
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }
