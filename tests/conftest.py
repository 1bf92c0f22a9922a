import logging

import pytest

# Every request of the HTTP client would otherwise be logged into failure reports.
logging.getLogger("httpx").setLevel(logging.WARNING)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Django documents MD5 for tests only: the real hasher costs ~0.3 s a password.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _full_send_budgets():
    from chat.ratelimit import send_budgets_clear

    send_budgets_clear()
