"""Slack and Microsoft Teams webhooks: managed by programme managers; a ready message is
delivered once to a loopback HTTP server, only to public https addresses in production."""

from datetime import timedelta

from django.db import transaction
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from passaparola.notifications.models import WebhookDelivery, WebhookEndpoint
from passaparola.notifications.services import (
    webhook_create,
    webhook_deliver,
    webhook_messages_queue,
    webhook_topic_since,
)
from passaparola.notifications.tasks import deliver_webhook
from passaparola.notifications.webhooks import WebhookError, WebhookMessage
from passaparola.testing import BaseTestCase
from passaparola.testing.hook import Hook

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


def news(
    key: str = "post:1", title: str = "Our new factory opens", **extra: object
) -> WebhookMessage:
    fields: dict[str, object] = {
        "key": key,
        "occurred_at": timezone.now(),
        "title": title,
        "text": "A short description.",
        "link": "http://testserver/posts/1/#share-title",
        "link_text": "Read and share",
        **extra,
    }
    return WebhookMessage(**fields)  # type: ignore[arg-type]


@override_settings(FETCH_ALLOW_LOOPBACK=True)
class WebhookDeliveryTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.hook = Hook()
        self.addCleanup(self.hook.stop)

    def add(self, kind: str, path: str, **events: str) -> None:
        self.login(self.adam)
        response = self.client.post(URL, form(self.hook.url(path), kind=kind, **events))
        self.assertRedirects(response, URL)

    def queue(self, topic: str, *messages: WebhookMessage) -> list[int]:
        with transaction.atomic():
            webhook_topic_since(topic=topic)
            return webhook_messages_queue(topic=topic, messages=messages, until=timezone.now())

    def send(self, topic: str, *messages: WebhookMessage) -> None:
        for delivery_id in self.queue(topic, *messages):
            deliver_webhook(delivery_id)

    def test_a_ready_message_reaches_slack_as_a_line_and_teams_as_a_branded_card(self) -> None:
        self.add("slack", "/slack")
        self.add("teams", "/teams")

        self.send("posts", news(title="New on Passaparola: <Our> factory"))

        [(_path, slack)] = [item for item in self.hook.received if item[0] == "/slack"]
        [(_path, teams)] = [item for item in self.hook.received if item[0] == "/teams"]
        link = "http://testserver/posts/1/#share-title"
        self.assertEqual(
            slack["text"], f"New on Passaparola: &lt;Our&gt; factory\n<{link}|Read and share>"
        )
        self.assertEqual(teams["@type"], "MessageCard")
        self.assertEqual(teams["title"], "New on Passaparola: <Our> factory")
        self.assertEqual(teams["text"], "A short description.")
        self.assertEqual(teams["themeColor"], "1f6feb")
        self.assertEqual(teams["potentialAction"][0]["targets"][0]["uri"], link)

    def test_slack_gets_the_messages_own_line_when_it_has_one(self) -> None:
        self.add("slack", "/slack", on_kudos="on")

        self.send("kudos", news(key="kudos:1", title="Lena thanked Alice", line="Lena: “Thanks”"))

        self.assertTrue(self.hook.received[0][1]["text"].startswith("Lena: “Thanks”\n"))

    def test_only_endpoints_that_want_the_topic_hear_of_it(self) -> None:
        self.add("slack", "/posts-only")
        self.add("slack", "/kudos-only", on_posts="", on_kudos="on")

        self.send("kudos", news(key="kudos:1"))

        self.assertEqual([path for path, _body in self.hook.received], ["/kudos-only"])

    def test_nobody_listening_means_nothing_to_collect(self) -> None:
        with transaction.atomic():
            self.assertIsNone(webhook_topic_since(topic="posts"))
        self.add("slack", "/kudos-only", on_posts="", on_kudos="on")

        with transaction.atomic():
            self.assertIsNone(webhook_topic_since(topic="posts"))
            self.assertIsNotNone(webhook_topic_since(topic="kudos"))

    def test_events_go_out_once(self) -> None:
        self.add("slack", "/slack")
        message = news(title="Once only")

        self.send("posts", message)
        self.send("posts", message)
        delivery = WebhookDelivery.objects.get()
        again = webhook_deliver(delivery_id=delivery.pk)

        self.assertFalse(again)
        self.assertEqual(len(self.hook.received), 1)

    def test_a_failing_endpoint_keeps_the_message_for_the_retry(self) -> None:
        self.add("teams", "/teams")
        self.hook.status = 500
        [delivery_id] = self.queue("posts", news(title="Retry me"))

        with self.assertRaises(WebhookError):
            webhook_deliver(delivery_id=delivery_id)
        self.assertIn("HTTP 500", WebhookEndpoint.objects.get().last_error)
        self.hook.status = 200
        sent = webhook_deliver(delivery_id=delivery_id)

        self.assertTrue(sent)
        self.assertEqual(len(self.hook.received), 1)
        self.assertEqual(WebhookEndpoint.objects.get().last_error, "")
        self.assertEqual(WebhookDelivery.objects.get().attempts, 2)

    def test_a_new_webhook_does_not_hear_of_what_happened_before_it(self) -> None:
        earlier = news(occurred_at=timezone.now() - timedelta(minutes=5))
        self.add("slack", "/slack")

        self.send("posts", earlier)

        self.assertEqual(self.hook.received, [])
        self.assertFalse(WebhookDelivery.objects.exists())
