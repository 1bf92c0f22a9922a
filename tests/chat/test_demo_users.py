import pytest
from django.core.management import call_command

from chat.models import User


@pytest.mark.django_db
def test_demo_users_are_created_once_and_a_second_run_changes_nothing():
    call_command("create_demo_users")
    first = {u.username: (u.pk, u.role, u.password) for u in User.objects.all()}
    call_command("create_demo_users")
    second = {u.username: (u.pk, u.role, u.password) for u in User.objects.all()}
    assert first == second
    assert {name: role for name, (_, role, _) in first.items()} == {"tfuller": "ORGANIZER", "bkirk": "VENDOR"}
    assert User.objects.get(username="tfuller").check_password("parley-demo")
