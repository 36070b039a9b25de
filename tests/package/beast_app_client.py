"""The Python Socket.IO client against examples/beast_app, built as an outside project would build
it: the application's own /api/ routes answer beside Socket.IO on the same port, and a POST to
/api/news reaches the connected client. Usage: beast_app_client.py BEAST_APP_BINARY. Prints
"N passed, M failed"."""
import json
import os
import sys
import threading
import time
import urllib.error
import urllib.request

import socketio

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "e2e", "support"))
from fixture import run_cases  # noqa: E402

TIMEOUT = 10


def http_json(url, data=None):
    try:
        with urllib.request.urlopen(urllib.request.Request(url, data=data), timeout=TIMEOUT) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def case_routes_beside_socketio(url, transports):
    client = socketio.Client(reconnection=False)
    got = threading.Event()
    news = []
    client.on("news", lambda text: (news.append(text), got.set()))
    client.connect(url, transports=transports, wait_timeout=TIMEOUT)
    try:
        # The previous case's client may still be leaving: wait until this one is the only one.
        deadline = time.monotonic() + TIMEOUT
        while http_json(url + "/api/clients") != (200, {"clients": 1}) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert http_json(url + "/api/clients") == (200, {"clients": 1}), http_json(url + "/api/clients")
        assert http_json(url + "/api/news", b"extra!") == (202, {"sent": "extra!"})
        assert got.wait(TIMEOUT), "no news"
        assert news == ["extra!"], news
        assert http_json(url + "/api/nothing") == (404, {"error": "no such route"})
    finally:
        client.disconnect()


if __name__ == "__main__":
    sys.exit(run_cases("beast_app", [], (case_routes_beside_socketio,), command=[sys.argv[1], "0"]))
