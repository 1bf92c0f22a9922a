"""Creating accounts: registration with Django's password validators, a user's own profile
(email and email notifications), and the demo users."""

from asgiref.sync import sync_to_async
from django.contrib.auth.base_user import BaseUserManager
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q

from chat import auth_throttle, passwords
from chat.errors import InvalidInput
from chat.models import USERNAME_RULE_TEXT, Role, User, username_follows_rule

EMAIL_MAX = 254


def email_clean(value: str | None) -> str:
    """An email address as stored: trimmed, domain in lower case; "" for none (None or blank)."""
    value = (value or "").strip()
    if not value:
        return ""
    if len(value) > EMAIL_MAX:
        raise InvalidInput(f"An email address is at most {EMAIL_MAX} characters.")
    try:
        validate_email(value)
    except ValidationError:
        raise InvalidInput("That is not an email address (name@example.com).") from None
    return BaseUserManager.normalize_email(value)


async def user_register(*, username: str, password: str, role: str, address: str, email: str | None = None) -> User:
    """A new account, within the sign-in budget of `address`; the password is hashed in its
    own pool (chat.passwords), never in the ORM's thread."""
    candidate = await sync_to_async(_registration_check)(
        username=username, password=password, role=role, address=address
    )
    candidate.email = email_clean(email)
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


def profile_update(*, user: User, email: str | None = None, email_notifications: bool | None = None) -> User:
    """Change the caller's own email (None: unchanged, "": removed) and notifications."""
    changed = []
    if email is not None:
        user.email = email_clean(email)
        changed.append("email")
    if email_notifications is not None:
        user.email_notifications = email_notifications
        changed.append("email_notifications")
    if changed:
        user.save(update_fields=changed)
    return user


DEMO_USERS = (("tfuller", Role.ORGANIZER), ("bkirk", Role.VENDOR))
DEMO_PASSWORD = "parley-demo"


def demo_email(username: str) -> str:
    # example.com is reserved for examples (RFC 2606): a demo email never reaches anyone.
    return f"{username}@example.com"


def demo_users_ensure() -> list[tuple[User, bool]]:
    """Create the demo users if they are missing; an existing one is left as it is, except that
    one made before emails existed gets its demo email (the email-when-away walk-through)."""
    results = []
    for username, role in DEMO_USERS:
        user, created = User.objects.get_or_create(
            username=username, defaults={"role": role, "email": demo_email(username)}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        elif not user.email:
            user.email = demo_email(username)
            user.save(update_fields=["email"])
        results.append((user, created))
    return results
