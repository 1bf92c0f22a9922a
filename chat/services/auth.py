"""Tokens: short-lived JWT access tokens and rotating, revocable refresh tokens
(django-graphql-jwt underneath)."""

from dataclasses import dataclass

import jwt
from django.contrib.auth import authenticate
from django.db import transaction
from django.utils import timezone
from graphql_jwt.exceptions import JSONWebTokenError, JSONWebTokenExpired
from graphql_jwt.refresh_token.models import RefreshToken
from graphql_jwt.settings import jwt_settings
from graphql_jwt.shortcuts import create_refresh_token, get_token, get_user_by_token

from chat.errors import Unauthenticated
from chat.models import User


@dataclass
class Tokens:
    user: User
    access: str
    refresh: str


def tokens_issue(*, user: User) -> Tokens:
    return Tokens(user=user, access=get_token(user), refresh=create_refresh_token(user).get_token())


def credentials_check(*, username: str, password: str) -> User:
    user = authenticate(username=username, password=password)
    if user is None:
        raise Unauthenticated("Wrong username or password.")
    return user


def tokens_refresh(*, refresh_token: str) -> Tokens:
    with transaction.atomic():
        token = RefreshToken.objects.select_for_update().select_related("user").filter(token=refresh_token).first()
        if token is None:
            raise Unauthenticated("Invalid refresh token.")
        if token.revoked is None and not token.is_expired() and token.user.is_active:
            token.revoke()
            return tokens_issue(user=token.user)
    if token.revoked is not None:
        # A rotated-out token came back: either its owner retried, or someone stole it.
        # Revoking every live token of the user ends the thief's session too. Committed
        # on its own, since the refusal below must not roll it back.
        RefreshToken.objects.filter(user=token.user, revoked__isnull=True).update(revoked=timezone.now())
        raise Unauthenticated("Refresh token was revoked; sign in again.")
    raise Unauthenticated("Refresh token has expired; sign in again.")


def token_revoke(*, refresh_token: str) -> bool:
    revoked = RefreshToken.objects.filter(token=refresh_token, revoked__isnull=True).update(revoked=timezone.now())
    return revoked > 0


def user_from_access_token(token: str) -> User:
    try:
        user = get_user_by_token(token)
    except JSONWebTokenExpired:
        raise Unauthenticated("Access token has expired.") from None
    except JSONWebTokenError:
        raise Unauthenticated("Invalid access token.") from None
    if user is None:
        raise Unauthenticated("Invalid access token.")
    return user


def access_token_expiry(token: str) -> float:
    """When an access token that was already verified expires, as a Unix time."""
    return float(jwt.decode(token, options={"verify_signature": False})["exp"])


def access_token_decode(token: str, context=None) -> dict:
    """django-graphql-jwt's decoding, but a token without `exp` is refused: it would never expire."""
    return jwt.decode(
        token,
        jwt_settings.JWT_SECRET_KEY,
        algorithms=[jwt_settings.JWT_ALGORITHM],
        options={"require": ["exp"]},
        leeway=jwt_settings.JWT_LEEWAY,
    )
