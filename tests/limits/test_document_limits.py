"""What one GraphQL document may ask for: depth, tokens, aliases; and the body cap."""

import json

import pytest

from tests.factories import UserFactory
from tests.graphql import gql

pytestmark = pytest.mark.django_db


def test_more_aliases_than_allowed_is_a_validation_error(client):
    many = "{ " + " ".join(f"a{i}: me {{ id }}" for i in range(31)) + " }"
    assert gql(client, many, user=UserFactory()).code == "GRAPHQL_VALIDATION_FAILED"


def test_thirty_aliases_are_fine(client):
    enough = "{ " + " ".join(f"a{i}: me {{ id }}" for i in range(30)) + " }"
    assert len(gql(client, enough, user=UserFactory()).data) == 30


def test_more_tokens_than_allowed_is_a_validation_error(client):
    huge = "{ me { " + " ".join(["id"] * 5001) + " } }"
    assert gql(client, huge, user=UserFactory()).code == "GRAPHQL_VALIDATION_FAILED"


def test_a_json_body_over_the_cap_is_refused_with_413(client, settings):
    body = json.dumps({"query": "{ me { id } }", "variables": {"pad": "x" * (settings.PARLEY["BODY_MAX_BYTES"] + 1)}})
    response = client.post("/graphql/", data=body, content_type="application/json")
    assert response.status_code == 413
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
