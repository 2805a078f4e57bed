"""Requests per second of the programme page against a plain Django view.

Starts gunicorn (from the project's .venv) on a free loopback port against a database
loaded with the demo data, then measures ``/agenda/`` (the current edition's cached
programme, as an anonymous visitor) and ``/healthz`` (a plain view that reads the
database and pings Redis when configured) with the same client, alternating rounds,
each bounded in time and in count. Prints both rates and their ratio; the target is a
ratio of at least 0.8. Only ever talks to 127.0.0.1, and stops the server it started.

    .venv/bin/python bench/agenda.py [--seconds 4] [--max-requests 4000] [--clients 4]

The database is ``BENCH_DATABASE_URL`` (default: a ``gmc_bench`` PostgreSQL database on
loopback, created when missing, else SQLite under var/bench/). The server runs with
DEBUG on (no collectstatic needed) and Redis as the cache when Redis answers, as in
production; both views pay the same for DEBUG.
"""

from __future__ import annotations

import argparse
import http.client
import os
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
HOST = "127.0.0.1"
PATHS = {"agenda": "/agenda/", "plain": "/healthz"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def reachable(url: str, default_port: int) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname, parsed.port or default_port), timeout=1):
            return True
    except OSError:
        return False


def database_url() -> str:
    if os.environ.get("BENCH_DATABASE_URL"):
        return os.environ["BENCH_DATABASE_URL"]
    postgres = "postgres://postgres@127.0.0.1:5432/gmc_bench"
    if reachable(postgres, 5432):
        import psycopg2

        connection = psycopg2.connect(host=HOST, user="postgres", dbname="postgres")
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = 'gmc_bench'")
            if cursor.fetchone() is None:
                cursor.execute("CREATE DATABASE gmc_bench")
        connection.close()
        return postgres
    folder = ROOT / "var" / "bench"
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / 'bench.sqlite3'}"


def server_environment() -> dict[str, str]:
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "DEBUG": "1",
        "LOG_LEVEL": "WARNING",
        "GMC_VAR_DIR": str(ROOT / "var" / "bench"),
        "CACHE_KEY_PREFIX": f"gmc-bench-{uuid.uuid4().hex[:8]}",
        "CONN_MAX_AGE": "60",
    }
    redis = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/3")
    if reachable(redis, 6379):
        env["REDIS_URL"] = redis
    else:
        env.pop("REDIS_URL", None)
    return env


def prepare(env: dict[str, str]) -> None:
    manage = [str(VENV_BIN / "python"), str(ROOT / "manage.py")]
    for command in (["migrate", "--noinput", "-v0"], ["load_demo"]):
        subprocess.run(  # noqa: S603 - fixed arguments
            manage + command, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL
        )


def get(port: int, path: str) -> int:
    connection = http.client.HTTPConnection(HOST, port, timeout=10)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def wait_ready(port: int, server: subprocess.Popen, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit("gunicorn stopped before it served anything")
        try:
            if get(port, PATHS["plain"]) == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    sys.exit("gunicorn did not answer within 30 seconds")


def measure(port: int, path: str, seconds: float, max_requests: int, clients: int) -> float:
    """Requests per second of ``path`` with ``clients`` concurrent clients, until
    ``seconds`` pass or ``max_requests`` are made, whichever comes first."""
    lock, counts, failures = threading.Lock(), [0], [0]
    deadline = time.monotonic() + seconds

    def client() -> None:
        connection = http.client.HTTPConnection(HOST, port, timeout=10)
        while time.monotonic() < deadline:
            with lock:
                if counts[0] >= max_requests:
                    break
                counts[0] += 1
            try:
                connection.request("GET", path)
                response = connection.getresponse()
                response.read()
                if response.status != 200:
                    failures[0] += 1
                if response.getheader("Connection", "").lower() == "close":
                    connection.close()
            except (OSError, http.client.HTTPException):
                failures[0] += 1
                connection.close()
        connection.close()

    started = time.monotonic()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    if failures[0]:
        sys.exit(f"{path}: {failures[0]} of {counts[0]} requests failed")
    return counts[0] / elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=4.0, help="per round and path")
    parser.add_argument("--max-requests", type=int, default=4000, help="per round and path")
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--strict", action="store_true", help="exit 1 when the ratio is below 0.8")
    args = parser.parse_args()
    args.seconds = min(args.seconds, 30.0)
    args.max_requests = min(args.max_requests, 50_000)
    args.rounds = max(1, min(args.rounds, 5))

    env = server_environment()
    print(f"Preparing the database ({urlparse(env['DATABASE_URL']).scheme}) with the demo data")
    prepare(env)
    port = free_port()
    server = subprocess.Popen(  # noqa: S603 - fixed arguments, loopback only
        [
            str(VENV_BIN / "gunicorn"),
            "gmc.wsgi:application",
            "--bind",
            f"{HOST}:{port}",
            "--workers",
            str(args.workers),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        wait_ready(port, server)
        for path in PATHS.values():
            for _ in range(20):  # warm the workers, their connections and the cache
                if get(port, path) != 200:
                    sys.exit(f"{path} does not answer 200")
        totals = {name: 0.0 for name in PATHS}
        for _ in range(args.rounds):
            for name, path in PATHS.items():
                totals[name] += measure(port, path, args.seconds, args.max_requests, args.clients)
        rates = {name: total / args.rounds for name, total in totals.items()}
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
    ratio = rates["agenda"] / rates["plain"]
    print(f"{PATHS['agenda']:>10}: {rates['agenda']:8.1f} requests/s")
    print(f"{PATHS['plain']:>10}: {rates['plain']:8.1f} requests/s")
    verdict = "meets" if ratio >= 0.8 else "is below"
    print(f"     ratio: {ratio:8.2f} ({verdict} the 0.8 target)")
    return 1 if args.strict and ratio < 0.8 else 0


if __name__ == "__main__":
    sys.exit(main())
