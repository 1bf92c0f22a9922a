# GC pause probe for bench runs only (see bench/probes/README.md): when PARLEY_GCPROBE_DIR is
# set, a uvicorn process records the duration of every garbage collection and writes a summary
# every 5 s.
import os
import sys

_dir = os.environ.get("PARLEY_GCPROBE_DIR")
if _dir and "uvicorn" in " ".join(getattr(sys, "orig_argv", sys.argv)):
    import gc
    import json
    import threading
    import time

    _start = {}
    _stats = {0: [], 1: [], 2: []}

    def _cb(phase, info):
        if phase == "start":
            _start["t"] = time.perf_counter()
        else:
            _stats[info["generation"]].append((time.perf_counter() - _start.get("t", time.perf_counter())) * 1000)

    gc.callbacks.append(_cb)

    def _loop():
        while True:
            time.sleep(5)
            out = {}
            for gen, values in _stats.items():
                v = sorted(values)
                out[gen] = {
                    "n": len(v),
                    "total_ms": round(sum(v), 1),
                    "max_ms": round(v[-1], 1) if v else 0,
                    "p50_ms": round(v[len(v) // 2], 2) if v else 0,
                }
            out["objects"] = len(gc.get_objects())
            with open(os.path.join(_dir, f"gc-{os.getpid()}.json"), "w") as f:
                json.dump(out, f)

    threading.Thread(target=_loop, daemon=True).start()
