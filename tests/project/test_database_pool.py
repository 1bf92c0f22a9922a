"""PARLEY_DB_POOL=1 serves PostgreSQL through a psycopg pool: requests share connections
instead of opening one each (the bench measures what it saves)."""

import os
import subprocess
import sys

import pytest
from django.conf import settings

from tests.processes import BASE_DIR

CHECK = (
    "from django.db import connection; "
    "[connection.cursor().execute('SELECT 1') for _ in range(3)]; connection.close(); "
    "print(connection.pool is not None, connection.pool.max_size)"
)


@pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
    reason="a connection pool is for PostgreSQL (the services run)",
)
def test_the_pool_setting_serves_queries_through_a_pool():
    env = {**os.environ, "PARLEY_DB_POOL": "1", "PARLEY_DB_POOL_MAX": "7"}
    out = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", CHECK], cwd=BASE_DIR, env=env, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1].split() == ["True", "7"]
