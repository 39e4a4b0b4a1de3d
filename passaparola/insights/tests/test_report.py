"""The leadership report: its period, its figures by hand, who reads it, and its PDF."""

import io
import re
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from django.contrib.staticfiles import finders
from django.core.exceptions import ValidationError
from django.test import SimpleTestCase
from django.urls import reverse
from pypdf import PdfReader

from passaparola.audit.models import AuditEntry
from passaparola.insights.pdf import PlatformFetcher
from passaparola.insights.report import closed_period, period_from
from passaparola.insights.rollups import rollup_range
from passaparola.insights.tests.test_leadership import lead_by_example
from passaparola.insights.tests.test_privacy import privacy_on
from passaparola.insights.tests.test_rollups import Scene
from passaparola.programme.models import ReportCadence
from passaparola.programme.selectors import programme_get
from passaparola.programme.services import programme_update
from passaparola.testing import BaseTestCase
from passaparola.testing.clock import NOW, frozen

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse

URL = reverse("insights:report")
PDF_URL = reverse("insights:report_pdf")


def at(day: date, hour: int = 12) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def figures(response: "TestResponse") -> dict[str, str]:
    return dict(re.findall(r'data-figure="([a-z-]+)">([^<]+)<', response.content.decode()))


def deltas(response: "TestResponse") -> dict[str, str]:
    found = re.findall(r'data-delta="([a-z-]+)">(.*?)</dd>', response.content.decode())
    return {key: re.sub(r"<[^>]+>", "", text).strip() for key, text in found}


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def set_cadence(cadence: str) -> None:
    programme_update(programme=programme_get(), fields={"report_cadence": cadence})


def report_scene(case: BaseTestCase) -> None:
    """November 2026 (closed on NOW, December 2nd) and October, by hand.

    November: Alice (Sales) shares the factory post on LinkedIn: 3 human clicks, a bot, a
    lead; Bob (Sales) the hiring post on X: 1 click; Charlie (Support) the factory post on
    LinkedIn: 2 clicks, the last at 23:00 on November 30th.
    October: Alice shares the factory post on LinkedIn: 1 click.
    December 1st: Bob shares again and gets 5 clicks, after November.
    """
    factory = Scene(case.make_post(title="Factory opens"))
    hiring = Scene(case.make_post(title="We are hiring"))
    factory.share(case.alice, at(date(2026, 11, 10)))
    for visitor in "abc":
        factory.click(case.alice, at(date(2026, 11, 10)), visitor=visitor)
    factory.click(case.alice, at(date(2026, 11, 10)), visitor="bot", bot=True)
    factory.lead(case.alice, at(date(2026, 11, 11)))
    hiring.share(case.bob, at(date(2026, 11, 20)), network="x")
    hiring.click(case.bob, at(date(2026, 11, 20)), visitor="d", network="x")
    factory.share(case.charlie, at(date(2026, 11, 25)))
    factory.click(case.charlie, at(date(2026, 11, 25)), visitor="e")
    factory.click(case.charlie, at(date(2026, 11, 30), hour=23), visitor="f")
    factory.share(case.alice, at(date(2026, 10, 15)))
    factory.click(case.alice, at(date(2026, 10, 15)), visitor="g")
    hiring.share(case.bob, at(date(2026, 12, 1)), network="x")
    for visitor in "hijkl":
        hiring.click(case.bob, at(date(2026, 12, 1)), visitor=visitor, network="x")
    with frozen(NOW):
        rollup_range(date(2026, 9, 1), date(2026, 12, 1))


class PeriodTests(SimpleTestCase):
    TODAY = date(2026, 12, 2)

    def asked(self, **params: str) -> tuple[str, date, date]:
        period = period_from(params, cadence=ReportCadence.MONTHLY, today=self.TODAY)
        return period.key, period.start, period.end

    def test_the_default_is_the_last_closed_month_or_quarter(self) -> None:
        cases = [
            (ReportCadence.MONTHLY, date(2026, 12, 2), "2026-11"),
            (ReportCadence.MONTHLY, date(2027, 1, 1), "2026-12"),
            (ReportCadence.MONTHLY, date(2026, 3, 1), "2026-02"),
            (ReportCadence.OFF, date(2026, 12, 2), "2026-11"),
            (ReportCadence.QUARTERLY, date(2026, 12, 2), "2026-Q3"),
            (ReportCadence.QUARTERLY, date(2027, 1, 1), "2026-Q4"),
            (ReportCadence.QUARTERLY, date(2026, 4, 1), "2026-Q1"),
            (ReportCadence.QUARTERLY, date(2026, 3, 31), "2025-Q4"),
        ]
        for cadence, today, key in cases:
            with self.subTest(cadence=cadence, today=today):
                self.assertEqual(closed_period(cadence, today=today).key, key)

    def test_a_month_a_quarter_or_the_last_of_either_is_asked_in_the_address(self) -> None:
        self.assertEqual(
            self.asked(month="2026-02"), ("2026-02", date(2026, 2, 1), date(2026, 2, 28))
        )
        self.assertEqual(
            self.asked(month="2024-02"), ("2024-02", date(2024, 2, 1), date(2024, 2, 29))
        )
        self.assertEqual(
            self.asked(quarter="2026-Q3"), ("2026-Q3", date(2026, 7, 1), date(2026, 9, 30))
        )
        self.assertEqual(self.asked(quarter="2025-q4")[0], "2025-Q4")
        self.assertEqual(self.asked(period="last-month")[0], "2026-11")
        self.assertEqual(self.asked(period="last-quarter")[0], "2026-Q3")
        # The month under way may be read, so far.
        self.assertEqual(self.asked(month="2026-12")[1:], (date(2026, 12, 1), date(2026, 12, 31)))

    def test_a_closed_period_is_compared_with_the_whole_one_before(self) -> None:
        period = period_from({"quarter": "2026-Q1"}, cadence=ReportCadence.MONTHLY)
        before = period.previous()

        self.assertEqual((before.start, before.end), (date(2025, 10, 1), date(2025, 12, 31)))

    def test_wrong_periods_are_refused_with_a_reason(self) -> None:
        cases = [
            ({"month": "2026-13"}, "such as 2026-10"),
            ({"month": "2026-00"}, "such as 2026-10"),
            ({"month": "October"}, "such as 2026-10"),
            ({"month": "2026-1"}, "such as 2026-10"),
            ({"month": "\u0662\u0660\u0662\u0666-\u0661\u0660"}, "such as 2026-10"),
            ({"quarter": "2026-Q5"}, "such as 2026-Q3"),
            ({"quarter": "2026-3"}, "such as 2026-Q3"),
            ({"month": "1999-12"}, "from 2000 to 2099"),
            ({"month": "9999-12"}, "from 2000 to 2099"),
            ({"month": "2027-01"}, "has not begun yet"),
            ({"quarter": "2027-Q1"}, "has not begun yet"),
            ({"period": "last-year"}, "last-month or last-quarter"),
            ({"month": "2026-10", "quarter": "2026-Q3"}, "one period only"),
        ]
        for params, reason in cases:
            with self.subTest(params=params), self.assertRaises(ValidationError) as refused:
                period_from(params, cadence=ReportCadence.MONTHLY, today=self.TODAY)
            self.assertIn(reason, refused.exception.messages[0])


@frozen()
class ReportFigureTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        report_scene(self)
        lead_by_example(self.alice)

    def test_the_key_figures_of_last_month_against_the_month_before(self) -> None:
        self.login(self.adam)

        response = self.client.get(URL)

        self.assertContains(response, "Leadership report: November 2026")
        self.assertContains(response, 'data-period="2026-11"')
        shown = figures(response)
        # People who shared: Alice, Bob, Charlie (October: Alice). Clicks 3 + 1 + 2.
        # Value: LinkedIn 5 clicks x 7.00 + X 1 click x 0.40 (October: 1 x 7.00).
        self.assertEqual(
            {key: shown[key] for key in ("advocates", "shares", "human-clicks", "leads", "value")},
            {
                "advocates": "3",
                "shares": "3",
                "human-clicks": "6",
                "leads": "1",
                "value": "35.40 USD",
            },
        )
        changes = deltas(response)
        self.assertEqual(changes["advocates"], "▲ 2 more (200%)")
        self.assertEqual(changes["human-clicks"], "▲ 5 more (500%)")
        self.assertEqual(changes["leads"], "▲ 1 more")
        self.assertEqual(changes["value"], "▲ 28.40 USD more (406%)")
        self.assertContains(response, "Earned media value (estimate)")
        self.assertContains(response, "1 visit from link-preview bots was left out.")

    def test_the_top_posts_and_people_and_the_leadership_group(self) -> None:
        self.login(self.adam)

        page = self.client.get(URL).content.decode()

        posts = re.search(r'data-top="posts">(.*?)</ol>', page, re.S)
        people = re.search(r'data-top="people">(.*?)</ol>', page, re.S)
        assert posts is not None and people is not None
        self.assertEqual(
            re.findall(r"<span>([^<]+)</span> <strong>([^<]+)</strong>", posts.group(1)),
            [("Factory opens", "5 clicks"), ("We are hiring", "1 click")],
        )
        self.assertEqual(
            re.findall(r"<span>([^<]+)</span>", people.group(1)),
            ["Alice Example", "Charlie Example", "Bob Example"],
        )
        self.assertIn('data-figure="leaders-clicks">3<', page)
        self.assertIn("Human clicks by network", page)

    def test_a_month_earlier_and_the_last_quarter(self) -> None:
        self.login(self.vera)

        october = self.client.get(URL, {"month": "2026-10"})
        quarter = self.client.get(URL, {"period": "last-quarter"})
        fourth = self.client.get(URL, {"quarter": "2026-Q4"})

        self.assertEqual(figures(october)["human-clicks"], "1")
        self.assertEqual(deltas(october)["human-clicks"], "▲ 1 more")  # September: nothing
        self.assertContains(quarter, "Q3 2026")
        self.assertEqual(figures(quarter)["shares"], "0")
        # The quarter under way, so far: October, November and December 1st.
        self.assertEqual(figures(fourth)["human-clicks"], "12")
        self.assertContains(fourth, "data-running")

    def test_the_quarterly_programme_reads_the_last_quarter_by_default(self) -> None:
        set_cadence(ReportCadence.QUARTERLY)
        self.login(self.adam)

        response = self.client.get(URL)

        self.assertContains(response, 'data-period="2026-Q3"')

    def test_a_wrong_period_is_named_and_the_last_closed_one_shown(self) -> None:
        self.login(self.adam)
        for params in ({"month": "2026-13"}, {"quarter": "soon"}, {"month": "2031-01"}):
            with self.subTest(params=params):
                response = self.client.get(URL, params)
                self.assertContains(response, "data-error", status_code=400)
                self.assertContains(response, "Showing November 2026 instead.", status_code=400)

    def test_a_wrong_period_gets_no_pdf_but_the_reason(self) -> None:
        self.login(self.adam)

        response = self.client.get(PDF_URL, {"month": "2026-13"})

        self.assertEqual(response.status_code, 400)
        self.assertEqual(response["Content-Type"], "text/html; charset=utf-8")
        self.assertContains(response, "such as 2026-10", status_code=400)
        self.assertFalse(AuditEntry.objects.filter(action="insights.exported").exists())

    def test_the_pdf_is_a_pdf_with_the_key_figures(self) -> None:
        self.login(self.adam)

        response = self.client.get(PDF_URL, {"month": "2026-11"})

        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "application/pdf")
        self.assertIn('filename="leadership-report-2026-11.pdf"', response["Content-Disposition"])
        self.assertTrue(response.content.startswith(b"%PDF-"))
        text = pdf_text(response.content)
        self.assertIn("Leadership report: November 2026", text)
        self.assertIn("Earned media value (estimate)", text)
        self.assertIn("35.40 USD", text)
        self.assertIn("28.40 USD more (406%)", text)
        self.assertIn("Factory opens", text)
        self.assertIn("Alice Example", text)
        self.assertIn("Leadership participation", text)
        self.assertIn("http://testserver/dashboard/report/?month=2026-11", text)

    def test_the_pdf_download_is_written_to_the_audit_log(self) -> None:
        self.login(self.vera)

        self.client.get(PDF_URL, {"quarter": "2026-Q3"})

        entry = AuditEntry.objects.get(action="insights.exported")
        self.assertEqual((entry.actor_id, entry.target_id), (self.vera.pk, "report.pdf"))
        self.assertEqual(entry.changes["filters"]["period"], "2026-Q3")

    def test_the_page_prints_with_a_stylesheet_of_the_platform(self) -> None:
        self.login(self.adam)

        response = self.client.get(URL)

        self.assertContains(response, '<link rel="stylesheet" href="/static/insights/report.css">')
        self.assertNotContains(response, "style=")
        self.assertNotContains(response, "<style")
        self.assertNotContains(response, "<script>")
        stylesheet = finders.find("insights/report.css")
        assert isinstance(stylesheet, str)
        self.assertIn("@media print", Path(stylesheet).read_text())

    def test_the_dashboard_links_to_the_report(self) -> None:
        self.login(self.vera)

        response = self.client.get(reverse("insights:dashboard"))

        self.assertContains(response, f'href="{URL}"')


@frozen()
class ReportAccessTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        report_scene(self)

    def test_managers_editors_and_leadership_viewers_read_the_whole_programme(self) -> None:
        for person in (self.adam, self.erin, self.vera):
            with self.subTest(person=person.name):
                self.login(person)
                self.assertEqual(figures(self.client.get(URL))["human-clicks"], "6")
                self.assertEqual(self.client.get(PDF_URL).status_code, 200)

    def test_members_get_a_404_for_the_page_and_the_pdf(self) -> None:
        for person in (self.alice, self.bob, self.charlie):
            with self.subTest(person=person.name):
                self.login(person)
                self.assertEqual(self.client.get(URL).status_code, 404)
                self.assertEqual(self.client.get(PDF_URL).status_code, 404)
        self.assertFalse(AuditEntry.objects.filter(action="insights.exported").exists())

    def test_it_requires_login(self) -> None:
        for url in (URL, PDF_URL):
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 302)
                self.assertTrue(response["Location"].startswith(reverse("accounts:login")))

    def test_a_team_lead_reads_the_report_of_their_own_teams(self) -> None:
        self.login(self.lena)

        response = self.client.get(URL)
        pdf = self.client.get(PDF_URL)

        # Sales: Alice (3 clicks, the lead) and Bob (1); Charlie, in Support, is left out.
        shown = figures(response)
        self.assertEqual((shown["advocates"], shown["human-clicks"]), ("2", "4"))
        self.assertContains(response, "Teams: Sales")
        self.assertNotContains(response, "Charlie Example")
        self.assertNotIn("Charlie Example", pdf_text(pdf.content))
        entry = AuditEntry.objects.get(action="insights.exported")
        self.assertEqual(entry.changes["filters"]["teams"], [self.sales.pk])

    def test_privacy_mode_hides_individuals_of_a_small_group_from_a_team_lead(self) -> None:
        privacy_on(5)  # Sales has three people
        self.login(self.lena)

        response = self.client.get(URL)

        self.assertContains(response, 'data-privacy="hidden"')
        self.assertNotContains(response, "Alice Example")
        self.assertEqual(figures(response)["human-clicks"], "4")  # the totals stay

    def test_privacy_mode_hides_individuals_from_a_viewer_below_the_minimum(self) -> None:
        privacy_on(50)
        self.login(self.vera)

        response = self.client.get(URL)
        self.login(self.adam)
        manager = self.client.get(URL)

        self.assertContains(response, 'data-privacy="hidden"')
        self.assertNotContains(response, "Alice Example")
        self.assertContains(manager, "Alice Example")  # the programme manager still sees them


class FetcherTests(SimpleTestCase):
    def test_it_serves_the_platforms_static_files_and_given_files_only(self) -> None:
        fetcher = PlatformFetcher({"/programme/brand.css": (b":root{}", "text/css")})

        served = fetcher.fetch("http://testserver/static/insights/report.css")
        brand = fetcher.fetch("http://testserver/programme/brand.css")

        self.assertIn(b"@media print", served.read())
        self.assertEqual(brand.read(), b":root{}")
        for url in (
            "https://example.com/static/insights/report.css",
            "http://testserver/media/secret.png",
            "http://testserver/static/../settings.py",
            "http://testserver/static/%2e%2e/%2e%2e/settings.py",
            "file:///etc/passwd",
            "data:text/css,body{}",
            "http://169.254.169.254/latest/meta-data/",
        ):
            with self.subTest(url=url), self.assertRaises(ValueError):
                fetcher.fetch(url)
