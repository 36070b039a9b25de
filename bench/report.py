#!/usr/bin/env python3
"""bench/report.py [--markdown] RESULTS.jsonl: prints the figures of one bench/run.sh scenario and switchboard's ratios against the Node.js
reference and the floor; for fanout, also draws throughput against offered rate (fanout.png
beside the results) when matplotlib is installed. For cluster, the CPU figures are both nodes'
together; each node's share is shown beside them (not a ratio)."""
import json
import sys
from pathlib import Path


def headline(run):
    """The scenario's figures that the targets are stated in, as (label, value, higher_is_better);
    higher_is_better None: shown, but no ratio."""
    f = run["figures"]
    s = run["scenario"]
    if s == "fanout":
        sat, half = f["saturation"], f["half_saturation"]["latency"]
        rows = []
        for rate in (5, 20):  # "sat." once the server no longer keeps up, "-" when not measured
            step = next((x for x in f["steps"] if x["offered_rate"] == rate), None)
            # The ramp stops at saturation: a rate above its last step was never reached.
            missing = "sat." if (step and saturated_step(step)) or (not step and rate > f["steps"][-1]["offered_rate"]) else "-"
            usable = step and not saturated_step(step)
            rows += [(f"CPU us/msg at {rate}/s", step["cpu_us_per_delivered"] if usable else missing, False),
                     (f"syscalls/msg at {rate}/s", step.get("syscalls_per_delivered") if usable else missing, False)]
        return rows + [("delivered msg/s (sat.)", sat["delivered_per_s"], True),
                       ("msg per CPU-s (sat.)", sat["delivered_per_cpu_s"], True),
                       ("CPU us/msg (sat.)", sat["cpu_us_per_delivered"], False),
                       ("syscalls/msg (sat.)", sat.get("syscalls_per_delivered"), False),
                       ("p99 ms at half", half.get("p99_ms", 0), False)]
    if s in ("users", "scale", "polling", "emitter"):
        lat = f["latency"]
        rows = [("events/s", f["delivered_per_s"], True),
                ("events per CPU-s", f["delivered_per_cpu_s"], True),
                ("CPU us/event", f["cpu_us_per_delivered"], False),
                ("syscalls/event", f.get("syscalls_per_delivered"), False),
                ("p50 ms", lat.get("p50_ms", 0), False),
                ("p99 ms", lat.get("p99_ms", 0), False)]
        if s == "scale":
            rows.append(("peak RSS MiB", run["server_process"]["peak_rss_kib"] / 1024, False))
        return rows
    if s == "cluster":
        lat, nodes = f["latency"], f.get("nodes", {})
        share = lambda role: 100 * nodes.get(role, {}).get("cpu_utilization", 0)
        return [("events/s", f["delivered_per_s"], True),
                ("events per CPU-s (A+B)", f["delivered_per_cpu_s"], True),
                ("CPU us/event (A+B)", f["cpu_us_per_delivered"], False),
                ("node A CPU % (clients)", share("clients"), None),
                ("node B CPU % (emits)", share("emits"), None),
                ("delivered % of expected", 100 * f["delivered"] / f["expected"] if f["expected"] else 0, None),
                ("p50 ms", lat.get("p50_ms", 0), False),
                ("p99 ms", lat.get("p99_ms", 0), False),
                ("max ms", lat.get("max_ms", 0), False)]
    if s == "connect":
        return [("conn/s", f["connections_per_s"], True),
                ("conn per CPU-s", f["connections_per_cpu_s"], True),
                ("CPU us/conn", f["cpu_us_per_connection"], False),
                ("syscalls/conn", f.get("syscalls_per_connection"), False)]
    if s == "idle":
        return [("bytes RSS/conn", f["bytes_per_connection"], False)]
    return []


def saturated_step(step):
    """A fanout step the server did not keep up with (the load generator's own test, simplified:
    not drained, or under 97% delivered)."""
    return not step["drained"] or step["delivered"] < 0.97 * step["expected"]


def cell(value, width=0):
    text = value if isinstance(value, str) else "-" if value is None else f"{value:,.2f}"
    return f"{text:>{width}}"


def main(path, markdown=False):
    runs = [json.loads(line) for line in Path(path).read_text().splitlines() if line.strip()]
    # One table per connection count (fanout measures several).
    for count in sorted({r["parameters"]["connections"] for r in runs}):
        table([r for r in runs if r["parameters"]["connections"] == count], markdown)
    if runs[0]["scenario"] == "fanout":
        chart(runs, Path(path).with_name("fanout.png"))


def table(runs, markdown):
    by_name = {r["server"]: r for r in runs}
    scenario = runs[0]["scenario"]
    print(f"\n{scenario}, {runs[0]['parameters']['connections']} connections: " + ", ".join(f"{r['server']} {r['clients']['connected']} connected/"
                                       f"{r['clients']['refused']} refused/{r['clients']['lost']} lost" for r in runs))
    names = [r["server"] for r in runs]
    if markdown:  # for docs/BENCHMARKS.md
        print("| | " + " | ".join(names) + " |\n|---|" + "---:|" * len(names))
        for i, (label, _, _) in enumerate(headline(runs[0])):
            print(f"| {label} | " + " | ".join(cell(headline(r)[i][1]) for r in runs) + " |")
    else:
        print(f"{'':24}" + "".join(f"{n:>24}" for n in names))
        for i, (label, _, _) in enumerate(headline(runs[0])):
            print(f"{label:24}" + "".join(cell(headline(r)[i][1], 24) for r in runs))
    sb = by_name.get("switchboard")
    for other in ("reference", "floor"):
        if not sb or other not in by_name:
            continue
        ratios = []
        for (label, mine, higher), (_, theirs, _) in zip(headline(sb), headline(by_name[other])):
            if isinstance(mine, (int, float)) and isinstance(theirs, (int, float)) and mine and theirs and higher is not None:
                ratios.append(f"{label} {mine / theirs if higher else theirs / mine:.2f}x")
        print(f"switchboard vs {other} (>1 means switchboard is better): " + ", ".join(ratios))


def chart(runs, png):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("(matplotlib not installed: no chart)")
        return
    fig, (ax, cpu) = plt.subplots(1, 2, figsize=(12, 5))
    for r in runs:
        steps = r["figures"]["steps"]
        n = r["parameters"]["connections"]
        offered = [s["offered_rate"] * n for s in steps]
        label = f"{r['server']}, {n} sockets"
        ax.plot(offered, [s["delivered_per_s"] for s in steps], marker="o", label=label)
        cpu.plot(offered, [100 * s["server_cpu_utilization"] for s in steps], marker="o", label=label)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("offered messages per second (broadcasts/s x sockets)")
    ax.set_ylabel("delivered messages per second")
    ax.set_title("fanout: every socket in one room")
    cpu.set_xscale("log")
    cpu.set_xlabel("offered messages per second")
    cpu.set_ylabel("server CPU, % of one core")
    cpu.set_title("server CPU at each rate (one shard, pinned)")
    for a in (ax, cpu):
        a.grid(True, which="both", alpha=0.3)
        a.legend()
    fig.tight_layout()
    fig.savefig(png, dpi=110)
    print(f"chart: {png}")


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if a != "--markdown"]
    main(args[0], markdown="--markdown" in sys.argv)
