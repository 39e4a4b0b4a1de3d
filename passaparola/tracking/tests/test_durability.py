"""No answered click is lost when the web server is killed with SIGKILL under load.

The production server (README, "Production deployment") runs in a subprocess on a loopback
port with its own SQLite database and click spool. Threads fire bounded, concurrent requests,
each with its own referrer host so every answered redirect can be found again; the server's
whole process group is killed with SIGKILL while requests are in flight, started again, killed
again, and the spool is ingested. Every request that received its 302 must be a Click row.
"""

import http.client
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR).parent
CHROME = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Safari/537.36"
)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def manage(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


@contextmanager
def production_server(env: dict[str, str], port: int, log: Path) -> Iterator[subprocess.Popen]:
    """Run the README's production command; SIGKILL its whole process group at the end."""
    command = [
        str(Path(sys.executable).parent / "granian"),
        "--interface=wsgi",
        "--host=127.0.0.1",
        f"--port={port}",
        "--workers=2",
        "--blocking-threads=4",
        "--log-level=warning",
        "passaparola.wsgi:application",
    ]
    with log.open("ab") as output:
        server = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=output, stderr=output, start_new_session=True
        )
    try:
        deadline = time.monotonic() + 30
        while True:
            assert server.poll() is None, log.read_text()[-3000:]
            try:
                probe = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                probe.request("GET", "/healthz")
                if probe.getresponse().status == 200:
                    break
            except (OSError, http.client.HTTPException):
                pass
            finally:
                probe.close()
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.1)
        yield server
    finally:
        kill(server)


def kill(server: subprocess.Popen) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGKILL)
    server.wait(timeout=30)


class Load:
    """Bounded concurrent clicks; remembers each request that got its redirect answered."""

    def __init__(self, port: int, codes: list[str]) -> None:
        self.port = port
        self.codes = codes
        self.answered: set[str] = set()
        self.failed = 0
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.counter = 0

    def next_name(self) -> str:
        with self.lock:
            self.counter += 1
            return f"r{self.counter}.example"

    def worker(self, limit: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
        for number in range(limit):
            if self.stop.is_set():
                break
            name = self.next_name()
            code = self.codes[number % len(self.codes)]
            try:
                connection.request(
                    "GET",
                    f"/s/{code}",
                    headers={"User-Agent": CHROME, "Referer": f"https://{name}/post"},
                )
                response = connection.getresponse()
                response.read()
            except (OSError, http.client.HTTPException):
                with self.lock:
                    self.failed += 1
                connection.close()
                if self.stop.is_set():
                    break
                time.sleep(0.05)
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                continue
            if response.status == 302 and response.getheader("Location", "").startswith(
                "https://example.com/"
            ):
                with self.lock:
                    self.answered.add(name)
        connection.close()

    def run(self, threads: int, per_thread: int) -> list[threading.Thread]:
        workers = [
            threading.Thread(target=self.worker, args=(per_thread,), daemon=True)
            for _ in range(threads)
        ]
        for worker in workers:
            worker.start()
        return workers


def recorded_referrers(database: Path) -> list[str]:
    with sqlite3.connect(database) as connection:
        rows = connection.execute("SELECT referrer_domain FROM tracking_click").fetchall()
    return [row[0] for row in rows]


def test_sigkill_under_load_loses_no_answered_click(tmp_path: Path) -> None:
    port = free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "HUEY_IMMEDIATE", "CLICK_SPOOL"}
    }
    env.update(
        DATA_DIR=str(tmp_path),
        HUEY_IMMEDIATE="false",
        STATIC_MANIFEST="false",
        SITE_URL=f"http://127.0.0.1:{port}",
        ALLOWED_HOSTS="127.0.0.1",
        CLICK_SPOOL="file",
    )
    manage(env, "migrate", "--verbosity=0")
    codes = json.loads(manage(env, "loadtest_links", "--people=4"))["codes"]
    log = tmp_path / "server.log"

    load = Load(port, codes)
    with production_server(env, port, log) as server:
        workers = load.run(threads=12, per_thread=400)
        deadline = time.monotonic() + 20
        while len(load.answered) < 600 and time.monotonic() < deadline:
            time.sleep(0.02)
        kill(server)  # SIGKILL while the threads are still sending
        load.stop.set()
        for worker in workers:
            worker.join(timeout=30)
    first_round = len(load.answered)

    # Back up after the crash: the clicks keep coming, and a second kill takes it down again.
    load.stop.clear()
    with production_server(env, port, log) as server:
        workers = load.run(threads=4, per_thread=50)
        for worker in workers:
            worker.join(timeout=60)
        kill(server)

    manage(env, "clicks_ingest")
    recorded = recorded_referrers(tmp_path / "passaparola.sqlite3")

    assert first_round >= 600, "the load never got going"
    assert len(load.answered) >= first_round + 100, f"after the restart: {load.failed} failed"
    missing = load.answered - set(recorded)
    assert not missing, f"{len(missing)} answered clicks lost, for example {sorted(missing)[:5]}"
    assert len(recorded) == len(set(recorded)), "a click was ingested twice"
    assert not list((tmp_path / "clicks").glob("*.clicks")), "spool files of dead servers remain"
