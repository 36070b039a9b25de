"""The Python Socket.IO client against examples/cluster_node, built as an outside project would
build it: two nodes share a redis-server of this test's own, and a "shout" sent to one node
reaches a client of the other. Usage: cluster_client.py CLUSTER_NODE_BINARY.
Prints "N passed, M failed"."""
import os
import socket
import subprocess
import sys
import threading
import time

import socketio

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "e2e", "support"))
from fixture import run_cases, start_server  # noqa: E402

TIMEOUT = 10


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def redis_answers(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def start_redis():
    """redis-server on a free loopback port, without persistence; ready once it answers PING.
    Another process may take the port between the choice and the bind: then another port."""
    for _ in range(5):
        port = free_port()
        proc = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                                 "--appendonly", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while proc.poll() is None and time.monotonic() < deadline:
            if redis_answers(port):
                return proc, port
            time.sleep(0.05)
        proc.kill()
        proc.wait()
    raise RuntimeError("redis-server did not start")


def shout_crosses_nodes(url, other_url, transports):
    listener = socketio.Client(reconnection=False)
    shouter = socketio.Client(reconnection=False)
    heard = threading.Event()
    payloads = []
    listener.on("shout", lambda *args: (payloads.append(list(args)), heard.set()))
    listener.connect(url, transports=transports, wait_timeout=TIMEOUT)
    shouter.connect(other_url, transports=transports, wait_timeout=TIMEOUT)
    try:
        # A node subscribes to Redis as it starts: shout again until the first one gets through.
        deadline = time.monotonic() + TIMEOUT
        while not heard.wait(0.25) and time.monotonic() < deadline:
            shouter.emit("shout", ("hi", {"from": "B"}, b"\x01\x02"))
        assert heard.is_set(), "the other node's shout never arrived"
        assert payloads[0] == ["hi", {"from": "B"}, b"\x01\x02"], payloads[0]
    finally:
        listener.disconnect()
        shouter.disconnect()


if __name__ == "__main__":
    binary = sys.argv[1]
    redis, redis_port = start_redis()
    try:
        other, other_port = start_server([binary, "0", f"redis://127.0.0.1:{redis_port}"])
        try:
            def case_shout_crosses_nodes(url, transports):
                shout_crosses_nodes(url, f"http://127.0.0.1:{other_port}", transports)
            failed = run_cases("cluster_node", [], (case_shout_crosses_nodes,),
                               command=[binary, "0", f"redis://127.0.0.1:{redis_port}"])
        finally:
            other.terminate()
            code = other.wait(timeout=30)
            if code != 0:
                print(f"FAILED the second node exited with {code}")
                failed = 1
    finally:
        redis.terminate()
        redis.wait(timeout=30)
    sys.exit(failed)
