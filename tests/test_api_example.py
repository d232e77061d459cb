"""The example client in docs/ plays a whole year against a running portal."""

import subprocess
import sys

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import override_settings

from assessments.models import AssessmentEvent, Bulletin, RectificationOrder, Title


def test_the_example_script_plays_a_year_and_ends_with_the_expected_titles(
    transactional_db, live_server, client
):
    with override_settings(DEBUG=True):
        call_command("seed_demo", verbosity=0)
    run = subprocess.run(
        [sys.executable, "docs/api_example_year.py", "--base", live_server.url],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "2025年度平安村(社区) 16 个" in run.stdout
    assert Title.objects.filter(first_year=2025, kind="safe_village").count() == 16
    named = Title.objects.get(kind="demonstration")
    assert (named.first_year, named.last_year) == (2025, 2026)
    assert named.village.name in run.stdout.splitlines()[-2]
    assert run.stdout.splitlines()[-1].startswith(
        "达标率 0.9412，复核合格率 1.0000，称号保有率 0.9412"
    )
    assert "退回：请补充探头接入综治中心的截图" in run.stdout
    assert "抽查新沟村：限期整改accepted" in run.stdout
    assert "重点通报已印发：汪发〔2025〕20号" in run.stdout

    # The rates the API gave are the ones the city's page shows.
    client.force_login(get_user_model().objects.get(username="city"))
    total = client.get("/city/?year=2025").context["total"]
    assert run.stdout.splitlines()[-1].startswith(
        f"达标率 {total.pass_rate.value:.4f}，复核合格率 {total.review_pass_rate.value:.4f}，"
        f"称号保有率 {total.holding_rate.value:.4f}"
    )
    assert Bulletin.objects.get().villages.get().name == "新沟村"
    assert RectificationOrder.objects.get().status == "accepted"
    returned = AssessmentEvent.objects.get(action="returned", assessment__campaign__year=2025)
    assert returned.comments.get().text == "请补充探头接入综治中心的截图"
