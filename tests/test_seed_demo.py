import pytest
from django.core.management import CommandError, call_command

from assessments.models import Assessment, Campaign
from villages.models import Membership, Region, User, Village, VillageEvent

Role = Membership.Role


def snapshot():
    return (
        sorted(Region.objects.values_list("code", "name", "path")),
        sorted(Village.objects.values_list("code", "name", "is_active")),
        sorted(User.objects.values_list("username", "password")),
        sorted(Membership.objects.values_list("user__username", "role", "region", "village")),
    )


def test_seed_demo_twice_changes_nothing(db, settings):
    settings.DEBUG = True
    call_command("seed_demo", verbosity=0)
    first = snapshot()
    call_command("seed_demo", verbosity=0)
    assert snapshot() == first


def test_seed_demo_creates_one_account_per_role_and_a_secretary_per_village(db, settings):
    settings.DEBUG = True
    call_command("seed_demo", verbosity=0)
    assert Village.objects.count() == 17
    roles = Membership.objects.values_list("role", flat=True)
    assert sorted(set(roles)) == sorted(Role.values)
    assert list(roles).count(Role.SECRETARY) == 17
    secretary = User.objects.get(username="secretary_203")
    assert secretary.memberships.get().village.name == "新沟村"
    assert secretary.check_password("pingan-demo-2023")


def test_seed_demo_keeps_an_administrators_rename(db, settings):
    settings.DEBUG = True
    call_command("seed_demo", verbosity=0)
    Village.objects.filter(code="429006104203").update(name="新沟社区")
    call_command("seed_demo", verbosity=0)
    assert Village.objects.get(code="429006104203").name == "新沟社区"
    assert not VillageEvent.objects.exists()


def test_seed_demo_is_refused_without_debug(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo", verbosity=0)
    assert not User.objects.exists()


def test_demo_campaign_is_opened_once(db, settings):
    settings.DEBUG = True
    call_command("seed_demo", verbosity=0)
    call_command("seed_demo_campaign", verbosity=0)
    call_command("seed_demo_campaign", verbosity=0)
    campaign = Campaign.objects.get()
    assert campaign.status == Campaign.Status.SELF_ASSESSMENT
    assert Assessment.objects.filter(campaign=campaign).count() == 17
