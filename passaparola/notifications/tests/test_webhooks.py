"""Slack and Microsoft Teams webhooks: managed by programme managers, delivered once to a
loopback HTTP server, only to public https addresses in production."""

from django.test import override_settings
from django.urls import reverse

from passaparola.notifications.models import WebhookDelivery, WebhookEndpoint
from passaparola.notifications.services import (
    webhook_create,
    webhook_deliver,
    webhook_events_collect,
)
from passaparola.notifications.tasks import collect_webhook_events
from passaparola.notifications.tests.support import Hook
from passaparola.notifications.webhooks import WebhookError
from passaparola.recognition.services import kudos_send
from passaparola.testing import BaseTestCase

URL = "/notifications/webhooks/"


def form(url: str, kind: str = "slack", **extra: str) -> dict[str, str]:
    return {"name": "Company channel", "kind": kind, "url": url, "on_posts": "on", **extra}


class WebhookPageTests(BaseTestCase):
    def test_only_programme_managers_see_the_page(self) -> None:
        for person in (self.alice, self.charlie, self.erin, self.lena, self.vera):
            self.login(person)
            self.assertEqual(self.client.get(URL).status_code, 404, person.email)
        self.login(self.adam)

        response = self.client.get(URL)

        self.assertContains(response, "Slack and Teams")

    def test_only_programme_managers_add_or_remove_webhooks(self) -> None:
        endpoint = webhook_create(
            name="Sales", kind="slack", url="https://hooks.example/x", on_posts=True, on_kudos=True
        )
        delete = reverse("notifications:webhook_delete", args=[endpoint.pk])
        for person in (self.alice, self.erin, self.lena):
            self.login(person)
            added = self.client.post(URL, form("https://93.184.216.34/hook"))
            removed = self.client.post(delete)
            self.assertEqual((added.status_code, removed.status_code), (404, 404))
        self.assertEqual(WebhookEndpoint.objects.count(), 1)
        self.login(self.adam)

        response = self.client.post(delete)

        self.assertRedirects(response, URL)
        self.assertFalse(WebhookEndpoint.objects.exists())

    def test_plain_http_and_private_addresses_are_refused(self) -> None:
        self.login(self.adam)
        cases = {
            "http://93.184.216.34/hook": "must start with https://",
            "https://10.1.2.3/hook": "private or reserved network",
            "https://127.0.0.1/hook": "private or reserved network",
            "https://169.254.169.254/latest": "private or reserved network",
            "not an address": "Enter a valid URL",
        }
        for url, message in cases.items():
            response = self.client.post(URL, form(url))
            self.assertContains(response, message, msg_prefix=url)
        self.assertFalse(WebhookEndpoint.objects.exists())

    def test_a_webhook_needs_at_least_one_event(self) -> None:
        self.login(self.adam)

        response = self.client.post(
            URL, {"name": "x", "kind": "teams", "url": "https://93.184.216.34/"}
        )

        self.assertContains(response, "Pick at least one event")
        self.assertFalse(WebhookEndpoint.objects.exists())


@override_settings(FETCH_ALLOW_LOOPBACK=True)
class WebhookDeliveryTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.hook = Hook()
        self.addCleanup(self.hook.stop)

    def add(self, kind: str, path: str) -> None:
        self.login(self.adam)
        response = self.client.post(URL, form(self.hook.url(path), kind=kind, on_kudos="on"))
        self.assertRedirects(response, URL)

    def test_new_posts_for_everyone_and_kudos_reach_slack_and_teams(self) -> None:
        self.add("slack", "/slack")
        self.add("teams", "/teams")
        post = self.make_post(title="Our new factory opens")
        self.make_post(title="Sales only", teams=[self.sales])
        kudos_send(sender=self.lena, recipient=self.alice, message="Great week")

        collect_webhook_events.call_local()

        slack = [body for path, body in self.hook.received if path == "/slack"]
        teams = [body for path, body in self.hook.received if path == "/teams"]
        self.assertEqual(len(slack), 2)
        self.assertEqual(len(teams), 2)
        link = f"http://testserver/posts/{post.pk}/#share-title"
        self.assertIn(f"<{link}|Read and share>", slack[0]["text"])
        self.assertIn("Our new factory opens", slack[0]["text"])
        self.assertIn("Lena Lead sent kudos to Alice Example", slack[1]["text"])
        self.assertEqual(teams[0]["@type"], "MessageCard")
        self.assertEqual(teams[0]["potentialAction"][0]["targets"][0]["uri"], link)
        self.assertNotIn("Sales only", str(self.hook.received))

    def test_events_go_out_once(self) -> None:
        self.add("slack", "/slack")
        self.make_post(title="Once only")

        collect_webhook_events.call_local()
        collect_webhook_events.call_local()
        delivery = WebhookDelivery.objects.get()
        again = webhook_deliver(delivery_id=delivery.pk)

        self.assertFalse(again)
        self.assertEqual(len(self.hook.received), 1)

    def test_a_failing_endpoint_keeps_the_message_for_the_retry(self) -> None:
        self.add("teams", "/teams")
        self.make_post(title="Retry me")
        self.hook.status = 500
        [delivery_id] = webhook_events_collect()

        with self.assertRaises(WebhookError):
            webhook_deliver(delivery_id=delivery_id)
        self.assertIn("HTTP 500", WebhookEndpoint.objects.get().last_error)
        self.hook.status = 200
        sent = webhook_deliver(delivery_id=delivery_id)

        self.assertTrue(sent)
        self.assertEqual(len(self.hook.received), 1)
        self.assertEqual(WebhookEndpoint.objects.get().last_error, "")
        self.assertEqual(WebhookDelivery.objects.get().attempts, 2)

    def test_a_new_webhook_does_not_replay_old_posts(self) -> None:
        self.make_post(title="Before the webhook")
        self.add("slack", "/slack")

        collect_webhook_events.call_local()

        self.assertEqual(self.hook.received, [])
