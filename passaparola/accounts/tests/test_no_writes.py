"""Reading a page never writes: no INSERT, UPDATE or DELETE on a GET request."""

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from passaparola.people.models import Person
from passaparola.testing import BaseTestCase

WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)

MEMBER_PAGES = [
    "content:feed",
    "content:interests",
    "content:suggest",
    "accounts:account",
    "accounts:account_leave",
    "accounts:welcome",
    "accounts:welcome_interests",
    "accounts:welcome_networks",
    "accounts:welcome_notifications",
    "accounts:welcome_share",
    "insights:my_impact",
    "recognition:leaderboard",
    "recognition:points",
    "recognition:preferences",
    "recognition:journey",
    "recognition:badges",
    "recognition:challenges",
    "recognition:rewards",
    "notifications:centre",
    "notifications:settings",
    "sharing:scheduled",
    "sharing:accounts",
    "governance:policy",
    "programme:brand_css",
]

MANAGER_PAGES = [
    *MEMBER_PAGES,
    "accounts:directory",
    "recognition:kudos",
    "content:studio",
    "content:post_new",
    "content:review",
    "content:suggestions",
    "content:calendar",
    "content:topics",
    "content:sources",
    "content:source_new",
    "content:approval",
    "insights:dashboard",
    "insights:adoption",
    "insights:leadership",
    "insights:at_risk",
    "insights:report",
    "recognition:journey_overview",
    "recognition:badge_catalogue",
    "recognition:badge_new",
    "recognition:challenge_new",
    "recognition:reward_catalogue",
    "recognition:reward_new",
    "recognition:claims",
    "recognition:settings",
    "notifications:webhooks",
    "invitations:overview",
    "invitations:invite",
    "invitations:settings",
    "invitations:import_upload",
    "governance:policy_admin",
    "governance:audit",
    "programme:settings",
    "programme:goals",
    "programme:rates",
    "sharing:policy",
    "tracking:settings",
]


class NoWritesOnGetTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.post = self.make_post()

    def pages_for(self, person: Person, names: list[str]) -> list[str]:
        return [
            *(reverse(name) for name in names),
            reverse("content:post", args=[self.post.pk]),
            reverse("insights:impact", args=[self.alice.pk]),
        ]

    def assert_no_writes(self, person: Person, names: list[str]) -> None:
        self.login(person)
        for url in self.pages_for(person, names):
            with self.subTest(person=person.name, url=url):
                # A first visit may differ from later ones: check both.
                for visit in ("first", "second"):
                    with CaptureQueriesContext(connection) as queries:
                        response = self.client.get(url)
                    self.assertIn(response.status_code, (200, 302), f"{visit} visit")
                    writes = [q["sql"] for q in queries if WRITE.match(q["sql"])]
                    self.assertEqual(writes, [], f"{visit} visit of {url} wrote")

    def test_a_member_reading_pages_writes_nothing(self) -> None:
        self.assert_no_writes(self.alice, MEMBER_PAGES)

    def test_a_team_lead_reading_their_teams_insights_writes_nothing(self) -> None:
        self.assert_no_writes(
            self.lena,
            ["insights:adoption", "insights:leadership", "insights:at_risk", "insights:report"],
        )

    def test_a_manager_reading_pages_writes_nothing(self) -> None:
        self.assert_no_writes(self.adam, MANAGER_PAGES)
