"""A real HTTP server on 127.0.0.1, in a thread, that plays a network's API in tests.

Each test registers what the network answers on a method and path (documented responses,
errors, slow answers) and afterwards reads back every request exactly as it arrived.
Nothing here can reach beyond the loopback interface.
"""

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class Request:
    """One request as the fake network received it."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)

    def form(self) -> dict[str, str]:
        return {key: values[0] for key, values in parse_qs(self.body.decode()).items()}


@dataclass
class Reply:
    """What the fake network answers; `delay` outlasts the client's timeout to simulate one."""

    status: int = 200
    json: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    delay: float = 0.0


Behaviour = Callable[[Request], Reply]


def _as_behaviour(value: Behaviour | Reply) -> Behaviour:
    if isinstance(value, Reply):
        return lambda request: value
    return value


class FakeAPI:
    """Serve registered behaviours at http://127.0.0.1:<free port>; record every request."""

    def __init__(self) -> None:
        self.behaviours: dict[tuple[str, str], list[Behaviour]] = {}
        self.requests: list[Request] = []
        self._lock = threading.Lock()
        api = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                parts = urlsplit(self.path)
                request = Request(
                    method=self.command,
                    path=parts.path,
                    query=parse_qs(parts.query),
                    headers={key.lower(): value for key, value in self.headers.items()},
                    body=self.rfile.read(length) if length else b"",
                )
                with api._lock:
                    api.requests.append(request)
                    queue = api.behaviours.get((self.command, parts.path))
                    behaviour = None
                    if queue:
                        behaviour = queue.pop(0) if len(queue) > 1 else queue[0]
                reply = behaviour(request) if behaviour else Reply(404, {"error": "not found"})
                if reply.delay:
                    time.sleep(reply.delay)
                body = json.dumps(reply.json).encode() if reply.json is not None else reply.body
                try:
                    self.send_response(reply.status)
                    if reply.json is not None:
                        self.send_header("Content-Type", "application/json; charset=utf-8")
                    for name, value in reply.headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up waiting, as a timed-out client does

            do_GET = do_POST = _serve

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def url(self) -> str:
        port = self.server.server_address[1]
        return f"http://127.0.0.1:{port}"

    @property
    def netloc(self) -> str:
        return self.url.removeprefix("http://")

    def on(self, method: str, path: str, *behaviours: Behaviour | Reply) -> None:
        """Answer method+path with each behaviour in turn, the last one from then on."""
        self.behaviours[(method, path)] = [_as_behaviour(b) for b in behaviours]

    def calls(self, method: str, path: str) -> list[Request]:
        """Return the requests received on method+path, oldest first."""
        return [r for r in self.requests if r.method == method and r.path == path]

    def start(self) -> "FakeAPI":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
