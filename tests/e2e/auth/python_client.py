"""The Python Socket.IO client (Debian's python3-socketio) against the auth guard.

Starts tests/fixtures/auth_server with an HS256 secret, signs tokens with PyJWT (Debian's
python3-jwt, an implementation independent of ours), and checks that valid tokens connect and
reach their user room while refused ones get connect_error with the expected code. Run with
/usr/bin/python3; prints "N passed, M failed". Stops the fixture by its pid.
"""
import os
import sys
import threading
import time

import jwt
import socketio

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "support"))
from fixture import run_cases  # noqa: E402

SECRET = "a-python-test-secret-with-more-than-sixty-four-bytes-for-hs512-keys!!"
TIMEOUT = 10


def token(sub, **claims):
    return jwt.encode({"sub": sub, "exp": int(time.time()) + 3600, **claims}, SECRET, algorithm="HS256")


def connect(url, transports, auth):
    client = socketio.Client(reconnection=False)
    client.connect(url, transports=transports, auth=auth, wait_timeout=TIMEOUT)
    return client


def refusal(url, transports, auth):
    client = socketio.Client(reconnection=False)
    errors = []
    client.on("connect_error", lambda data: errors.append(data))
    try:
        # python-socketio 5.7 waits out wait_timeout after a refusal: keep it short here.
        client.connect(url, transports=transports, auth=auth, wait_timeout=1)
    except socketio.exceptions.ConnectionError:
        pass
    else:
        raise AssertionError("connected, but should have been refused")
    finally:
        client.disconnect()
    assert len(errors) == 1, errors
    return errors[0]


def case_user_rooms(url, transports):
    alice = connect(url, transports, {"token": token("alice")})
    bob = connect(url, transports, {"token": token("bob")})
    me = alice.call("whoami", timeout=TIMEOUT)
    assert me["userId"] == "alice" and "user:alice" in me["rooms"], me
    inbox = {"alice": [], "bob": []}
    got = threading.Event()
    alice.on("notice", lambda text: (inbox["alice"].append(text), got.set()))
    bob.on("notice", lambda text: inbox["bob"].append(text))
    bob.call("notify-user", ("alice", "hi alice"), timeout=TIMEOUT)
    assert got.wait(TIMEOUT), "alice got nothing"
    assert inbox == {"alice": ["hi alice"], "bob": []}, inbox
    alice.disconnect()
    bob.disconnect()


def case_refusals(url, transports):
    for auth, code in ((None, "token_missing"),
                       ({"token": token("x", exp=int(time.time()) - 60)}, "token_expired"),
                       ({"token": jwt.encode({"sub": "x"}, "another-secret-that-is-also-long-enough!", algorithm="HS256")},
                        "signature_invalid"),
                       ({"token": "not a token"}, "token_malformed")):
        error = refusal(url, transports, auth)
        assert error["data"]["code"] == code, (code, error)
        assert len(error["data"]["correlationId"]) == 16, error


def main():
    return run_cases("auth-server", ["--jwt-secret", SECRET], (case_user_rooms, case_refusals))


if __name__ == "__main__":
    sys.exit(main())
