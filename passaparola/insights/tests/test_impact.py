"""A person's impact page: the period and comparison, charts, what each post brought, the
leads their shares brought and the engagement measured on their native posts."""

import re
from datetime import datetime, timedelta
from itertools import count
from typing import TYPE_CHECKING

from django.urls import reverse

from passaparola.content.models import Post
from passaparola.content.services import post_create, post_publish
from passaparola.insights.rollups import rollup_range
from passaparola.insights.tests.test_rollups import Scene
from passaparola.people.models import Person
from passaparola.programme.models import Programme
from passaparola.sharing.models import Share, ShareEngagement, ShareMethod
from passaparola.testing import BaseTestCase
from passaparola.testing.clock import NOW, frozen
from passaparola.tracking.models import Conversion

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse

_keys = count(1)


def figures(response: "TestResponse") -> dict[str, int]:
    found = re.findall(r'data-figure="([a-z-]+)">(\d+)<', response.content.decode())
    return {name: int(value) for name, value in found}


def cells(response: "TestResponse", attribute: str, key: object) -> list[str]:
    """Return the cells of the table row marked data-<attribute>="<key>"."""
    page = response.content.decode()
    row = re.search(rf'<tr data-{attribute}="{key}">(.*?)</tr>', page, re.S)
    assert row is not None, f"no row {attribute}={key}"
    return [
        re.sub(r"<[^>]+>", "", cell).strip()
        for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row[1], re.S)
    ]


def published(editor: Person, title: str) -> Post:
    post = post_create(created_by=editor, url="https://example.com/news", title=title)
    post_publish(post=post, by=editor)
    return post


def lead(scene: Scene, person: Person, at: datetime, network: str, state: str) -> Conversion:
    return Conversion.objects.create(
        key=f"api:impact-{next(_keys)}",
        link=scene.link(person, network),
        source="api",
        state=state,
        created_at=at,
    )


class ImpactFigureTests(BaseTestCase):
    """Alice's month, by hand (frozen at NOW, 2 December 2026, noon UTC):

    - post A: shared on LinkedIn (2 days ago) and posted for her on Mastodon (2 days ago);
      LinkedIn: 2 human visitors 2 days ago, 1 bot, 1 human today; Mastodon: 1 human;
      leads on LinkedIn yesterday: one confirmed, one waiting; on Mastodon: one rejected;
      Mastodon counted 3 reposts, 5 likes, 1 reply.
    - post B: shared on X 40 days ago (last period): 3 human clicks, 1 confirmed lead 39 days ago.
    - Bob shares A the same days: none of it is Alice's.
    """

    post_a: Post
    post_b: Post

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.post_a = published(cls.erin, "Record quarter")
        cls.post_b = published(cls.erin, "Factory opens")
        a, b = Scene(cls.post_a), Scene(cls.post_b)
        two_days_ago = NOW - timedelta(days=2)
        a.share(cls.alice, two_days_ago)
        native = a.share(cls.alice, two_days_ago, network="mastodon")
        Share.objects.filter(pk=native.pk).update(method=ShareMethod.NATIVE)
        ShareEngagement.objects.create(
            share=native,
            person=cls.alice,
            post=cls.post_a,
            network="mastodon",
            server="https://social.example",
            remote_id="1",
            posted_at=two_days_ago,
            reposts=3,
            likes=5,
            replies=1,
            fetched_at=NOW - timedelta(hours=2),
            state=ShareEngagement.State.MEASURING,
        )
        a.click(cls.alice, two_days_ago, visitor="v1")
        a.click(cls.alice, two_days_ago, visitor="v2")
        a.click(cls.alice, two_days_ago, visitor="bot", bot=True)
        a.click(cls.alice, NOW - timedelta(hours=1), visitor="v3")  # today: raw rows
        a.click(cls.alice, two_days_ago, visitor="v4", network="mastodon")
        yesterday = NOW - timedelta(days=1)
        lead(a, cls.alice, yesterday, "linkedin", Conversion.State.CONFIRMED)
        lead(a, cls.alice, yesterday, "linkedin", Conversion.State.PENDING)
        lead(a, cls.alice, yesterday, "mastodon", Conversion.State.REJECTED)
        b.share(cls.alice, NOW - timedelta(days=40), network="x")
        for visitor in ("x1", "x2", "x3"):
            b.click(cls.alice, NOW - timedelta(days=40), visitor=visitor, network="x")
        lead(b, cls.alice, NOW - timedelta(days=39), "x", Conversion.State.CONFIRMED)
        a.share(cls.bob, two_days_ago)
        for visitor in ("b1", "b2", "b3", "b4", "b5"):
            a.click(cls.bob, two_days_ago, visitor=visitor)
        lead(a, cls.bob, yesterday, "linkedin", Conversion.State.CONFIRMED)
        with frozen(NOW):
            rollup_range((NOW - timedelta(days=60)).date(), NOW.date())

    def my_impact(self, **params: str) -> "TestResponse":
        self.login(self.alice)
        with frozen(NOW):
            return self.client.get(reverse("insights:my_impact"), params)

    def test_the_last_30_days_count_only_her_own_figures(self) -> None:
        shown = figures(self.my_impact())

        self.assertEqual(
            shown,
            {
                "shares": 2,
                "human-clicks": 4,
                "unique-clicks": 4,
                "leads": 1,
                "points": 0,
                "bot-clicks": 1,
            },
        )

    def test_a_longer_period_takes_in_the_post_shared_40_days_ago(self) -> None:
        shown = figures(self.my_impact(period="90d"))

        self.assertEqual((shown["shares"], shown["human-clicks"], shown["leads"]), (3, 7, 2))

    def test_compare_shows_the_change_from_the_period_before(self) -> None:
        page = self.my_impact(compare="on")

        # Last period: 1 share, 3 human clicks, 1 lead (post B).
        self.assertContains(page, "compared with")
        self.assertRegex(page.content.decode(), r'data-delta="shares">.*1 more \(100%\)')
        self.assertRegex(page.content.decode(), r'data-delta="human-clicks">.*1 more \(33%\)')
        self.assertRegex(page.content.decode(), r'data-delta="leads">no change')

    def test_each_post_shows_what_it_brought(self) -> None:
        page = self.my_impact(period="90d")

        self.assertEqual(
            cells(page, "post", self.post_a.pk), ["Record quarter", "2", "4", "1", "9"]
        )
        self.assertEqual(
            cells(page, "post", self.post_b.pk), ["Factory opens", "1", "3", "1", "\N{EN DASH}"]
        )
        text = page.content.decode()
        self.assertLess(text.index("Record quarter"), text.index("Factory opens"))

    def test_the_networks_table_keeps_bots_apart(self) -> None:
        page = self.my_impact()

        self.assertEqual(cells(page, "network", "linkedin"), ["LinkedIn", "1", "3", "1", "1"])
        self.assertEqual(cells(page, "network", "mastodon"), ["Mastodon", "1", "1", "0", "0"])

    def test_the_leads_her_shares_brought_are_listed_with_their_state(self) -> None:
        page = self.my_impact()

        states = re.findall(r'data-state="(\w+)"', page.content.decode())
        self.assertEqual(sorted(states), ["confirmed", "pending", "rejected"])
        self.assertContains(page, "Waiting for its click")
        self.assertNotContains(page, "Factory opens")  # its lead was 39 days ago

    def test_measured_engagement_is_shown_as_measured(self) -> None:
        page = self.my_impact()

        for name, value in (("posts", 1), ("reposts", 3), ("likes", 5), ("replies", 1)):
            self.assertContains(page, f'data-engagement="{name}">{value}<')
        self.assertContains(page, "Measured engagement")

    def test_the_clicks_chart_has_dated_days_and_bots_apart(self) -> None:
        page = self.my_impact(period="7d")

        self.assertContains(page, "Bot visits")
        self.assertContains(page, "(shown apart)")
        self.assertContains(page, "per day")

    def test_the_points_and_the_rank_stay(self) -> None:
        page = self.my_impact()

        self.assertContains(page, "Points all time: 0.")

    def test_only_the_period_can_be_chosen_and_other_filters_change_nothing(self) -> None:
        page = self.my_impact(network="x", team=str(self.support.pk))

        self.assertEqual(figures(page)["shares"], 2)
        self.assertNotContains(page, 'name="team"')
        self.assertNotContains(page, 'name="network"')
        self.assertContains(page, 'name="period"')

    def test_a_period_that_is_not_valid_is_explained_and_the_default_shown(self) -> None:
        page = self.my_impact(start="2026-12-01", end="2026-11-01")

        self.assertEqual(page.status_code, 200)
        self.assertContains(page, "The end comes before the start.")
        self.assertEqual(figures(page)["shares"], 2)

    def test_a_team_lead_sees_the_same_figures_as_the_member(self) -> None:
        own = figures(self.my_impact(period="90d"))
        self.login(self.lena)
        with frozen(NOW):
            seen = self.client.get(
                reverse("insights:impact", args=[self.alice.pk]), {"period": "90d"}
            )

        self.assertEqual(figures(seen), own)
        self.assertContains(seen, "Impact of Alice Example")


class ImpactAccessTests(BaseTestCase):
    def status(self, viewer: Person, person: Person) -> int:
        self.login(viewer)
        return self.client.get(
            reverse("insights:impact", args=[person.pk]), {"period": "90d", "compare": "on"}
        ).status_code

    def test_the_owner_opens_their_own_page_with_any_period(self) -> None:
        self.login(self.alice)
        for period in ("7d", "this_quarter", "last_year"):
            with self.subTest(period=period):
                response = self.client.get(reverse("insights:my_impact"), {"period": period})
                self.assertEqual(response.status_code, 200)

    def test_a_teammate_and_an_outsider_get_404(self) -> None:
        self.assertEqual(self.status(self.bob, self.alice), 404)
        self.assertEqual(self.status(self.charlie, self.alice), 404)

    def test_the_team_lead_opens_their_members_page_only(self) -> None:
        self.assertEqual(self.status(self.lena, self.alice), 200)
        self.assertEqual(self.status(self.lena, self.charlie), 404)

    def test_privacy_mode_hides_a_small_groups_people_from_leads_and_viewers(self) -> None:
        Programme.objects.update(privacy_mode=True, privacy_min_group_size=100)

        self.assertEqual(self.status(self.lena, self.alice), 404)
        self.assertEqual(self.status(self.vera, self.alice), 404)
        self.assertEqual(self.status(self.adam, self.alice), 200)  # the programme manager
        self.assertEqual(self.status(self.alice, self.alice), 200)  # one's own, always
