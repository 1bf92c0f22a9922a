"""A password hasher for tests that measures: each hash takes a while (as a real one does) and
records how many run at the same moment. It reads and writes MD5 hashes, as the tests' own."""

import threading
import time

from django.contrib.auth.hashers import MD5PasswordHasher


class SlowCountingHasher(MD5PasswordHasher):
    seconds = 0.15
    running = 0
    most_at_once = 0
    _lock = threading.Lock()
    _inside = threading.local()

    @classmethod
    def reset(cls) -> None:
        cls.running = cls.most_at_once = 0

    def _slowly(self, work):
        cls = type(self)
        if getattr(cls._inside, "depth", 0):
            return work()  # verify() calls encode(): one hash, counted once
        cls._inside.depth = 1
        with cls._lock:
            cls.running += 1
            cls.most_at_once = max(cls.most_at_once, cls.running)
        try:
            time.sleep(cls.seconds)
            return work()
        finally:
            cls._inside.depth = 0
            with cls._lock:
                cls.running -= 1

    def encode(self, password, salt):
        return self._slowly(lambda: super(SlowCountingHasher, self).encode(password, salt))

    def verify(self, password, encoded):
        return self._slowly(lambda: super(SlowCountingHasher, self).verify(password, encoded))
