"""Share links for every network, the disclosure, hashtags and copy-link."""

from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlsplit

from django.test import override_settings
from django.urls import reverse

from passaparola.content.models import Post
from passaparola.sharing.models import Share, SharingPreference, ShortLink
from passaparola.sharing.services import policy_get, policy_update
from passaparola.testing import BaseTestCase, leaving_target

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse

SITE = "https://advocacy.example.com"
TEXT = "Proud of our team & the new plant!"


@override_settings(SITE_URL=SITE, SHORT_LINK_URL="")
class ShareLinkTests(BaseTestCase):
    post: Post

    def setUp(self) -> None:
        super().setUp()
        self.post = self.make_post()
        self.login(self.alice)

    def share(self, network: str, **data: str) -> "TestResponse":
        return self.client.post(
            reverse("sharing:share", args=[self.post.pk, network]), {"text": TEXT, **data}
        )

    def target(self, network: str, **data: str) -> tuple[str, str, dict[str, list[str]]]:
        response = self.share(network, **data)
        parts = urlsplit(leaving_target(response))
        return (
            parts.netloc,
            parts.path,
            parse_qs(parts.query, keep_blank_values=True, strict_parsing=True),
        )

    def link(self, network: str) -> str:
        code = ShortLink.objects.get(person=self.alice, post=self.post, network=network).code
        return f"{SITE}/s/{code}"

    def test_mastodon_opens_the_persons_own_server_with_the_link_in_the_text(self) -> None:
        host, path, query = self.target("mastodon", instance="https://Fosstodon.org/@ada")

        self.assertEqual((host, path), ("fosstodon.org", "/share"))
        self.assertEqual(query, {"text": [f"{TEXT} {self.link('mastodon')}"]})

    def test_the_mastodon_server_is_asked_once_and_remembered(self) -> None:
        self.target("mastodon", instance="@ada@fosstodon.org")

        host, _path, _query = self.target("mastodon")

        self.assertEqual(host, "fosstodon.org")
        self.assertEqual(
            SharingPreference.objects.get(person=self.alice).mastodon_instance, "fosstodon.org"
        )
        page = self.open_post(self.post)
        self.assertContains(page, 'value="fosstodon.org"')

    def test_mastodon_without_a_server_asks_for_it_and_records_nothing(self) -> None:
        response = self.share("mastodon")

        self.assertContains(response, "Tell us your Mastodon server first.", status_code=400)
        self.assertFalse(Share.objects.exists())

    def test_a_malformed_mastodon_server_is_refused(self) -> None:
        response = self.share("mastodon", instance="not a server")

        self.assertContains(response, "such as mastodon.social", status_code=400)
        self.assertFalse(Share.objects.exists())

    def test_bluesky_takes_the_link_inside_the_text(self) -> None:
        host, path, query = self.target("bluesky")

        self.assertEqual((host, path), ("bsky.app", "/intent/compose"))
        self.assertEqual(query, {"text": [f"{TEXT} {self.link('bluesky')}"]})

    def test_threads_takes_text_and_url(self) -> None:
        host, path, query = self.target("threads")

        self.assertEqual((host, path), ("www.threads.com", "/intent/post"))
        self.assertEqual(query, {"text": [TEXT], "url": [self.link("threads")]})

    def test_xing_takes_only_the_url(self) -> None:
        host, path, query = self.target("xing")

        self.assertEqual((host, path), ("www.xing.com", "/spi/shares/new"))
        self.assertEqual(query, {"url": [self.link("xing")]})

    def test_reddit_takes_the_url_and_the_text_as_title(self) -> None:
        host, path, query = self.target("reddit")

        self.assertEqual((host, path), ("reddit.com", "/submit"))
        self.assertEqual(query, {"url": [self.link("reddit")], "title": [TEXT]})

    def test_telegram_takes_url_and_text(self) -> None:
        host, path, query = self.target("telegram")

        self.assertEqual((host, path), ("t.me", "/share/url"))
        self.assertEqual(query, {"url": [self.link("telegram")], "text": [TEXT]})

    def test_the_disclosure_is_added_where_the_network_takes_text(self) -> None:
        policy_update(policy=policy_get(), fields={"disclosure": "#AcmeEmployee"})

        _h, _p, x = self.target("x")
        _h, _p, bluesky = self.target("bluesky")
        _h, _p, linkedin = self.target("linkedin")

        self.assertEqual(x["text"], [f"{TEXT}\n\n#AcmeEmployee"])
        self.assertEqual(bluesky["text"], [f"{TEXT}\n\n#AcmeEmployee {self.link('bluesky')}"])
        self.assertEqual(linkedin, {"url": [self.link("linkedin")]})
        self.assertEqual(Share.objects.get(network="linkedin").text, f"{TEXT}\n\n#AcmeEmployee")

    def test_the_disclosure_is_not_added_twice(self) -> None:
        policy_update(policy=policy_get(), fields={"disclosure": "#AcmeEmployee"})

        _h, _p, x = self.target("x", text="Great read #acmeemployee")

        self.assertEqual(x["text"], ["Great read #acmeemployee"])

    def test_hashtags_are_added_once_before_the_disclosure(self) -> None:
        policy_update(policy=policy_get(), fields={"disclosure": "#AcmeEmployee"})

        _h, _p, x = self.target("x", text="New plant #Factory", hashtags="factory, #jobs  bad-tag")

        self.assertEqual(x["text"], ["New plant #Factory\n\n#jobs #AcmeEmployee"])

    def test_copy_only_networks_show_the_caption_with_the_disclosure_ready_to_copy(self) -> None:
        policy_update(policy=policy_get(), fields={"disclosure": "#AcmeEmployee"})

        page = self.open_post(self.post)

        self.assertContains(page, "LinkedIn only takes the link: copy your text first")
        self.assertContains(page, "Facebook only takes the link")
        self.assertContains(page, "XING only takes the link")
        self.assertContains(page, "Proud of this!\n\n#AcmeEmployee</textarea>")

    def test_copy_link_records_the_share_and_answers_the_script(self) -> None:
        response = self.client.post(
            reverse("sharing:share", args=[self.post.pk, "copy"]),
            {"text": TEXT},
            headers={"HX-Request": "true"},
        )

        self.assertContains(response, "Your link is copied")
        share = Share.objects.get()
        self.assertEqual((share.network, share.link.network), ("copy", "copy"))

    def test_copy_link_without_script_goes_back_to_the_post(self) -> None:
        response = self.share("copy")

        self.assertRedirects(response, reverse("content:post", args=[self.post.pk]))
        self.assertTrue(Share.objects.filter(network="copy").exists())

    def test_the_post_page_offers_every_caption_variant(self) -> None:
        self.post.captions.create(text="Second voice")

        page = self.open_post(self.post)
        chosen = self.client.get(
            reverse("content:post", args=[self.post.pk]),
            {"caption": self.post.captions.get(text="Second voice").pk},
        )

        self.assertContains(page, 'data-caption="Proud of this!"')
        self.assertContains(page, 'data-caption="Second voice"')
        self.assertContains(chosen, ">Second voice</textarea>")

    def test_the_composer_shows_each_networks_limit(self) -> None:
        page = self.open_post(self.post)

        self.assertContains(page, 'data-counter="x" data-limit="280"')
        self.assertContains(page, 'data-counter="graphemes" data-limit="300"')
        self.assertContains(page, 'data-counter="mastodon" data-limit="500"')
        self.assertContains(page, 'data-counter="chars" data-limit="3000"')
