"""LinkedIn at the HTTP layer: OAuth, /v2/userinfo and the Posts API."""

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

from django.urls import reverse
from django.utils import timezone

from passaparola.lib.crypto import decrypt
from passaparola.networks.linkedin import little_text
from passaparola.sharing.models import ConnectedAccount, ScheduledShare, Share
from passaparola.sharing.tests.fakeapi import Reply, Request
from passaparola.sharing.tests.native import SITE, TIMEOUT, NativeTestCase
from passaparola.testing import leaving_target

URN = "urn:li:share:7012345678901234567"


class LinkedInPostingTests(NativeTestCase):
    network = "linkedin"

    def setUp(self) -> None:
        super().setUp()
        self.account = self.connect(
            remote_id="782bbtaQ",
            handle="Ada Lovelace",
            expires_at=timezone.now() + timedelta(days=50),
        )
        self.posts: list[dict[str, object]] = []

    def create_post(self, request: Request, *, delay: float = 0.0) -> Reply:
        body = request.json()
        if any(post["commentary"] == body["commentary"] for post in self.posts):
            # LinkedIn refuses the same content twice and names the post it matches.
            return Reply(422, {"message": f"Content is a duplicate of {URN}", "status": 422})
        self.posts.append(body)
        return Reply(201, headers={"x-restli-id": URN, "x-linkedin-id": URN}, delay=delay)

    def test_a_due_share_is_posted_as_documented(self) -> None:
        self.api.on("POST", "/rest/posts", self.create_post)

        scheduled = self.work(self.queue("Proud of (our) team #Factory @home"))

        (call,) = self.api.calls("POST", "/rest/posts")
        self.assertEqual(call.headers["authorization"], "Bearer access-1")
        self.assertEqual(call.headers["linkedin-version"], "202605")
        self.assertEqual(call.headers["x-restli-protocol-version"], "2.0.0")
        self.assertEqual(call.headers["content-type"], "application/json")
        self.assertEqual(
            call.json(),
            {
                "author": "urn:li:person:782bbtaQ",
                "commentary": r"Proud of \(our\) team {hashtag|#|Factory} \@home",
                "visibility": "PUBLIC",
                "distribution": {
                    "feedDistribution": "MAIN_FEED",
                    "targetEntities": [],
                    "thirdPartyDistributionChannels": [],
                },
                "content": {
                    "article": {
                        "source": self.short_link(),
                        "title": "Our new factory opens",
                        "description": "A short description.",
                    }
                },
                "lifecycleState": "PUBLISHED",
                "isReshareDisabledByAuthor": False,
            },
        )
        self.assertEqual(scheduled.status, ScheduledShare.Status.SENT)
        self.assertEqual(scheduled.remote_id, URN)
        self.assertEqual(scheduled.remote_url, f"https://www.linkedin.com/feed/update/{URN}/")

    def test_an_expired_token_fails_and_asks_to_reconnect(self) -> None:
        self.api.on(
            "POST",
            "/rest/posts",
            Reply(
                401,
                {
                    "serviceErrorCode": 65601,
                    "message": "The token used in the request has expired",
                    "status": 401,
                },
            ),
        )

        scheduled = self.work(self.queue())

        self.assertEqual((scheduled.status, scheduled.error_code), ("failed", "auth"))
        self.assertEqual(len(self.api.calls("POST", "/rest/posts")), 1)
        self.assertFalse(self.api.calls("POST", "/oauth/v2/accessToken"))  # no refresh token
        self.account.refresh_from_db()
        self.assertEqual(self.account.status, ConnectedAccount.Status.EXPIRED)

    def test_it_goes_out_once_even_when_the_worker_retries_after_a_timeout(self) -> None:
        self.api.on(
            "POST",
            "/rest/posts",
            lambda request: self.create_post(request, delay=TIMEOUT * 3),
            self.create_post,
        )

        scheduled = self.retry(self.work(self.queue()))

        self.assertEqual(len(self.posts), 1)
        self.assertEqual(scheduled.status, ScheduledShare.Status.SENT)
        self.assertEqual(scheduled.remote_id, URN)
        self.assertEqual(Share.objects.count(), 1)

    def test_a_rate_limit_is_retried_later(self) -> None:
        self.api.on(
            "POST",
            "/rest/posts",
            Reply(
                429,
                {
                    "message": "Resource level throttle limit for calls to this resource is "
                    "reached.",
                    "status": 429,
                },
                headers={"Retry-After": "120"},
            ),
        )

        scheduled = self.work(self.queue())

        self.assertEqual((scheduled.status, scheduled.error_code), ("queued", "rate_limited"))
        assert scheduled.next_attempt_at is not None
        self.assertAlmostEqual(
            (scheduled.next_attempt_at - timezone.now()).total_seconds(), 120, delta=3
        )

    def test_a_server_error_is_retried_later(self) -> None:
        self.api.on(
            "POST", "/rest/posts", Reply(500, {"message": "Internal Server Error", "status": 500})
        )

        scheduled = self.work(self.queue())

        self.assertEqual((scheduled.status, scheduled.error_code), ("queued", "unavailable"))

    def test_the_accounts_page_nudges_a_week_before_the_token_lapses(self) -> None:
        ConnectedAccount.objects.filter(pk=self.account.pk).update(
            token_expires_at=timezone.now() + timedelta(days=5, hours=1)
        )
        self.login(self.alice)

        accounts = self.client.get(reverse("sharing:accounts"))
        post = self.open_post(self.post)

        self.assertContains(accounts, "Lapses in 5 days: reconnect now.")
        self.assertContains(post, "Your LinkedIn connection lapses in 5 days.")

    def test_no_nudge_while_the_token_is_fresh(self) -> None:
        self.login(self.alice)

        accounts = self.client.get(reverse("sharing:accounts"))

        self.assertContains(accounts, "Valid for 49 more days.")
        self.assertNotContains(accounts, "reconnect now")


class LittleTextTests(NativeTestCase):
    def test_reserved_characters_are_escaped_and_hashtags_templated(self) -> None:
        self.assertEqual(
            little_text(r"a_b *c* [d] <e> ~f~ {g} | \ #Tag x#y"),
            r"a\_b \*c\* \[d\] \<e\> \~f\~ \{g\} \| \\ {hashtag|#|Tag} x\#y",
        )


class LinkedInConnectTests(NativeTestCase):
    network = "linkedin"

    def test_connecting_follows_the_authorization_code_flow(self) -> None:
        self.api.on(
            "POST",
            "/oauth/v2/accessToken",
            Reply(
                200,
                {
                    "access_token": "AQUvlL_DYEzvT2wz1QJiEPeLioeA",
                    "expires_in": 5184000,
                    "scope": "openid,profile,w_member_social",
                    "token_type": "Bearer",
                    "id_token": "eyJ...",
                },
            ),
        )
        self.api.on(
            "GET",
            "/v2/userinfo",
            Reply(
                200,
                {
                    "sub": "782bbtaQ",
                    "name": "Ada Lovelace",
                    "given_name": "Ada",
                    "family_name": "Lovelace",
                    "locale": "en-US",
                },
            ),
        )
        callback = f"{SITE}{reverse('sharing:account_callback', args=['linkedin'])}"
        self.login(self.alice)

        response = self.client.post(reverse("sharing:account_connect", args=["linkedin"]))

        target = urlsplit(leaving_target(response))
        self.assertEqual(
            f"{target.scheme}://{target.netloc}{target.path}",
            f"{self.api.url}/oauth/v2/authorization",
        )
        query = {key: values[0] for key, values in parse_qs(target.query).items()}
        self.assertEqual(
            {k: v for k, v in query.items() if k != "state"},
            {
                "response_type": "code",
                "client_id": "li-client",
                "redirect_uri": callback,
                "scope": "openid profile w_member_social",
            },
        )

        self.client.get(
            reverse("sharing:account_callback", args=["linkedin"]),
            {"code": "AQTQmah11lalyH65DAIivsjsAQV5P", "state": query["state"]},
        )

        (token,) = self.api.calls("POST", "/oauth/v2/accessToken")
        self.assertEqual(
            token.form(),
            {
                "grant_type": "authorization_code",
                "code": "AQTQmah11lalyH65DAIivsjsAQV5P",
                "redirect_uri": callback,
                "client_id": "li-client",
                "client_secret": "li-secret",
            },
        )
        (me,) = self.api.calls("GET", "/v2/userinfo")
        self.assertEqual(me.headers["authorization"], "Bearer AQUvlL_DYEzvT2wz1QJiEPeLioeA")
        account = ConnectedAccount.objects.get(person=self.alice, network="linkedin")
        self.assertEqual((account.remote_id, account.handle), ("782bbtaQ", "Ada Lovelace"))
        self.assertEqual(decrypt(account.access_token), "AQUvlL_DYEzvT2wz1QJiEPeLioeA")
        assert account.token_expires_at is not None
        self.assertEqual((account.token_expires_at - timezone.now()).days, 59)

    def test_a_refusal_on_linkedin_changes_nothing(self) -> None:
        self.login(self.alice)
        response = self.client.post(reverse("sharing:account_connect", args=["linkedin"]))
        state = parse_qs(urlsplit(leaving_target(response)).query)["state"][0]

        self.client.get(
            reverse("sharing:account_callback", args=["linkedin"]),
            {
                "error": "user_cancelled_authorize",
                "error_description": "The user cancelled",
                "state": state,
            },
        )

        self.assertFalse(self.api.requests)
        self.assertFalse(ConnectedAccount.objects.exists())

    def test_connecting_is_unavailable_without_client_credentials(self) -> None:
        self.login(self.alice)
        with self.settings(SHARING_LINKEDIN_CLIENT_ID=""):
            response = self.client.post(reverse("sharing:account_connect", args=["linkedin"]))

        self.assertEqual(response.status_code, 404)
