"""X at the HTTP layer: OAuth 2.0 with PKCE, rotating refresh tokens and POST /2/tweets."""

import base64
import hashlib
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

from django.urls import reverse
from django.utils import timezone

from passaparola.lib.crypto import decrypt
from passaparola.sharing.models import ConnectedAccount, ScheduledShare, Share
from passaparola.sharing.tests.fakeapi import Reply, Request
from passaparola.sharing.tests.native import SITE, TIMEOUT, NativeTestCase
from passaparola.testing import leaving_target

BASIC = "Basic " + base64.b64encode(b"x-client:x-secret").decode()
# Token shapes from docs.x.com's OAuth 2.0 example.
ACCESS_TOKEN = (
    "VGNibzFWSWREZm01bjN1N3dicWlNUG1oa2xRRVNNdmVHelJGY2hPWGxNd2dxOjE2MjIxNjA4MjU4MjU6MToxOmF0OjE"
)
REFRESH_TOKEN = (
    "bWRWa3gzdnk3WHRGU1o0bmRRcTJ5VUxWX1lZTDdJSUtmaWcxbTVxdEFXcW5tOjE2MjIxNjA4MjU4MjU6MToxOnJ0OjE"
)
DUPLICATE = {
    "detail": "You are not allowed to create a Tweet with duplicate content.",
    "type": "about:blank",
    "title": "Forbidden",
    "status": 403,
}


class XPostingTests(NativeTestCase):
    network = "x"

    def setUp(self) -> None:
        super().setUp()
        self.account = self.connect(
            remote_id="2244994945",
            handle="@ada",
            refresh_token="refresh-1",
            expires_at=timezone.now() + timedelta(hours=2),
        )
        self.tweets: list[str] = []

    def create_tweet(self, request: Request, *, delay: float = 0.0) -> Reply:
        text = request.json()["text"]
        if text in self.tweets:
            return Reply(403, DUPLICATE)
        self.tweets.append(text)
        return Reply(
            201,
            {
                "data": {
                    "id": "1445880548472328192",
                    "text": text,
                    "edit_history_tweet_ids": ["1445880548472328192"],
                }
            },
            delay=delay,
        )

    def test_a_due_share_is_posted_as_documented(self) -> None:
        self.api.on("POST", "/2/tweets", self.create_tweet)

        scheduled = self.work(self.queue())

        (call,) = self.api.calls("POST", "/2/tweets")
        self.assertEqual(call.headers["authorization"], "Bearer access-1")
        self.assertEqual(call.headers["content-type"], "application/json")
        self.assertEqual(call.json(), {"text": f"Proud of this! {self.short_link()}"})
        self.assertEqual(scheduled.status, ScheduledShare.Status.SENT)
        self.assertEqual(scheduled.remote_id, "1445880548472328192")
        self.assertEqual(scheduled.remote_url, "https://x.com/ada/status/1445880548472328192")

    def test_an_expired_token_is_refreshed_and_the_new_refresh_token_kept(self) -> None:
        self.api.on(
            "POST",
            "/2/tweets",
            Reply(
                401,
                {
                    "title": "Unauthorized",
                    "type": "about:blank",
                    "status": 401,
                    "detail": "Unauthorized",
                },
            ),
            self.create_tweet,
        )
        self.api.on(
            "POST",
            "/2/oauth2/token",
            Reply(
                200,
                {
                    "token_type": "bearer",
                    "expires_in": 7200,
                    "access_token": "access-2",
                    "scope": "tweet.read tweet.write users.read offline.access",
                    "refresh_token": "refresh-2",
                },
            ),
        )

        scheduled = self.work(self.queue())

        (refresh,) = self.api.calls("POST", "/2/oauth2/token")
        self.assertEqual(refresh.headers["authorization"], BASIC)
        self.assertEqual(
            refresh.form(),
            {"grant_type": "refresh_token", "refresh_token": "refresh-1", "client_id": "x-client"},
        )
        self.assertEqual(
            self.api.calls("POST", "/2/tweets")[1].headers["authorization"], "Bearer access-2"
        )
        self.assertEqual(scheduled.status, ScheduledShare.Status.SENT)
        self.account.refresh_from_db()
        self.assertEqual(decrypt(self.account.refresh_token), "refresh-2")

    def test_a_revoked_refresh_token_fails_and_asks_to_reconnect(self) -> None:
        self.api.on(
            "POST",
            "/2/tweets",
            Reply(401, {"title": "Unauthorized", "status": 401, "detail": "Unauthorized"}),
        )
        self.api.on(
            "POST",
            "/2/oauth2/token",
            Reply(
                400,
                {
                    "error": "invalid_request",
                    "error_description": "Value passed for the token was invalid.",
                },
            ),
        )

        scheduled = self.work(self.queue())

        self.assertEqual((scheduled.status, scheduled.error_code), ("failed", "auth"))
        self.account.refresh_from_db()
        self.assertEqual(self.account.status, ConnectedAccount.Status.EXPIRED)

    def test_a_rate_limit_waits_until_the_documented_reset(self) -> None:
        reset = int((timezone.now() + timedelta(minutes=15)).timestamp())
        self.api.on(
            "POST",
            "/2/tweets",
            Reply(
                429,
                {
                    "title": "Too Many Requests",
                    "detail": "Too Many Requests",
                    "type": "about:blank",
                    "status": 429,
                },
                headers={
                    "x-rate-limit-limit": "100",
                    "x-rate-limit-remaining": "0",
                    "x-rate-limit-reset": str(reset),
                },
            ),
        )

        scheduled = self.work(self.queue())

        self.assertEqual((scheduled.status, scheduled.error_code), ("queued", "rate_limited"))
        assert scheduled.next_attempt_at is not None
        self.assertAlmostEqual(scheduled.next_attempt_at.timestamp(), reset, delta=3)

    def test_it_goes_out_once_even_when_the_worker_retries_after_a_timeout(self) -> None:
        self.api.on(
            "POST",
            "/2/tweets",
            lambda request: self.create_tweet(request, delay=TIMEOUT * 3),
            self.create_tweet,
        )

        scheduled = self.retry(self.work(self.queue()))

        self.assertEqual(len(self.tweets), 1)
        self.assertEqual(scheduled.status, ScheduledShare.Status.SENT)
        self.assertEqual(Share.objects.count(), 1)

    def test_a_duplicate_on_the_first_attempt_is_a_failure(self) -> None:
        self.api.on("POST", "/2/tweets", Reply(403, DUPLICATE))

        scheduled = self.work(self.queue())

        self.assertEqual((scheduled.status, scheduled.error_code), ("failed", "duplicate"))
        self.assertFalse(Share.objects.exists())

    def test_a_server_error_is_retried_later(self) -> None:
        self.api.on(
            "POST", "/2/tweets", Reply(503, {"title": "Service Unavailable", "status": 503})
        )

        scheduled = self.work(self.queue())

        self.assertEqual((scheduled.status, scheduled.error_code), ("queued", "unavailable"))


class XConnectTests(NativeTestCase):
    network = "x"

    def test_connecting_uses_pkce_and_the_documented_token_request(self) -> None:
        self.api.on(
            "POST",
            "/2/oauth2/token",
            Reply(
                200,
                {
                    "token_type": "bearer",
                    "expires_in": 7200,
                    "access_token": ACCESS_TOKEN,
                    "scope": "tweet.read tweet.write users.read offline.access",
                    "refresh_token": REFRESH_TOKEN,
                },
            ),
        )
        self.api.on(
            "GET",
            "/2/users/me",
            Reply(200, {"data": {"id": "2244994945", "name": "Ada", "username": "ada"}}),
        )
        callback = f"{SITE}{reverse('sharing:account_callback', args=['x'])}"
        self.login(self.alice)

        response = self.client.post(reverse("sharing:account_connect", args=["x"]))

        target = urlsplit(leaving_target(response))
        self.assertEqual(
            f"{target.scheme}://{target.netloc}{target.path}", f"{self.api.url}/i/oauth2/authorize"
        )
        query = {key: values[0] for key, values in parse_qs(target.query).items()}
        self.assertEqual(query["response_type"], "code")
        self.assertEqual(query["client_id"], "x-client")
        self.assertEqual(query["redirect_uri"], callback)
        self.assertEqual(query["scope"], "tweet.read tweet.write users.read offline.access")
        self.assertEqual(query["code_challenge_method"], "S256")

        self.client.get(
            reverse("sharing:account_callback", args=["x"]),
            {"code": "VGNibzFWSWREZm", "state": query["state"]},
        )

        (token,) = self.api.calls("POST", "/2/oauth2/token")
        self.assertEqual(token.headers["authorization"], BASIC)
        form = token.form()
        verifier = form.pop("code_verifier")
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(
            b"="
        )
        self.assertEqual(challenge.decode(), query["code_challenge"])
        self.assertEqual(
            form,
            {
                "grant_type": "authorization_code",
                "code": "VGNibzFWSWREZm",
                "redirect_uri": callback,
                "client_id": "x-client",
            },
        )
        account = ConnectedAccount.objects.get(person=self.alice, network="x")
        self.assertEqual((account.remote_id, account.handle), ("2244994945", "@ada"))
        self.assertTrue(decrypt(account.refresh_token).startswith("bWRWa3gzdnk3"))

    def test_the_same_state_cannot_be_used_twice(self) -> None:
        self.api.on(
            "POST",
            "/2/oauth2/token",
            Reply(200, {"access_token": "a", "refresh_token": "r", "expires_in": 7200}),
        )
        self.api.on("GET", "/2/users/me", Reply(200, {"data": {"id": "1", "username": "ada"}}))
        self.login(self.alice)
        response = self.client.post(reverse("sharing:account_connect", args=["x"]))
        state = parse_qs(urlsplit(leaving_target(response)).query)["state"][0]
        callback = reverse("sharing:account_callback", args=["x"])

        self.client.get(callback, {"code": "one", "state": state})
        self.client.get(callback, {"code": "two", "state": state})

        self.assertEqual(len(self.api.calls("POST", "/2/oauth2/token")), 1)
