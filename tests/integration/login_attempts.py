"""One app process making login attempts, as one gunicorn worker would serve them.

Run by ``test_rate_limit.py``:
``python -m tests.integration.login_attempts [--from ADDRESS] EMAIL PASSWORD...`` with the
configuration in the environment; ``--from`` sets the client address the limiter sees
(``REMOTE_ADDR``). Prints the status codes as JSON on the last line.
"""

from __future__ import annotations

import json
import sys

from app import create_app


def main(argv: list[str]) -> None:
    remote = "127.0.0.1"
    if argv[0] == "--from":
        remote, argv = argv[1], argv[2:]
    address, passwords = argv[0], argv[1:]
    app = create_app(None, WTF_CSRF_ENABLED=False)
    client = app.test_client()
    codes = [client.post("/login", data={"email": address, "password": password},
                         environ_base={"REMOTE_ADDR": remote}).status_code
             for password in passwords]
    print(json.dumps(codes))


if __name__ == "__main__":
    main(sys.argv[1:])
