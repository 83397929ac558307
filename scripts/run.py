"""``make run``: migrate, seed the demo, then run web + worker + beat until Ctrl-C.

On a machine without PostgreSQL or Redis everything runs on the embedded default (a SQLite
database and a SQLite-backed Celery broker in ``instance/``); with ``DATABASE_URL`` and
``REDIS_URL`` set, the same processes use those instead.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
HOST = os.environ.get("HOST", "127.0.0.1")
PORT = os.environ.get("PORT", "5000")


def main() -> int:
    env = dict(os.environ)
    env.setdefault("FLASK_APP", "wsgi")
    env.setdefault("APP_ENV", "development")
    env.setdefault("PUBLIC_BASE_URL", f"http://{HOST}:{PORT}")
    env["PYTHONUNBUFFERED"] = "1"
    (ROOT / "instance").mkdir(exist_ok=True)

    def flask(*args: str) -> None:
        subprocess.run([str(BIN / "flask"), *args], cwd=ROOT, env=env, check=True)

    print("== Migrating the database", flush=True)
    flask("db", "upgrade")
    print("== Seeding the demo data", flush=True)
    flask("seed-demo")

    commands = {
        "web": [str(BIN / "gunicorn"), "--bind", f"{HOST}:{PORT}", "--workers", "2",
                "--access-logfile", "-", "wsgi:app"],
        "worker": [str(BIN / "celery"), "-A", "workers.celery_app", "worker", "--concurrency",
                   "2", "--loglevel", "INFO", "--without-gossip", "--without-mingle"],
        # Exactly one beat process: it only sends the periodic sweeps.
        "beat": [str(BIN / "celery"), "-A", "workers.celery_app", "beat", "--loglevel", "INFO",
                 "--schedule", str(ROOT / "instance" / "celerybeat-schedule")],
    }
    processes: dict[str, subprocess.Popen[bytes]] = {}
    for name, command in commands.items():
        processes[name] = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)

    stopping = False

    def stop(*_args: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)

    time.sleep(3)
    print(f"\n== Running at http://{HOST}:{PORT}  (web, worker and beat; Ctrl-C stops all)")
    print("   Demo logins: buyer1@demo.example, buyer2@demo.example, staff1@demo.example,")
    print("   staff2@demo.example, admin@demo.example, vendor1@demo.example … vendor6@…")
    print("   Password: the value of DEMO_PASSWORD, or the default printed above.")
    print("   Without MAIL_SERVER, e-mails are written to the worker's log.\n", flush=True)

    exit_code = 0
    while not stopping:
        for name, process in processes.items():
            if process.poll() is not None:
                print(f"== {name} stopped (exit code {process.returncode}); stopping the rest",
                      flush=True)
                exit_code = process.returncode or 1
                stopping = True
                break
        time.sleep(0.5)

    # The main process of each gets SIGTERM (Celery then shuts its pool down warmly);
    # whatever is left of a group after the grace period is killed.
    for process in processes.values():
        if process.poll() is None:
            process.terminate()
    deadline = time.monotonic() + 15
    for process in processes.values():
        try:
            process.wait(timeout=max(deadline - time.monotonic(), 0.1))
        except subprocess.TimeoutExpired:
            pass
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    print("== Stopped.", flush=True)
    return exit_code


if __name__ == "__main__":
    sys.exit(main())
