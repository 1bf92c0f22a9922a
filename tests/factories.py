"""Rows for tests, built through the models (and the services where a rule applies)."""

from decimal import Decimal

import factory
from django.core.files.base import ContentFile
from django.utils import timezone

from chat.models import Attachment, Bid, ChatRoom, Message, MessageType, Role, User

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


class AttachmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attachment

    room = factory.SubFactory(RoomFactory)
    uploaded_by = factory.LazyAttribute(lambda a: a.room.vendor)
    storage_key = factory.Sequence(lambda n: f"key{n:08d}")
    file = factory.LazyAttribute(lambda a: ContentFile(b"plain text\n", name=a.storage_key))
    original_name = "notes.txt"
    size = 11
    content_type = "text/plain"


class BidFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Bid

    message = factory.SubFactory(
        MessageFactory, message_type=MessageType.BID, sender=factory.LazyAttribute(lambda m: m.room.vendor)
    )
    amount = Decimal("1250.00")
    created_by = factory.LazyAttribute(lambda b: b.message.room.vendor)
