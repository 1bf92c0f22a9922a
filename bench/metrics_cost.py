"""What chat.metrics adds to a message: the CPU time of the increments one send and its
deliveries make, in one process and under PROMETHEUS_MULTIPROC_DIR (several workers), against
the same loop with the increments left out.

    .venv/bin/python -m bench.metrics_cost [--sends 200000] [--subscribers 2]

Each mode runs in a fresh interpreter: prometheus-client picks its storage when imported."""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

MODES = ("single process", "multiprocess (mmap files)")


def measure(sends: int, subscribers: int) -> dict[str, float]:
    """CPU seconds per send: the increments of a send (sent on commit, one delivery per
    subscriber, a subscription's open gauge up and down) and the same loop without them."""
    from chat import metrics

    def with_metrics() -> None:
        for _ in range(sends):
            metrics.MESSAGES_SENT.inc()
            for _ in range(subscribers):
                metrics.MESSAGE_ADDED_DELIVERED.inc()

    def without() -> None:
        for _ in range(sends):
            for _ in range(subscribers):
                pass

    def cpu(run) -> float:
        best = float("inf")
        for _ in range(5):
            began = time.process_time()
            run()
            best = min(best, time.process_time() - began)
        return best / sends

    def gauge_pair() -> None:
        for _ in range(sends):
            metrics.SUBSCRIPTIONS_OPEN.labels("messageAdded").inc()
            metrics.MESSAGE_ADDED_OPEN.dec()

    on, off = cpu(with_metrics), cpu(without)
    return {"per_send_us": (on - off) * 1e6, "gauge_inc_dec_us": (cpu(gauge_pair) - cpu(lambda: None)) * 1e6}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sends", type=int, default=200_000)
    parser.add_argument("--subscribers", type=int, default=2)
    parser.add_argument("--child", choices=MODES)
    args = parser.parse_args()
    if args.child:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings")
        print(json.dumps(measure(args.sends, args.subscribers)))
        return
    for mode in MODES:
        env = {**os.environ}
        with tempfile.TemporaryDirectory(prefix="parley-metrics-cost-") as directory:
            if mode != MODES[0]:
                env["PROMETHEUS_MULTIPROC_DIR"] = directory
            else:
                env.pop("PROMETHEUS_MULTIPROC_DIR", None)
            out = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "bench.metrics_cost",
                    "--child",
                    mode,
                    "--sends",
                    str(args.sends),
                    "--subscribers",
                    str(args.subscribers),
                ],
                env=env,
                capture_output=True,
                text=True,
                check=True,
            ).stdout
        figures = json.loads(out.strip().splitlines()[-1])
        print(
            f"{mode}: a send with {args.subscribers} subscribers {figures['per_send_us']:.2f} us of CPU in metrics; "
            f"a subscription's gauge up and down {figures['gauge_inc_dec_us']:.2f} us"
        )


if __name__ == "__main__":
    main()
