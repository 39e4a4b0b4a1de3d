"""The dashboard's leads: per post, network, team and person, each traced to its share."""

import csv
import io
import re
from datetime import datetime, timedelta
from itertools import count
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from passaparola.content.models import Post
from passaparola.content.services import post_create, post_publish
from passaparola.insights.rollups import rollup_range
from passaparola.insights.tests.sections import with_sections
from passaparola.insights.tests.test_rollups import Scene
from passaparola.people.models import Person
from passaparola.people.services import person_create
from passaparola.programme.models import Programme
from passaparola.sharing.models import Share
from passaparola.testing import BaseTestCase
from passaparola.testing.clock import NOW, frozen
from passaparola.tracking.models import Conversion

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse

_keys = count(1)
CONFIRMED, REJECTED = Conversion.State.CONFIRMED, Conversion.State.REJECTED


def ranked(response: "TestResponse", table: str) -> list[tuple[str, int]]:
    """Return the (name, leads) rows of one of the leads lists on the dashboard."""
    page = response.content.decode()
    block = re.search(rf'data-leads="{table}">(.*?)</ol>', page, re.S)
    assert block is not None, table
    return [
        (re.sub(r"<[^>]+>", "", name).strip(), int(n))
        for name, n in re.findall(r"<li>(.*?) <strong>(\d+)</strong></li>", block[1], re.S)
    ]


def rows_of(response: "TestResponse") -> list[list[str]]:
    assert response.status_code == 200, response.status_code
    body = b"".join(response.streaming_content).decode()  # type: ignore[attr-defined]
    return list(csv.reader(io.StringIO(body)))


class LeadsScene(BaseTestCase):
    """By hand, frozen at NOW (2 December 2026, noon UTC); Dana is in Sales and in Support.

    confirmed leads: Alice 2 (post A on LinkedIn, 3 days ago; post A on X, 4 days ago),
    Bob 1 (post B on LinkedIn; one more of his was rejected), Dana 1 (post B on LinkedIn),
    Charlie 1 (post A on LinkedIn, today, so still raw).
    """

    dana: Person
    post_a: Post
    post_b: Post
    first_share: Share

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.dana = person_create(
            email="dana@example.org", name="Dana Both", teams=[cls.sales, cls.support]
        )
        cls.post_a = cls.published("Record quarter")
        cls.post_b = cls.published("=HYPERLINK(evil)")
        a, b = Scene(cls.post_a), Scene(cls.post_b)
        days = [NOW - timedelta(days=n) for n in range(8)]
        cls.first_share = a.share(cls.alice, days[5])
        a.share(cls.alice, days[2])  # after the lead: not the share that brought it
        cls.lead(a, cls.alice, days[3])
        a.share(cls.alice, days[4], network="x")
        cls.lead(a, cls.alice, days[4] + timedelta(hours=1), network="x")
        b.share(cls.bob, days[3])
        cls.lead(b, cls.bob, days[2])
        cls.lead(b, cls.bob, days[2], state=REJECTED)
        b.share(cls.dana, days[6])
        cls.lead(b, cls.dana, days[6] + timedelta(hours=1))
        a.share(cls.charlie, days[1])
        cls.lead(a, cls.charlie, NOW - timedelta(hours=1))
        with frozen(NOW):
            rollup_range(days[7].date(), NOW.date())

    @classmethod
    def published(cls, title: str) -> Post:
        post = post_create(created_by=cls.erin, url="https://example.com/news", title=title)
        post_publish(post=post, by=cls.erin)
        return post

    @staticmethod
    def lead(
        scene: Scene,
        person: Person,
        at: datetime,
        network: str = "linkedin",
        state: str = CONFIRMED,
    ) -> Conversion:
        return Conversion.objects.create(
            key=f"api:leads-{next(_keys)}",
            link=scene.link(person, network),
            source="api",
            state=state,
            created_at=at,
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


class DashboardLeadsTests(LeadsScene):
    def test_leads_per_post_network_team_and_person_for_the_whole_programme(self) -> None:
        page = self.get(self.vera)

        self.assertContains(page, 'data-figure="leads">5<')
        self.assertEqual(ranked(page, "posts"), [("Record quarter", 3), ("=HYPERLINK(evil)", 2)])
        self.assertEqual(ranked(page, "networks"), [("LinkedIn", 4), ("X", 1)])
        # Dana's lead counts for both her teams.
        self.assertEqual(ranked(page, "teams"), [("Sales", 4), ("Support", 2)])
        self.assertEqual(
            ranked(page, "people"),
            [("Alice Example", 2), ("Bob Example", 1), ("Charlie Example", 1), ("Dana Both", 1)],
        )

    def test_a_team_lead_sees_the_leads_of_their_own_teams_only(self) -> None:
        page = self.get(self.lena)

        self.assertContains(page, 'data-figure="leads">4<')
        self.assertEqual(ranked(page, "teams"), [("Sales", 4)])
        self.assertEqual(ranked(page, "posts"), [("Record quarter", 2), ("=HYPERLINK(evil)", 2)])
        self.assertEqual(ranked(page, "networks"), [("LinkedIn", 3), ("X", 1)])
        self.assertEqual(
            ranked(page, "people"), [("Alice Example", 2), ("Bob Example", 1), ("Dana Both", 1)]
        )
        self.assertNotContains(page, "Charlie Example")

    def test_a_network_filter_narrows_every_leads_table(self) -> None:
        page = self.get(self.vera, network="x")

        self.assertEqual(ranked(page, "posts"), [("Record quarter", 1)])
        self.assertEqual(ranked(page, "teams"), [("Sales", 1)])
        self.assertEqual(ranked(page, "people"), [("Alice Example", 1)])

    def test_each_lead_is_traced_to_the_share_that_brought_it(self) -> None:
        page = self.get(self.vera)
        conversion = Conversion.objects.get(link__person=self.alice, link__network="linkedin")

        row = re.search(rf'<tr data-lead="{conversion.pk}">(.*?)</tr>', page.content.decode(), re.S)
        assert row is not None
        cells = [
            re.sub(r"<[^>]+>", "", cell).strip()
            for cell in re.findall(r"<td[^>]*>(.*?)</td>", row[1], re.S)
        ]
        shared = date_format(
            timezone.localtime(self.first_share.created_at), "SHORT_DATETIME_FORMAT"
        )
        self.assertEqual(
            cells[1:], ["Record quarter", "LinkedIn", "Alice Example", shared, "Confirmed"]
        )
        self.assertContains(page, reverse("insights:impact", args=[self.alice.pk]))

    def test_privacy_mode_keeps_the_totals_and_hides_other_peoples_leads(self) -> None:
        Programme.objects.update(privacy_mode=True, privacy_min_group_size=100)

        hidden = self.get(self.vera)
        shown = self.get(self.adam)

        self.assertContains(hidden, 'data-figure="leads">5<')
        self.assertEqual(ranked(hidden, "teams"), [("Sales", 4), ("Support", 2)])
        self.assertEqual(ranked(hidden, "people"), [])
        self.assertNotContains(hidden, "data-lead=")
        self.assertNotContains(hidden, "Alice Example")
        self.assertEqual(len(ranked(shown, "people")), 4)
        self.assertEqual(len(re.findall("data-lead=", shown.content.decode())), 6)


class LeadExportTests(LeadsScene):
    def export(self, viewer: Person, table: str, **params: str) -> "TestResponse":
        return self.get(viewer, "insights:dashboard_export", table, **params)

    def test_every_lead_of_the_closed_days_with_its_share(self) -> None:
        rows = rows_of(self.export(self.vera, "leads"))

        self.assertEqual(rows[0][:3], ["lead id", "recorded at", "state"])
        body = rows[1:]
        self.assertEqual(len(body), 5)  # Charlie's lead of today is still moving
        by_person = sorted((row[8], row[6], row[2]) for row in body)
        self.assertEqual(
            by_person,
            [
                ("Alice Example", "linkedin", "confirmed"),
                ("Alice Example", "x", "confirmed"),
                ("Bob Example", "linkedin", "confirmed"),
                ("Bob Example", "linkedin", "rejected"),
                ("Dana Both", "linkedin", "confirmed"),
            ],
        )
        alice = next(row for row in body if row[8] == "Alice Example" and row[6] == "linkedin")
        self.assertEqual(int(alice[9]), self.first_share.pk)
        # A title a spreadsheet would run as a formula is defused.
        self.assertIn("'=HYPERLINK(evil)", {row[5] for row in body})

    def test_the_teams_table_counts_a_persons_figures_for_each_of_their_teams(self) -> None:
        rows = rows_of(self.export(self.vera, "teams"))

        header = rows[0]
        table = {row[1]: dict(zip(header, row, strict=True)) for row in rows[1:]}
        self.assertEqual(sorted(table), ["Sales", "Support"])
        self.assertEqual((table["Sales"]["shares"], table["Sales"]["leads"]), ("5", "4"))
        # Charlie's share was yesterday (closed); his lead is today's (not in an export).
        self.assertEqual((table["Support"]["shares"], table["Support"]["leads"]), ("2", "1"))

    def test_a_team_lead_exports_their_own_teams_only(self) -> None:
        teams = rows_of(self.export(self.lena, "teams"))
        leads = rows_of(self.export(self.lena, "leads"))

        self.assertEqual([row[1] for row in teams[1:]], ["Sales"])
        self.assertEqual(len(leads) - 1, 5)
        self.assertNotIn("Charlie Example", {row[8] for row in leads[1:]})

    def test_privacy_mode_leaves_only_ones_own_leads_in_the_export(self) -> None:
        Programme.objects.update(privacy_mode=True, privacy_min_group_size=100)

        self.assertEqual(rows_of(self.export(self.vera, "leads"))[1:], [])
        self.assertEqual(len(rows_of(self.export(self.adam, "leads"))) - 1, 5)

    def test_members_and_outsiders_get_404_on_every_new_export(self) -> None:
        for table in ("leads", "teams", "referrers", "countries"):
            for viewer in (self.alice, self.charlie):
                with self.subTest(table=table, viewer=viewer.name):
                    self.assertEqual(self.export(viewer, table).status_code, 404)

    def test_an_export_is_written_to_the_audit_log(self) -> None:
        from passaparola.audit.models import AuditEntry

        self.export(self.vera, "leads")

        entry = AuditEntry.objects.get(action="insights.exported")
        self.assertEqual(entry.target_id, "dashboard.leads")
