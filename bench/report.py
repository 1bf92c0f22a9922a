"""Render the JSON results in var/bench/results/ into the tables of docs/benchmarks.md (between the
`<!-- bench:results -->` markers; the prose around them is kept) and the latency-vs-rate plot.
The newest result of each scenario and configuration wins."""

import json
from pathlib import Path

from bench import RESULTS
from bench.stats import fmt

START, END = "<!-- bench:results:start -->", "<!-- bench:results:end -->"


def _load() -> dict[str, dict[str, dict]]:
    latest: dict[str, dict[str, dict]] = {}
    for path in sorted(RESULTS.glob("*.json")):
        doc = json.loads(path.read_text())
        doc["file"] = path.name
        key = doc["stack"]["label"] + ("" if doc.get("compression", True) else ", no deflate")
        if doc.get("label"):
            key += f" [{doc['label']}]"
        doc["key"] = key
        latest.setdefault(doc["scenario"], {})[key] = doc  # sorted by name: newest stamp last
    return latest


def _cpu(cpu: dict) -> str:
    servers = "+".join(fmt(v, 0) for k, v in cpu.items() if k.startswith("server"))
    return f"{servers} / {fmt(cpu.get('generator'), 0)}"


def _errors(step: dict) -> str:
    errors = step.get("errors") or {}
    return ", ".join(f"{k} {v}" for k, v in errors.items()) or "0"


def _latency_row(name: str, step: dict, rooms: int) -> str:
    s, e = step["send_ms"], step["e2e_ms"]
    return (
        f"| {name} | {fmt(step['target_rate'], 0)} ({fmt(step['achieved_rate'], 0)}) | {rooms} | {step['scheduled']} | "
        f"{step['sent_ok']} | {step['delivered']} | {step['lost']} | {step['duplicated']} | {step['out_of_order']} | "
        f"{_errors(step)} | {fmt(s['p50'])} / {fmt(s['p99'])} | {fmt(e['p50'])} / {fmt(e['p90'])} / {fmt(e['p99'])} / "
        f"{fmt(e['max'])} | {_cpu(step['cpu_percent'])} | {fmt(step['other_load_percent']['during'], 0)} |"
    )


LATENCY_HEAD = (
    "| configuration | rate/s target (achieved) | rooms | scheduled | sent ok | delivered | lost | dup | "
    "out of order | send errors | send ms p50 / p99 | send→event ms p50 / p90 / p99 / max | CPU % server / "
    "generator | other CPU % |\n|" + " --- |" * 14
)


def _latency(docs: dict[str, dict]) -> list[str]:
    lines = [LATENCY_HEAD]
    for key, doc in sorted(docs.items()):
        lines.append(_latency_row(key, doc["result"]["step"], doc["result"]["rooms"]))
    return lines


def _capacity(docs: dict[str, dict]) -> list[str]:
    lines = [
        "| configuration | highest rate held (p99 ≤ limit, nothing lost) | first failing step | why | "
        "CPU % server / generator at the highest held | at the failing step |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    details = []
    for key, doc in sorted(docs.items()):
        result = doc["result"]
        steps = result["steps"]
        held = [s for s in steps if s.get("held")]
        failing = next((s for s in steps if not s.get("held")), None)
        why = "–"
        if failing:
            reasons = []
            if failing["lost"]:
                reasons.append(f"{failing['lost']} lost")
            if failing["errors"]:
                reasons.append(f"send errors: {_errors(failing)}")
            p99 = failing["e2e_ms"]["p99"]
            if p99 is None or p99 > result["p99_limit_ms"]:
                reasons.append(f"p99 {fmt(p99, 0)} ms")
            if failing.get("generator_behind"):
                reasons.append(f"generator behind ({fmt(failing['achieved_rate'], 0)}/s)")
            why = "; ".join(reasons)
        lines.append(
            f"| {key} | {fmt(result['highest_rate_held'], 0) if result['highest_rate_held'] else 'none'} | "
            f"{fmt(failing['target_rate'], 0) if failing else '–'} | {why} | "
            f"{_cpu(held[-1]['cpu_percent']) if held else '–'} | {_cpu(failing['cpu_percent']) if failing else '–'} |"
        )
        details.append(f"\n{key} — every step ({doc['command']}):\n")
        details.append(LATENCY_HEAD)
        details += [_latency_row(f"step {i + 1}", s, result["rooms"]) for i, s in enumerate(steps)]
    return lines + details


def _connections(docs: dict[str, dict]) -> list[str]:
    lines = [
        "| configuration | idle sockets (1 subscription each) | opened in s (per s) | server RSS before → after MB | "
        "RSS per socket KB | Redis per socket KB | probe delivered | then: rate/s, send→event ms p50 / p99, lost |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for key, doc in sorted(docs.items()):
        r = doc["result"]
        step = r["step"]
        probe = r["probe"]
        lines.append(
            f"| {key} | {r['idle_opened']} of {r['idle_requested']} | {r['open_seconds']} ({r['open_rate_per_s']}) | "
            f"{r['server_rss_before_mb']} → {r['server_rss_after_mb']} | **{r['rss_per_connection_kb']}** | "
            f"{fmt(r['redis_per_connection_kb'], 2)} | {probe['delivered']}/{probe['rooms']} | "
            f"{fmt(step['target_rate'], 0)}: {fmt(step['e2e_ms']['p50'])} / {fmt(step['e2e_ms']['p99'])}, "
            f"{step['lost']} |"
        )
    return lines


def _history(docs: dict[str, dict]) -> list[str]:
    lines = [
        "| configuration | room size | page | edges | ms p50 | p90 | p99 | max | SQL statements |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for key, doc in sorted(docs.items()):
        for row in doc["result"]["rows"]:
            lat = row["latency_ms"]
            lines.append(
                f"| {key} | {row['size']:,} | {row['page']} | {row['edges']} | {fmt(lat['p50'])} | {fmt(lat['p90'])} | "
                f"{fmt(lat['p99'])} | {fmt(lat['max'])} | {row['statements']} |"
            )
    return lines


def _commands(latest: dict[str, dict[str, dict]]) -> list[str]:
    lines = [
        "| scenario | configuration | date | wall s | command | result file |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for scenario, docs in sorted(latest.items()):
        for key, doc in sorted(docs.items()):
            lines.append(
                f"| {scenario} | {key} | {doc['date']} | {doc['wall_seconds']} | `{doc['command']}` | "
                f"`var/bench/results/{doc['file']}` |"
            )
    return lines


def plot(latest: dict[str, dict[str, dict]], out: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(14, 8), sharey=True)
    colours = plt.get_cmap("tab20").colors
    for i, (key, doc) in enumerate(sorted(latest.get("capacity", {}).items())):
        steps = doc["result"]["steps"]
        rates = [s["achieved_rate"] or s["target_rate"] for s in steps]
        style = "--" if doc["stack"]["db"] == "sqlite" else "-"
        for ax, q in zip(axes, ("p50", "p99"), strict=True):
            ax.plot(
                rates,
                [s["e2e_ms"][q] for s in steps],
                marker="o",
                linestyle=style,
                color=colours[i % len(colours)],
                label=key,
            )
    for _key, doc in sorted(latest.get("latency", {}).items()):
        step = doc["result"]["step"]
        for ax, q in zip(axes, ("p50", "p99"), strict=True):
            if step["e2e_ms"][q] is not None:
                ax.scatter([step["achieved_rate"]], [step["e2e_ms"][q]], marker="x", color="black", s=30)
    axes[0].scatter(
        [],
        [],
        marker="x",
        color="black",
        label="latency scenario runs (200/s: overloaded; 20/s: fixed-rate comparison)",
    )
    for ax, q in zip(axes, ("p50", "p99"), strict=True):
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("send rate (messages/s, achieved)")
        ax.set_title(f"send start → event at the other participant, {q}")
        target = 5 if q == "p50" else 25
        ax.axhline(target, color="green", linestyle="--", linewidth=1)
        ax.text(ax.get_xlim()[0], target, f" target {q} ≤ {target} ms at 200/s", color="green", fontsize=8, va="bottom")
        if q == "p99":
            ax.axhline(100, color="grey", linestyle="--", linewidth=1)
            ax.text(ax.get_xlim()[0], 100, " capacity limit p99 100 ms", color="grey", fontsize=8, va="bottom")
        ax.axvline(200, color="green", linestyle=":", linewidth=1)
        ax.grid(True, which="both", alpha=0.3)
    axes[0].set_ylabel("milliseconds")
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=2, fontsize=8)
    fig.suptitle(
        "Parley realtime path: latency against send rate (2 cores shared by server, PostgreSQL, Redis, "
        "generator and other work)"
    )
    fig.tight_layout(rect=(0, 0.26, 1, 1))
    fig.savefig(out, dpi=110)


def render(doc: Path, plot_path: Path) -> None:
    latest = _load()
    parts = ["", "### Commands and result files", "", *_commands(latest)]
    if "latency" in latest:
        parts += ["", "### 1. Latency under load (and 5. scale-out: `x2`)", "", *_latency(latest["latency"])]
    if "capacity" in latest:
        parts += ["", "### 2. Capacity (and 5. scale-out: `x2`)", "", *_capacity(latest["capacity"])]
    if "connections" in latest:
        parts += ["", "### 3. Connections", "", *_connections(latest["connections"])]
    if "history" in latest:
        parts += ["", "### 4. History", "", *_history(latest["history"])]
    generated = "\n".join([START, *parts, "", END])
    text = doc.read_text() if doc.exists() else f"# Benchmarks\n\n{START}\n{END}\n"
    if START in text and END in text:
        head, _, rest = text.partition(START)
        _, _, tail = rest.partition(END)
        text = head + generated + tail
    else:
        text += "\n" + generated + "\n"
    doc.write_text(text)
    plot(latest, plot_path)
    print(f"wrote {doc} and {plot_path}")
