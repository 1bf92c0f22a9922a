"""createRoom follows ensureRoom's role rule (the room a pair gets does not depend on which
mutation made it), reveals nothing ensureRoom does not, and the rooms made inverted before
are repaired by a migration."""

from importlib import import_module

import pytest
from django.apps import apps

from chat.errors import Forbidden, InvalidInput
from chat.models import BidStatus, ChatRoom, Role
from chat.services.rooms import room_create, room_ensure
from tests.factories import BidFactory, MessageFactory, UserFactory, VendorFactory

pytestmark = pytest.mark.django_db


def test_an_organizer_naming_himself_vendor_still_gets_the_room_as_organizer():
    organizer, vendor = UserFactory(), VendorFactory()
    room = room_create(caller=organizer, organizer_id=str(vendor.pk), vendor_id=str(organizer.pk))
    assert (room.organizer_id, room.vendor_id) == (organizer.pk, vendor.pk)


def test_a_vendor_naming_himself_organizer_still_gets_the_room_as_vendor():
    organizer, vendor = UserFactory(), VendorFactory()
    room = room_create(caller=vendor, organizer_id=str(vendor.pk), vendor_id=str(organizer.pk))
    assert (room.organizer_id, room.vendor_id) == (organizer.pk, vendor.pk)


@pytest.mark.parametrize("caller_role", [Role.ORGANIZER, Role.VENDOR, None])
@pytest.mark.parametrize("other_role", [Role.ORGANIZER, Role.VENDOR, None])
@pytest.mark.parametrize("caller_first", [True, False])
def test_create_room_makes_the_room_ensure_room_would_make(caller_role, other_role, caller_first):
    caller, other = UserFactory(role=caller_role), UserFactory(role=other_role)
    ids = (caller.pk, other.pk) if caller_first else (other.pk, caller.pk)
    created = room_create(caller=caller, organizer_id=str(ids[0]), vendor_id=str(ids[1]))
    ensured_by_the_rule = (created.organizer_id, created.vendor_id)
    ChatRoom.objects.all().delete()
    ensured = room_ensure(caller=caller, username=other.username)
    assert ensured_by_the_rule == (ensured.organizer_id, ensured.vendor_id)


@pytest.mark.parametrize("missing", ["unknown", "inactive", "zero", "huge", "negative"])
def test_an_unknown_participant_is_one_answer_whatever_the_reason(missing):
    caller = UserFactory()
    ids = {"unknown": "987654", "zero": "0", "huge": str(2**70), "negative": "-3"}
    if missing == "inactive":
        ids["inactive"] = str(VendorFactory(is_active=False).pk)
    with pytest.raises(InvalidInput) as refused:
        room_create(caller=caller, organizer_id=str(caller.pk), vendor_id=ids[missing])
    assert str(refused.value) == "No such user."


def test_an_outsider_learns_nothing_about_the_ids_it_names():
    outsider, organizer, vendor = UserFactory(), UserFactory(), VendorFactory()
    for pair in ((organizer.pk, vendor.pk), (987654, 987655)):
        with pytest.raises(Forbidden) as refused:
            room_create(caller=outsider, organizer_id=str(pair[0]), vendor_id=str(pair[1]))
        assert str(refused.value) == "You can only create rooms you take part in."


def test_the_migration_repairs_rooms_made_inverted():
    organizer, vendor = UserFactory(), VendorFactory()
    inverted = ChatRoom.objects.create(organizer=vendor, vendor=organizer)
    MessageFactory(room=inverted, sender=vendor)
    # The only party able to bid there was the organizer: his pending bid cannot stand.
    pending = BidFactory(message__room=inverted, message__sender=organizer, created_by=organizer)
    accepted = BidFactory(message__room=inverted, message__sender=organizer, created_by=organizer)
    accepted.status = BidStatus.ACCEPTED
    accepted.save()
    untouched = ChatRoom.objects.create(organizer=UserFactory(role=None), vendor=UserFactory(role=Role.ORGANIZER))
    migration = import_module("chat.migrations.0004_repair_inverted_rooms")
    assert migration.repair_inverted_rooms(apps, None) == 1
    inverted.refresh_from_db()
    untouched.refresh_from_db()
    assert (inverted.organizer_id, inverted.vendor_id) == (organizer.pk, vendor.pk)
    pending.refresh_from_db()
    accepted.refresh_from_db()
    assert (pending.status, accepted.status) == (BidStatus.WITHDRAWN, BidStatus.ACCEPTED)
    assert untouched.organizer.role is None  # roles that decide nothing: left as they were
