"""Usernames cannot impersonate: 3 to 30 ASCII letters, digits, `_ . -`, unique regardless of
case (enforced by the database too); names from before the rule keep working until renamed."""

from importlib import import_module

import pytest
from django.apps import apps
from django.db import IntegrityError, transaction

from chat.models import User
from tests.factories import PASSWORD, UserFactory
from tests.graphql import gql

pytestmark = pytest.mark.django_db

REGISTER = """mutation($u: String!, $p: String!) {
  register(username: $u, password: $p, role: VENDOR) { user { username } }
}"""
TOKEN_AUTH = "mutation($u: String!, $p: String!) { tokenAuth(username: $u, password: $p) { user { username } } }"
ENSURE = "mutation($u: String!) { ensureRoom(username: $u) { vendor { username } organizer { username } } }"
RULE = "3 to 30 characters: ASCII letters, digits, _ . and -"


@pytest.mark.parametrize(
    "name",
    [
        "bkirk\u200b",
        "bk\u0456rk",
        "bkirk\u202egnp.exe",
        "bad<b>name\n",
        "sp ace",
        "ab",
        "a" * 31,
        "tfüller",
        "bkirk@example.com",
        "",
    ],
    ids=[
        "zero-width-space",
        "cyrillic-i",
        "rtl-override",
        "markup-and-newline",
        "space",
        "too-short",
        "too-long",
        "non-ascii-letter",
        "at-sign",
        "empty",
    ],
)
def test_a_name_outside_the_rule_is_refused_with_the_rule_and_nothing_written(client, name):
    result = gql(client, REGISTER, {"u": name, "p": PASSWORD})
    assert result.code == "BAD_USER_INPUT"
    assert RULE in result.body["errors"][0]["message"]
    assert not User.objects.exists()


@pytest.mark.parametrize("name", ["abc", "a" * 30, "Jane.Doe-99_x", "..-"])
def test_a_name_inside_the_rule_is_accepted(client, name):
    assert gql(client, REGISTER, {"u": name, "p": PASSWORD}).data["register"]["user"]["username"] == name


def test_a_name_differing_only_by_case_is_taken(client):
    UserFactory(username="bkirk")
    result = gql(client, REGISTER, {"u": "BKirk", "p": PASSWORD})
    assert result.code == "BAD_USER_INPUT" and "taken" in result.body["errors"][0]["message"]
    assert User.objects.count() == 1


def test_the_database_refuses_two_accounts_differing_only_by_case():
    # Two registrations racing past the check: the unique key turns the second away.
    UserFactory(username="bkirk")
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="BKIRK")


def test_signing_in_and_starting_a_chat_ignore_case(client):
    user = UserFactory(username="JaneDoe")
    assert gql(client, TOKEN_AUTH, {"u": "janedoe", "p": PASSWORD}).data["tokenAuth"]["user"]["username"] == "JaneDoe"
    caller = UserFactory()
    assert gql(client, ENSURE, {"u": "JANEDOE"}, user=caller).data["ensureRoom"]["organizer"]["username"] in (
        user.username,
        caller.username,
    )


def test_a_name_from_before_the_rule_keeps_working(client):
    legacy = UserFactory(username="old name\u200b")
    assert legacy.username_key is None
    assert gql(client, TOKEN_AUTH, {"u": "old name\u200b", "p": PASSWORD}).data
    assert gql(client, ENSURE, {"u": "old name\u200b"}, user=UserFactory()).data


def test_the_migration_finds_the_names_outside_the_rule():
    migration = import_module("chat.migrations.0005_user_username_key")
    User.objects.bulk_create([User(username=n) for n in ("fine", "Fine", "sp ace", "bk\u0456rk", "ok.name", "x")])
    User.objects.update(username_key=None)
    assert migration.username_keys_fill(apps, None) == 4  # "Fine" (case twin of "fine"), "sp ace", "bkіrk", "x"
    keys = dict(User.objects.values_list("username", "username_key"))
    assert keys == {"fine": "fine", "Fine": None, "sp ace": None, "bk\u0456rk": None, "ok.name": "ok.name", "x": None}
