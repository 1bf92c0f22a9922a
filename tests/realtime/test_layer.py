"""The embedded channel layer: its sweep for expired entries is bounded in time, not run per event."""

import pytest
from channels.layers import InMemoryChannelLayer

from chat.realtime import InProcessChannelLayer


@pytest.fixture
def sweeps(monkeypatch):
    calls = []
    real = InMemoryChannelLayer._clean_expired

    def counted(self):
        calls.append(1)
        return real(self)

    monkeypatch.setattr(InMemoryChannelLayer, "_clean_expired", counted)
    return calls


async def test_many_events_within_a_second_sweep_once(sweeps):
    layer = InProcessChannelLayer(capacity=100)
    channels = [await layer.new_channel() for _ in range(50)]
    for channel in channels:
        await layer.group_add("room", channel)
    for n in range(20):
        await layer.group_send("room", {"type": "room.event", "n": n})
    for channel in channels:
        assert (await layer.receive(channel))["n"] == 0
    assert len(sweeps) == 1


async def test_the_sweep_still_drops_expired_messages_and_their_memberships(sweeps, monkeypatch):
    layer = InProcessChannelLayer(capacity=100, expiry=0)
    layer.SWEEP_SECONDS = 0
    channel = await layer.new_channel()
    await layer.send(channel, {"type": "room.event"})
    await layer.group_add("room", channel)
    await layer.group_send("room", {"type": "room.event"})  # the sweep drops the expired message
    assert channel not in layer.groups.get("room", {})
    assert len(sweeps) == 1
