"""The Python Socket.IO client against examples/orders_module, built as an outside project would
build it: a JWT-authenticated client watches a board and places an order; the order is acked,
announced to the board's room and receipted to the user's room. A client without a token is
refused. Usage: orders_client.py ORDERS_MODULE_BINARY. Prints "N passed, M failed"."""
import base64
import hashlib
import hmac
import json
import os
import sys
import threading
import time

import socketio

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "e2e", "support"))
from fixture import run_cases  # noqa: E402

TIMEOUT = 10
SECRET = "an example secret, thirty-two bytes or more"


def token(user):
    """An HS256 JWT for `user`, valid for an hour (RFC 7519, by hand: no JWT package needed)."""
    def part(data):
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=")
    signed = part({"alg": "HS256", "typ": "JWT"}) + b"." + part({"sub": user, "exp": int(time.time()) + 3600})
    signature = base64.urlsafe_b64encode(hmac.new(SECRET.encode(), signed, hashlib.sha256).digest()).rstrip(b"=")
    return (signed + b"." + signature).decode()


def case_order_reaches_room_and_user(url, transports):
    client = socketio.Client(reconnection=False)
    got = {"order:placed": threading.Event(), "order:receipt": threading.Event()}
    seen = {}
    for name, event in got.items():
        client.on(name, lambda order, name=name, event=event: (seen.__setitem__(name, order), event.set()))
    client.connect(url, transports=transports, auth={"token": token("alice")}, wait_timeout=TIMEOUT)
    try:
        assert client.call("board:watch", {"roomId": "kitchen"}, timeout=TIMEOUT) == \
            {"ok": True, "data": {"roomId": "kitchen", "member": True}}
        refused = client.call("order:place", {"boardId": "kitchen", "item": "tea", "quantity": 0}, timeout=TIMEOUT)
        assert refused["ok"] is False and refused["error"]["code"] == "invalid_quantity", refused
        placed = client.call("order:place", {"boardId": "kitchen", "item": "tea", "quantity": 2}, timeout=TIMEOUT)
        order = {"boardId": "kitchen", "item": "tea", "quantity": 2, "by": "alice"}
        assert placed == {"ok": True, "data": order}, placed
        for name, event in got.items():
            assert event.wait(TIMEOUT), f"no {name}"
            assert seen[name] == order, (name, seen[name])
    finally:
        client.disconnect()


def case_no_token_no_socket(url, transports):
    client = socketio.Client(reconnection=False)
    try:
        client.connect(url, transports=transports, wait_timeout=TIMEOUT)
    except socketio.exceptions.ConnectionError:
        return
    finally:
        client.disconnect()
    raise AssertionError("connected without a token")


if __name__ == "__main__":
    os.environ["EXAMPLE_JWT_SECRET"] = SECRET
    sys.exit(run_cases("orders_module", [], (case_order_reaches_room_and_user, case_no_token_no_socket),
                       command=[sys.argv[1], "0"]))
