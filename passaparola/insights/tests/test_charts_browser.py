"""The charts in a real Chromium at phone width: values on focus and hover, nothing off-screen."""

import itertools
import tempfile
from pathlib import Path

import pytest
from django.test import override_settings
from django.utils import timezone, translation
from playwright.sync_api import (
    ConsoleMessage,
    Page,
    Response,
    ViewportSize,
    expect,
)

from passaparola.insights.tests.chart_page import figures
from passaparola.lib import charts
from passaparola.testing.browser import BrowserTestCase

PHONE: ViewportSize = {"width": 390, "height": 844}
# Screenshots to look at.
SCREENSHOT = Path(tempfile.gettempdir()) / "pp-charts-phone.png"
DESKTOP_SCREENSHOT = Path(tempfile.gettempdir()) / "pp-charts-desktop-it.png"


@pytest.mark.browser
@override_settings(ROOT_URLCONF="passaparola.insights.tests.chart_page")
class ChartsInBrowserTests(BrowserTestCase):
    def open_charts(self, *, locale: str = "en-GB") -> Page:
        context = self.browser.new_context(viewport=PHONE, locale=locale, has_touch=True)
        self.addCleanup(context.close)
        context.set_default_timeout(10_000)
        self.console: list[str] = []
        self.failed: list[str] = []
        context.on("console", self._on_console)
        context.on("weberror", lambda error: self.console.append(str(error.error)))
        context.on("response", self._on_response)
        page = context.new_page()
        response = page.goto(self.live_server_url + "/charts-test/")
        assert response is not None
        self.assertEqual(response.status, 200)
        # The page is under the strict policy, so a style attribute or inline script would show.
        policy = response.headers["content-security-policy"]
        self.assertIn("style-src 'self'", policy)
        self.assertIn("script-src 'self'", policy)
        return page

    def _on_response(self, response: Response) -> None:
        if response.status >= 400:
            self.failed.append(f"{response.status} {response.url}")

    def _on_console(self, message: ConsoleMessage) -> None:
        # A refused inline style or script is reported as a console error by Chromium.
        if message.type in ("error", "warning"):
            self.console.append(message.text)

    def visible_readouts(self, page: Page) -> list[str]:
        return (
            page.locator("#month .tschart-plot")
            .first.locator(".readout:visible")
            .all_text_contents()
        )

    def test_focusing_a_bar_shows_its_date_and_value_and_the_phone_never_scrolls_sideways(
        self,
    ) -> None:
        page = self.open_charts()
        plot = page.locator("#month .tschart-plot").first
        points = plot.locator(".point")
        expect(points).to_have_count(30)
        self.assertEqual(self.visible_readouts(page), [])

        # The last bar is today: its title and its readout say the date and the figures.
        today = timezone.localdate()
        with translation.override("en"):
            when = charts.full_label(today)
            clicks = charts.number(figures(0)["human_clicks"])
        last = points.last
        self.assertEqual(last.get_attribute("tabindex"), "0")
        self.assertIn(f"{when} (so far)", last.locator("title").text_content() or "")
        self.assertIn(f"Human clicks: {clicks}", last.locator("title").text_content() or "")
        last.focus()
        self.assertTrue(last.evaluate("element => element === document.activeElement"))
        readout = self.visible_readouts(page)
        self.assertEqual(len(readout), 1)
        self.assertIn(when, readout[0])
        self.assertIn(f"Human clicks: {clicks}", readout[0])

        # The keyboard walks the bars; one readout at a time, the pointer's bar first.
        page.keyboard.press("Shift+Tab")
        yesterday = figures(1)["human_clicks"]
        self.assertIn(f"Human clicks: {charts.number(yesterday)}", self.visible_readouts(page)[0])
        points.nth(3).locator(".slot").hover(position={"x": 1, "y": 1})
        readout = self.visible_readouts(page)
        self.assertEqual(len(readout), 1)
        self.assertIn(f"Human clicks: {charts.number(figures(26)['human_clicks'])}", readout[0])

        # A tap on a phone shows a bar's figures too (a phone has no mouse left hovering).
        page.mouse.move(0, 0)
        points.nth(10).locator(".slot").tap(position={"x": 1, "y": 1})
        self.assertIn(
            f"Human clicks: {charts.number(figures(19)['human_clicks'])}",
            " ".join(self.visible_readouts(page)),
        )

        widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
        self.assertLessEqual(widths[0], widths[1], f"the page scrolls sideways: {widths}")
        self.assert_labels_apart(page)
        expect(page.locator("#empty")).to_contain_text("Nothing yet in this period.")
        expect(page.locator("#empty svg")).to_have_count(0)
        expect(page.locator("#networks .point")).to_have_count(3)
        expect(page.locator("#networks")).to_contain_text("12,345 · 97%")
        page.screenshot(path=str(SCREENSHOT), full_page=True)
        self.assertEqual(self.console, [])
        self.assertEqual(self.failed, [])

    def assert_labels_apart(self, page: Page) -> None:
        """Date labels neither touch one another nor leave the screen."""
        assert page.viewport_size is not None
        for plot in page.locator(".tschart-plot").all():
            boxes = [label.bounding_box() for label in plot.locator(".xlabel").all()]
            self.assertTrue(boxes)
            for box in boxes:
                assert box is not None
                self.assertGreaterEqual(box["x"], 0)
                self.assertLessEqual(box["x"] + box["width"], page.viewport_size["width"])
            for left, right in itertools.pairwise(boxes):
                assert left is not None and right is not None
                self.assertLess(left["x"] + left["width"], right["x"], boxes)
        for axis in page.locator(".tschart-axis").all():
            box = axis.bounding_box()
            assert box is not None
            self.assertGreaterEqual(box["x"], 0)

    def test_the_charts_speak_italian_in_italian(self) -> None:
        page = self.open_charts(locale="it-IT")
        today = timezone.localdate()
        with translation.override("it"):
            when = charts.full_label(today)
            clicks = charts.number(figures(0)["human_clicks"])
            last_label = charts.day_label(today)
        expect(page.locator("#month .xlabel").last).to_have_text(last_label)
        title = page.locator("#month .point").last.locator("title").text_content() or ""
        self.assertTrue(title.startswith(when), title)
        self.assertIn(clicks, title)
        self.assert_labels_apart(page)
        widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
        self.assertLessEqual(widths[0], widths[1])
        # On a desktop, the same labels, the charts side by side.
        page.set_viewport_size({"width": 1280, "height": 900})
        self.assert_labels_apart(page)
        page.screenshot(path=str(DESKTOP_SCREENSHOT), full_page=True)
        self.assertEqual(self.console, [])
