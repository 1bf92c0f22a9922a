"""Tokens: short-lived JWT access tokens and rotating, revocable refresh tokens
(django-graphql-jwt underneath)."""

import copy
import time
import uuid
from dataclasses import dataclass

import jwt
from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone
from graphql_jwt.exceptions import JSONWebTokenError, JSONWebTokenExpired
from graphql_jwt.refresh_token.models import RefreshToken
from graphql_jwt.settings import jwt_settings
from graphql_jwt.shortcuts import create_refresh_token, get_token
from graphql_jwt.utils import get_payload, get_user_by_payload

from chat import auth_throttle, passwords
from chat.errors import Unauthenticated
from chat.models import TokenFamily, User
from chat.revocations import revocation_record, revocations
from chat.selectors import user_by_username


@dataclass
class Tokens:
    user: User
    access: str
    refresh: str


def tokens_issue(*, user: User, family: str | None = None) -> Tokens:
    """A refresh token of `family` (a new one: a new sign-in) and an access token naming the
    family and when it was issued, so that revoking the family revokes it (chat.revocations)."""
    family = family or uuid.uuid4().hex
    refresh = create_refresh_token(user)
    TokenFamily.objects.create(refresh_token=refresh, family=family)
    access = get_token(user, fam=family, issuedAt=round(time.time(), 3))
    return Tokens(user=user, access=access, refresh=refresh.get_token())


def _family(token: RefreshToken) -> str | None:
    return TokenFamily.objects.filter(refresh_token=token).values_list("family", flat=True).first()


async def sign_in(*, username: str, password: str, address: str) -> Tokens:
    """Check the credentials and issue tokens, within the sign-in budgets of `address`. The
    password is hashed in its own pool (chat.passwords), never in the ORM's thread."""
    user = await sync_to_async(_sign_in_start)(username=username, address=address)
    matches, rehashed = await passwords.password_verify(password, user.password if user else None)
    if not matches or user is None or not user.is_active:
        await sync_to_async(auth_throttle.sign_in_failed)(username=username, address=address)
        raise Unauthenticated("Wrong username or password.")
    return await sync_to_async(_sign_in_finish)(user=user, rehashed=rehashed, address=address)


def _sign_in_start(*, username: str, address: str) -> User | None:
    auth_throttle.auth_address_take(address=address)
    auth_throttle.sign_in_allowed_check(username=username, address=address)
    return user_by_username(username)


def _sign_in_finish(*, user: User, rehashed: str | None, address: str) -> Tokens:
    auth_throttle.sign_in_succeeded(username=user.username, address=address)
    if rehashed is not None:
        # The stored hash used outdated parameters; the new one was made in the pool.
        User.objects.filter(pk=user.pk).update(password=rehashed)
    return tokens_issue(user=user)


def tokens_refresh(*, refresh_token: str, address: str) -> Tokens:
    auth_throttle.auth_address_take(address=address)
    with transaction.atomic():
        token = RefreshToken.objects.select_for_update().select_related("user").filter(token=refresh_token).first()
        if token is None:
            raise Unauthenticated("Invalid refresh token.")
        if token.revoked is None and not token.is_expired() and token.user.is_active:
            token.revoke()
            return tokens_issue(user=token.user, family=_family(token))
    if token.revoked is not None:
        # A rotated-out token came back: either its owner retried, or someone stole it.
        # Revoking every live token of the user ends the thief's session too, and every
        # access token issued until now (within the revocation check interval, on every
        # process). Committed on its own, since the refusal below must not roll it back.
        with transaction.atomic():
            RefreshToken.objects.filter(user=token.user, revoked__isnull=True).update(revoked=timezone.now())
            revocation_record(user_id=token.user_id, family=None)
        raise Unauthenticated("Refresh token was revoked; sign in again.")
    raise Unauthenticated("Refresh token has expired; sign in again.")


def token_revoke(*, refresh_token: str) -> bool:
    """Sign out: the refresh token stops working, and so do the access tokens of its family
    and their sockets (within the revocation check interval, on every process)."""
    with transaction.atomic():
        token = RefreshToken.objects.select_for_update().filter(token=refresh_token, revoked__isnull=True).first()
        if token is None:
            return False
        token.revoke()
        # A token from before families has none: then every earlier access token of the user
        # stops (its other sessions refresh and go on; only this one has no refresh token).
        revocation_record(user_id=token.user_id, family=_family(token))
    return True


def user_from_access_token(token: str) -> User:
    """The token's user, read from the database; what it learns is kept in `access_tokens()`."""
    try:
        claims = get_payload(token)
        user = get_user_by_payload(claims)
    except JSONWebTokenExpired:
        raise Unauthenticated("Access token has expired.") from None
    except JSONWebTokenError:
        raise Unauthenticated("Invalid access token.") from None
    if user is None:
        raise Unauthenticated("Invalid access token.")
    # From this process's copy of the recent revocations: no query, but one per interval.
    if revocations().refused(user_id=user.pk, claims=claims):
        raise Unauthenticated("This session was signed out; sign in again.")
    _access_tokens.learn(token, claims=claims, user=user)
    return user


class AccessTokens:
    """Who an access token names, answered from memory for a token this process has verified
    and a user it read within USER_FRESH_SECONDS: no query and no thread hop per request.

    A user's row read here is at most that old, the same bound as a sign-out's
    (PARLEY_REVOCATION_CHECK_SECONDS): a user deactivated, or a profile changed, on another
    process is seen within it; a process that saves a user forgets its copy at once.
    Anything not in memory, expired, or due for the revocations' read goes the long way
    (`user_from_access_token`, on the database thread), which also gives every refusal."""

    MAX_TOKENS = 10_000

    def __init__(self) -> None:
        self._claims: dict[str, dict] = {}
        self._users: dict[str, tuple[User, float]] = {}

    def known(self, token: str) -> User | None:
        """The token's user, a copy of its own for this request; None: ask `user_from_access_token`."""
        claims = self._claims.get(token)
        if claims is None or not time.time() < claims["exp"] or revocations().due():
            return None
        entry = self._users.get(claims.get("username", ""))
        if entry is None or time.monotonic() - entry[1] > settings.PARLEY["REVOCATION_CHECK_SECONDS"]:
            return None
        if revocations().revoked(user_id=entry[0].pk, claims=claims):
            return None
        return copy.copy(entry[0])

    def learn(self, token: str, *, claims: dict, user: User) -> None:
        if len(self._claims) >= self.MAX_TOKENS:
            self._claims.clear()  # rare, and costs only a read per token seen again
        self._claims[token] = claims
        self._users[user.get_username()] = (copy.copy(user), time.monotonic())

    def forget(self, username: str) -> None:
        self._users.pop(username, None)

    def clear(self) -> None:
        self._claims.clear()
        self._users.clear()


_access_tokens = AccessTokens()


@receiver(post_save, sender=User)
def _user_saved(sender, instance: User, **kwargs) -> None:
    """A row saved here (a profile, a deactivation) is read again by the next request: now,
    and once it commits, so that a request in between cannot keep the old row."""
    username = instance.get_username()
    _access_tokens.forget(username)
    transaction.on_commit(lambda: _access_tokens.forget(username))


def access_tokens() -> AccessTokens:
    return _access_tokens


def access_token_claims(token: str) -> dict:
    """The claims of an access token that was already verified."""
    return jwt.decode(token, options={"verify_signature": False})


def access_token_expiry(token: str) -> float:
    """When an access token that was already verified expires, as a Unix time."""
    return float(access_token_claims(token)["exp"])


def access_token_decode(token: str, context=None) -> dict:
    """django-graphql-jwt's decoding, but a token without `exp` is refused: it would never expire."""
    return jwt.decode(
        token,
        jwt_settings.JWT_SECRET_KEY,
        algorithms=[jwt_settings.JWT_ALGORITHM],
        options={"require": ["exp"]},
        leeway=jwt_settings.JWT_LEEWAY,
    )
