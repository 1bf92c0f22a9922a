"""Parley's benchmark instrument: a load generator of its own processes that talks to real
server processes over real sockets (GraphQL over HTTP keep-alive, graphql-transport-ws).

    .venv/bin/python -m bench <scenario> [options]      # see bench/README.md

Scenarios: latency, capacity, connections, history, scaleout, plus `report` (tables and plot
into docs/benchmarks.md from the JSON results in bench/results/).
"""
