"""Sign-in, token refresh and revocation, registration; and reading a bearer token."""

import strawberry
import strawberry_django

from chat.errors import Unauthenticated
from chat.models import User
from chat.services import accounts, auth
from schema.types import AuthPayload, Role

BEARER = "bearer "


def bearer_token(value: str | None) -> str | None:
    """The token of an `Authorization: Bearer <token>` value; None when absent or another scheme."""
    if not value or not value.lower().startswith(BEARER):
        return None
    return value[len(BEARER) :].strip() or None


def authenticate_token(token: str) -> tuple[User | None, str | None]:
    """The token's user, or None and the reason it was refused."""
    try:
        return auth.user_from_access_token(token), None
    except Unauthenticated as error:
        return None, str(error)


def _payload(tokens: auth.Tokens) -> AuthPayload:
    return AuthPayload(token=tokens.access, refresh_token=tokens.refresh, user=tokens.user)


@strawberry.type
class AuthMutation:
    @strawberry_django.mutation(description="Sign in: an access token and a refresh token.")
    def token_auth(self, username: str, password: str) -> AuthPayload:
        user = auth.credentials_check(username=username, password=password)
        return _payload(auth.tokens_issue(user=user))

    @strawberry_django.mutation(description="Rotates: the old refresh token stops working.")
    def refresh_token(self, refresh_token: str) -> AuthPayload:
        return _payload(auth.tokens_refresh(refresh_token=refresh_token))

    @strawberry_django.mutation(description="True when the token was live and is now revoked.")
    def revoke_token(self, refresh_token: str) -> bool:
        return auth.token_revoke(refresh_token=refresh_token)

    @strawberry_django.mutation
    def register(self, username: str, password: str, role: Role) -> AuthPayload:
        user = accounts.user_register(username=username, password=password, role=role.value)
        return _payload(auth.tokens_issue(user=user))
