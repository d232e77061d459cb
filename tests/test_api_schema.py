"""schemathesis against the live API: whatever it sends, no 5xx and no response that breaks
the published schema."""

import json

import pytest
import schemathesis
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from tests.helpers import run_town_year


def published_schema():
    document = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(document))


schema = schemathesis.openapi.from_dict(published_schema())
API_SETTINGS = settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))


@pytest.fixture
def filed_year(transactional_db, live_server, campaign, people, xingou):
    return run_town_year(campaign, people, ("新沟村",), {xingou.pk: people["secretary"]})


def call_as(user, case, live_server):
    token, _ = Token.objects.get_or_create(user=user)
    case.call_and_validate(
        base_url=f"{live_server.url}/api/v1",
        headers={"Authorization": f"Token {token.key}"},
        checks=[not_a_server_error, response_schema_conformance],
    )


def test_the_live_server_publishes_the_schema_under_test(client, db):
    served = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert json.loads(served.content) == published_schema()


@schema.parametrize()
@API_SETTINGS
def test_the_api_keeps_to_its_schema_for_each_role(case, filed_year, live_server, people):
    for role in ("secretary", "town_office", "city_office"):
        call_as(people[role], case, live_server)
