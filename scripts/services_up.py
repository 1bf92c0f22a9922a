"""Exit 0 when the PostgreSQL and Redis of the services test run answer; say which does not."""

import sys

import psycopg
import redis


def main(database_url: str, redis_url: str) -> int:
    ok = True
    try:
        psycopg.connect(database_url, connect_timeout=3).close()
    except psycopg.Error as error:
        print(f"PostgreSQL at {database_url} is not reachable: {error}", file=sys.stderr)
        ok = False
    try:
        redis.Redis.from_url(redis_url, socket_connect_timeout=3).ping()
    except redis.RedisError as error:
        print(f"Redis at {redis_url} is not reachable: {error}", file=sys.stderr)
        ok = False
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
