"""Parley's benchmark instrument: a load generator of its own processes that talks to real
server processes over real sockets (GraphQL over HTTP keep-alive, graphql-transport-ws).

    .venv/bin/python -m bench <scenario> [options]      # see bench/README.md

Scenarios: latency, capacity, connections, history, scaleout, plus `report` (tables and plot
into docs/benchmarks.md from the JSON results in var/bench/results/).
"""

from pathlib import Path

# Results are this machine's figures, not source: they live in the ignored var/ folder, the
# report reads them from there, and docs/benchmarks.md quotes the ones it stands on.
RESULTS = Path(__file__).resolve().parent.parent / "var" / "bench" / "results"
