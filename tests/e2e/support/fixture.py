"""Fixture servers for the Python client tests: start one on a free port, run every case over
each transport, stop it by its pid and fail on a non-zero exit (such as a sanitizer report)."""
import os
import subprocess
import tempfile

BIN_DIR = os.environ.get("SWITCHBOARD_BIN_DIR", "build/bin")


def start_server(command):
    """Runs `command` until it prints "listening on PORT"; returns the process and the port."""
    # stderr goes to a file, not a pipe nobody reads: a chatty server must never block on it.
    log = tempfile.TemporaryFile(mode="w+")
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=log, text=True)
    # A program that logs to stdout (an example without log::configure) may log before it listens.
    seen = ""
    line = proc.stdout.readline()
    while line and not line.startswith("listening on "):
        seen += line
        line = proc.stdout.readline()
    if not line:
        proc.kill()
        log.seek(0)
        raise RuntimeError(f"{command[0]} did not start: {seen}{log.read()}")
    proc.log = log
    return proc, int(line.split()[-1])


def run_cases(name, args, cases, transports=(["websocket"], ["polling"]), command=None):
    """Runs each case(url, transports) against fixture `name` of BIN_DIR started with `args` on a
    free port (or against `command`, a whole command line); prints one line per case and
    "N passed, M failed"."""
    proc, port = start_server(command or [os.path.join(BIN_DIR, name), "--port", "0", *args])
    url = f"http://127.0.0.1:{port}"
    passed = failed = 0
    try:
        for transport in transports:
            for case in cases:
                try:
                    case(url, transport)
                    passed += 1
                    print(f"ok {case.__name__} over {transport}")
                except Exception as error:  # report every case, then fail
                    failed += 1
                    print(f"FAILED {case.__name__} over {transport}: {error!r}")
    finally:
        proc.terminate()
        code = proc.wait(timeout=30)
        if code != 0:
            failed += 1
            proc.log.seek(0)
            print(f"FAILED {name} exited with {code}:\n{proc.log.read()}")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0
