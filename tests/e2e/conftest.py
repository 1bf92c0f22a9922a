import os
from dataclasses import dataclass

import httpx
import pytest

from tests.factories import RoomFactory
from tests.graphql import access_token
from tests.processes import RedisProcess, Server, start_server

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="session")
def server(django_db_setup, django_db_blocker):
    """One server process for the session, configured like the run (embedded or services)."""
    process = start_server()
    yield process
    process.stop()


@pytest.fixture
def redis_process():
    redis = RedisProcess().start()
    yield redis
    redis.stop()


@pytest.fixture
def shared_redis_url(request):
    """The run's Redis when it has one, else a private Redis for this test."""
    if url := os.environ.get("REDIS_URL"):
        yield url
        return
    redis = RedisProcess().start()
    yield redis.url
    redis.stop()


async def api(server: Server, query: str, variables: dict | None = None, *, token: str | None = None) -> dict:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with httpx.AsyncClient(timeout=10) as client:
        response = await client.post(server.http, json={"query": query, "variables": variables or {}}, headers=headers)
    return response.json()


@dataclass
class Pair:
    room_id: str
    organizer_token: str
    vendor_token: str
    outsider_token: str


@pytest.fixture
def pair(transactional_db) -> Pair:
    room = RoomFactory()
    outsider = RoomFactory().organizer
    return Pair(str(room.pk), access_token(room.organizer), access_token(room.vendor), access_token(outsider))


SEND = """mutation($r: ID!, $t: String!, $c: String) {
  sendMessage(roomId: $r, text: $t, clientId: $c) {
    id text senderUsername clientId createdAt room { id } sender { username }
  }
}"""
HISTORY = "query($r: ID!) { messages(roomId: $r, last: 100) { edges { cursor node { id text } } } }"
