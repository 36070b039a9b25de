"""The Python Socket.IO client (Debian's python3-socketio) against the C++ server.

Starts tests/fixtures/sio_conformance_server on a free port, waits for its "listening on" line,
runs the cases, and stops it by its pid. Run with /usr/bin/python3; prints "N passed, M failed".
"""
import os
import sys
import threading

import socketio

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "support"))
from fixture import run_cases  # noqa: E402

TIMEOUT = 10


def connect(url, transports, namespaces=("/",), auth=None):
    client = socketio.Client(reconnection=False)
    greetings = {nsp: threading.Event() for nsp in namespaces}
    for nsp in namespaces:
        client.on("auth", lambda *args, nsp=nsp: greetings[nsp].set(), namespace=nsp)
    client.connect(url, transports=transports, namespaces=list(namespaces), auth=auth, wait_timeout=TIMEOUT)
    for nsp, greeted in greetings.items():
        assert greeted.wait(TIMEOUT), f"no auth event in {nsp}"
    return client


def case_events_and_acks(url, transports):
    client = connect(url, transports, auth={"token": "py"})
    got = threading.Event()
    received = []
    client.on("message-back", lambda *args: (received.extend(args), got.set()))
    client.emit("message", (1, "two", {"three": [True, None]}, b"\x01\x02"))
    assert got.wait(TIMEOUT), "no message-back"
    assert received == [1, "two", {"three": [True, None]}, b"\x01\x02"], received
    answer = client.call("message-with-ack", ("x", 2), timeout=TIMEOUT)
    assert answer == ("x", 2), answer
    client.on("question", lambda a, b: a + b)
    assert client.call("ask", (2000, 20, 22), timeout=TIMEOUT) == 42
    client.disconnect()


def case_namespaces(url, transports):
    client = connect(url, transports, namespaces=("/", "/custom"))
    assert client.call("message-with-ack", "in custom", namespace="/custom", timeout=TIMEOUT) == "in custom"
    client.disconnect()


def case_middleware_refusal(url, transports):
    client = socketio.Client(reconnection=False)
    refusals = []
    client.on("connect_error", lambda *args: refusals.append(args), namespace="/guarded")
    try:
        client.connect(url, transports=transports, namespaces=["/guarded"], auth={"token": "no"}, wait_timeout=TIMEOUT)
    except socketio.exceptions.ConnectionError:
        pass
    else:
        raise AssertionError("the guarded namespace let us in")
    finally:
        client.disconnect()
    assert "not authorized" in repr(refusals) and "token_missing" in repr(refusals), refusals


def case_rooms(url, transports):
    a, b, c = (connect(url, transports) for _ in range(3))
    inbox = {name: [] for name in "abc"}
    events = {name: threading.Event() for name in "abc"}
    for name, client in zip("abc", (a, b, c)):
        client.on("room-message", lambda text, name=name: (inbox[name].append(text), events[name].set()))
    a.call("join", "py-room", timeout=TIMEOUT)
    b.call("join", "py-room", timeout=TIMEOUT)
    a.call("to-room", ("py-room", "hello"), timeout=TIMEOUT)
    assert events["b"].wait(TIMEOUT), "b got nothing"
    c.call("broadcast", (c.get_sid(), "to c"), timeout=TIMEOUT)
    assert events["c"].wait(TIMEOUT), "c got nothing"
    assert inbox == {"a": [], "b": ["hello"], "c": ["to c"]}, inbox
    for client in (a, b, c):
        client.disconnect()


def main():
    return run_cases("sio-conformance-server", [], (case_events_and_acks, case_namespaces, case_middleware_refusal, case_rooms))


if __name__ == "__main__":
    sys.exit(main())
