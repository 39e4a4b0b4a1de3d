"""Where human clicks came from: referrer domains and countries, from a daily rollup."""

import csv
import io
import re
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from passaparola.insights.origins import ClickOrigin, country_label, rollup_origins
from passaparola.insights.tests.sections import with_sections
from passaparola.insights.tests.test_rollups import Scene
from passaparola.people.models import Person
from passaparola.testing import BaseTestCase
from passaparola.testing.clock import NOW, frozen
from passaparola.tracking.models import Click, TrackingSettings
from passaparola.tracking.services import clicks_rollup_and_prune

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse

THREE_DAYS_AGO = NOW - timedelta(days=3)
LONG_AGO = NOW - timedelta(days=40)


def split_table(response: "TestResponse", title: str) -> list[tuple[str, str]]:
    """Return the (label, value) rows of the split chart captioned `title`."""
    page = response.content.decode()
    start = page.index(f"<figcaption>{title}</figcaption>")
    figure = page[start : page.index("</figure>", start)]
    body = re.search(r"<tbody>(.*?)</tbody>", figure, re.S)
    if body is None:
        return []
    return re.findall(r'<th scope="row">(.*?)</th><td class="num">(\d+)</td>', body[1])


def rows_of(response: "TestResponse") -> list[list[str]]:
    assert response.status_code == 200, response.status_code
    body = b"".join(response.streaming_content).decode()  # type: ignore[attr-defined]
    return list(csv.reader(io.StringIO(body)))


class OriginsScene(BaseTestCase):
    """By hand (frozen at NOW): three days ago Alice had 3 human clicks from www.linkedin.com
    in Italy, 1 from lnkd.in in the Netherlands and 2 bot visits; Bob (X) 2 with no referrer
    and no country and 1 from t.co in Italy. Today Charlie had 1 from www.linkedin.com in
    Germany. Forty days ago Alice had 5 from www.linkedin.com in Italy."""

    def setUp(self) -> None:
        super().setUp()
        self.scene = Scene(self.make_post())
        alice = [("www.linkedin.com", "IT")] * 3 + [("lnkd.in", "NL")]
        for referrer, country in alice:
            self.click(self.alice, THREE_DAYS_AGO, referrer, country)
        for _bot in range(2):
            self.click(self.alice, THREE_DAYS_AGO, "www.linkedin.com", "IT", bot=True)
        for referrer, country in [("", ""), ("", ""), ("t.co", "IT")]:
            self.click(self.bob, THREE_DAYS_AGO, referrer, country, network="x")
        self.click(self.charlie, NOW - timedelta(hours=1), "www.linkedin.com", "DE")
        for _old in range(5):
            self.click(self.alice, LONG_AGO, "www.linkedin.com", "IT")
        with frozen(NOW):
            for day in (THREE_DAYS_AGO, LONG_AGO):
                rollup_origins(day.date())

    def click(
        self,
        person: Person,
        at: datetime,
        referrer: str,
        country: str,
        *,
        bot: bool = False,
        network: str = "linkedin",
    ) -> None:
        Click.objects.create(
            link=self.scene.link(person, network),
            created_at=at,
            is_bot=bot,
            visitor="v",
            referrer_domain=referrer,
            country=country,
        )

    def get(
        self, viewer: Person, name: str = "insights:dashboard", *args: str, **params: str
    ) -> "TestResponse":
        self.login(viewer)
        with frozen(NOW):
            response = self.client.get(reverse(name, args=args), params)
            if name == "insights:dashboard":
                return with_sections(self.client, response)
            return response


class OriginsRollupTests(OriginsScene):
    def every_row(self) -> list[tuple[object, ...]]:
        return sorted(
            ClickOrigin.objects.values_list(
                "day",
                "person_id",
                "post_id",
                "network",
                "referrer_domain",
                "country",
                "human_clicks",
            )
        )

    def test_a_day_is_summed_per_link_referrer_and_country_without_bots(self) -> None:
        day = THREE_DAYS_AGO.date()
        rows = ClickOrigin.objects.filter(day=day)

        self.assertEqual(
            sorted(
                rows.values_list(
                    "person_id", "network", "referrer_domain", "country", "human_clicks"
                )
            ),
            sorted(
                [
                    (self.alice.pk, "linkedin", "www.linkedin.com", "IT", 3),
                    (self.alice.pk, "linkedin", "lnkd.in", "NL", 1),
                    (self.bob.pk, "x", "", "", 2),
                    (self.bob.pk, "x", "t.co", "IT", 1),
                ]
            ),
        )

    def test_rebuilding_a_day_changes_nothing(self) -> None:
        before = self.every_row()

        with frozen(NOW):
            rollup_origins(THREE_DAYS_AGO.date())
            rollup_origins(THREE_DAYS_AGO.date())

        self.assertEqual(self.every_row(), before)

    def test_the_figures_stay_the_same_after_the_raw_clicks_are_pruned(self) -> None:
        before = self.get(self.vera)
        rows = self.every_row()
        TrackingSettings.objects.update(retention_days=2)

        with frozen(NOW):
            _days, deleted = clicks_rollup_and_prune()
            for day in (THREE_DAYS_AGO, LONG_AGO):
                rollup_origins(day.date())  # the job rebuilds the day: its rows are kept
        after = self.get(self.vera)

        self.assertEqual(deleted, 14)
        self.assertEqual(self.every_row(), rows)
        for title in ("Human clicks by referrer", "Human clicks by country"):
            self.assertEqual(split_table(after, title), split_table(before, title))


class DashboardOriginsTests(OriginsScene):
    def test_top_referrers_and_countries_count_human_clicks_of_the_period(self) -> None:
        page = self.get(self.vera)

        self.assertEqual(
            split_table(page, "Human clicks by referrer"),
            [
                ("www.linkedin.com", "4"),
                ("No referrer (apps, email, direct)", "2"),
                ("lnkd.in", "1"),
                ("t.co", "1"),
            ],
        )
        self.assertEqual(
            split_table(page, "Human clicks by country"),
            [("Italy", "4"), ("Unknown", "2"), ("Germany", "1"), ("Netherlands", "1")],
        )

    def test_a_team_lead_sees_their_teams_clicks_only(self) -> None:
        page = self.get(self.lena)

        self.assertEqual(
            split_table(page, "Human clicks by referrer")[0], ("www.linkedin.com", "3")
        )
        self.assertNotIn("Germany", dict(split_table(page, "Human clicks by country")))

    def test_filters_narrow_the_origins(self) -> None:
        page = self.get(self.vera, network="x")

        self.assertEqual(
            split_table(page, "Human clicks by referrer"),
            [("No referrer (apps, email, direct)", "2"), ("t.co", "1")],
        )

    def test_a_longer_period_takes_in_older_days(self) -> None:
        page = self.get(self.vera, period="90d")

        self.assertEqual(split_table(page, "Human clicks by country")[0], ("Italy", "9"))

    def test_beyond_ten_referrers_the_rest_are_added_up_as_others(self) -> None:
        for n in range(12):
            self.click(self.alice, NOW - timedelta(minutes=n + 1), f"site{n:02}.example", "")

        rows = split_table(self.get(self.vera), "Human clicks by referrer")

        self.assertEqual(len(rows), 11)
        self.assertEqual(rows[-1], ("Others", "6"))

    def test_country_names_are_in_the_readers_language(self) -> None:
        self.login(self.vera)
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "it"
        with frozen(NOW):
            page = with_sections(self.client, self.client.get(reverse("insights:dashboard")))

        self.assertContains(page, "Italia")
        with translation.override("nl"):
            self.assertEqual(country_label("DE"), "Duitsland")
            self.assertEqual(country_label(""), "Onbekend")


class OriginsExportTests(OriginsScene):
    def test_the_referrers_and_countries_of_the_closed_days(self) -> None:
        referrers = rows_of(self.get(self.vera, "insights:dashboard_export", "referrers"))
        countries = rows_of(self.get(self.vera, "insights:dashboard_export", "countries"))

        self.assertEqual(
            referrers,
            [
                ["referrer domain", "human clicks"],
                ["www.linkedin.com", "3"],
                ["", "2"],
                ["lnkd.in", "1"],
                ["t.co", "1"],
            ],
        )
        self.assertEqual(
            countries,
            [
                ["country code", "country", "human clicks"],
                ["IT", "Italy", "4"],
                ["", "", "2"],
                ["NL", "Netherlands", "1"],
            ],
        )

    def test_a_team_lead_exports_their_own_teams_only(self) -> None:
        rows = rows_of(
            self.get(self.lena, "insights:dashboard_export", "referrers", network="linkedin")
        )

        self.assertEqual(rows[1:], [["www.linkedin.com", "3"], ["lnkd.in", "1"]])
