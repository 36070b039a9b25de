"""python-socketio (Debian's python3-socketio) through a balancer without stickiness.

Usage: python_no_sticky.py BASE_URL TOKEN. Connects over polling only and over polling then
WebSocket, joins the lobby and chats with acks, then reconnects 20 times. Prints
"N passed, M failed"; exits non-zero on a failure.
"""
import sys
import threading

import socketio

TIMEOUT = 10


def connect(url, token, transports):
    client = socketio.Client(reconnection=False)
    client.connect(url, transports=transports, auth={"token": token}, wait_timeout=TIMEOUT)
    return client


def chat(url, token, transports):
    client = connect(url, token, transports)
    try:
        joined = client.call("chat:join", {"roomId": "lobby"}, timeout=TIMEOUT)
        assert joined["ok"], joined
        heard = threading.Event()
        client.on("chat:message", lambda message: heard.set() if message["text"] == "from python" else None)
        sent = client.call("chat:send", {"roomId": "lobby", "text": "from python"}, timeout=TIMEOUT)
        assert sent["ok"], sent
        assert heard.wait(TIMEOUT), "the echo never came"
        return client.transport()
    finally:
        client.disconnect()


def case_polling_only(url, token):
    assert chat(url, token, ["polling"]) == "polling"


def case_polling_then_websocket(url, token):
    chat(url, token, ["polling", "websocket"])


def case_twenty_reconnects(url, token):
    for i in range(20):
        client = connect(url, token, ["polling"] if i % 2 == 0 else ["polling", "websocket"])
        try:
            assert client.call("chat:join", {"roomId": "lobby"}, timeout=TIMEOUT)["ok"], i
        finally:
            client.disconnect()


def main(base, token):
    passed = failed = 0
    for case in (case_polling_only, case_polling_then_websocket, case_twenty_reconnects):
        try:
            case(base, token)
            passed += 1
            print(f"ok {case.__name__}")
        except Exception as error:  # report every case, then fail
            failed += 1
            print(f"FAILED {case.__name__}: {error!r}")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
