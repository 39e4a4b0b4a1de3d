"""The safe fetcher: what it refuses by default, and that it still reads ordinary pages."""

import gzip
import ipaddress
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from unittest import mock

from django.test import SimpleTestCase, override_settings

from passaparola.content.tests.server import LocalServer
from passaparola.lib.fetch import (
    FEED,
    IMAGE,
    PAGE,
    FetchError,
    UnsafeURL,
    address_is_public,
    check_url,
    fetch,
)

PAGE_HTML = b"<!doctype html><title>Hello</title><p>Hi</p>"
REAL_GETADDRINFO = socket.getaddrinfo


@contextmanager
def dns(answers: dict[str, str]) -> Iterator[None]:
    """Make some host names resolve to the given addresses (the resolver is the test seam)."""

    def fake(host: str, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host in answers:
            address = answers[host]
            family = socket.AF_INET6 if ":" in address else socket.AF_INET
            sockaddr = (address, int(port or 0), 0, 0) if ":" in address else (address, port)
            return [(family, socket.SOCK_STREAM, 6, "", sockaddr)]
        return REAL_GETADDRINFO(host, port, *args, **kwargs)

    with mock.patch("socket.getaddrinfo", side_effect=fake):
        yield


class FetchTestCase(SimpleTestCase):
    def setUp(self) -> None:
        self.server = LocalServer().start()
        self.addCleanup(self.server.stop)


class DefaultConfigurationTests(FetchTestCase):
    def test_it_refuses_loopback_by_default(self) -> None:
        url = self.server.add("/", body=PAGE_HTML)

        for address in (url, self.server.url("/", host="localhost")):
            with self.subTest(address=address), self.assertRaises(UnsafeURL):
                fetch(address, accept=PAGE)

        self.assertEqual(self.server.requests, [])

    def test_it_refuses_loopback_written_as_a_number(self) -> None:
        for address in ("http://2130706433/", "http://0x7f000001/", "http://[::1]/"):
            with self.subTest(address=address), self.assertRaises(UnsafeURL):
                fetch(address, accept=PAGE)

    def test_it_refuses_the_cloud_metadata_address(self) -> None:
        with self.assertRaises(UnsafeURL):
            fetch("http://169.254.169.254/latest/meta-data/", accept=PAGE)

    def test_it_refuses_a_name_that_resolves_to_a_private_address(self) -> None:
        with dns({"intranet.example.com": "10.1.2.3"}), self.assertRaises(UnsafeURL):
            fetch("https://intranet.example.com/secrets", accept=PAGE)

    def test_it_refuses_a_name_with_one_private_answer_among_public_ones(self) -> None:
        def two_answers(host: str, port: Any, *args: Any, **kwargs: Any) -> Any:
            return [
                (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", port)),
                (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("192.168.1.1", port)),
            ]

        with (
            mock.patch("socket.getaddrinfo", side_effect=two_answers),
            self.assertRaises(UnsafeURL),
        ):
            check_url("https://rebind.example.com/")

    def test_it_refuses_other_schemes_and_credentials(self) -> None:
        for address in (
            "file:///etc/passwd",
            "ftp://example.com/file",
            "gopher://example.com/",
            "javascript:alert(1)",
            "https://user:secret@example.com/",
            "not a url",
            "http:///nohost",
        ):
            with self.subTest(address=address), self.assertRaises(UnsafeURL):
                fetch(address, accept=PAGE)

    def test_a_name_that_cannot_be_resolved_is_a_clear_error(self) -> None:
        def nowhere(*args: Any, **kwargs: Any) -> Any:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

        with (
            mock.patch("socket.getaddrinfo", side_effect=nowhere),
            self.assertRaisesMessage(FetchError, "could not be found"),
        ):
            fetch("https://vanished.example.com/", accept=PAGE)


class AddressTests(SimpleTestCase):
    def test_private_and_special_addresses_are_not_public(self) -> None:
        for text in (
            "127.0.0.1",
            "10.0.0.1",
            "172.16.5.4",
            "192.168.0.10",
            "169.254.169.254",
            "100.64.0.1",
            "100.127.255.254",
            "224.0.0.1",
            "239.255.255.250",
            "240.0.0.1",
            "255.255.255.255",
            "0.0.0.0",  # noqa: S104
            "198.18.0.1",
            "::1",
            "::",
            "fc00::1",
            "fd12:3456::1",
            "fe80::1",
            "fec0::1",
            "ff02::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "::ffff:93.184.216.34",
            "2002:a00:1::",  # 6to4 around 10.0.0.1
            "2002:7f00:1::",  # 6to4 around 127.0.0.1
            "2001:0:4136:e378:8000:63bf:f5ff:fffe",  # Teredo
            "64:ff9b::a00:1",  # NAT64 around 10.0.0.1
            "64:ff9b::a9fe:a9fe",  # NAT64 around 169.254.169.254
            "2001:db8::1",
        ):
            with self.subTest(address=text):
                self.assertFalse(address_is_public(ipaddress.ip_address(text)))

    def test_public_addresses_are_public(self) -> None:
        for text in (
            "93.184.216.34",
            "1.1.1.1",
            "2606:4700:4700::1111",
            "2002:5db8:d822::",  # 6to4 around a public address
            "64:ff9b::5db8:d822",  # NAT64 around a public address
        ):
            with self.subTest(address=text):
                self.assertTrue(address_is_public(ipaddress.ip_address(text)))

    def test_loopback_is_public_only_when_explicitly_allowed(self) -> None:
        self.assertFalse(address_is_public(ipaddress.ip_address("127.0.0.1")))
        self.assertTrue(address_is_public(ipaddress.ip_address("127.0.0.1"), allow_loopback=True))
        self.assertFalse(address_is_public(ipaddress.ip_address("10.0.0.1"), allow_loopback=True))
        self.assertFalse(
            address_is_public(ipaddress.ip_address("::ffff:127.0.0.1"), allow_loopback=True)
        )


@override_settings(FETCH_ALLOW_LOOPBACK=True)
class LoopbackAllowedTests(FetchTestCase):
    def test_it_reads_a_page_and_its_charset(self) -> None:
        url = self.server.add("/page", body=PAGE_HTML, content_type="text/html; charset=ISO-8859-1")

        response = fetch(url, accept=PAGE)

        self.assertEqual(response.status, 200)
        self.assertEqual(response.body, PAGE_HTML)
        self.assertEqual(response.content_type, "text/html")
        self.assertEqual(response.charset, "iso-8859-1")
        self.assertEqual(response.url, url)

    def test_it_connects_to_the_checked_address_and_sends_the_host_name(self) -> None:
        self.server.add("/pinned", body=PAGE_HTML)

        with dns({"news.example.test": "127.0.0.1"}):
            response = fetch(self.server.url("/pinned", host="news.example.test"), accept=PAGE)

        self.assertEqual(response.body, PAGE_HTML)
        path, headers = self.server.requests[-1]
        self.assertEqual(path, "/pinned")
        self.assertEqual(headers["host"], f"news.example.test:{self.server.port}")

    def test_it_follows_redirects_and_reports_the_final_address(self) -> None:
        final = self.server.add("/final", body=PAGE_HTML)
        self.server.add("/start", status=302, headers={"Location": "/middle"})
        self.server.add("/middle", status=301, headers={"Location": final})

        response = fetch(self.server.url("/start"), accept=PAGE)

        self.assertEqual(response.url, final)
        self.assertEqual(response.body, PAGE_HTML)

    def test_it_follows_five_redirects_but_not_six(self) -> None:
        self.server.add("/hop6", body=PAGE_HTML)
        for hop in range(6):
            self.server.add(f"/hop{hop}", status=307, headers={"Location": f"/hop{hop + 1}"})

        self.assertEqual(fetch(self.server.url("/hop1"), accept=PAGE).body, PAGE_HTML)
        with self.assertRaisesMessage(FetchError, "redirected too many times"):
            fetch(self.server.url("/hop0"), accept=PAGE)

    def test_a_redirect_to_a_private_or_metadata_address_is_refused(self) -> None:
        targets = {
            "/to-metadata": "http://169.254.169.254/latest/meta-data/iam/",
            "/to-private": "http://10.0.0.8/admin",
            "/to-cgnat": "http://100.64.1.1/",
            "/to-mapped": "http://[::ffff:192.168.0.1]/",
            "/to-private-name": "http://db.internal.example/",
            "/to-file": "file:///etc/passwd",
        }
        for path, location in targets.items():
            self.server.add(path, status=302, headers={"Location": location})

        with dns({"db.internal.example": "192.168.10.20"}):
            for path in targets:
                with self.subTest(path=path), self.assertRaises(UnsafeURL):
                    fetch(self.server.url(path), accept=PAGE)

    def test_a_body_over_the_cap_is_abandoned_while_streaming(self) -> None:
        big = b"<html>" + b"x" * (PAGE.max_bytes + 10)
        declared = self.server.add("/declared", body=big)
        undeclared = self.server.add("/undeclared", body=big, send_length=False)

        for url in (declared, undeclared):
            with self.subTest(url=url), self.assertRaisesMessage(FetchError, "too large"):
                fetch(url, accept=PAGE)

    def test_a_compressed_body_is_capped_once_expanded(self) -> None:
        bomb = gzip.compress(b"<html>" + b" " * (PAGE.max_bytes * 3))
        url = self.server.add("/bomb", body=bomb, headers={"Content-Encoding": "gzip"})

        with self.assertRaisesMessage(FetchError, "too large"):
            fetch(url, accept=PAGE)

    def test_an_unexpected_content_type_is_refused(self) -> None:
        pdf = self.server.add("/doc.pdf", body=b"%PDF-1.4", content_type="application/pdf")
        html = self.server.add("/page", body=PAGE_HTML)

        with self.assertRaisesMessage(FetchError, "application/pdf"):
            fetch(pdf, accept=PAGE)
        with self.assertRaises(FetchError):
            fetch(html, accept=IMAGE)
        with self.assertRaises(FetchError):
            fetch(html, accept=FEED)

    def test_feeds_accept_xml_types(self) -> None:
        for content_type in ("application/rss+xml", "application/atom+xml", "text/xml"):
            url = self.server.add(f"/{content_type}", body=b"<rss/>", content_type=content_type)
            with self.subTest(content_type=content_type):
                self.assertEqual(fetch(url, accept=FEED).body, b"<rss/>")

    def test_an_error_status_is_a_clear_error(self) -> None:
        url = self.server.add("/gone", status=410, body=b"gone")

        with self.assertRaisesMessage(FetchError, "HTTP 410"):
            fetch(url, accept=PAGE)

    @override_settings(FETCH_READ_TIMEOUT=0.2)
    def test_a_server_that_does_not_answer_times_out(self) -> None:
        url = self.server.add("/slow", body=PAGE_HTML, delay=1.5)

        started = time.monotonic()
        with self.assertRaisesMessage(FetchError, "too long"):
            fetch(url, accept=PAGE)
        self.assertLess(time.monotonic() - started, 1.2)

    @override_settings(FETCH_TOTAL_TIMEOUT=0.4)
    def test_a_server_that_drips_its_body_hits_the_deadline(self) -> None:
        url = self.server.add("/drip", body=b"<html>" + b"x" * 100, drip=0.05)

        started = time.monotonic()
        with self.assertRaisesMessage(FetchError, "too long"):
            fetch(url, accept=PAGE)
        self.assertLess(time.monotonic() - started, 2)

    def test_a_conditional_request_that_finds_nothing_new_says_not_modified(self) -> None:
        url = self.server.add(
            "/feed", body=b"<rss/>", content_type="application/rss+xml", etag='"v1"'
        )

        first = fetch(url, accept=FEED)
        second = fetch(url, accept=FEED, etag=first.headers["etag"])

        self.assertFalse(first.not_modified)
        self.assertTrue(second.not_modified)
        self.assertEqual(self.server.requests[-1][1]["if-none-match"], '"v1"')
