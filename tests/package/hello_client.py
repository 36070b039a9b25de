"""The Python Socket.IO client (Debian's python3-socketio) against examples/hello, built as an
outside project would build it, then its graceful stop. Usage: hello_client.py HELLO_BINARY.
Prints "N passed, M failed"."""
import http.client
import json
import os
import sys
import threading

import socketio

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "e2e", "support"))
from fixture import run_cases, start_server  # noqa: E402

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


def graceful_stop(binary):
    """A polling client whose next GET is on its way when SIGTERM arrives gets the Engine.IO close
    packet ("1") from it, not a cut connection, and the server exits 0 (sio::server::close with a
    drain, then http::server::stop)."""
    proc, port = start_server([binary, "0"])
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
        connection.request("GET", "/socket.io/?EIO=4&transport=polling")
        sid = json.loads(connection.getresponse().read().decode()[1:])["sid"]
        connection.request("GET", f"/socket.io/?EIO=4&transport=polling&sid={sid}")  # sent, not yet answered
        proc.terminate()
        answer = connection.getresponse()
        body = answer.read().decode()
        assert (answer.status, body) == (200, "1"), (answer.status, body)
        code = proc.wait(timeout=30)
        assert code == 0, f"exit code {code}"
        print("ok graceful_stop")
        return 0
    except Exception as error:
        proc.kill()
        proc.wait()
        print(f"FAILED graceful_stop: {error!r}")
        return 1


if __name__ == "__main__":
    failed = run_cases("hello", [], (case_welcome_and_ack,), command=[sys.argv[1], "0"])
    sys.exit(graceful_stop(sys.argv[1]) or failed)
