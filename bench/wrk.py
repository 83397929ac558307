"""Driving one endpoint with wrk (Debian's ``wrk`` 4.1) and reading its figures.

A Lua script per run sets the method, body and headers (bearer token, session cookie) and,
in ``done``, prints one line with the request count, duration, p50/p95/p99 latencies (µs)
and error counts, so nothing is parsed from wrk's human output.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

DONE = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("BENCH %d %d %d %d %d %d %d\\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(95), latency:percentile(99),
    e.status, e.connect + e.read + e.write + e.timeout))
end
"""


@dataclass
class Figures:
    requests: int
    rate: float  # requests/s
    p50_ms: float
    p95_ms: float
    p99_ms: float
    bad_status: int  # responses that were not 2xx/3xx
    socket_errors: int


def lua(method: str = "GET", body: str | None = None,
        headers: dict[str, str] | None = None) -> str:
    lines = [f"wrk.method = {json.dumps(method)}"]
    if body is not None:
        lines.append(f"wrk.body = {json.dumps(body)}")
    for name, value in (headers or {}).items():
        lines.append(f"wrk.headers[{json.dumps(name)}] = {json.dumps(value)}")
    return "\n".join(lines) + "\n" + DONE


def require_wrk() -> str:
    found = shutil.which("wrk")
    if found is None:
        raise SystemExit("wrk is missing: apt-get install -y wrk")
    return found


def run(url: str, script: str, duration: float, threads: int = 2,
        connections: int = 16) -> Figures:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(script)
        path = Path(handle.name)
    try:
        out = subprocess.run(
            [require_wrk(), f"-t{threads}", f"-c{connections}", f"-d{max(1, round(duration))}s",
             "--timeout", "10s", "-s", str(path), url],
            capture_output=True, text=True, timeout=duration + 60, check=False)
    finally:
        path.unlink()
    line = next((x for x in out.stdout.splitlines() if x.startswith("BENCH ")), None)
    if line is None:
        raise SystemExit(f"wrk gave no figures for {url}:\n{out.stdout}\n{out.stderr}")
    n, micros, p50, p95, p99, status, sockets = (int(x) for x in line.split()[1:])
    return Figures(requests=n, rate=n / (micros / 1e6), p50_ms=p50 / 1000, p95_ms=p95 / 1000,
                   p99_ms=p99 / 1000, bad_status=status, socket_errors=sockets)
