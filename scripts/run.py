"""``make run``: migrate, seed the demo, then run the Procfile (web, worker, beat) with honcho.

On a machine without PostgreSQL or Redis everything runs on the embedded default (a SQLite
database and a SQLite-backed Celery broker in ``instance/``, with the single file-backed beat);
with ``DATABASE_URL`` and ``REDIS_URL`` set, the same processes use those instead (and beat
fails over through Redis). Ctrl-C stops everything; so does any one process stopping.
"""

from __future__ import annotations

import os
import subprocess
import sys
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
    env["HOST"] = HOST
    env["PYTHONUNBUFFERED"] = "1"
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    instance = Path(env.get("INSTANCE_DIR", ROOT / "instance"))
    instance.mkdir(parents=True, exist_ok=True)
    env.setdefault("INSTANCE_DIR", str(instance))
    # /metrics sums every gunicorn worker process (gunicorn.conf.py empties it at start).
    env.setdefault("PROMETHEUS_MULTIPROC_DIR", str(instance / "prometheus"))

    def flask(*args: str) -> None:
        subprocess.run([str(BIN / "flask"), *args], cwd=ROOT, env=env, check=True)

    print("== Migrating the database", flush=True)
    flask("db", "upgrade")
    print("== Seeding the demo data", flush=True)
    flask("seed-demo")

    print(f"\n== Starting at http://{HOST}:{PORT}  (Procfile: web, worker, beat; Ctrl-C stops "
          "all)")
    print("   Demo logins: buyer1@demo.example, buyer2@demo.example, staff1@demo.example,")
    print("   staff2@demo.example, admin@demo.example, vendor1@demo.example … vendor6@…")
    print("   Password: the value of DEMO_PASSWORD, or the default printed above.")
    print("   Without MAIL_SERVER, e-mails are written to the worker's log.")
    print("   Health: /healthz, /readyz; metrics: /metrics; `flask ops status`.\n", flush=True)
    # honcho takes this process's place: Ctrl-C and SIGTERM reach it directly, it stops
    # every process of the Procfile (and all of them when any one stops).
    os.chdir(ROOT)
    honcho = str(BIN / "honcho")
    os.execve(honcho, [honcho, "start", "-f", str(ROOT / "Procfile"), "-d", str(ROOT),  # noqa: S606
                       "-p", PORT], env)


if __name__ == "__main__":
    sys.exit(main())
