"""Sharing a post: each network's documented share link, with the person's own short link."""

from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlsplit

from django.test import override_settings
from django.urls import reverse

from passaparola.activity.models import Activity, Verb
from passaparola.content.models import Post
from passaparola.content.services import post_create, post_publish
from passaparola.networks.catalogue import NETWORKS
from passaparola.recognition.models import PointsEntry
from passaparola.recognition.services import scheme_get
from passaparola.sharing.models import Share, ShortLink
from passaparola.testing import BaseTestCase, leaving_target

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse

SITE = "https://advocacy.example.com"
TEXT = "Growth & jobs: 100% worth a read #news?"


@override_settings(SITE_URL=SITE, SHORT_LINK_URL="")
class ShareTests(BaseTestCase):
    post: Post

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.post = post_create(
            created_by=cls.erin,
            url="https://example.com/news/factory?ref=home#top",
            title="Our new factory opens",
            caption="Proud of this!",
        )
        post_publish(post=cls.post, by=cls.erin)

    def share(self, network: str, text: str = TEXT) -> "TestResponse":
        data = {"text": text}
        if network == "mastodon":
            data["instance"] = "mastodon.social"  # Mastodon needs the person's own server
        return self.client.post(reverse("sharing:share", args=[self.post.pk, network]), data)

    def short_link_of(self, person_id: int, network: str) -> str:
        link = ShortLink.objects.get(person_id=person_id, post=self.post, network=network)
        return f"{SITE}/s/{link.code}"

    def shared(self, network: str, text: str = TEXT) -> tuple[str, str, str, dict[str, list[str]]]:
        response = self.share(network, text)
        target = urlsplit(leaving_target(response))
        query = parse_qs(target.query, keep_blank_values=True, strict_parsing=True)
        return target.scheme, target.netloc, target.path, query

    def test_linkedin_gets_only_the_short_link(self) -> None:
        self.login(self.alice)

        scheme, host, path, query = self.shared("linkedin")

        self.assertEqual(
            (scheme, host, path), ("https", "www.linkedin.com", "/sharing/share-offsite/")
        )
        self.assertEqual(query, {"url": [self.short_link_of(self.alice.pk, "linkedin")]})

    def test_x_gets_the_text_and_the_short_link(self) -> None:
        self.login(self.alice)

        scheme, host, path, query = self.shared("x")

        self.assertEqual((scheme, host, path), ("https", "x.com", "/intent/post"))
        self.assertEqual(query, {"text": [TEXT], "url": [self.short_link_of(self.alice.pk, "x")]})

    def test_facebook_gets_only_the_short_link(self) -> None:
        self.login(self.alice)

        scheme, host, path, query = self.shared("facebook")

        self.assertEqual((scheme, host, path), ("https", "www.facebook.com", "/sharer.php"))
        self.assertEqual(query, {"u": [self.short_link_of(self.alice.pk, "facebook")]})

    def test_whatsapp_gets_the_text_followed_by_the_short_link(self) -> None:
        self.login(self.alice)

        scheme, host, path, query = self.shared("whatsapp")

        self.assertEqual((scheme, host, path), ("https", "wa.me", "/"))
        self.assertEqual(
            query, {"text": [f"{TEXT} {self.short_link_of(self.alice.pk, 'whatsapp')}"]}
        )

    def test_email_gets_the_title_as_subject_and_text_and_link_as_body(self) -> None:
        self.login(self.alice)

        scheme, host, path, query = self.shared("email")

        self.assertEqual((scheme, host, path), ("mailto", "", ""))
        self.assertEqual(
            query,
            {
                "subject": ["Our new factory opens"],
                "body": [f"{TEXT}\n\n{self.short_link_of(self.alice.pk, 'email')}"],
            },
        )

    def test_every_network_gets_its_own_short_link(self) -> None:
        self.login(self.alice)

        for network in NETWORKS:
            self.share(network)

        links = {self.short_link_of(self.alice.pk, network) for network in NETWORKS}
        self.assertEqual(len(links), len(NETWORKS))

    def test_each_person_gets_their_own_short_link(self) -> None:
        self.login(self.alice)
        alice_target = leaving_target(self.share("linkedin"))
        self.login(self.bob)
        bob_target = leaving_target(self.share("linkedin"))

        self.assertNotEqual(alice_target, bob_target)
        self.assertIn(self.short_link_of(self.bob.pk, "linkedin").split("/")[-1], bob_target)
        self.assertNotEqual(
            self.short_link_of(self.alice.pk, "linkedin"),
            self.short_link_of(self.bob.pk, "linkedin"),
        )

    def test_sharing_again_on_the_same_network_reuses_the_short_link(self) -> None:
        self.login(self.alice)

        first = leaving_target(self.share("x"))
        second = leaving_target(self.share("x"))

        self.assertEqual(first, second)
        self.assertEqual(ShortLink.objects.filter(person=self.alice, network="x").count(), 1)

    @override_settings(SHORT_LINK_URL="https://go.example.net")
    def test_short_links_use_their_own_domain_when_one_is_set(self) -> None:
        self.login(self.alice)

        _scheme, _host, _path, query = self.shared("linkedin")

        code = ShortLink.objects.get(person=self.alice, network="linkedin").code
        self.assertEqual(query["url"], [f"https://go.example.net/s/{code}"])

    def test_a_share_records_the_share_an_activity_and_points(self) -> None:
        self.login(self.alice)

        # Recognition gives the points as soon as the request's transaction commits.
        with self.captureOnCommitCallbacks(execute=True):
            self.share("linkedin")

        share = Share.objects.get()
        self.assertEqual(
            (share.person, share.post, share.network, share.text),
            (self.alice, self.post, "linkedin", TEXT),
        )
        self.assertEqual(share.link, ShortLink.objects.get(person=self.alice, network="linkedin"))
        activity = Activity.objects.get(verb=Verb.SHARE_CREATED)
        self.assertEqual(
            (activity.person, activity.post, activity.network), (self.alice, self.post, "linkedin")
        )
        entry = PointsEntry.objects.get()
        self.assertEqual(entry.person, self.alice)
        self.assertEqual(entry.points, scheme_get().points_share)

    def test_points_are_awarded_once_per_network(self) -> None:
        self.login(self.alice)

        with self.captureOnCommitCallbacks(execute=True):
            self.share("linkedin")
            self.share("linkedin")
            self.share("x")

        self.assertEqual(Share.objects.count(), 3)
        self.assertEqual(Activity.objects.filter(verb=Verb.SHARE_CREATED).count(), 3)
        awarded = PointsEntry.objects.filter(person=self.alice, action=PointsEntry.Action.SHARE)
        self.assertEqual(sorted(awarded.values_list("network", flat=True)), ["linkedin", "x"])

    def test_a_get_on_the_share_address_is_refused(self) -> None:
        self.login(self.alice)

        response = self.client.get(reverse("sharing:share", args=[self.post.pk, "linkedin"]))

        self.assertEqual(response.status_code, 405)
        self.assertFalse(Share.objects.exists())

    def test_an_unknown_network_gives_404(self) -> None:
        self.login(self.alice)

        response = self.share("myspace")

        self.assertEqual(response.status_code, 404)
        self.assertFalse(Share.objects.exists())
        self.assertFalse(ShortLink.objects.exists())

    def test_sharing_requires_login(self) -> None:
        response = self.share("linkedin")

        self.assertEqual(response.status_code, 302)
        self.assertTrue(response["Location"].startswith(reverse("accounts:login")))
        self.assertFalse(Share.objects.exists())

    def test_an_archived_post_cannot_be_shared(self) -> None:
        Post.objects.filter(pk=self.post.pk).update(state=Post.State.ARCHIVED)
        self.login(self.alice)

        response = self.share("linkedin")

        self.assertEqual(response.status_code, 404)
        self.assertFalse(Share.objects.exists())

    def test_the_post_page_shows_the_persons_own_short_links(self) -> None:
        self.login(self.alice)
        alice_page = self.open_post(self.post)
        self.login(self.bob)
        bob_page = self.open_post(self.post)

        for network in NETWORKS:
            with self.subTest(network=network):
                self.assertContains(alice_page, self.short_link_of(self.alice.pk, network))
                self.assertNotContains(alice_page, self.short_link_of(self.bob.pk, network))
                self.assertContains(bob_page, self.short_link_of(self.bob.pk, network))

    def test_the_post_page_keeps_the_same_short_links_on_every_visit(self) -> None:
        self.login(self.alice)

        self.open_post(self.post)
        self.open_post(self.post)

        self.assertEqual(ShortLink.objects.filter(person=self.alice).count(), len(NETWORKS))

    def test_the_post_page_offers_the_suggested_caption(self) -> None:
        self.login(self.alice)

        response = self.open_post(self.post)

        self.assertContains(response, "Proud of this!")
        for network in NETWORKS:
            self.assertContains(response, reverse("sharing:share", args=[self.post.pk, network]))


class SharePanelTests(BaseTestCase):
    """The person's short links are made by a POST the page sends, never by reading the page."""

    def setUp(self) -> None:
        super().setUp()
        self.post = self.make_post()
        self.panel = reverse("sharing:panel", args=[self.post.pk])
        self.login(self.alice)

    def test_the_first_visit_asks_for_the_share_buttons_without_writing(self) -> None:
        page = self.client.get(reverse("content:post", args=[self.post.pk]))

        self.assertContains(page, f'hx-post="{self.panel}" hx-trigger="load"')
        self.assertContains(page, "Show my share buttons")
        self.assertFalse(ShortLink.objects.exists())

    def test_the_panel_request_makes_the_links_and_answers_with_the_panel(self) -> None:
        response = self.client.post(self.panel, headers={"HX-Request": "true"})

        self.assertEqual(ShortLink.objects.filter(person=self.alice).count(), len(NETWORKS))
        self.assertContains(response, "Share it your way")
        for network in NETWORKS:
            self.assertContains(response, reverse("sharing:share", args=[self.post.pk, network]))
        self.assertNotContains(response, "Show my share buttons")

    def test_without_javascript_the_button_leads_back_to_the_post_with_its_panel(self) -> None:
        response = self.client.post(self.panel)

        self.assertRedirects(response, reverse("content:post", args=[self.post.pk]))
        self.client.post(self.panel)
        self.assertEqual(ShortLink.objects.filter(person=self.alice).count(), len(NETWORKS))

    def test_a_post_one_may_not_read_gets_no_links(self) -> None:
        hidden = self.make_post(title="Support only", teams=[self.support])

        response = self.client.post(reverse("sharing:panel", args=[hidden.pk]))

        self.assertEqual(response.status_code, 404)
        self.assertFalse(ShortLink.objects.exists())
