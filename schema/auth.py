"""Sign-in, token refresh and revocation, registration; and reading a bearer token."""

import strawberry
import strawberry_django
from asgiref.sync import sync_to_async
from strawberry.types import Info

from chat.errors import Unauthenticated
from chat.models import User
from chat.services import accounts, auth
from schema.context import client_address, require_user
from schema.types import AuthPayload, Role
from schema.types import User as UserType

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
    # Async: the password is hashed outside the ORM's thread (chat.passwords).
    @strawberry.mutation(description="Sign in: an access token and a refresh token.")
    async def token_auth(self, info: Info, username: str, password: str) -> AuthPayload:
        tokens = await auth.sign_in(username=username, password=password, address=client_address(info))
        return _payload(tokens)

    @strawberry_django.mutation(description="Rotates: the old refresh token stops working.")
    def refresh_token(self, info: Info, refresh_token: str) -> AuthPayload:
        return _payload(auth.tokens_refresh(refresh_token=refresh_token, address=client_address(info)))

    @strawberry_django.mutation(description="True when the token was live and is now revoked.")
    def revoke_token(self, refresh_token: str) -> bool:
        return auth.token_revoke(refresh_token=refresh_token)

    @strawberry.mutation(description="A new account; `email` (optional) is where unread messages are emailed.")
    async def register(
        self, info: Info, username: str, password: str, role: Role, email: str | None = None
    ) -> AuthPayload:
        user = await accounts.user_register(
            username=username, password=password, role=role.value, address=client_address(info), email=email
        )
        return _payload(await sync_to_async(auth.tokens_issue)(user=user))

    @strawberry_django.mutation(
        description='Change your own email ("" removes it) and whether unread messages are emailed to you.'
    )
    def update_profile(self, info: Info, email: str | None = None, email_notifications: bool | None = None) -> UserType:
        return accounts.profile_update(user=require_user(info), email=email, email_notifications=email_notifications)
