"""One app process making login attempts, as one gunicorn worker would serve them.

Run by ``test_rate_limit.py``: ``python -m tests.integration.login_attempts EMAIL PASSWORD...``
with the configuration in the environment. Prints the status codes as JSON on the last line.
"""

from __future__ import annotations

import json
import sys

from app import create_app


def main(argv: list[str]) -> None:
    address, passwords = argv[0], argv[1:]
    app = create_app(None, WTF_CSRF_ENABLED=False)
    client = app.test_client()
    codes = [client.post("/login", data={"email": address, "password": password}).status_code
             for password in passwords]
    print(json.dumps(codes))


if __name__ == "__main__":
    main(sys.argv[1:])
