"""Mastodon at the HTTP layer: app registration, OAuth, statuses with Idempotency-Key."""

from datetime import timedelta
from itertools import count
from urllib.parse import parse_qs, urlsplit

from django.urls import reverse
from django.utils import timezone

from passaparola.activity.models import Activity, Verb
from passaparola.lib.crypto import decrypt
from passaparola.recognition.models import PointsEntry
from passaparola.sharing.models import ConnectedAccount, MastodonServer, ScheduledShare, Share
from passaparola.sharing.selectors import share_options
from passaparola.sharing.services import shortlinks_create
from passaparola.sharing.tests.fakeapi import Reply, Request
from passaparola.sharing.tests.native import SITE, TIMEOUT, NativeTestCase
from passaparola.testing import leaving_target


def status_entity(status_id: str, text: str) -> dict[str, object]:
    """A Status entity as docs.joinmastodon.org/entities/Status documents it (abridged)."""
    return {
        "id": status_id,
        "created_at": "2026-11-23T10:00:00.000Z",
        "uri": f"https://social.example/users/ada/statuses/{status_id}",
        "url": f"https://social.example/@ada/{status_id}",
        "visibility": "public",
        "content": f"<p>{text}</p>",
        "account": {"id": "109", "username": "ada", "acct": "ada"},
    }


class MastodonPostingTests(NativeTestCase):
    network = "mastodon"

    def setUp(self) -> None:
        super().setUp()
        self.account = self.connect(server=self.api.netloc, handle="@ada@social.example")
        # Mastodon keeps each Idempotency-Key for an hour and answers a repeat with the
        # first status instead of posting again.
        self.statuses: dict[str, dict[str, object]] = {}
        self.ids = count(103254962155278888)

    def create_status(self, request: Request, *, delay: float = 0.0) -> Reply:
        key = request.headers.get("idempotency-key", "")
        if key not in self.statuses:
            self.statuses[key] = status_entity(str(next(self.ids)), request.json()["status"])
        return Reply(200, self.statuses[key], delay=delay)

    def test_a_due_share_is_posted_as_documented(self) -> None:
        self.api.on("POST", "/api/v1/statuses", self.create_status)

        # Recognition gives the share points once the worker's transaction commits.
        with self.captureOnCommitCallbacks(execute=True):
            scheduled = self.work(self.queue())

        (call,) = self.api.calls("POST", "/api/v1/statuses")
        self.assertEqual(call.headers["authorization"], "Bearer access-1")
        self.assertEqual(call.headers["idempotency-key"], scheduled.idempotency_key)
        self.assertEqual(call.headers["content-type"], "application/json")
        self.assertEqual(
            call.json(), {"status": f"Proud of this! {self.short_link()}", "visibility": "public"}
        )
        self.assertEqual(scheduled.status, ScheduledShare.Status.SENT)
        self.assertEqual(scheduled.remote_id, "103254962155278888")
        self.assertEqual(scheduled.remote_url, "https://social.example/@ada/103254962155278888")
        share = Share.objects.get()
        self.assertEqual(
            (share.method, share.network, share.person), ("native", "mastodon", self.alice)
        )
        self.assertEqual(scheduled.share, share)
        self.assertTrue(
            Activity.objects.filter(verb=Verb.SHARE_CREATED, network="mastodon").exists()
        )
        self.assertTrue(PointsEntry.objects.filter(person=self.alice, network="mastodon").exists())

    def test_it_goes_out_once_even_when_the_worker_retries_after_a_timeout(self) -> None:
        self.api.on(
            "POST",
            "/api/v1/statuses",
            lambda request: self.create_status(request, delay=TIMEOUT * 3),
            self.create_status,
        )
        scheduled = self.queue()

        scheduled = self.work(scheduled)

        self.assertEqual(scheduled.status, ScheduledShare.Status.QUEUED)
        self.assertTrue(scheduled.uncertain)
        self.assertEqual(scheduled.error_code, "timeout")
        self.assertFalse(Share.objects.exists())

        scheduled = self.retry(scheduled)

        calls = self.api.calls("POST", "/api/v1/statuses")
        self.assertEqual(len(calls), 2)
        self.assertEqual({c.headers["idempotency-key"] for c in calls}, {scheduled.idempotency_key})
        self.assertEqual(len(self.statuses), 1)  # the network holds one status
        self.assertEqual(scheduled.status, ScheduledShare.Status.SENT)
        self.assertEqual(scheduled.remote_id, "103254962155278888")
        self.assertEqual(Share.objects.count(), 1)

    def test_two_workers_picking_the_same_share_post_it_once(self) -> None:
        self.api.on("POST", "/api/v1/statuses", self.create_status)
        scheduled = self.queue()

        self.work(scheduled)
        self.work(scheduled)

        self.assertEqual(len(self.api.calls("POST", "/api/v1/statuses")), 1)
        self.assertEqual(Share.objects.count(), 1)

    def test_an_expired_token_fails_the_share_and_nudges_to_reconnect(self) -> None:
        self.api.on(
            "POST", "/api/v1/statuses", Reply(401, {"error": "The access token is invalid"})
        )

        scheduled = self.work(self.queue())

        self.assertEqual((scheduled.status, scheduled.error_code), ("failed", "auth"))
        self.account.refresh_from_db()
        self.assertEqual(self.account.status, ConnectedAccount.Status.EXPIRED)
        self.assertFalse(Share.objects.exists())
        self.login(self.alice)
        page = self.open_post(self.post)
        self.assertContains(page, "your connection has lapsed")
        self.assertContains(page, reverse("sharing:accounts"))
        self.assertContains(page, "Share with the link instead")
        self.assertContains(
            page, f'action="{reverse("sharing:share", args=[self.post.pk, "mastodon"])}"'
        )

    def test_a_rate_limit_waits_until_the_documented_reset(self) -> None:
        reset = (timezone.now() + timedelta(minutes=5)).replace(microsecond=0)
        self.api.on(
            "POST",
            "/api/v1/statuses",
            Reply(
                429,
                {"error": "Too many requests"},
                headers={
                    "X-RateLimit-Limit": "300",
                    "X-RateLimit-Remaining": "0",
                    "X-RateLimit-Reset": reset.isoformat().replace("+00:00", ".000Z"),
                },
            ),
        )

        scheduled = self.work(self.queue())

        self.assertEqual((scheduled.status, scheduled.error_code), ("queued", "rate_limited"))
        assert scheduled.next_attempt_at is not None
        self.assertAlmostEqual(scheduled.next_attempt_at.timestamp(), reset.timestamp(), delta=3)

    def test_server_errors_are_retried_with_backoff_then_given_up(self) -> None:
        self.api.on("POST", "/api/v1/statuses", Reply(503, {"error": "Service Unavailable"}))
        scheduled = self.work(self.queue())
        waits = []
        while scheduled.status == ScheduledShare.Status.QUEUED:
            assert scheduled.next_attempt_at is not None
            waits.append(round((scheduled.next_attempt_at - scheduled.updated_at).total_seconds()))
            scheduled = self.retry(scheduled)

        self.assertEqual(waits, [60, 120, 240])
        self.assertEqual((scheduled.status, scheduled.error_code), ("failed", "unavailable"))
        self.assertEqual(scheduled.attempts, 4)
        self.assertFalse(Share.objects.exists())

    def test_a_refused_status_fails_at_once(self) -> None:
        self.api.on(
            "POST",
            "/api/v1/statuses",
            Reply(422, {"error": "Validation failed: Text character limit of 500 exceeded"}),
        )

        scheduled = self.work(self.queue())

        self.assertEqual((scheduled.status, scheduled.error_code), ("failed", "rejected"))
        self.assertIn("character limit", scheduled.error_message)
        self.assertEqual(len(self.api.calls("POST", "/api/v1/statuses")), 1)


class MastodonConnectTests(NativeTestCase):
    network = "mastodon"

    def setUp(self) -> None:
        super().setUp()
        self.callback = f"{SITE}{reverse('sharing:account_callback', args=['mastodon'])}"
        self.api.on(
            "POST",
            "/api/v1/apps",
            Reply(
                200,
                {
                    "id": "563419",
                    "name": "Passaparola",
                    "website": SITE,
                    "scopes": ["read:accounts", "write:statuses"],
                    "redirect_uri": self.callback,
                    "redirect_uris": [self.callback],
                    "client_id": "TWhM-tNSuncnqN7DBJmoyeLnk6K3iJJ71KKXxgL1hPM",
                    "client_secret": "ZEaFUFmF0umgBX1qKJDjaU99Q31lDkOU8NutzTOoliw",
                    "client_secret_expires_at": 0,
                },
            ),
        )
        self.api.on(
            "GET",
            "/api/v2/instance",
            Reply(
                200,
                {
                    "domain": "social.example",
                    "configuration": {
                        "statuses": {"max_characters": 1000, "characters_reserved_per_url": 23}
                    },
                },
            ),
        )
        self.api.on(
            "POST",
            "/oauth/token",
            Reply(
                200,
                {
                    "access_token": "ZA-Yj3aBD8U8Cm7lKUp-lm9O9BmDgdhHzDeqsY8tlL0",
                    "token_type": "Bearer",
                    "scope": "read:accounts write:statuses",
                    "created_at": 1573979017,
                },
            ),
        )
        self.api.on(
            "GET",
            "/api/v1/accounts/verify_credentials",
            Reply(
                200,
                {
                    "id": "14715",
                    "username": "ada",
                    "acct": "ada",
                    "url": "https://social.example/@ada",
                },
            ),
        )

    def test_connecting_registers_the_app_and_completes_oauth(self) -> None:
        self.login(self.alice)

        response = self.client.post(
            reverse("sharing:account_connect", args=["mastodon"]), {"instance": self.api.netloc}
        )

        (register,) = self.api.calls("POST", "/api/v1/apps")
        self.assertEqual(
            register.form(),
            {
                "client_name": "Passaparola",
                "redirect_uris": self.callback,
                "scopes": "read:accounts write:statuses",
                "website": SITE,
            },
        )
        target = urlsplit(leaving_target(response))
        self.assertEqual(target.path, "/oauth/authorize")
        query = {key: values[0] for key, values in parse_qs(target.query).items()}
        self.assertEqual(query["client_id"], "TWhM-tNSuncnqN7DBJmoyeLnk6K3iJJ71KKXxgL1hPM")
        self.assertEqual(query["response_type"], "code")
        self.assertEqual(query["redirect_uri"], self.callback)
        self.assertEqual(query["scope"], "read:accounts write:statuses")
        self.assertEqual(query["code_challenge_method"], "S256")

        done = self.client.get(
            reverse("sharing:account_callback", args=["mastodon"]),
            {"code": "qDFUEaYrRK5c-HNmTCJbAzazwLRInJ7VHFat0wcMgCU", "state": query["state"]},
        )

        self.assertRedirects(done, reverse("sharing:accounts"))
        (token,) = self.api.calls("POST", "/oauth/token")
        form = token.form()
        self.assertEqual(form["grant_type"], "authorization_code")
        self.assertEqual(form["code"], "qDFUEaYrRK5c-HNmTCJbAzazwLRInJ7VHFat0wcMgCU")
        self.assertEqual(form["client_secret"], "ZEaFUFmF0umgBX1qKJDjaU99Q31lDkOU8NutzTOoliw")
        self.assertEqual(form["redirect_uri"], self.callback)
        account = ConnectedAccount.objects.get(person=self.alice, network="mastodon")
        self.assertEqual((account.remote_id, account.server), ("14715", self.api.netloc))
        self.assertNotIn("ZA-Yj3aBD8U8Cm7lKUp", account.access_token)  # encrypted at rest
        self.assertEqual(
            decrypt(account.access_token), "ZA-Yj3aBD8U8Cm7lKUp-lm9O9BmDgdhHzDeqsY8tlL0"
        )
        self.assertNotIn("ZEaFUFmF0umgBX1qKJDj", MastodonServer.objects.get().client_secret)

    def test_the_servers_own_limit_is_used(self) -> None:
        self.login(self.alice)
        self.client.post(
            reverse("sharing:account_connect", args=["mastodon"]), {"instance": self.api.netloc}
        )

        shortlinks_create(person=self.alice, post=self.post)
        options = {o.network: o for o in share_options(person=self.alice, post=self.post)}

        self.assertEqual(options["mastodon"].limit, 1000)
        self.assertEqual(options["x"].limit, 280)

    def test_a_callback_with_a_foreign_state_changes_nothing(self) -> None:
        self.login(self.alice)
        self.client.post(
            reverse("sharing:account_connect", args=["mastodon"]), {"instance": self.api.netloc}
        )

        self.client.get(
            reverse("sharing:account_callback", args=["mastodon"]),
            {"code": "stolen", "state": "not-the-one-we-sent"},
        )

        self.assertFalse(self.api.calls("POST", "/oauth/token"))
        self.assertFalse(ConnectedAccount.objects.exists())

    def test_a_server_on_a_private_address_is_refused(self) -> None:
        self.login(self.alice)
        with self.settings(SHARING_ALLOW_PRIVATE_HOSTS=False):
            response = self.client.post(
                reverse("sharing:account_connect", args=["mastodon"]), {"instance": "localhost"}
            )

        self.assertRedirects(response, reverse("sharing:accounts"))
        self.assertFalse(self.api.requests)
        self.assertFalse(MastodonServer.objects.exists())
