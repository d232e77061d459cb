import os
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import models, transaction
from django.test import override_settings

from assessments import services
from assessments.models import Standard
from assessments.selectors.standards import _pinned_criteria, _standard_of_pinned_criterion
from pingan import pdf
from tests.factories import user_with_role
from villages.models import Membership, Region, Village

Role = Membership.Role


@pytest.fixture(scope="session", autouse=True)
def fast_password_hashing():
    """Cheap hashing for the whole session, records built once per module included."""
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(scope="session", autouse=True)
def process_own_cache():
    """Each test process keeps its own cache: the host's shared one (var/cache) would mix the
    sessions and kept reads of test databases that number their rows alike."""
    local = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    with override_settings(CACHES=local):
        yield


@pytest.fixture(autouse=True)
def empty_cache(process_own_cache):
    """Each test starts with nothing kept: its database rows are new."""
    cache.clear()
    _pinned_criteria.clear()
    _standard_of_pinned_criterion.clear()


@pytest.fixture(autouse=True)
def private_media_root(request, settings, tmp_path):
    owners = [name for name in SHARED_RECORDS if name in request.fixturenames]
    if owners:
        settings.MEDIA_ROOT = request.getfixturevalue(owners[0]).media
    else:
        settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


class Kept:
    """Records made once for a module, read afresh from the database by each test, so that
    no test sees another's changes to the Python objects."""

    def __init__(self, value):
        self.references = self._remember(value)

    @classmethod
    def _remember(cls, value):
        if isinstance(value, models.Model):
            return _Reference(type(value), value.pk)
        if isinstance(value, dict):
            return {key: cls._remember(item) for key, item in value.items()}
        if isinstance(value, tuple | list):
            return type(value)(cls._remember(item) for item in value)
        return value

    @classmethod
    def _recall(cls, reference):
        if isinstance(reference, _Reference):
            return reference.model._default_manager.get(pk=reference.pk)
        if isinstance(reference, dict):
            return {key: cls._recall(item) for key, item in reference.items()}
        if isinstance(reference, tuple | list):
            return type(reference)(cls._recall(item) for item in reference)
        return reference

    def fresh(self):
        return self._recall(self.references)


class _Reference:
    def __init__(self, model, pk):
        self.model, self.pk = model, pk


class SharedRecords:
    """Django's setUpTestData as a fixture: records built once for a module (or a class) live
    in an outer transaction that is rolled back after its last test, while each test runs in a
    savepoint within it (pytest-django's `db`), so what a test changes is undone before the
    next one. Uploaded files share one media folder."""

    def __init__(self, blocker, media):
        self.blocker, self.media = blocker, media

    @contextmanager
    def outer_transaction(self):
        with override_settings(MEDIA_ROOT=self.media):
            with self.blocker.unblock():
                outer = transaction.atomic()
                outer.__enter__()
            try:
                yield self
            finally:
                with self.blocker.unblock():
                    transaction.set_rollback(True)
                    outer.__exit__(None, None, None)

    def build(self, make):
        with self.blocker.unblock():
            return Kept(make())


def records_fixture(scope):
    @pytest.fixture(scope=scope)
    def records(django_db_setup, django_db_blocker, tmp_path_factory):
        records = SharedRecords(django_db_blocker, tmp_path_factory.mktemp("media"))
        with records.outer_transaction():
            yield records

    return records


# Records kept for a whole module, or for the tests of one class (a class-scoped fixture
# falls back to one build per test outside a class, so it is safe anywhere).
module_records = records_fixture("module")
class_records = records_fixture("class")
SHARED_RECORDS = ("module_records", "class_records")


def load_wangchang():
    call_command("loaddata", "fixtures/wangchang.json", "fixtures/documents.json", verbosity=0)
    return Region.objects.get(code="429006104")


def load_standards():
    call_command(
        "loaddata", "fixtures/incident_categories.json", "fixtures/standards.json", verbosity=0
    )
    return (
        Standard.objects.get(code="safe-village", version=1),
        Standard.objects.get(code="hubei-demonstration", version=1),
    )


def one_user_per_role(town, secretary_village):
    return {
        "secretary": user_with_role(Role.SECRETARY, secretary_village),
        "town_office": user_with_role(Role.TOWN_OFFICE, town),
        "town_leading_group": user_with_role(Role.TOWN_LEADING_GROUP, town),
        "city_office": user_with_role(Role.CITY_OFFICE, town.parent),
        "province_office": user_with_role(Role.PROVINCE_OFFICE, town.parent.parent),
        "administrator": user_with_role(Role.ADMINISTRATOR),
        "village_staff": user_with_role(Role.VILLAGE_STAFF, secretary_village, full_name="李网格"),
    }


def open_campaign_2024(people, standard, town):
    campaign = services.create_campaign(
        actor=people["town_office"],
        town=town,
        year=2024,
        standard=standard,
        self_assessment_due=date(2099, 6, 30),
        town_assessment_due=date(2099, 7, 31),
        city_review_due=date(2099, 9, 30),
    )
    return services.open_campaign(actor=people["town_office"], campaign_id=campaign.pk)


def build_base():
    town = load_wangchang()
    xingou = Village.objects.get(code="429006104203")
    people = one_user_per_role(town, xingou)
    standards = load_standards()
    return {
        "wangchang": town,
        "xingou": xingou,
        "cuiwang": Village.objects.get(code="429006104206"),
        "people": people,
        "standards": standards,
        "campaign": open_campaign_2024(people, standards[0], town),
    }


@pytest.fixture(scope="module")
def module_base(module_records):
    """The base fixtures below, built once for a module that asks for it with
    `pytestmark = pytest.mark.usefixtures("module_base")`."""
    return module_records.build(build_base)


@pytest.fixture(scope="class")
def class_base(class_records):
    """The base fixtures below, built once for the tests of a class marked
    `@pytest.mark.usefixtures("class_base")`."""
    return class_records.build(build_base)


def shared(request, name):
    for base in ("module_base", "class_base"):
        if base in request.fixturenames:
            return request.getfixturevalue(base).fresh()[name]
    return None


@pytest.fixture
def wangchang(request, db):
    """The real tree of the seed: 湖北省 → 天门市 → 汪场镇 and its 17 villages."""
    return shared(request, "wangchang") or load_wangchang()


@pytest.fixture
def xingou(wangchang):
    return Village.objects.get(code="429006104203")


@pytest.fixture
def cuiwang(wangchang):
    return Village.objects.get(code="429006104206")


@pytest.fixture
def people(request, wangchang, xingou):
    """One user per role, placed in 汪场镇's tree."""
    return shared(request, "people") or one_user_per_role(wangchang, xingou)


@pytest.fixture
def standards(request, db):
    return shared(request, "standards") or load_standards()


@pytest.fixture
def campaign(request, people, standards, wangchang):
    """汪场镇's 2024 campaign, opened: one assessment per village, self-assessment running."""
    return shared(request, "campaign") or open_campaign_2024(people, standards[0], wangchang)


CHROMIUM = Path("/usr/bin/chromium")
# Playwright's synchronous API runs an event loop in the test thread; the ORM calls the
# tests make around it are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not CHROMIUM.exists():
        pytest.fail("Debian Chromium is missing: run scripts/system-packages test")
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


@pytest.fixture
def run_worker(monkeypatch):
    """The database queue's own worker, run until the queue is empty. Between tasks it recycles
    database connections, as a long-running process should; inside a test's transaction that
    would close the test's own connection, so here it keeps it."""
    monkeypatch.setattr(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    )
    return lambda: call_command("db_worker", batch=True, startup_delay=False, verbosity=0)


@pytest.fixture
def pdf_renders(monkeypatch):
    """The templates rendered to PDF during the test, in order (the renders still happen)."""
    rendered = []
    render = pdf.render_pdf

    def counted(template_name, *args, **kwargs):
        rendered.append(template_name)
        return render(template_name, *args, **kwargs)

    monkeypatch.setattr(pdf, "render_pdf", counted)
    return rendered
