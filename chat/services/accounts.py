"""Creating accounts: registration with Django's password validators, and the demo users."""

from asgiref.sync import sync_to_async
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q

from chat import auth_throttle, passwords
from chat.errors import InvalidInput
from chat.models import USERNAME_RULE_TEXT, Role, User, username_follows_rule


async def user_register(*, username: str, password: str, role: str, address: str) -> User:
    """A new account, within the sign-in budget of `address`; the password is hashed in its
    own pool (chat.passwords), never in the ORM's thread."""
    candidate = await sync_to_async(_registration_check)(
        username=username, password=password, role=role, address=address
    )
    candidate.password = await passwords.password_hash(password)
    return await sync_to_async(_registration_save)(candidate)


def _registration_check(*, username: str, password: str, role: str, address: str) -> User:
    auth_throttle.auth_address_take(address=address)
    username = username.strip()
    if not username_follows_rule(username):
        raise InvalidInput(f"A username is {USERNAME_RULE_TEXT}.")
    if role not in Role.values:
        raise InvalidInput("Unknown role.")
    # Names from before the rule have no key: compare those too, regardless of case.
    if User.objects.filter(Q(username_key=username.lower()) | Q(username__iexact=username)).exists():
        raise InvalidInput("That username is taken.")
    candidate = User(username=username, username_key=username.lower(), role=role)
    try:
        validate_password(password, user=candidate)
    except ValidationError as error:
        raise InvalidInput(" ".join(error.messages)) from None
    return candidate


def _registration_save(candidate: User) -> User:
    try:
        with transaction.atomic():
            candidate.save()
    except IntegrityError:
        raise InvalidInput("That username is taken.") from None
    return candidate


DEMO_USERS = (("tfuller", Role.ORGANIZER), ("bkirk", Role.VENDOR))
DEMO_PASSWORD = "parley-demo"


def demo_users_ensure() -> list[tuple[User, bool]]:
    """Create the demo users if they are missing; an existing one is left as it is."""
    results = []
    for username, role in DEMO_USERS:
        user, created = User.objects.get_or_create(username=username, defaults={"role": role})
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        results.append((user, created))
    return results
