import factory

from villages.models import Membership, Region, User, Village

Role = Membership.Role


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"{429000100 + n}")
    name = factory.Sequence(lambda n: f"测试镇{n}")
    level = Region.Level.TOWN


class VillageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Village

    code = factory.Sequence(lambda n: f"{429099000000 + n:012d}")
    name = factory.Sequence(lambda n: f"测试村{n}")
    town = factory.SubFactory(RegionFactory)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"用户{n}")
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @factory.post_generation
    def persist_password(self, create, extracted, **kwargs):
        if create:
            self.save()


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    role = Role.TOWN_OFFICE


def user_with_role(role, place=None, **user_fields):
    """A user holding one membership: `place` is a Village for a secretary or a member of a
    village's team, else a Region."""
    user = UserFactory(**user_fields)
    if role == Role.ADMINISTRATOR:
        user.is_staff = user.is_superuser = True
        user.save()
    MembershipFactory(
        user=user,
        role=role,
        village=place if role in (Role.SECRETARY, Role.VILLAGE_STAFF) else None,
        region=place
        if role not in (Role.SECRETARY, Role.VILLAGE_STAFF, Role.ADMINISTRATOR)
        else None,
    )
    return user
