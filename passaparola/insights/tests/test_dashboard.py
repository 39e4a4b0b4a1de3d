"""The dashboard and impact pages count shares, human clicks and bot visits apart."""

import re
from datetime import timedelta
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils import timezone

from passaparola.content.models import Post
from passaparola.content.services import post_create, post_publish
from passaparola.insights.selectors import programme_summary
from passaparola.invitations.services import invitation_create, person_join
from passaparola.people.models import Person
from passaparola.sharing.models import ShortLink
from passaparola.testing import BaseTestCase, leaving_target
from passaparola.testing.clock import frozen
from passaparola.tracking.models import Click

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse

CHROME = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Safari/537.36"
)
FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0"
LINKEDIN_BOT = (
    "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)"
)
FACEBOOK_BOT = "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)"


def figures(response: "TestResponse") -> dict[str, int]:
    found = re.findall(r'data-figure="([a-z-]+)">(\d+)<', response.content.decode())
    return {name: int(value) for name, value in found}


@frozen()
class DashboardFigureTests(BaseTestCase):
    post: Post

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.post = post_create(
            created_by=cls.erin, url="https://example.com/news", title="Record quarter"
        )
        post_publish(post=cls.post, by=cls.erin)

    def share(self, person: Person, network: str) -> str:
        self.login(person)
        response = self.client.post(reverse("sharing:share", args=[self.post.pk, network]))
        leaving_target(response)
        return ShortLink.objects.get(person=person, post=self.post, network=network).code

    def click(self, code: str, user_agent: str, address: str = "192.0.2.10") -> None:
        response = self.client.get(
            reverse("tracking:redirect", args=[code]),
            headers={"user-agent": user_agent},
            REMOTE_ADDR=address,
        )
        self.assertEqual(response.status_code, 302)

    def set_the_scene(self) -> None:
        alice_linkedin = self.share(self.alice, "linkedin")
        alice_x = self.share(self.alice, "x")
        bob_linkedin = self.share(self.bob, "linkedin")
        self.client.logout()
        self.click(alice_linkedin, CHROME, "192.0.2.10")
        self.click(alice_linkedin, CHROME, "192.0.2.10")
        self.click(alice_linkedin, FIREFOX, "192.0.2.11")
        self.click(alice_linkedin, LINKEDIN_BOT)
        self.click(alice_x, FACEBOOK_BOT)
        self.click(bob_linkedin, CHROME, "192.0.2.12")
        self.click(bob_linkedin, LINKEDIN_BOT)

    def test_the_dashboard_counts_shares_human_clicks_and_bot_visits_apart(self) -> None:
        self.set_the_scene()
        self.login(self.vera)

        shown = figures(self.client.get(reverse("insights:dashboard")))

        self.assertEqual(shown["shares"], 3)
        self.assertEqual(shown["human-clicks"], 4)
        self.assertEqual(shown["bot-clicks"], 3)
        self.assertEqual(shown["unique-clicks"], 3)

    def test_an_empty_programme_shows_zeros(self) -> None:
        self.login(self.adam)

        shown = figures(self.client.get(reverse("insights:dashboard")))

        self.assertEqual((shown["shares"], shown["human-clicks"], shown["bot-clicks"]), (0, 0, 0))

    def test_the_dashboard_leaves_out_what_happened_more_than_30_days_ago(self) -> None:
        self.set_the_scene()
        Click.objects.filter(is_bot=False, link__person=self.bob).update(
            created_at=timezone.now() - timedelta(days=40)
        )
        self.login(self.vera)

        shown = figures(self.client.get(reverse("insights:dashboard")))

        self.assertEqual(shown["human-clicks"], 3)
        self.assertEqual(shown["bot-clicks"], 3)

    def test_joining_through_an_invitation_is_not_taking_part(self) -> None:
        invitation_create(by=self.adam, email="nina@acme.example")
        person_join(email="nina@acme.example", name="Nina", via="invitation")
        self.share(self.alice, "linkedin")

        # Erin published the post and Alice shared it; Nina only joined.
        self.assertEqual(programme_summary(days=30).active_people, 2)

    def test_the_top_people_are_ranked_by_human_clicks(self) -> None:
        self.set_the_scene()
        self.login(self.erin)

        page = self.client.get(reverse("insights:dashboard")).content.decode()

        self.assertLess(page.index("Alice Example</a> <strong>3"), page.index("Bob Example"))

    def test_a_persons_impact_page_shows_only_their_own_figures(self) -> None:
        self.set_the_scene()
        self.login(self.alice)

        shown = figures(self.client.get(reverse("insights:my_impact")))

        self.assertEqual(shown["shares"], 2)
        self.assertEqual(shown["human-clicks"], 3)
        self.assertEqual(shown["unique-clicks"], 2)
        self.assertEqual(shown["bot-clicks"], 2)

    def test_the_team_lead_sees_the_same_figures_as_the_member(self) -> None:
        self.set_the_scene()
        self.login(self.bob)
        own = figures(self.client.get(reverse("insights:my_impact")))
        self.login(self.lena)

        seen_by_lead = figures(self.client.get(reverse("insights:impact", args=[self.bob.pk])))

        self.assertEqual(seen_by_lead, own)
        self.assertEqual((own["shares"], own["human-clicks"], own["bot-clicks"]), (1, 1, 1))
