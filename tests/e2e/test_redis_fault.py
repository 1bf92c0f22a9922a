"""Realtime degrades, never breaks: Redis stops under a live subscriber and comes back."""

import asyncio

import pytest

from tests.e2e.conftest import HISTORY, SEND, api, subscribe_joined
from tests.processes import start_server
from tests.wsclient import ROOM_EVENTS, GraphQLSocket

pytestmark = pytest.mark.e2e


@pytest.fixture
def server_on_private_redis(redis_process, transactional_db):
    server = start_server(REDIS_URL=redis_process.url)
    yield server, redis_process
    server.stop()


async def next_warning(socket, code):
    """The socket's next event, which must be the warning `code`."""
    event = await socket.next_event(timeout=15)
    assert event["__typename"] == "WarningEvent" and event["code"] == code, event
    return event


async def test_redis_stopped_and_started_again_under_a_live_subscriber(server_on_private_redis, pair):
    server, redis = server_on_private_redis
    async with GraphQLSocket.connect(server.ws) as socket:
        await socket.init({"authorization": f"Bearer {pair.organizer_token}"})
        await subscribe_joined(server, pair.organizer_token, pair.room_id, [socket])
        before = await api(server, SEND, {"r": pair.room_id, "t": "before the outage"}, token=pair.vendor_token)
        assert (await socket.next_event())["message"]["id"] == before["data"]["sendMessage"]["id"]

        redis.stop()
        during = await api(server, SEND, {"r": pair.room_id, "t": "during the outage"}, token=pair.vendor_token)
        assert "errors" not in during, during
        missed_id = during["data"]["sendMessage"]["id"]
        history = await api(server, HISTORY, {"r": pair.room_id}, token=pair.organizer_token)
        assert missed_id in [edge["node"]["id"] for edge in history["data"]["messages"]["edges"]]
        await next_warning(socket, "REALTIME_UNAVAILABLE")

        redis.start()
        await next_warning(socket, "REALTIME_RESTORED")
        caught_up = await socket.next_event()
        assert caught_up["__typename"] == "MessageEvent"
        assert caught_up["message"]["id"] == missed_id

        after = await api(server, SEND, {"r": pair.room_id, "t": "after the outage"}, token=pair.vendor_token)
        live = await socket.next_event()
        assert live["message"]["id"] == after["data"]["sendMessage"]["id"]
        with pytest.raises(asyncio.TimeoutError):
            await socket.next_event(timeout=1)
    assert "Traceback" not in server.log()


async def test_every_http_operation_works_while_redis_is_down(server_on_private_redis, pair):
    server, redis = server_on_private_redis
    redis.stop()
    sent = await api(server, SEND, {"r": pair.room_id, "t": "no redis"}, token=pair.vendor_token)
    assert "errors" not in sent, sent
    rooms = await api(server, "{ rooms { edges { node { id lastMessage { text } } } } }", token=pair.vendor_token)
    assert rooms["data"]["rooms"]["edges"][0]["node"]["lastMessage"]["text"] == "no redis"


async def test_a_subscription_opened_while_redis_is_down_warns_then_recovers(server_on_private_redis, pair):
    server, redis = server_on_private_redis
    redis.stop()
    async with GraphQLSocket.connect(server.ws) as socket:
        await socket.init({"authorization": f"Bearer {pair.organizer_token}"})
        await socket.subscribe(ROOM_EVENTS, {"r": pair.room_id})
        await next_warning(socket, "REALTIME_UNAVAILABLE")
        sent = await api(server, SEND, {"r": pair.room_id, "t": "while down"}, token=pair.vendor_token)
        redis.start()
        await next_warning(socket, "REALTIME_RESTORED")
        assert (await socket.next_event())["message"]["id"] == sent["data"]["sendMessage"]["id"]
