import threading

import pytest
from django.db import IntegrityError, connection, transaction

from chat.errors import Forbidden, InvalidInput
from chat.models import ChatRoom
from chat.services.rooms import room_create, room_ensure
from tests.factories import RoomFactory, UserFactory, VendorFactory


@pytest.mark.django_db
def test_the_database_refuses_a_second_room_for_the_same_pair_in_either_order():
    room = RoomFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        ChatRoom.objects.create(organizer=room.vendor, vendor=room.organizer)


@pytest.mark.django_db
def test_the_database_refuses_a_room_with_oneself():
    user = UserFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        ChatRoom.objects.create(organizer=user, vendor=user)


@pytest.mark.django_db(transaction=True)
def test_both_sides_ensuring_the_room_at_the_same_instant_get_one_room():
    organizer, vendor = UserFactory(), VendorFactory()
    barrier = threading.Barrier(2)
    results, failures = [], []

    def ensure(caller, other):
        try:
            barrier.wait(5)
            results.append(room_ensure(caller=caller, username=other.username).pk)
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            failures.append(error)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=ensure, args=(organizer, vendor)),
        threading.Thread(target=ensure, args=(vendor, organizer)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert failures == []
    assert len(set(results)) == 1
    assert ChatRoom.objects.count() == 1


@pytest.mark.django_db
def test_ensure_ignores_surrounding_whitespace_in_the_username():
    organizer, vendor = UserFactory(), VendorFactory()
    assert room_ensure(caller=organizer, username=f"  {vendor.username} ").vendor == vendor


@pytest.mark.django_db
def test_ensure_with_an_inactive_user_is_invalid():
    organizer, vendor = UserFactory(), VendorFactory(is_active=False)
    with pytest.raises(InvalidInput):
        room_ensure(caller=organizer, username=vendor.username)


@pytest.mark.django_db
def test_create_requires_the_caller_to_be_a_participant():
    organizer, vendor = UserFactory(), VendorFactory()
    with pytest.raises(Forbidden):
        room_create(caller=UserFactory(), organizer_id=organizer.pk, vendor_id=vendor.pk)


@pytest.mark.django_db
def test_create_with_the_same_user_twice_is_invalid():
    user = UserFactory()
    with pytest.raises(InvalidInput):
        room_create(caller=user, organizer_id=user.pk, vendor_id=user.pk)
