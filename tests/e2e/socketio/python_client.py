"""The Python Socket.IO client (Debian's python3-socketio) against the C++ server.

Starts tests/fixtures/sio_conformance_server on a free port, waits for its "listening on" line,
runs the cases, and stops it by its pid. Run with /usr/bin/python3; prints "N passed, M failed".
"""
import os
import subprocess
import sys
import threading

import socketio

BIN_DIR = os.environ.get("SWITCHBOARD_BIN_DIR", "build/bin")
TIMEOUT = 10


def start_fixture():
    proc = subprocess.Popen([os.path.join(BIN_DIR, "sio-conformance-server"), "--port", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    if not line.startswith("listening on "):
        proc.kill()
        raise RuntimeError("fixture did not start: " + line + proc.stderr.read())
    return proc, int(line.split()[-1])


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
    proc, port = start_fixture()
    url = f"http://127.0.0.1:{port}"
    passed = failed = 0
    try:
        for transports in (["websocket"], ["polling"]):
            for case in (case_events_and_acks, case_namespaces, case_middleware_refusal, case_rooms):
                try:
                    case(url, transports)
                    passed += 1
                    print(f"ok {case.__name__} over {transports}")
                except Exception as error:  # report every case, then fail
                    failed += 1
                    print(f"FAILED {case.__name__} over {transports}: {error!r}")
    finally:
        proc.terminate()
        code = proc.wait(timeout=30)
        if code != 0:
            failed += 1
            print(f"FAILED fixture exited with {code}: {proc.stderr.read()}")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
