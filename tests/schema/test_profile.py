"""A user's own email and email notifications: register(email), updateProfile, and who may
see them (the caller only)."""

import pytest

from chat.models import User
from tests.factories import PASSWORD, RoomFactory, UserFactory
from tests.graphql import gql

pytestmark = pytest.mark.django_db

REGISTER = """mutation($u: String!, $p: String!, $e: String) {
  register(username: $u, password: $p, role: VENDOR, email: $e) { token user { username } }
}"""
UPDATE = """mutation($e: String, $n: Boolean) {
  updateProfile(email: $e, emailNotifications: $n) { username email emailNotifications }
}"""
ME = "{ me { email emailNotifications } }"
ROOMS = "{ rooms { edges { node { organizer { username email emailNotifications } vendor { email } } } } }"


def test_register_keeps_the_email_given(client):
    result = gql(client, REGISTER, {"u": "newbie", "p": PASSWORD, "e": "  Newbie@Example.COM "})
    assert result.data["register"]["user"] == {"username": "newbie"}
    user = User.objects.get(username="newbie")
    assert (user.email, user.email_notifications) == ("Newbie@example.com", True)
    me = gql(client, ME, token=result.data["register"]["token"])
    assert me.data["me"] == {"email": "Newbie@example.com", "emailNotifications": True}


def test_register_without_an_email_has_none(client):
    assert gql(client, REGISTER, {"u": "newbie", "p": PASSWORD}).data
    assert User.objects.get(username="newbie").email == ""


@pytest.mark.parametrize("email", ["not an email", "a@b", "@example.com", "x" * 250 + "@example.com"])
def test_register_with_a_bad_email_is_bad_input_and_writes_nothing(client, email):
    result = gql(client, REGISTER, {"u": "newbie", "p": PASSWORD, "e": email})
    assert result.code == "BAD_USER_INPUT"
    assert "email" in result.body["errors"][0]["message"].lower()
    assert not User.objects.filter(username="newbie").exists()


def test_update_profile_changes_email_and_notifications(client):
    user = UserFactory()
    result = gql(client, UPDATE, {"e": "me@example.com", "n": False}, user=user)
    assert result.data["updateProfile"] == {
        "username": user.username,
        "email": "me@example.com",
        "emailNotifications": False,
    }
    user.refresh_from_db()
    assert (user.email, user.email_notifications) == ("me@example.com", False)
    # Only what is given changes; "" removes the email.
    assert gql(client, UPDATE, {"n": True}, user=user).data["updateProfile"]["email"] == "me@example.com"
    assert gql(client, UPDATE, {"e": ""}, user=user).data["updateProfile"]["email"] is None
    user.refresh_from_db()
    assert (user.email, user.email_notifications) == ("", True)


def test_update_profile_with_a_bad_email_is_bad_input_and_writes_nothing(client):
    user = UserFactory(email="kept@example.com")
    result = gql(client, UPDATE, {"e": "nope", "n": False}, user=user)
    assert result.code == "BAD_USER_INPUT"
    user.refresh_from_db()
    assert (user.email, user.email_notifications) == ("kept@example.com", True)


def test_update_profile_signed_out_is_unauthenticated(client):
    assert gql(client, UPDATE, {"n": False}).code == "UNAUTHENTICATED"


def test_another_users_email_is_never_shown(client):
    room = RoomFactory(organizer__email="org@example.com", vendor__email="vendor@example.com")
    result = gql(client, ROOMS, user=room.vendor)
    [edge] = result.data["rooms"]["edges"]
    organizer = edge["node"]["organizer"]
    assert organizer == {"username": room.organizer.username, "email": None, "emailNotifications": False}
    assert edge["node"]["vendor"] == {"email": "vendor@example.com"}
