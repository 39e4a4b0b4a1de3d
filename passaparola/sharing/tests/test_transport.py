import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from unittest import mock

from django.test import SimpleTestCase, override_settings

from passaparola.networks.base import Rejected
from passaparola.networks.http import request


class _Recorder(BaseHTTPRequestHandler):
    hosts: list[str] = []

    def do_GET(self) -> None:
        self.hosts.append(self.headers.get("Host", ""))
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def loopback_server() -> Iterator[int]:
    _Recorder.hosts = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


def resolving_to(address: str) -> mock._patch:
    """Make every name resolve to `address`, as a hostile DNS answer would."""

    def answer(host: str, port: int | str | None, *args: object, **kwargs: object) -> list[tuple]:
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, int(port or 0)))]

    return mock.patch("socket.getaddrinfo", side_effect=answer)


@override_settings(SHARING_ALLOW_PRIVATE_HOSTS=False)
class ServerSideCallsTests(SimpleTestCase):
    """Calls to servers people name (Mastodon, Bluesky) only reach public addresses."""

    def test_a_loopback_server_is_refused_without_being_contacted(self) -> None:
        with loopback_server() as port, self.assertRaises(Rejected):
            request("GET", f"http://127.0.0.1:{port}/api/v1/instance")
        self.assertEqual(_Recorder.hosts, [])

    def test_a_name_that_resolves_to_a_private_address_is_refused(self) -> None:
        with resolving_to("10.0.0.5"), self.assertRaises(Rejected):
            request("GET", "https://mastodon.example/api/v1/instance")

    def test_the_connection_goes_to_the_checked_address_with_the_real_host_name(self) -> None:
        # Loopback stands in for "a public address" here; the name must still be sent.
        with (
            override_settings(FETCH_ALLOW_LOOPBACK=True),
            loopback_server() as port,
            resolving_to("127.0.0.1"),
        ):
            response = request("GET", f"http://mastodon.example:{port}/api/v1/instance")
        self.assertEqual(response.status, 200)
        self.assertEqual(_Recorder.hosts, [f"mastodon.example:{port}"])
