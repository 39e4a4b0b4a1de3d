"""The leadership report: its period, its figures by hand, who reads it, and its PDF."""

import io
import re
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

from django.urls import reverse
from pypdf import PdfReader

from passaparola.audit.models import AuditEntry
from passaparola.insights.report import closed_period, period_from
from passaparola.insights.rollups import rollup_range
from passaparola.insights.tests.test_leadership import lead_by_example
from passaparola.insights.tests.test_privacy import privacy_on
from passaparola.insights.tests.test_rollups import Scene
from passaparola.people.models import Person
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
    found = re.findall(r'data-figure="([a-z-]+)">([^<]+)<', response.content.decode())
    return dict(found)


def report_scene(case: BaseTestCase) -> None:
    """November 2026 (the month closed on NOW, December 2nd) against October, by hand.

    November: Alice shares the factory post on LinkedIn (3 human clicks, a bot, a lead), Bob
    the hiring post on X (1 click), Charlie the factory post on LinkedIn (2 clicks).
    October: Alice shares the factory post on LinkedIn (1 click).
    December 1st: Bob shares again and gets 5 clicks, outside November.
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


@frozen()
class ReportFigureTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        report_scene(self)
        lead_by_example(self.alice)

    def test_the_pdf_dump(self) -> None:
        self.login(self.adam)
        response = self.client.get(PDF_URL)
        open("/tmp/rep/report.pdf", "wb").write(response.content)
        page = self.client.get(URL)
        open("/tmp/rep/report.html", "wb").write(page.content)
        print(figures(page))
