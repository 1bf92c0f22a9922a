"""sendMessage per user: a burst of 20, then 5 a second; RATE_LIMITED with a retry hint."""

import time

import pytest

from chat.models import Message
from tests.factories import RoomFactory
from tests.graphql import gql

QUICK = "mutation($r: ID!, $t: String!, $c: String) { sendMessage(roomId: $r, text: $t, clientId: $c) { id } }"


@pytest.fixture(autouse=True)
def _slow_refill(settings):
    # One send back every 2 s instead of 0.2 s, so that a slow machine sending the burst
    # cannot earn an extra send before the test expects the refusal.
    settings.PARLEY = {**settings.PARLEY, "SEND_RATE_PER_SECOND": 0.5}


@pytest.mark.django_db
def test_by_default_a_burst_of_twenty_passes_then_one_send_comes_back_every_fifth_of_a_second(client, settings):
    from project.settings import PARLEY as configured

    settings.PARLEY = configured  # the defaults, without this module's slower refill
    room = RoomFactory()
    started = time.monotonic()
    passed = 0
    while not (result := gql(client, QUICK, {"r": room.pk, "t": f"m{passed}"}, user=room.vendor)).codes:
        passed += 1
        assert passed <= 100, "no limit at all"
    elapsed = time.monotonic() - started
    assert result.code == "RATE_LIMITED"
    # Twenty at once, and one more for each fifth of a second that sending them took.
    assert 20 <= passed <= 20 + int(elapsed * 5) + 1, (passed, elapsed)
    assert 0 < result.body["errors"][0]["extensions"]["retryAfter"] <= 0.2


@pytest.mark.django_db
def test_a_burst_of_twenty_passes_and_the_twenty_first_is_rate_limited_with_a_hint(client):
    room = RoomFactory()
    for i in range(20):
        assert gql(client, QUICK, {"r": room.pk, "t": f"m{i}"}, user=room.vendor).data, i
    refused = gql(client, QUICK, {"r": room.pk, "t": "one too many"}, user=room.vendor)
    assert refused.code == "RATE_LIMITED"
    retry_after = refused.body["errors"][0]["extensions"]["retryAfter"]
    assert 0 < retry_after <= 2
    assert Message.objects.count() == 20
    time.sleep(retry_after + 0.01)
    assert gql(client, QUICK, {"r": room.pk, "t": "after waiting"}, user=room.vendor).data


@pytest.mark.django_db
def test_the_budget_is_per_user(client):
    room = RoomFactory()
    for i in range(20):
        gql(client, QUICK, {"r": room.pk, "t": f"m{i}"}, user=room.vendor)
    assert gql(client, QUICK, {"r": room.pk, "t": "mine"}, user=room.organizer).data


@pytest.mark.django_db
def test_a_retry_with_the_same_client_id_costs_nothing(client):
    room = RoomFactory()
    for i in range(20):
        gql(client, QUICK, {"r": room.pk, "t": f"m{i}", "c": f"c{i}"}, user=room.vendor)
    again = gql(client, QUICK, {"r": room.pk, "t": "m3", "c": "c3"}, user=room.vendor)
    assert again.data and Message.objects.count() == 20


@pytest.mark.django_db
def test_the_limit_can_be_changed_or_turned_off(client, settings):
    settings.PARLEY = {**settings.PARLEY, "SEND_RATE_PER_SECOND": 0}
    room = RoomFactory()
    for i in range(30):
        assert gql(client, QUICK, {"r": room.pk, "t": f"m{i}"}, user=room.vendor).data
