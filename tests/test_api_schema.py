"""schemathesis against the API: whatever it sends, no 5xx and no response that breaks the
published schema. Requests go through the portal's WSGI application in the test's own process
and database transaction, so the year is built once for the module and each case's writes
are undone; the example client (test_api_example) plays the API over a live server."""

import json
import re

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from api.tokens import issue_token
from tests.helpers import SIGNED_IN_ROLES, run_base_year


def published_schema():
    document = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(document))


schema = schemathesis.openapi.from_dict(published_schema())
# One pytest item per operation (not schemathesis' own parametrize, whose cases a test run
# split over processes does not see).
OPERATIONS = [result.ok() for result in schema.get_all_operations()]
API_SETTINGS = settings(max_examples=5, deadline=None, suppress_health_check=list(HealthCheck))


pytestmark = pytest.mark.usefixtures("module_base")
APPLICATION = get_wsgi_application()
ROLES = SIGNED_IN_ROLES


@pytest.fixture(scope="module")
def filed_year_once(module_records, module_base):
    def build():
        base = module_base.fresh()
        people = base["people"]
        run_base_year(base, ("新沟村",))
        return {role: issue_token(actor=people[role])[1] for role in ROLES}

    return module_records.build(build)


@pytest.fixture(autouse=True)
def connection_kept_across_requests():
    """As Django's test client does: the end of a request must not close the connection that
    holds the test's transaction."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def tokens(db, filed_year_once):
    return filed_year_once.fresh()


def call_as(token, case):
    case.call_and_validate(
        app=APPLICATION,
        base_url="http://testserver/api/v1",
        headers={"Authorization": f"Token {token}"},
        checks=[not_a_server_error, response_schema_conformance],
    )


def test_the_portal_publishes_the_schema_under_test(client, db):
    served = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert json.loads(served.content) == published_schema()


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda operation: operation.label)
def test_the_api_keeps_to_its_schema_for_each_role(operation, tokens):
    @API_SETTINGS
    @given(case=operation.as_strategy())
    def every_role_calls(case):
        for role in ROLES:
            call_as(tokens[role], case)

    every_role_calls()


def test_every_operation_and_every_refusal_is_described_in_chinese(db):
    chinese = re.compile(r"[\u4e00-\u9fff]")
    for path, item in published_schema()["paths"].items():
        for method, operation in item.items():
            assert chinese.search(operation.get("summary", "")), (method, path)
            refusals = {code for code in operation["responses"] if code.startswith("4")}
            assert {"400", "403"} <= refusals, (method, path)
            if "{" in path:
                assert "404" in refusals, (method, path)
            for code in refusals:
                answer = operation["responses"][code]
                assert chinese.search(answer["description"]), (method, path, code)
                assert list(answer["content"]) == ["application/json"], (method, path, code)
