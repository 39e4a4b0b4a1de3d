"""My impact and the dashboard's new sections in a real Chromium at phone width."""

import tempfile
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import ConsoleMessage, Page, Response, ViewportSize, expect

from passaparola.content.services import post_create, post_publish
from passaparola.insights.origins import rollup_origins
from passaparola.insights.rollups import rollup_range
from passaparola.insights.tests.test_rollups import Scene
from passaparola.people.models import Person, Role, Team
from passaparola.people.services import person_create
from passaparola.testing.browser import BrowserTestCase
from passaparola.tracking.models import Click, Conversion

PHONE: ViewportSize = {"width": 390, "height": 844}
SCREENSHOTS = Path(tempfile.gettempdir())


@pytest.mark.browser
class ImpactInBrowserTests(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        sales = Team.objects.create(name="Sales")
        self.alice = person_create(email="alice@example.org", name="Alice Example", teams=[sales])
        self.adam = person_create(email="adam@example.org", name="Adam Admin", role=Role.ADMIN)
        post = post_create(
            created_by=self.adam,
            url="https://example.com/news",
            title="Our new factory opens with 200 jobs and solar roofs for the whole valley",
        )
        post_publish(post=post, by=self.adam)
        scene = Scene(post)
        now = timezone.now()
        for days_ago, network in ((3, "linkedin"), (2, "x"), (40, "linkedin")):
            at = now - timedelta(days=days_ago)
            scene.share(self.alice, at, network=network)
            for n, (referrer, country) in enumerate(
                [("www.linkedin.com", "IT"), ("", ""), ("t.co", "NL"), ("lnkd.in", "DE")]
            ):
                Click.objects.create(
                    link=scene.link(self.alice, network),
                    created_at=at + timedelta(minutes=n),
                    visitor=f"v{n}",
                    referrer_domain=referrer,
                    country=country,
                )
            Click.objects.create(
                link=scene.link(self.alice, network), created_at=at, is_bot=True, visitor="b"
            )
            Conversion.objects.create(
                key=f"api:{days_ago}",
                link=scene.link(self.alice, network),
                source="api",
                state=Conversion.State.CONFIRMED,
                created_at=at + timedelta(hours=1),
            )
        today = timezone.localdate()
        rollup_range(today - timedelta(days=60), today)
        for days_ago in range(61):
            rollup_origins(today - timedelta(days=days_ago))
        self.errors: list[str] = []

    def page_as(self, person: Person) -> Page:
        context = self.browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True)
        self.addCleanup(context.close)
        context.set_default_timeout(10_000)
        client = Client()
        client.force_login(person)  # the login form has its own browser test
        cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
        context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": self.live_server_url}]
        )
        context.on("console", self._on_console)
        context.on("weberror", lambda error: self.errors.append(str(error.error)))
        context.on("response", self._on_response)
        return context.new_page()

    def _on_console(self, message: ConsoleMessage) -> None:
        if message.type in ("error", "warning"):
            self.errors.append(message.text)

    def _on_response(self, response: Response) -> None:
        if response.status >= 400:
            self.errors.append(f"{response.status} {response.url}")

    def open(self, page: Page, name: str, query: str = "", *args: Any) -> None:
        response = page.goto(f"{self.live_server_url}{reverse(name, args=args)}{query}")
        assert response is not None
        self.assertEqual(response.status, 200)

    def assert_fits(self, page: Page) -> None:
        widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
        self.assertLessEqual(widths[0], widths[1], f"{page.url} scrolls sideways: {widths}")

    def test_my_impact_on_a_phone(self) -> None:
        page = self.page_as(self.alice)
        self.open(page, "insights:my_impact", "?period=90d&compare=on")

        expect(page.get_by_role("heading", level=1)).to_have_text("My impact")
        expect(page.locator('[data-figure="shares"]')).to_have_text("3")
        expect(page.locator('[data-figure="human-clicks"]')).to_have_text("12")
        expect(page.locator('[data-figure="leads"]')).to_have_text("3")
        expect(page.get_by_role("heading", name="Leads brought by these shares")).to_be_visible()
        expect(page.locator("[data-state=confirmed]")).to_have_count(3)
        # The period picker, and nothing else to filter.
        page.get_by_label("Period", exact=True).select_option("7d")
        page.get_by_role("button", name="Show").click()
        page.wait_for_url("**period=7d**")
        expect(page.locator('[data-figure="shares"]')).to_have_text("2")
        self.assert_fits(page)
        page.screenshot(path=SCREENSHOTS / "pp-impact-phone.png", full_page=True)
        self.assertEqual(self.errors, [])

    def test_the_dashboards_leads_and_origins_on_a_phone(self) -> None:
        page = self.page_as(self.adam)
        self.open(page, "insights:dashboard")

        leads = page.locator("section.leads")
        expect(leads.get_by_role("heading", name="Leads per team")).to_be_visible()
        expect(leads.locator("[data-lead]")).to_have_count(2)
        expect(page.get_by_role("figure", name="Human clicks by referrer")).to_be_visible()
        expect(page.get_by_role("figure", name="Human clicks by country")).to_be_visible()
        self.assert_fits(page)
        page.screenshot(path=SCREENSHOTS / "pp-dashboard-leads-phone.png", full_page=True)
        self.assertEqual(self.errors, [])
