"""The lead snippet in a real Chromium, on a company website that is another origin.

The website is a tiny server on a second loopback address: its landing page loads the snippet
from the platform, and its contact form really navigates away on submit, which is when a
browser cancels the requests the page still has in flight. On loopback a request is sent before
the next page arrives, so the leads go through a third address that plays a distant platform:
its connections are not answered until the visitor is on the next page (as over a slow network
where the connection, or its TLS handshake, is still under way when the form is sent).
"""

import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest
from django.conf import settings
from playwright.sync_api import Page, expect

from passaparola.content.services import post_create, post_publish
from passaparola.people.models import Role
from passaparola.people.services import person_create
from passaparola.recognition.models import PointsEntry
from passaparola.sharing.services import shortlink_get_or_create
from passaparola.testing import PASSWORD
from passaparola.testing.browser import BrowserTestCase
from passaparola.tracking.models import Conversion
from passaparola.tracking.services import (
    clicks_ingest,
    clicks_process,
    conversions_confirm,
    tracking_settings_update,
)

LANDING = """<!doctype html>
<html><head><meta charset="utf-8"><title>Acme offer</title>
<script src="{platform}/static/tracking/passaparola.js" data-endpoint="{endpoint}" defer>
</script></head>
<body><h1>Our offer</h1>
<form method="post" action="/thanks" data-passaparola-lead="contact-form">
<label>Email <input name="email" type="email" required></label>
<button>Send</button></form></body></html>
"""
THANKS = "<!doctype html><title>Thanks</title><h1>Thank you, we will call you</h1>"


class Website(BaseHTTPRequestHandler):
    """The company's website: a landing page with the snippet, and the page after the form."""

    platform = ""
    endpoint = ""

    def _send(self, page: str) -> None:
        body = page.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        self._send(LANDING.format(platform=self.platform, endpoint=self.endpoint))

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self._send(THANKS)

    def log_message(self, format: str, *args: object) -> None:
        pass


class FarPlatform:
    """A TCP relay to the platform whose connections hang until `arrive()`.

    Its listening queue holds one connection that is never taken, so the kernel drops the
    browser's connection attempts and the browser tries again a second later, as on a network
    that loses packets; after `arrive()` the relay takes connections and passes bytes both ways.
    """

    def __init__(self, platform: tuple[str, int]) -> None:
        self.platform = platform
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.3", 0))
        self.listener.listen(0)
        self.address = self.listener.getsockname()
        self.filler = socket.create_connection(self.address)
        self.arrived = threading.Event()
        threading.Thread(target=self._serve, daemon=True).start()

    def arrive(self) -> None:
        self.arrived.set()

    def close(self) -> None:
        self.arrived.set()
        self.filler.close()
        self.listener.close()

    def _serve(self) -> None:
        self.arrived.wait()
        while True:
            try:
                visitor, _address = self.listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.platform)
            for source, sink in ((visitor, upstream), (upstream, visitor)):
                threading.Thread(target=self._pipe, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
            sink.shutdown(socket.SHUT_WR)
        except OSError:
            pass


@pytest.mark.browser
class SnippetInBrowserTests(BrowserTestCase):
    """A visitor follows Alice's link to the company site and sends its contact form."""

    host = "127.0.0.1"
    # Nothing leaves the machine: both sites and the far platform are loopback addresses.
    local_hosts = ("127.0.0.1", "127.0.0.2", "127.0.0.3")
    website: ClassVar[ThreadingHTTPServer]
    site: ClassVar[str]

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        Website.platform = cls.live_server_url
        # Another loopback address than the platform's: another origin and another site.
        cls.website = ThreadingHTTPServer(("127.0.0.2", 0), Website)
        cls.addClassCleanup(cls.website.server_close)
        cls.addClassCleanup(cls.website.shutdown)
        cls.site = f"http://127.0.0.2:{cls.website.server_address[1]}"
        threading.Thread(target=cls.website.serve_forever, daemon=True).start()

    def setUp(self) -> None:
        super().setUp()
        self.enterContext(self.settings(ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "127.0.0.3"]))
        self.alice = person_create(
            email="alice@example.org", name="Alice Example", password=PASSWORD
        )
        erin = person_create(
            email="erin@example.org", name="Erin Editor", password=PASSWORD, role=Role.EDITOR
        )
        post = post_create(created_by=erin, url=f"{self.site}/offer", title="Our offer")
        post_publish(post=post, by=erin)
        self.link = shortlink_get_or_create(person=self.alice, post=post, network="linkedin")
        tracking_settings_update(fields={"allowed_origins": self.site})
        self.page_errors: list[str] = []
        self.far = FarPlatform((self.host, self.server_thread.port))
        self.addCleanup(self.far.close)
        Website.endpoint = "http://{}:{}/tracking/lead".format(*self.far.address)

    def visitor(self) -> Page:
        context = self.browser.new_context(user_agent=self.human_agent)
        self.addCleanup(context.close)
        context.set_default_timeout(10_000)
        page = context.new_page()
        page.on("pageerror", lambda error: self.page_errors.append(str(error)))
        return page

    def land(self, page: Page) -> None:
        """Follow Alice's short link to the company's landing page, snippet loaded."""
        page.goto(f"{self.live_server_url}/s/{self.link.code}")
        page.wait_for_url(f"{self.site}/offer?*")
        page.wait_for_function("() => window.passaparola && window.passaparola.click()")
        with self.server_idle():
            clicks_ingest()

    def wait_for_lead(self) -> Conversion:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with self.server_idle():  # not while the platform is still writing it
                lead = Conversion.objects.first()
            if lead is not None:
                return lead
            time.sleep(0.05)
        self.fail("the website's lead never reached the platform")

    def test_a_form_that_navigates_away_still_reports_its_lead(self) -> None:
        page = self.visitor()
        self.land(page)

        page.get_by_label("Email").fill("visitor@example.net")
        page.get_by_role("button", name="Send").click()
        expect(page.get_by_role("heading")).to_have_text("Thank you, we will call you")
        with self.server_idle():
            self.assertFalse(Conversion.objects.exists())  # the visitor left before it was sent
        self.far.arrive()

        lead = self.wait_for_lead()
        self.assertEqual(
            (lead.link, lead.external_id, lead.source), (self.link, "contact-form", "web")
        )
        with self.server_idle():
            clicks_process()
            conversions_confirm()
            lead.refresh_from_db()
            points = PointsEntry.objects.filter(action=PointsEntry.Action.LEAD, person=self.alice)
            self.assertEqual(lead.state, "confirmed")
            self.assertEqual(points.count(), 1)
        self.assertEqual(self.page_errors, [])

    def test_a_second_submit_brings_no_second_lead(self) -> None:
        self.far.arrive()
        page = self.visitor()
        self.land(page)
        for _time in range(2):
            page.goto(f"{self.site}/offer")
            page.get_by_label("Email").fill("visitor@example.net")
            page.get_by_role("button", name="Send").click()
            expect(page.get_by_role("heading")).to_have_text("Thank you, we will call you")

        self.wait_for_lead()
        time.sleep(0.5)  # the second report, if any, has arrived by now
        with self.server_idle():
            self.assertEqual(Conversion.objects.count(), 1)
