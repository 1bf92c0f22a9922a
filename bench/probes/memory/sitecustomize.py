# Memory probe for bench runs only (see bench/probes/README.md): when PARLEY_MEMPROBE_DIR is set and tracemalloc is on
# (PYTHONTRACEMALLOC=1), a uvicorn process dumps a snapshot every 15 s.
import os
import sys
import threading
import time

_dir = os.environ.get("PARLEY_MEMPROBE_DIR")
if _dir and "uvicorn" in " ".join(getattr(sys, "orig_argv", sys.argv)):
    import tracemalloc

    def _loop():
        n = 0
        while True:
            time.sleep(15)
            if tracemalloc.is_tracing():
                tracemalloc.take_snapshot().dump(
                    os.path.join(_dir, f"snap-{os.getpid()}-{n:03d}-{int(time.time())}.bin")
                )
                n += 1

    threading.Thread(target=_loop, daemon=True).start()
