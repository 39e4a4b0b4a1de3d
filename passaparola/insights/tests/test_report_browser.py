"""The leadership report in a real Chromium: nothing refused by the CSP, and on paper only the
report (no navigation, no forms)."""

import tempfile
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from playwright.sync_api import ConsoleMessage, Page, Response, expect

from passaparola.content.models import Post
from passaparola.content.services import post_create, post_publish
from passaparola.insights.tests.test_report import report_scene
from passaparola.people.models import Person, Role, Team
from passaparola.people.services import person_create
from passaparola.testing.browser import BrowserTestCase

# The printed report, to look at.
PRINTED = Path(tempfile.gettempdir()) / "pp-leadership-report.pdf"


@pytest.mark.browser
class ReportInBrowserTests(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        sales = Team.objects.create(name="Sales")
        self.alice = person_create(email="alice@example.org", name="Alice Example", teams=[sales])
        self.bob = person_create(email="bob@example.org", name="Bob Example", teams=[sales])
        self.charlie = person_create(email="charlie@example.org", name="Charlie Example")
        self.erin = person_create(email="erin@example.org", name="Erin Editor", role=Role.EDITOR)
        self.vera = person_create(email="vera@example.org", name="Vera Viewer", role=Role.VIEWER)
        report_scene(self)  # type: ignore[arg-type]
        self.problems: list[str] = []

    def make_post(self, *, title: str) -> Post:
        post = post_create(created_by=self.erin, url="https://example.com/news", title=title)
        post_publish(post=post, by=self.erin)
        return post

    def open_report(self, person: Person) -> Page:
        self.client.force_login(person)
        context = self.browser.new_context(viewport={"width": 1200, "height": 900})
        self.addCleanup(context.close)
        context.set_default_timeout(10_000)
        cookie = self.client.cookies[settings.SESSION_COOKIE_NAME].value
        context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": self.live_server_url}]
        )
        context.on("console", self._on_console)
        context.on("response", self._on_response)
        page = context.new_page()
        response = page.goto(f"{self.live_server_url}/dashboard/report/?month=2026-11")
        assert response is not None
        self.assertEqual(response.status, 200)
        return page

    def _on_console(self, message: ConsoleMessage) -> None:
        if message.type in ("error", "warning"):  # a refused inline style or script
            self.problems.append(message.text)

    def _on_response(self, response: Response) -> None:
        if response.status >= 400:
            self.problems.append(f"{response.status} {response.url}")

    def test_the_report_shows_and_prints_only_itself(self) -> None:
        page = self.open_report(self.vera)

        expect(page.get_by_role("heading", name="Leadership report: November 2026")).to_be_visible()
        expect(page.locator('[data-figure="human-clicks"]')).to_have_text("6")
        expect(page.get_by_role("link", name="Download as PDF")).to_be_visible()
        page.emulate_media(media="print")
        expect(page.locator(".topbar")).to_be_hidden()
        expect(page.locator(".report-tools")).to_be_hidden()
        expect(page.locator(".chart-table").first).to_be_hidden()
        expect(page.locator('[data-figure="value"]')).to_be_visible()
        printed: Any = page.pdf(format="A4", path=str(PRINTED))
        self.assertTrue(printed.startswith(b"%PDF-"))
        self.assertEqual(self.problems, [])
