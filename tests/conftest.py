import pytest


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Django documents MD5 for tests only: the real hasher costs ~0.3 s a password.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
