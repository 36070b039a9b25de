"""The Python Socket.IO client (Debian's python3-socketio) against examples/hello, built as an
outside project would build it. Usage: hello_client.py HELLO_BINARY. Prints "N passed, M failed"."""
import os
import sys
import threading

import socketio

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "e2e", "support"))
from fixture import run_cases  # noqa: E402

TIMEOUT = 10


def case_welcome_and_ack(url, transports):
    client = socketio.Client(reconnection=False)
    welcomed = threading.Event()
    ids = []
    client.on("welcome", lambda sid: (ids.append(sid), welcomed.set()))
    client.connect(url, transports=transports, wait_timeout=TIMEOUT)
    try:
        assert welcomed.wait(TIMEOUT), "no welcome"
        assert ids == [client.get_sid("/")], (ids, client.get_sid("/"))
        answer = client.call("hello", ("world", {"n": 1}, b"\x00\x01"), timeout=TIMEOUT)
        assert answer == ("world", {"n": 1}, b"\x00\x01"), answer
    finally:
        client.disconnect()


if __name__ == "__main__":
    sys.exit(run_cases("hello", [], (case_welcome_and_ack,), command=[sys.argv[1], "0"]))
