import time

import jwt
import pytest
from django.conf import settings
from graphql_jwt.refresh_token.models import RefreshToken

from chat.models import User
from tests.factories import PASSWORD, UserFactory
from tests.graphql import gql

pytestmark = pytest.mark.django_db

TOKEN_AUTH = """mutation($u: String!, $p: String!) {
  tokenAuth(username: $u, password: $p) { token refreshToken user { username } }
}"""
REFRESH = "mutation($t: String!) { refreshToken(refreshToken: $t) { token refreshToken user { username } } }"
REVOKE = "mutation($t: String!) { revokeToken(refreshToken: $t) }"
REGISTER = """mutation($u: String!, $p: String!, $r: Role!) {
  register(username: $u, password: $p, role: $r) { token user { username role } }
}"""
ME = "{ me { username } }"


def sign_in(client, user) -> dict:
    return gql(client, TOKEN_AUTH, {"u": user.username, "p": PASSWORD}).data["tokenAuth"]


def forged(user, *, key=None, algorithm="HS256", **claims) -> str:
    payload = {"username": user.username, "exp": int(time.time()) + 60, "origIat": int(time.time()), **claims}
    return jwt.encode(payload, key or settings.SECRET_KEY, algorithm=algorithm)


def test_token_auth_gives_an_access_token_that_works(client):
    user = UserFactory()
    tokens = sign_in(client, user)
    assert tokens["user"]["username"] == user.username
    assert gql(client, ME, token=tokens["token"]).data == {"me": {"username": user.username}}


def test_wrong_password_is_unauthenticated(client):
    user = UserFactory()
    result = gql(client, TOKEN_AUTH, {"u": user.username, "p": "nope"})
    assert result.code == "UNAUTHENTICATED"
    assert RefreshToken.objects.count() == 0


def test_register_creates_the_user_with_a_hashed_password(client):
    result = gql(client, REGISTER, {"u": "newbie", "p": PASSWORD, "r": "VENDOR"})
    assert result.data["register"]["user"] == {"username": "newbie", "role": "VENDOR"}
    stored = User.objects.get(username="newbie")
    assert stored.password != PASSWORD and stored.check_password(PASSWORD)


@pytest.mark.parametrize(
    "username, password", [("taken", PASSWORD), ("TAKEN", PASSWORD), ("fresh", "123"), ("", PASSWORD)]
)
def test_register_with_a_taken_name_or_weak_password_is_bad_input_and_writes_nothing(client, username, password):
    UserFactory(username="taken")
    result = gql(client, REGISTER, {"u": username, "p": password, "r": "ORGANIZER"})
    assert result.code == "BAD_USER_INPUT"
    assert User.objects.count() == 1


def test_refresh_rotates_and_the_old_refresh_token_stops_working(client):
    tokens = sign_in(client, UserFactory())
    renewed = gql(client, REFRESH, {"t": tokens["refreshToken"]}).data["refreshToken"]
    assert renewed["refreshToken"] != tokens["refreshToken"]
    assert gql(client, ME, token=renewed["token"]).data is not None
    assert gql(client, REFRESH, {"t": tokens["refreshToken"]}).code == "UNAUTHENTICATED"


def test_reusing_a_rotated_refresh_token_revokes_the_whole_family(client):
    tokens = sign_in(client, UserFactory())
    renewed = gql(client, REFRESH, {"t": tokens["refreshToken"]}).data["refreshToken"]
    gql(client, REFRESH, {"t": tokens["refreshToken"]})  # replayed by a thief
    assert gql(client, REFRESH, {"t": renewed["refreshToken"]}).code == "UNAUTHENTICATED"


def test_revoked_refresh_token_is_refused(client):
    tokens = sign_in(client, UserFactory())
    assert gql(client, REVOKE, {"t": tokens["refreshToken"]}).data == {"revokeToken": True}
    assert gql(client, REVOKE, {"t": tokens["refreshToken"]}).data == {"revokeToken": False}
    assert gql(client, REFRESH, {"t": tokens["refreshToken"]}).code == "UNAUTHENTICATED"


def test_unknown_refresh_token_is_unauthenticated(client):
    assert gql(client, REFRESH, {"t": "not-a-token"}).code == "UNAUTHENTICATED"


def test_no_token_is_unauthenticated(client):
    assert gql(client, ME).code == "UNAUTHENTICATED"


@pytest.mark.parametrize(
    "make_token",
    [
        lambda user: "garbage",
        lambda user: forged(user, exp=int(time.time()) - 10),
        lambda user: forged(user, key="another-key-entirely-0123456789abcdef"),
        lambda user: jwt.encode({"username": user.username}, None, algorithm="none"),
        lambda user: forged(user)[:-4] + "AAAA",
        lambda user: forged(user, username="somebody-else"),
    ],
    ids=["garbage", "expired", "wrong-key", "alg-none", "tampered-signature", "unknown-user"],
)
def test_bad_access_tokens_are_unauthenticated(client, make_token):
    user = UserFactory()
    result = gql(client, ME, token=make_token(user))
    assert result.code == "UNAUTHENTICATED"


def test_expired_token_says_so(client):
    user = UserFactory()
    result = gql(client, ME, token=forged(user, exp=int(time.time()) - 10))
    assert "expired" in result.body["errors"][0]["message"]


def test_access_tokens_expire_after_fifteen_minutes_by_default():
    delta = settings.GRAPHQL_JWT["JWT_EXPIRATION_DELTA"]
    assert delta.total_seconds() == 15 * 60
    assert settings.GRAPHQL_JWT["JWT_VERIFY_EXPIRATION"] is True


def test_another_auth_scheme_is_refused_with_a_hint(client):
    response = client.post("/graphql/", {"query": ME}, content_type="application/json", HTTP_AUTHORIZATION="JWT abc")
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "UNAUTHENTICATED"
    assert "Bearer" in error["message"]
