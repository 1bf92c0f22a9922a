"""A GraphQL client for the in-process tests: Django's test client against /graphql/."""

import json
from dataclasses import dataclass
from typing import Any

from graphql_jwt.shortcuts import get_token


@dataclass
class Result:
    status: int
    body: dict[str, Any]

    @property
    def data(self) -> dict[str, Any] | None:
        return self.body.get("data")

    @property
    def codes(self) -> list[str]:
        return [e.get("extensions", {}).get("code") for e in self.body.get("errors", [])]

    @property
    def code(self) -> str | None:
        codes = self.codes
        assert len(codes) == 1, self.body
        return codes[0]


def access_token(user) -> str:
    return get_token(user)


def gql(
    client,
    query: str,
    variables: dict | None = None,
    *,
    user=None,
    token: str | None = None,
    address: str | None = None,
) -> Result:
    """`address`: the client address the request comes from (Django's test client: 127.0.0.1)."""
    headers = {"REMOTE_ADDR": address} if address else {}
    if user is not None:
        token = access_token(user)
    if token is not None:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    response = client.post(
        "/graphql/",
        data=json.dumps({"query": query, "variables": variables or {}}),
        content_type="application/json",
        **headers,
    )
    return Result(response.status_code, response.json())
