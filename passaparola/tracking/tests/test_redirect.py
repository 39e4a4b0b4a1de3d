"""The short-link redirect: where it sends people, what it records, and the points it leads to
(the worker records click activities; recognition turns them into points)."""

from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlsplit

from django.test import override_settings
from django.urls import reverse

from passaparola.activity.models import Activity, Verb
from passaparola.content.models import Post
from passaparola.content.services import post_create, post_publish
from passaparola.programme.selectors import programme_get
from passaparola.programme.services import programme_update
from passaparola.recognition.models import PointsEntry
from passaparola.recognition.services import points_for, scheme_get
from passaparola.sharing.models import ShortLink
from passaparola.sharing.services import shortlink_get_or_create
from passaparola.testing import BaseTestCase
from passaparola.tracking.models import Click
from passaparola.tracking.services import clicks_process

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse

CHROME = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Safari/537.36"
)
SAFARI_IOS = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1"
)
BOTS = {
    "LinkedIn": (
        "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)"
    ),
    "Facebook": "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
    "X": "Twitterbot/1.0",
    "Slack": "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
    "WhatsApp": "WhatsApp/2.23.20.0 A",
    "Mastodon": "http.rb/5.1.1 (Mastodon/4.2.1; +https://mastodon.social/)",
    "empty": "",
}
VISITOR_IP = "203.0.113.77"


class RedirectTests(BaseTestCase):
    post: Post
    link: ShortLink

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.post = post_create(
            created_by=cls.erin,
            url="https://example.com/news/factory?ref=home&lang=en#top",
            title="Our new factory opens",
        )
        post_publish(post=cls.post, by=cls.erin)
        programme_update(programme=programme_get(), fields={"utm_campaign": "spring-launch"})
        cls.link = shortlink_get_or_create(person=cls.alice, post=cls.post, network="linkedin")

    def visit(
        self, code: str | None = None, user_agent: str | None = CHROME, **extra: Any
    ) -> "TestResponse":
        headers = {} if user_agent is None else {"user-agent": user_agent}
        return self.client.get(
            reverse("tracking:redirect", args=[code or self.link.code]),
            headers=headers,
            REMOTE_ADDR=extra.pop("REMOTE_ADDR", VISITOR_IP),
            **extra,
        )

    def test_it_redirects_to_the_post_with_utm_parameters(self) -> None:
        response = self.visit()

        self.assertEqual(response.status_code, 302)
        target = urlsplit(response["Location"])
        self.assertEqual(
            (target.scheme, target.netloc, target.path), ("https", "example.com", "/news/factory")
        )
        query = parse_qsl(target.query)
        self.assertEqual(
            query[:-1],
            [
                ("ref", "home"),
                ("lang", "en"),
                ("utm_source", "linkedin"),
                ("utm_medium", "social"),
                ("utm_campaign", "spring-launch"),
                ("utm_content", self.link.code),
            ],
        )
        # Last, the opaque click id the website snippet keeps to report a lead.
        name, click = query[-1]
        self.assertEqual(name, "pp_click")
        self.assertRegex(click, rf"^{self.link.code}-[0-9a-f]{{32}}$")
        self.assertEqual(target.fragment, "top")

    def test_utm_parameters_already_on_the_post_are_kept(self) -> None:
        Post.objects.filter(pk=self.post.pk).update(
            url="https://example.com/a?utm_source=newsletter&utm_campaign=own"
        )

        query = parse_qsl(urlsplit(self.visit()["Location"]).query)

        self.assertEqual(
            query[:-1],
            [
                ("utm_source", "newsletter"),
                ("utm_campaign", "own"),
                ("utm_medium", "social"),
                ("utm_content", self.link.code),
            ],
        )

    def test_the_redirect_is_never_cached(self) -> None:
        response = self.visit()

        self.assertIn("no-store", response["Cache-Control"])

    def test_a_browser_visit_is_recorded_as_a_human_click(self) -> None:
        self.visit(user_agent=CHROME, HTTP_REFERER="https://www.linkedin.com/feed/update/123")

        click = Click.objects.get()
        self.assertEqual(click.link, self.link)
        self.assertFalse(click.is_bot)
        self.assertEqual(click.user_agent, CHROME)
        self.assertEqual(click.referrer_domain, "www.linkedin.com")

    def test_preview_bots_and_a_missing_user_agent_are_recorded_as_bot_clicks(self) -> None:
        for name, user_agent in BOTS.items():
            with self.subTest(bot=name):
                Click.objects.all().delete()
                response = self.visit(user_agent=user_agent)
                self.assertEqual(response.status_code, 302)
                self.assertTrue(Click.objects.get().is_bot)

    def test_a_request_without_any_user_agent_header_is_a_bot_click(self) -> None:
        self.visit(user_agent=None)

        self.assertTrue(Click.objects.get().is_bot)

    def test_a_head_request_is_answered_but_not_recorded(self) -> None:
        response = self.client.head(reverse("tracking:redirect", args=[self.link.code]))

        self.assertEqual(response.status_code, 302)
        self.assertIn("utm_content=" + self.link.code, response["Location"])
        self.assertFalse(Click.objects.exists())

    def test_a_post_request_is_refused(self) -> None:
        response = self.client.post(reverse("tracking:redirect", args=[self.link.code]))

        self.assertEqual(response.status_code, 405)
        self.assertFalse(Click.objects.exists())

    def test_an_unknown_code_gets_a_friendly_404_page(self) -> None:
        response = self.visit(code="NoSuchCode")

        self.assertEqual(response.status_code, 404)
        self.assertContains(response, "This link does not lead anywhere", status_code=404)
        self.assertFalse(Click.objects.exists())

    def test_garbage_codes_never_cause_a_server_error(self) -> None:
        for path in [
            "/s/" + "x" * 5000,
            "/s/%FF%FE%00",
            "/s/%E2%98%83%F0%9F%92%A9",
            "/s/a%20b",
            "/s/..%2F..%2Fetc",
            "/s/" + self.link.code + "%00",
        ]:
            with self.subTest(path=path[:40]):
                response = self.client.get(path, headers={"user-agent": CHROME})
                self.assertEqual(response.status_code, 404)

    def test_odd_bytes_in_headers_never_cause_a_server_error(self) -> None:
        odd = "Mozilla/5.0 \xff\xfe\x80 (\u2603; \\x00) " + "A" * 2000
        cases: list[dict[str, Any]] = [
            {"HTTP_USER_AGENT": odd},
            {"HTTP_REFERER": "http://[::1"},
            {"HTTP_REFERER": "\xff\xfe://\x80\x81"},
            {"HTTP_REFERER": "https://exa mple.com:99999999/x"},
            {"HTTP_X_FORWARDED_FOR": "not-an-ip, \xff, , 999.1.1.1"},
            {"REMOTE_ADDR": ""},
        ]
        for extra in cases:
            with self.subTest(header=next(iter(extra))):
                response = self.client.get(
                    reverse("tracking:redirect", args=[self.link.code]), **extra
                )
                self.assertEqual(response.status_code, 302)
        with override_settings(FORWARDED_FOR_HOPS=2):
            for forwarded in ["", ",,,", "\xff", "1.2.3.4"]:
                with self.subTest(forwarded=forwarded):
                    response = self.visit(HTTP_X_FORWARDED_FOR=forwarded)
                    self.assertEqual(response.status_code, 302)
        self.assertTrue(all(len(click.user_agent) <= 400 for click in Click.objects.all()))

    def test_no_raw_ip_address_is_stored_in_the_click(self) -> None:
        with override_settings(FORWARDED_FOR_HOPS=1):
            self.visit(REMOTE_ADDR="10.0.0.9", HTTP_X_FORWARDED_FOR="198.51.100.23")
        self.visit(REMOTE_ADDR=VISITOR_IP)

        for click in Click.objects.all():
            values = [str(getattr(click, field.attname)) for field in Click._meta.concrete_fields]
            row = " ".join(values)
            for address in ("198.51.100.23", VISITOR_IP, "10.0.0.9"):
                with self.subTest(click=click.pk, address=address):
                    self.assertNotIn(address, row)

    def test_the_same_visitor_twice_on_a_day_is_one_unique_visitor(self) -> None:
        self.visit(REMOTE_ADDR=VISITOR_IP)
        self.visit(REMOTE_ADDR=VISITOR_IP)
        self.visit(REMOTE_ADDR="198.51.100.23")
        self.visit(REMOTE_ADDR=VISITOR_IP, user_agent=SAFARI_IOS)

        self.assertEqual(Click.objects.count(), 4)
        self.assertEqual(Click.objects.values("visitor").distinct().count(), 3)

    def test_the_forwarded_address_is_what_tells_visitors_apart_behind_a_proxy(self) -> None:
        with override_settings(FORWARDED_FOR_HOPS=1):
            self.visit(REMOTE_ADDR="10.0.0.9", HTTP_X_FORWARDED_FOR="198.51.100.23")
            self.visit(REMOTE_ADDR="10.0.0.9", HTTP_X_FORWARDED_FOR="198.51.100.24")

        self.assertEqual(Click.objects.values("visitor").distinct().count(), 2)


class ClickPointsTests(BaseTestCase):
    post: Post
    link: ShortLink

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.post = post_create(
            created_by=cls.erin, url="https://example.com/news", title="Our news"
        )
        post_publish(post=cls.post, by=cls.erin)
        cls.link = shortlink_get_or_create(person=cls.alice, post=cls.post, network="x")

    def visit(self, user_agent: str) -> None:
        response = self.client.get(
            reverse("tracking:redirect", args=[self.link.code]), headers={"user-agent": user_agent}
        )
        self.assertEqual(response.status_code, 302)

    def process(self) -> None:
        """What the worker runs: the click step, then recognition once it has committed."""
        with self.captureOnCommitCallbacks(execute=True):
            clicks_process()

    def click_points(self) -> list[tuple[int, int]]:
        entries = PointsEntry.objects.filter(action=PointsEntry.Action.CLICK)
        return list(entries.values_list("person_id", "points"))

    def test_a_human_click_gives_points_to_the_links_owner_once(self) -> None:
        self.visit(CHROME)

        self.process()
        self.process()

        self.assertEqual(self.click_points(), [(self.alice.pk, scheme_get().points_click)])
        activity = Activity.objects.get(verb=Verb.CLICK_RECEIVED)
        self.assertEqual(
            (activity.person, activity.post, activity.network, activity.source_id),
            (self.alice, self.post, "x", Click.objects.get().pk),
        )

    def test_bot_clicks_give_no_points(self) -> None:
        for user_agent in BOTS.values():
            self.visit(user_agent)

        self.process()

        self.assertEqual(self.click_points(), [])
        self.assertFalse(Activity.objects.filter(verb=Verb.CLICK_RECEIVED).exists())

    def test_each_human_click_counts_and_later_clicks_are_picked_up_later(self) -> None:
        self.visit(CHROME)
        self.visit(BOTS["LinkedIn"])
        self.process()
        self.visit(SAFARI_IOS)

        self.process()
        self.process()

        self.assertEqual(len(self.click_points()), 2)
        self.assertEqual(Activity.objects.filter(verb=Verb.CLICK_RECEIVED).count(), 2)

    def test_click_points_count_on_the_leaderboard(self) -> None:
        self.visit(CHROME)
        self.process()
        self.login(self.alice)

        response = self.client.get(reverse("recognition:leaderboard"))

        # A human click, and the first visit of this visitor to the link today.
        points = points_for(action="click", network="linkedin") + points_for(
            action="unique_click", network="linkedin"
        )
        self.assertContains(response, f"<td>Alice Example</td><td>{points}</td>")

    def test_a_returning_visitor_earns_the_unique_visitor_points_once(self) -> None:
        self.visit(CHROME)
        self.visit(CHROME)
        self.process()

        first, again = Click.objects.order_by("pk")
        self.assertEqual(
            list(
                Activity.objects.filter(verb=Verb.CLICK_RECEIVED)
                .order_by("pk")
                .values_list("source_id", "unique_visitor")
            ),
            [(first.pk, True), (again.pk, False)],
        )
        unique = PointsEntry.objects.filter(person=self.alice, action="unique_click")
        self.assertEqual(list(unique.values_list("key", flat=True)), [f"unique:{first.pk}"])
        self.assertEqual(PointsEntry.objects.filter(person=self.alice, action="click").count(), 2)
