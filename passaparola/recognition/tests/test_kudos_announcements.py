"""Kudos are told to the Slack and Teams channels that asked for them, once."""

from django.test import override_settings

from passaparola.notifications.models import WebhookDelivery
from passaparola.notifications.services import webhook_create
from passaparola.recognition.services import kudos_send
from passaparola.recognition.tasks import announce_kudos
from passaparola.testing import BaseTestCase
from passaparola.testing.hook import Hook


@override_settings(FETCH_ALLOW_LOOPBACK=True)
class KudosAnnouncementTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.hook = Hook()
        self.addCleanup(self.hook.stop)

    def add(self, kind: str, path: str, *, on_kudos: bool = True) -> None:
        webhook_create(
            name=path, kind=kind, url=self.hook.url(path), on_posts=True, on_kudos=on_kudos
        )

    def test_kudos_reach_slack_and_teams_with_the_message(self) -> None:
        self.add("slack", "/slack")
        self.add("teams", "/teams")
        kudos_send(sender=self.lena, recipient=self.alice, message="Great week")

        announce_kudos.call_local()

        [slack] = [body for path, body in self.hook.received if path == "/slack"]
        [teams] = [body for path, body in self.hook.received if path == "/teams"]
        self.assertIn("Lena Lead sent kudos to Alice Example: “Great week”", slack["text"])
        self.assertIn("<http://testserver/leaderboard/|Passaparola>", slack["text"])
        self.assertEqual(teams["title"], "Lena Lead sent kudos to Alice Example")
        self.assertEqual(teams["text"], "Great week")

    def test_kudos_go_out_once_and_only_where_wanted(self) -> None:
        self.add("slack", "/slack")
        self.add("slack", "/posts-only", on_kudos=False)
        kudos_send(sender=self.lena, recipient=self.alice, message="Thanks")

        announce_kudos.call_local()
        announce_kudos.call_local()

        self.assertEqual([path for path, _body in self.hook.received], ["/slack"])
        self.assertEqual(WebhookDelivery.objects.count(), 1)
