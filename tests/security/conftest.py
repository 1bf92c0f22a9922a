# The end-to-end fixtures (a session server on the test database, a room with tokens).
from tests.e2e.conftest import pair, server, shared_redis_url  # noqa: F401
