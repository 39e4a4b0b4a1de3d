"""New posts for everyone are told to the Slack and Teams channels, once, when they go live."""

from datetime import timedelta

from django.test import override_settings
from django.utils import timezone

from passaparola.content.models import Post
from passaparola.content.services import post_announcements_queue, post_create, post_publish
from passaparola.content.tasks import announce_posts
from passaparola.notifications.models import WebhookDelivery
from passaparola.notifications.services import webhook_create
from passaparola.programme.selectors import programme_get
from passaparola.programme.services import programme_update
from passaparola.testing import BaseTestCase
from passaparola.testing.hook import Hook


@override_settings(FETCH_ALLOW_LOOPBACK=True)
class PostAnnouncementTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.hook = Hook()
        self.addCleanup(self.hook.stop)

    def add(self, kind: str, path: str) -> None:
        webhook_create(name=path, kind=kind, url=self.hook.url(path), on_posts=True, on_kudos=False)

    def test_a_new_post_for_everyone_reaches_slack_and_teams_with_its_share_link(self) -> None:
        self.add("slack", "/slack")
        self.add("teams", "/teams")
        post = self.make_post(title="Our new factory opens")
        self.make_post(title="Sales only", teams=[self.sales])

        announce_posts.call_local()

        slack = [body for path, body in self.hook.received if path == "/slack"]
        teams = [body for path, body in self.hook.received if path == "/teams"]
        self.assertEqual((len(slack), len(teams)), (1, 1))
        link = f"http://testserver/posts/{post.pk}/#share-title"
        self.assertIn("New on Passaparola: Our new factory opens", slack[0]["text"])
        self.assertIn(f"<{link}|Read and share>", slack[0]["text"])
        self.assertEqual(teams[0]["text"], "A short description.")
        self.assertEqual(teams[0]["potentialAction"][0]["targets"][0]["uri"], link)
        self.assertNotIn("Sales only", str(self.hook.received))

    def test_each_post_is_announced_once(self) -> None:
        self.add("slack", "/slack")
        self.make_post(title="Once only")

        announce_posts.call_local()
        announce_posts.call_local()

        self.assertEqual(len(self.hook.received), 1)
        self.assertEqual(WebhookDelivery.objects.count(), 1)

    def test_a_new_webhook_does_not_replay_old_posts(self) -> None:
        self.make_post(title="Before the webhook")
        self.add("slack", "/slack")

        announce_posts.call_local()

        self.assertEqual(self.hook.received, [])

    def test_a_scheduled_post_is_announced_when_it_goes_live(self) -> None:
        self.add("slack", "/slack")
        post = post_create(
            created_by=self.erin,
            url="https://example.com/news/tomorrow",
            title="Tomorrow's news",
            audience=Post.Audience.EVERYONE,
            published_at=timezone.now() + timedelta(hours=1),
        )
        post_publish(post=post, by=self.erin)

        early = post_announcements_queue()
        later = post_announcements_queue(now=timezone.now() + timedelta(hours=2))

        self.assertEqual(early, [])
        self.assertEqual(len(later), 1)
        self.assertEqual(WebhookDelivery.objects.get().key, f"post:{post.pk}")

    def test_the_message_is_in_the_programmes_language(self) -> None:
        programme_update(
            programme=programme_get(), fields={"name": "Acme Voci", "default_language": "it"}
        )
        self.alice.language = "nl"
        self.alice.save(update_fields=["language"])
        self.add("teams", "/teams")
        self.make_post(title="La fabbrica")

        announce_posts.call_local()

        [(_path, card)] = self.hook.received
        self.assertEqual(card["title"], "Novità su Acme Voci: La fabbrica")
