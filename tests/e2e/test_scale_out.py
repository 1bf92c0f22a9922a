"""Several server processes share one database and one Redis: a message sent through any
process reaches subscribers on all of them."""

import pytest

from tests.e2e.conftest import SEND, api, subscribe_joined
from tests.processes import start_server
from tests.wsclient import GraphQLSocket

pytestmark = pytest.mark.e2e


@pytest.fixture
def two_servers(shared_redis_url, transactional_db):
    servers = [start_server(REDIS_URL=shared_redis_url) for _ in range(2)]
    yield servers
    for server in servers:
        server.stop()


async def test_a_message_sent_through_one_process_reaches_a_subscriber_on_the_other(two_servers, pair):
    first, second = two_servers
    async with (
        GraphQLSocket.connect(first.ws) as on_first,
        GraphQLSocket.connect(second.ws) as on_second,
    ):
        await on_first.init({"authorization": f"Bearer {pair.organizer_token}"})
        await on_second.init({"authorization": f"Bearer {pair.vendor_token}"})
        await subscribe_joined(first, pair.organizer_token, pair.room_id, [on_first, on_second])
        sent = []
        for i in range(4):
            through, token = (second, pair.vendor_token) if i % 2 == 0 else (first, pair.organizer_token)
            result = await api(through, SEND, {"r": pair.room_id, "t": f"hop {i}"}, token=token)
            sent.append(result["data"]["sendMessage"]["id"])
        for socket in (on_first, on_second):
            assert [(await socket.next_event())["message"]["id"] for _ in sent] == sent
