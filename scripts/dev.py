#!/usr/bin/env python
"""`make run`: the development server and one task worker side by side; Ctrl-C (or either dying) stops both.

Usage: scripts/dev.py [ADDRESS:PORT]   (default 127.0.0.1:8000)
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main(address="127.0.0.1:8000"):
    manage = [sys.executable, str(ROOT / "manage.py")]
    env = {"DEBUG": "1"} | os.environ
    processes = [
        subprocess.Popen([*manage, "db_worker", "--interval", "1"], cwd=ROOT, env=env),
        subprocess.Popen([*manage, "runserver", address], cwd=ROOT, env=env),
    ]
    try:
        while all(process.poll() is None for process in processes):
            time.sleep(0.2)
    except KeyboardInterrupt:
        pass
    finally:
        for process in processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
    return max(process.returncode or 0 for process in processes)


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, signal.default_int_handler)  # a SIGTERM stops both, like Ctrl-C
    sys.exit(main(*sys.argv[1:2]))
