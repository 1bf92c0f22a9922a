"""Rows for tests, built through the models (and the services where a rule applies)."""

import factory
from django.utils import timezone

from chat.models import ChatRoom, Message, Role, User

PASSWORD = "correct-horse-battery-9"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    role = Role.ORGANIZER
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class VendorFactory(UserFactory):
    role = Role.VENDOR


class RoomFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ChatRoom

    organizer = factory.SubFactory(UserFactory)
    vendor = factory.SubFactory(VendorFactory)


class MessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Message

    room = factory.SubFactory(RoomFactory)
    sender = factory.LazyAttribute(lambda m: m.room.organizer)
    text = factory.Sequence(lambda n: f"message {n}")
    created_at = factory.LazyFunction(timezone.now)
