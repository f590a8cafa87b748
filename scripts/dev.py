#!/usr/bin/env python
"""`make run`: the development server and one task worker side by side; Ctrl-C (or either dying) stops both.

Usage: scripts/dev.py [ADDRESS:PORT]   (default 127.0.0.1:8000)
Each runs in a process group of its own (Django's autoreloader forks a child), stopped as a whole.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def start(*args):
    env = {"DEBUG": "1"} | os.environ
    return subprocess.Popen(
        [sys.executable, str(ROOT / "manage.py"), *args], cwd=ROOT, env=env, start_new_session=True
    )


def stop(processes):
    for process in processes:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)  # the worker finishes the task in hand, then exits
    deadline = time.monotonic() + 10  # one grace period for both, then they are killed
    for process in processes:
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        try:  # a reloader's child left behind
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def main(address="127.0.0.1:8000"):
    processes = [start("db_worker"), start("runserver", address)]
    try:
        while all(process.poll() is None for process in processes):
            time.sleep(0.2)
    except KeyboardInterrupt:
        pass
    finally:
        stop(processes)
    return 0


if __name__ == "__main__":
    # Ctrl-C and SIGTERM stop both; SIGINT is set explicitly, as a shell starting us in the background
    # leaves it ignored.
    for number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(number, signal.default_int_handler)
    sys.exit(main(*sys.argv[1:2]))
