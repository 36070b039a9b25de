#!/usr/bin/env python3
"""bench/cluster_scale.py [--smoke] [--nodes 2,4,6] [--connections N] [--rate R | --rate-per-node R]
       [--duration S] [--ping-interval 25s] [--configs one:classic,one:sharded,cluster:sharded]

Random user-targeted events across N switchboard nodes (one shard each, all on CPU 0) over Redis,
with the classic adapter and the sharded one, over one redis-server and (sharded) over a Redis
Cluster of 3 masters and 3 replicas. Beside each node, a load generator on CPU 1 holds N
connections on it (users n<i>u0, n<i>u1, ...) and sends R/N events a second to random users of
its node through the REST API of the next node, so every event crosses the cluster. Per run:

- Redis messages received per event, per node (switchboard_cluster_messages_received_total):
  the classic protocol sends every event to every other node; the sharded one to the user's node.
- server CPU per event, per node: user + system time of the node processes while the events run,
  less their idle rate (holding the connections: heartbeats), measured for 3 s before the events;
- p99 delivery latency (the worst load generator's).

Prints a Markdown table; JSON lines go to $BENCH_OUT/cluster-scale.jsonl. --smoke: tiny sizes,
to prove the instrument works; no timing is asserted anywhere.
"""
import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.environ.get("BUILD_DIR", os.path.join(ROOT, "build"))
OUT = os.environ.get("BENCH_OUT", os.path.join(BUILD, "bench-results"))
SECRET = "bench-secret-bench-secret-bench-secret-0123456789abcdef"
API_KEY = "bench-api-key-0123456789abcdef"
TICKS = os.sysconf("SC_CLK_TCK")
LOADGEN = os.environ.get("BENCH_LOADGEN", os.path.join(BUILD, "bin", "switchboard-bench"))
IDLE_SECONDS = 3          # the idle cost of the connections, measured once all are connected
EMIT_MARGIN_SECONDS = 3   # the generators connect at slightly different times (more with more connections)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(probe, what, timeout=60):
    deadline = time.monotonic() + timeout
    while not probe():
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out waiting for {what}")
        time.sleep(0.05)


def redis_ping(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
            s.sendall(b"PING\r\n")
            return s.recv(64).startswith(b"+PONG")
    except OSError:
        return False


def redis_ask(port, command):
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        s.sendall(command.encode() + b"\r\n")
        return s.recv(65536).decode(errors="replace")


class Redis:
    """One redis-server, or a Redis Cluster of 3 masters and 3 replicas, on CPU 1."""

    def __init__(self, workdir, clustered):
        self.procs = []
        self.ports = []
        for i in range(6 if clustered else 1):
            port = free_port()
            data = os.path.join(workdir, f"redis-{port}")
            os.makedirs(data)
            args = ["taskset", "-c", "1", "redis-server", "--bind", "127.0.0.1", "--port", str(port), "--save", "",
                    "--appendonly", "no", "--dir", data, "--loglevel", "warning"]
            if clustered:
                args += ["--cluster-enabled", "yes", "--cluster-port", str(free_port()), "--cluster-node-timeout", "2000"]
            self.procs.append(subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
            self.ports.append(port)
            wait_for(lambda: redis_ping(port), "redis-server")
        if clustered:
            subprocess.run(["redis-cli", "--cluster", "create", *[f"127.0.0.1:{p}" for p in self.ports],
                            "--cluster-replicas", "1", "--cluster-yes"], check=True, stdout=subprocess.DEVNULL)
            for port in self.ports:
                wait_for(lambda: "cluster_state:ok" in redis_ask(port, "CLUSTER INFO"), "cluster_state:ok")
        self.url = ",".join(f"redis://127.0.0.1:{p}" for p in self.ports[:2])

    def cpu_seconds(self):
        return sum(cpu_seconds(p.pid) for p in self.procs)

    def stop(self):
        for p in self.procs:
            p.terminate()
        for p in self.procs:
            p.wait()


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def metric(port, name):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as r:
        match = re.search(rf"^{name} (\d+)", r.read().decode(), re.M)
    return int(match.group(1)) if match else 0


def ready(port):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=2) as r:
            return json.load(r).get("status") == "ready"
    except OSError:
        return False


class Node:
    """A switchboard node with one shard on CPU 0."""

    def __init__(self, workdir, name, redis_url, adapter, ping_interval):
        self.log = open(os.path.join(workdir, f"{name}.log"), "w+")
        self.proc = subprocess.Popen(
            ["taskset", "-c", "0", os.path.join(BUILD, "bin", "switchboard"), "serve",
             "--config", os.path.join(ROOT, "bench", "switchboard.toml"), "--port", "0",
             "--set", f"server.data_dir={os.path.join(workdir, name)}", "--set", "server.threads=1",
             "--set", f"cluster.redis={redis_url}", "--set", f"cluster.adapter={adapter}",
             "--set", f"engine.ping_interval={ping_interval}"],
            stdout=subprocess.PIPE, stderr=self.log, text=True)
        line = self.proc.stdout.readline()
        match = re.search(r"listening on (\d+)", line)
        if not match:
            raise RuntimeError(f"{name} did not start: {line}")
        self.port = int(match.group(1))
        wait_for(lambda: ready(self.port), f"{name} ready")

    def stop(self):
        self.proc.terminate()
        if self.proc.wait() != 0:
            raise RuntimeError(f"a node exited with {self.proc.returncode}")


def watch_connected(stream, done):
    for line in stream:
        if line.startswith("connected "):
            done.set()


def sample(nodes, redis):
    return {"t": time.monotonic(), "cpu": [cpu_seconds(n.proc.pid) for n in nodes],
            "received": [metric(n.port, "switchboard_cluster_messages_received_total") for n in nodes],
            "redis_cpu": redis.cpu_seconds()}


def run(nodes_count, adapter, clustered, args, workdir):
    rate = args.rate_per_node * nodes_count if args.rate_per_node else args.rate
    redis = Redis(workdir, clustered)
    nodes = [Node(workdir, f"node{i}-{nodes_count}-{adapter}", redis.url, adapter, args.ping_interval) for i in range(nodes_count)]
    try:
        generators, connected = [], []
        for i, node in enumerate(nodes):
            emit = nodes[(i + 1) % nodes_count]
            g = subprocess.Popen(
                ["taskset", "-c", "1", LOADGEN, "cluster",
                 "--url", f"http://127.0.0.1:{node.port}", "--emit-url", f"http://127.0.0.1:{emit.port}",
                 "--kind", "switchboard", "--name", f"node{i}", "--server-pid", str(node.proc.pid),
                 "--connections", str(args.connections), "--rate", str(rate / nodes_count),
                 "--duration", str(args.duration), "--user-prefix", f"n{i}u",
                 "--emit-delay", str(IDLE_SECONDS + EMIT_MARGIN_SECONDS + args.connections / 2000),
                 "--jwt-secret", SECRET, "--api-key", API_KEY],
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            done = threading.Event()
            threading.Thread(target=watch_connected, args=(g.stderr, done), daemon=True).start()
            generators.append(g)
            connected.append(done)
        for done in connected:
            if not done.wait(300):
                raise RuntimeError("a load generator did not connect its clients")
        # Every client connected, no event sent yet: the cost of holding the connections, then the events.
        idle_start = sample(nodes, redis)
        time.sleep(IDLE_SECONDS)
        emits_start = sample(nodes, redis)
        results = []
        for g in generators:
            out, _ = g.communicate()
            if g.returncode != 0:
                raise RuntimeError(f"a load generator exited with {g.returncode}")
            results.append(json.loads(out.strip().splitlines()[-1]))
        end = sample(nodes, redis)
    finally:
        for n in nodes:
            n.stop()
        redis.stop()
    idle_rate = [(b - a) / (emits_start["t"] - idle_start["t"]) for a, b in zip(idle_start["cpu"], emits_start["cpu"])]
    window = end["t"] - emits_start["t"]
    cpu = [max(0.0, (c - b) - idle * window) for b, c, idle in zip(emits_start["cpu"], end["cpu"], idle_rate)]
    received = [c - b for b, c in zip(emits_start["received"], end["received"])]
    redis_cpu = end["redis_cpu"] - emits_start["redis_cpu"]
    events = sum(round(r["figures"]["sent_rate"] * r["figures"]["step_s"]) for r in results)
    delivered = sum(r["figures"]["delivered"] for r in results)
    p99 = max(r["figures"]["latency"].get("p99_ms", 0) for r in results)
    return {
        "scenario": "cluster-scale", "nodes": nodes_count, "adapter": adapter,
        "redis": "Redis Cluster (3+3)" if clustered else "one redis-server",
        "connections": args.connections * nodes_count, "events": events, "delivered": delivered,
        "received_per_event_per_node": sum(received) / nodes_count / max(events, 1),
        "cpu_us_per_event_per_node": sum(cpu) / nodes_count * 1e6 / max(events, 1),
        "cpu_us_per_event_cluster": sum(cpu) * 1e6 / max(events, 1),
        "redis_cpu_us_per_event": redis_cpu * 1e6 / max(events, 1),
        "p99_ms": p99,
        "idle_cpu_percent_per_node": sum(idle_rate) / nodes_count * 100,
        "ping_interval": args.ping_interval, "rate": rate,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true")
    parser.add_argument("--nodes", default="2,4,6")
    parser.add_argument("--connections", type=int, default=5000, help="per node")
    parser.add_argument("--rate", type=float, default=2000, help="events per second, over the whole cluster")
    parser.add_argument("--rate-per-node", type=float,
                        help="events per second per node instead (the cluster's rate grows with it): each node "
                             "then sees the same rate at every size, so its batching does not change with N")
    parser.add_argument("--duration", type=float, default=10)
    parser.add_argument("--ping-interval", default="25s",
                        help="engine.ping_interval of the nodes: a heartbeat round inside the events' window adds to their CPU")
    parser.add_argument("--configs", default="one:classic,one:sharded,cluster:sharded",
                        help="Redis (one or cluster) and adapter pairs to run")
    args = parser.parse_args()
    if args.smoke:
        args.nodes, args.connections, args.rate, args.duration = "2", 20, 20, 1
    os.makedirs(OUT, exist_ok=True)
    workdir = tempfile.mkdtemp(prefix="switchboard-cluster-scale-")
    rows = []
    try:
        with open(os.path.join(OUT, "cluster-scale.jsonl"), "w") as jsonl:
            for config in args.configs.split(","):
                redis_kind, adapter = config.split(":")
                clustered = redis_kind == "cluster"
                for n in [int(x) for x in args.nodes.split(",")]:
                    row = run(n, adapter, clustered, args, workdir)
                    print(json.dumps(row), file=jsonl, flush=True)
                    print(f"== {row['redis']}, {adapter}, {n} nodes: {row['received_per_event_per_node']:.2f} "
                          f"received/event/node, {row['cpu_us_per_event_per_node']:.1f} CPU us/event/node, "
                          f"p99 {row['p99_ms']:.1f} ms", file=sys.stderr, flush=True)
                    rows.append(row)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print("| Redis | adapter | nodes | connections | events/s | events | delivered | Redis msgs received per event, per node "
          "| CPU µs per event, per node | CPU µs per event, cluster | redis-server CPU µs per event | p99 ms |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r['redis']} | {r['adapter']} | {r['nodes']} | {r['connections']:,} | {r['rate']:,.0f} | {r['events']:,} | {r['delivered']:,} "
              f"| {r['received_per_event_per_node']:.2f} | {r['cpu_us_per_event_per_node']:.1f} "
              f"| {r['cpu_us_per_event_cluster']:.1f} | {r['redis_cpu_us_per_event']:.1f} | {r['p99_ms']:.1f} |")


if __name__ == "__main__":
    main()
