"""Measured engagement at the HTTP layer: Mastodon statuses and Bluesky's getPosts, as documented.

Mastodon: GET /api/v1/statuses/:id answers a Status entity (reblogs_count, favourites_count,
replies_count), 404 {"error": "Record not found"} once deleted, and X-RateLimit-Limit,
-Remaining and -Reset (an ISO 8601 time) on every answer, 429 past the limit
(docs.joinmastodon.org/methods/statuses, /entities/Status, /api/rate-limits).
Bluesky: app.bsky.feed.getPosts takes up to 25 `uris` and answers {"posts": [PostView]} with
replyCount, repostCount, likeCount and quoteCount; a post it no longer has is left out; the
RateLimit-Remaining and RateLimit-Reset (epoch seconds) headers, 429 past the limit
(docs.bsky.app: lexicon app.bsky.feed.getPosts, "Rate Limits").
"""

import itertools
import threading
from datetime import UTC, datetime, timedelta
from importlib import import_module
from typing import Any
from unittest import mock, skipUnless

from django.apps import apps as django_apps
from django.core import mail
from django.db import connection, connections
from django.test import TransactionTestCase, override_settings
from django.urls import reverse

from passaparola.accounts.privacy import person_erase
from passaparola.content.services import post_create
from passaparola.networks.bluesky import BlueskyProvider
from passaparola.notifications.models import Notification
from passaparola.people.models import Person, Role
from passaparola.people.services import person_create
from passaparola.sharing import services
from passaparola.sharing.engagement import Engagement, engagement_by, engagement_for
from passaparola.sharing.models import (
    ConnectedAccount,
    ScheduledShare,
    ShareEngagement,
    ShareMethod,
)
from passaparola.sharing.services import (
    ENGAGEMENT_SCHEDULE,
    _engagement_claim,
    engagement_measure,
    engagement_start,
    share_create,
)
from passaparola.sharing.tasks import measure_engagement
from passaparola.sharing.tests.fakeapi import FakeAPI, Reply, Request
from passaparola.sharing.tests.native import TIMEOUT, NativeTestCase
from passaparola.testing.clock import frozen

T0 = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)
DID = "did:plc:z72i7hdynmk6r22z27h6tvur"
GET_POSTS = "/xrpc/app.bsky.feed.getPosts"


def iso(when: datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def status(status_id: str, *, reblogs: int, favourites: int, replies: int) -> dict[str, Any]:
    """A Status entity as docs.joinmastodon.org/entities/Status documents it (abridged)."""
    return {
        "id": status_id,
        "created_at": "2026-12-02T12:00:00.000Z",
        "in_reply_to_id": None,
        "visibility": "public",
        "uri": f"https://social.example/users/ada/statuses/{status_id}",
        "url": f"https://social.example/@ada/{status_id}",
        "replies_count": replies,
        "reblogs_count": reblogs,
        "favourites_count": favourites,
        "content": "<p>Proud of this!</p>",
        "account": {"id": "109", "username": "ada", "acct": "ada"},
    }


def mastodon_limits(remaining: int, reset: datetime) -> dict[str, str]:
    return {
        "X-RateLimit-Limit": "300",
        "X-RateLimit-Remaining": str(remaining),
        "X-RateLimit-Reset": iso(reset),
    }


def post_view(uri: str, *, reposts: int, likes: int, replies: int, quotes: int) -> dict[str, Any]:
    """A PostView as the app.bsky.feed.defs lexicon documents it (abridged)."""
    return {
        "uri": uri,
        "cid": "bafyreig2fjxi3rptqdgylg7e5hmjl6mcke7rn2b6cugzlqq3i4zu6rq52q",
        "author": {"did": DID, "handle": "ada.bsky.social"},
        "record": {"$type": "app.bsky.feed.post", "text": "Proud of this!", "createdAt": iso(T0)},
        "replyCount": replies,
        "repostCount": reposts,
        "likeCount": likes,
        "quoteCount": quotes,
        "indexedAt": iso(T0),
        "labels": [],
    }


def bluesky_limits(remaining: int, reset: datetime) -> dict[str, str]:
    return {
        "RateLimit-Limit": "3000",
        "RateLimit-Remaining": str(remaining),
        "RateLimit-Reset": str(int(reset.timestamp())),
        "RateLimit-Policy": "3000;w=300",
    }


class EngagementTestCase(NativeTestCase):
    def native(
        self,
        network: str,
        remote_id: str,
        *,
        server: str = "",
        person: Person | None = None,
        at: datetime = T0,
    ) -> ShareEngagement:
        """A post made natively for a person at `at`, as the worker records it."""
        share = share_create(
            person=person or self.alice,
            post=self.post,
            network=network,
            method=ShareMethod.NATIVE,
            at=at,
        )
        row = engagement_start(share=share, remote_id=remote_id, server=server)
        assert row is not None
        return row

    def measure(self, at: datetime) -> None:
        """Run the periodic task with the clock at `at`."""
        with frozen(at):
            measure_engagement()

    def read(self, row: ShareEngagement) -> ShareEngagement:
        return ShareEngagement.objects.get(pk=row.pk)


class MastodonEngagementTests(EngagementTestCase):
    network = "mastodon"

    def setUp(self) -> None:
        super().setUp()
        self.account = self.connect(server=self.api.netloc, handle="@ada@social.example")

    def status_path(self, status_id: str) -> str:
        return f"/api/v1/statuses/{status_id}"

    def test_a_post_made_for_a_person_is_measured_from_the_documented_status(self) -> None:
        self.api.on(
            "POST",
            "/api/v1/statuses",
            Reply(200, status("103254962155278888", reblogs=0, favourites=0, replies=0)),
        )
        with frozen(T0):
            scheduled = self.work(self.queue())
        row = ShareEngagement.objects.get()
        self.assertEqual((row.share, row.person), (scheduled.share, self.alice))
        self.assertEqual((row.remote_id, row.server), ("103254962155278888", self.api.netloc))
        self.assertEqual(row.next_fetch_at, T0 + timedelta(hours=1))
        self.api.on(
            "GET",
            self.status_path("103254962155278888"),
            Reply(
                200,
                status("103254962155278888", reblogs=4, favourites=12, replies=3),
                headers=mastodon_limits(299, T0 + timedelta(hours=1, minutes=5)),
            ),
        )

        self.measure(T0 + timedelta(hours=1))

        (call,) = self.api.calls("GET", self.status_path("103254962155278888"))
        self.assertNotIn("authorization", call.headers)  # public statuses need no token
        row = self.read(row)
        self.assertEqual((row.reposts, row.likes, row.replies, row.quotes), (4, 12, 3, 0))
        self.assertEqual(row.fetched_at, T0 + timedelta(hours=1))
        self.assertEqual(row.state, ShareEngagement.State.MEASURING)
        self.assertEqual(row.next_fetch_at, T0 + timedelta(hours=6))
        self.login(self.alice)
        with frozen(T0 + timedelta(hours=2)):
            page = self.client.get(reverse("sharing:scheduled"))
        self.assertContains(page, "Reposts 4 · likes 12 · replies 3")
        self.assertContains(page, "measured 1\xa0hour ago")

    def test_a_deleted_status_is_gone_keeps_its_last_counts_and_is_not_read_again(self) -> None:
        row = self.native("mastodon", "110", server=self.api.netloc)
        path = self.status_path("110")
        self.api.on(
            "GET",
            path,
            Reply(200, status("110", reblogs=2, favourites=5, replies=1)),
            Reply(404, {"error": "Record not found"}),
        )

        self.measure(T0 + timedelta(hours=1))
        self.measure(T0 + timedelta(hours=6))
        self.measure(T0 + timedelta(days=1))

        self.assertEqual(len(self.api.calls("GET", path)), 2)
        row = self.read(row)
        self.assertEqual(row.state, ShareEngagement.State.GONE)
        self.assertEqual(row.gone_at, T0 + timedelta(hours=6))
        self.assertIsNone(row.next_fetch_at)
        self.assertEqual((row.reposts, row.likes, row.replies), (2, 5, 1))
        self.assertEqual(row.fetched_at, T0 + timedelta(hours=1))

    def test_a_429_leaves_the_server_alone_until_its_reset_while_others_are_read(self) -> None:
        other = FakeAPI().start()
        self.addCleanup(other.stop)
        limited = [self.native("mastodon", str(200 + n), server=self.api.netloc) for n in range(3)]
        elsewhere = self.native("mastodon", "300", server=other.netloc, person=self.bob)
        now = T0 + timedelta(hours=1)
        reset = now + timedelta(minutes=5)
        answered: list[str] = []

        def limited_once(request: Request) -> Reply:
            # The server's limit is one for all its statuses: the first call hits it.
            answered.append(request.path)
            if len(answered) == 1:
                return Reply(429, {"error": "Too many requests"}, headers=mastodon_limits(0, reset))
            status_id = request.path.rsplit("/", 1)[-1]
            return Reply(200, status(status_id, reblogs=1, favourites=1, replies=1))

        for row in limited:
            self.api.on("GET", self.status_path(row.remote_id), limited_once)
        other.on(
            "GET",
            "/api/v1/statuses/300",
            Reply(200, status("300", reblogs=0, favourites=7, replies=0)),
        )

        self.measure(now)

        self.assertEqual(len([r for r in self.api.requests if r.method == "GET"]), 1)
        for row in limited:
            row = self.read(row)
            self.assertEqual(row.next_fetch_at, reset)
            self.assertEqual(row.state, ShareEngagement.State.MEASURING)
            self.assertIsNone(row.fetched_at)
        self.assertEqual(self.read(elsewhere).likes, 7)

        self.measure(reset - timedelta(seconds=1))
        self.assertEqual(len([r for r in self.api.requests if r.method == "GET"]), 1)

        self.measure(reset)
        self.assertEqual(len([r for r in self.api.requests if r.method == "GET"]), 4)
        self.assertTrue(all(self.read(row).fetched_at == reset for row in limited))

    def test_no_request_left_keeps_the_answer_and_waits_for_the_reset(self) -> None:
        rows = [self.native("mastodon", str(400 + n), server=self.api.netloc) for n in range(3)]
        now = T0 + timedelta(hours=1)
        reset = now + timedelta(minutes=4)
        for row in rows:
            self.api.on(
                "GET",
                self.status_path(row.remote_id),
                Reply(
                    200,
                    status(row.remote_id, reblogs=1, favourites=2, replies=3),
                    headers=mastodon_limits(0, reset),
                ),
            )

        self.measure(now)

        self.assertEqual(len(self.api.requests), 1)
        first, *rest = [self.read(row) for row in rows]
        self.assertEqual((first.likes, first.next_fetch_at), (2, T0 + timedelta(hours=6)))
        self.assertEqual([row.next_fetch_at for row in rest], [reset, reset])

    def test_a_server_that_shows_nothing_to_anonymous_callers_gets_the_persons_token(self) -> None:
        row = self.native("mastodon", "500", server=self.api.netloc)

        def needs_token(request: Request) -> Reply:
            if request.headers.get("authorization") != "Bearer access-1":
                return Reply(401, {"error": "This API requires an authenticated user"})
            return Reply(200, status("500", reblogs=3, favourites=9, replies=0))

        self.api.on("GET", self.status_path("500"), needs_token)

        self.measure(T0 + timedelta(hours=1))

        first, second = self.api.calls("GET", self.status_path("500"))
        self.assertNotIn("authorization", first.headers)
        self.assertEqual(second.headers["authorization"], "Bearer access-1")
        self.assertEqual(self.read(row).likes, 9)

    def test_a_revoked_token_stops_measuring_quietly(self) -> None:
        rows = [self.native("mastodon", str(600 + n), server=self.api.netloc) for n in range(2)]
        for row in rows:
            self.api.on(
                "GET",
                self.status_path(row.remote_id),
                lambda request: Reply(
                    401,
                    {"error": "The access token is invalid"}
                    if "authorization" in request.headers
                    else {"error": "This API requires an authenticated user"},
                ),
            )

        self.measure(T0 + timedelta(hours=1))
        self.measure(T0 + timedelta(hours=6))

        self.assertEqual(len(self.api.requests), 4)  # once each, anonymous then with the token
        for row in rows:
            row = self.read(row)
            self.assertEqual(row.state, ShareEngagement.State.UNREADABLE)
            self.assertIsNone(row.next_fetch_at)
            self.assertEqual(row.error, "The access token is invalid")
        self.assertEqual(len(mail.outbox), 0)
        self.assertFalse(Notification.objects.exists())
        # Posting decides about the account itself; measuring only stops.
        self.account.refresh_from_db()
        self.assertEqual(self.account.status, ConnectedAccount.Status.ACTIVE)

    def test_a_token_without_the_right_scope_stops_measuring_quietly(self) -> None:
        row = self.native("mastodon", "650", server=self.api.netloc)
        self.api.on(
            "GET",
            self.status_path("650"),
            lambda request: (
                Reply(403, {"error": "This action is outside the authorized scopes"})
                if "authorization" in request.headers
                else Reply(401, {"error": "This API requires an authenticated user"})
            ),
        )

        self.measure(T0 + timedelta(hours=1))

        self.assertEqual(self.read(row).state, ShareEngagement.State.UNREADABLE)
        self.assertEqual(len(mail.outbox), 0)

    def test_a_token_is_never_sent_to_another_server_than_its_own(self) -> None:
        ConnectedAccount.objects.filter(pk=self.account.pk).update(server="elsewhere.example")
        row = self.native("mastodon", "700", server=self.api.netloc)
        self.api.on(
            "GET",
            self.status_path("700"),
            Reply(401, {"error": "This API requires an authenticated user"}),
        )

        self.measure(T0 + timedelta(hours=1))

        (call,) = self.api.calls("GET", self.status_path("700"))
        self.assertNotIn("authorization", call.headers)
        self.assertEqual(self.read(row).state, ShareEngagement.State.UNREADABLE)

    def test_a_server_that_does_not_answer_is_tried_again_later_without_hammering(self) -> None:
        rows = [self.native("mastodon", str(800 + n), server=self.api.netloc) for n in range(3)]
        for row in rows:
            self.api.on(
                "GET",
                self.status_path(row.remote_id),
                Reply(
                    200,
                    status(row.remote_id, reblogs=0, favourites=1, replies=0),
                    delay=TIMEOUT * 3,
                ),
            )
        now = T0 + timedelta(hours=1)

        self.measure(now)

        self.assertEqual(len(self.api.requests), 1)
        for row in rows:
            row = self.read(row)
            self.assertEqual(row.next_fetch_at, now + timedelta(minutes=30))
            self.assertEqual(row.state, ShareEngagement.State.MEASURING)

    def test_an_answer_that_is_not_a_status_does_not_stop_the_run(self) -> None:
        broken = self.native("mastodon", "900", server=self.api.netloc)
        fine = self.native("mastodon", "901", server=self.api.netloc, person=self.bob)
        self.api.on("GET", self.status_path("900"), Reply(200, body=b"<html>oops</html>"))
        self.api.on(
            "GET",
            self.status_path("901"),
            Reply(200, status("901", reblogs=1, favourites=1, replies=1)),
        )

        self.measure(T0 + timedelta(hours=1))

        self.assertEqual(self.read(broken).state, ShareEngagement.State.UNREADABLE)
        self.assertEqual(self.read(fine).likes, 1)


class BlueskyEngagementTests(EngagementTestCase):
    network = "bluesky"

    def uri(self, n: int) -> str:
        return f"at://{DID}/app.bsky.feed.post/3l{n:011d}"

    def answer(
        self, *, missing: frozenset[str] = frozenset(), headers: dict[str, str] | None = None
    ) -> Any:
        def behaviour(request: Request) -> Reply:
            posts = [
                post_view(uri, reposts=1, likes=int(uri[-2:]), replies=2, quotes=1)
                for uri in request.query.get("uris", [])
                if uri not in missing
            ]
            return Reply(200, {"posts": posts}, headers=headers or {})

        return behaviour

    def test_counts_are_read_25_posts_a_call_from_the_public_appview(self) -> None:
        rows = [self.native("bluesky", self.uri(n)) for n in range(30)]
        self.api.on("GET", GET_POSTS, self.answer())

        self.measure(T0 + timedelta(hours=1))

        first, second = self.api.calls("GET", GET_POSTS)
        self.assertEqual(len(first.query["uris"]), 25)
        self.assertEqual(len(second.query["uris"]), 5)
        self.assertEqual(
            sorted(first.query["uris"] + second.query["uris"]), sorted(r.remote_id for r in rows)
        )
        self.assertNotIn("authorization", first.headers)  # the AppView needs no session
        for n, row in enumerate(rows):
            row = self.read(row)
            self.assertEqual(
                (row.reposts, row.likes, row.replies, row.quotes), (1, n, 2, 1), row.remote_id
            )
            self.assertEqual(row.next_fetch_at, T0 + timedelta(hours=6))

    def test_a_post_left_out_of_the_answer_is_gone(self) -> None:
        kept, deleted = self.native("bluesky", self.uri(1)), self.native("bluesky", self.uri(2))
        self.api.on("GET", GET_POSTS, self.answer())
        self.measure(T0 + timedelta(hours=1))
        self.api.on("GET", GET_POSTS, self.answer(missing=frozenset({deleted.remote_id})))

        self.measure(T0 + timedelta(hours=6))
        self.measure(T0 + timedelta(days=1))

        deleted = self.read(deleted)
        self.assertEqual(deleted.state, ShareEngagement.State.GONE)
        self.assertEqual(deleted.likes, 2)  # the last counts stay
        self.assertEqual(self.read(kept).fetches, 3)
        self.assertEqual(self.api.calls("GET", GET_POSTS)[-1].query["uris"], [kept.remote_id])

    def test_a_429_stops_every_bluesky_read_until_the_reset(self) -> None:
        rows = [self.native("bluesky", self.uri(n)) for n in range(30)]
        now = T0 + timedelta(hours=1)
        reset = now + timedelta(minutes=10)
        self.api.on(
            "GET",
            GET_POSTS,
            Reply(
                429,
                {"error": "RateLimitExceeded", "message": "Rate Limit Exceeded"},
                headers=bluesky_limits(0, reset),
            ),
            self.answer(),
        )

        self.measure(now)

        self.assertEqual(len(self.api.calls("GET", GET_POSTS)), 1)
        self.assertEqual({self.read(row).next_fetch_at for row in rows}, {reset})
        self.measure(now + timedelta(minutes=5))
        self.assertEqual(len(self.api.calls("GET", GET_POSTS)), 1)
        self.measure(reset)
        self.assertEqual(len(self.api.calls("GET", GET_POSTS)), 3)
        self.assertTrue(all(self.read(row).fetched_at == reset for row in rows))

    def test_no_request_left_stops_the_run_after_storing_the_answer(self) -> None:
        rows = [self.native("bluesky", self.uri(n)) for n in range(30)]
        now = T0 + timedelta(hours=1)
        reset = now + timedelta(minutes=3)
        self.api.on("GET", GET_POSTS, self.answer(headers=bluesky_limits(0, reset)))

        self.measure(now)

        self.assertEqual(len(self.api.calls("GET", GET_POSTS)), 1)
        read = [self.read(row) for row in rows]
        self.assertEqual(sum(1 for row in read if row.fetched_at == now), 25)
        self.assertEqual({row.next_fetch_at for row in read if row.fetched_at is None}, {reset})

    def test_readings_follow_the_schedule_and_stop_after_30_days(self) -> None:
        row = self.native("bluesky", self.uri(7))
        self.api.on("GET", GET_POSTS, self.answer())
        self.measure(T0 + timedelta(minutes=59))
        self.assertFalse(self.api.requests)

        seen = []
        for offset in ENGAGEMENT_SCHEDULE:
            self.measure(T0 + offset)
            row = self.read(row)
            seen.append((row.fetched_at, row.next_fetch_at))
            self.measure(T0 + offset + timedelta(minutes=10))  # nothing new is due in between

        expected_next = [*(T0 + offset for offset in ENGAGEMENT_SCHEDULE[1:]), None]
        self.assertEqual(
            seen, list(zip([T0 + o for o in ENGAGEMENT_SCHEDULE], expected_next, strict=True))
        )
        self.assertEqual(len(self.api.calls("GET", GET_POSTS)), 7)
        self.assertEqual(self.read(row).state, ShareEngagement.State.DONE)
        self.measure(T0 + timedelta(days=45))
        self.assertEqual(len(self.api.calls("GET", GET_POSTS)), 7)

    def test_a_worker_back_late_reads_once_and_skips_the_missed_readings(self) -> None:
        row = self.native("bluesky", self.uri(7))
        self.api.on("GET", GET_POSTS, self.answer())

        self.measure(T0 + timedelta(days=2))

        self.assertEqual(len(self.api.requests), 1)
        self.assertEqual(self.read(row).next_fetch_at, T0 + timedelta(days=3))

    def test_nothing_is_read_after_30_days(self) -> None:
        late = self.native("bluesky", self.uri(1))
        too_late = self.native("bluesky", self.uri(2), at=T0 - timedelta(hours=12))
        ShareEngagement.objects.update(next_fetch_at=T0)  # the worker was down a month
        self.api.on("GET", GET_POSTS, self.answer())

        # The 30-day reading may come up to a day late; a post older than that is left alone.
        self.measure(T0 + timedelta(days=30, hours=13))

        (call,) = self.api.calls("GET", GET_POSTS)
        self.assertEqual(call.query["uris"], [late.remote_id])
        self.assertEqual(self.read(late).state, ShareEngagement.State.DONE)
        too_late = self.read(too_late)
        self.assertEqual((too_late.state, too_late.fetched_at), (ShareEngagement.State.DONE, None))

    def test_two_runs_never_read_the_same_post(self) -> None:
        rows = [self.native("bluesky", self.uri(n)) for n in range(3)]
        self.api.on("GET", GET_POSTS, self.answer())
        now = T0 + timedelta(hours=1)
        original = BlueskyProvider.engagement
        nested: list[object] = []

        def while_reading(provider: BlueskyProvider, **kwargs: Any) -> Any:
            # A second worker starts while the first is waiting for the network.
            nested.append(engagement_measure(now=now))
            return original(provider, **kwargs)

        with frozen(now), mock.patch.object(BlueskyProvider, "engagement", while_reading):
            engagement_measure()
        with frozen(now):
            engagement_measure()  # and a third right after: nothing is due any more

        (call,) = self.api.calls("GET", GET_POSTS)
        self.assertEqual(len(call.query["uris"]), 3)
        self.assertEqual([run.calls for run in nested], [0])  # type: ignore[attr-defined]
        self.assertTrue(all(self.read(row).fetches == 1 for row in rows))

    def test_rows_of_a_run_that_died_are_read_after_the_lease(self) -> None:
        row = self.native("bluesky", self.uri(1))
        self.api.on("GET", GET_POSTS, self.answer())
        now = T0 + timedelta(hours=1)
        with frozen(now):
            _engagement_claim(now, 100)  # taken by a worker that was then killed

        self.measure(now + timedelta(minutes=10))
        self.assertFalse(self.api.requests)
        self.measure(now + timedelta(minutes=30))
        self.assertEqual(self.read(row).fetches, 1)

    def test_an_erased_person_is_no_longer_read_and_the_totals_stay(self) -> None:
        alice_row = self.native("bluesky", self.uri(10))
        self.native("bluesky", self.uri(20), person=self.bob)
        self.api.on("GET", GET_POSTS, self.answer())
        self.measure(T0 + timedelta(hours=1))
        period: dict[str, Any] = {"start": T0 - timedelta(days=1), "end": T0 + timedelta(days=1)}
        before = engagement_for(**period)

        person_erase(person=self.alice, by=self.adam)
        self.measure(T0 + timedelta(hours=6))

        self.assertEqual(self.api.calls("GET", GET_POSTS)[-1].query["uris"], [self.uri(20)])
        alice_row = self.read(alice_row)
        self.assertEqual((alice_row.remote_id, alice_row.server), ("", ""))
        self.assertIsNone(alice_row.next_fetch_at)
        self.assertEqual(engagement_for(**period).likes, before.likes)


class EngagementSelectorTests(EngagementTestCase):
    network = "bluesky"

    def reading(self, row: ShareEngagement, *, likes: int, state: str = "measuring") -> None:
        ShareEngagement.objects.filter(pk=row.pk).update(
            reposts=1, likes=likes, replies=2, quotes=0, fetched_at=row.posted_at, state=state
        )

    def test_totals_count_the_posts_made_in_the_period_as_last_measured(self) -> None:
        first = self.native("bluesky", "at://a/app.bsky.feed.post/1", at=T0)
        second = self.native("bluesky", "at://a/app.bsky.feed.post/2", at=T0, person=self.bob)
        gone = self.native("bluesky", "at://a/app.bsky.feed.post/3", at=T0 + timedelta(days=2))
        self.native("bluesky", "at://a/app.bsky.feed.post/4", at=T0)  # not read yet: not counted
        earlier = self.native("bluesky", "at://a/app.bsky.feed.post/5", at=T0 - timedelta(days=9))
        self.reading(first, likes=10)
        self.reading(second, likes=4)
        self.reading(gone, likes=3, state="gone")
        self.reading(earlier, likes=100)
        week: dict[str, Any] = {"start": T0 - timedelta(days=1), "end": T0 + timedelta(days=6)}

        self.assertEqual(
            engagement_for(**week),
            Engagement(posts=3, reposts=3, likes=17, replies=6, quotes=0, gone=1),
        )
        self.assertEqual(engagement_for(**week).total, 26)
        self.assertEqual(engagement_for(**week, people=[self.bob.pk]).likes, 4)
        self.assertEqual(engagement_for(**week, networks=["mastodon"]), Engagement())
        by_person = engagement_by("person", **week)
        self.assertEqual(
            {pk: totals.likes for pk, totals in by_person.items()},
            {self.alice.pk: 13, self.bob.pk: 4},
        )
        self.assertEqual(engagement_by("share", **week)[first.pk].likes, 10)
        self.assertEqual(engagement_by("post", **week)[self.post.pk].posts, 3)
        self.assertEqual(engagement_by("network", **week)["bluesky"].gone, 1)


class BackfillTests(EngagementTestCase):
    network = "mastodon"

    def test_posts_made_in_the_last_30_days_before_the_release_are_measured_too(self) -> None:
        backfill = import_module("passaparola.sharing.migrations.0009_shareengagement_backfill")
        self.connect(server="social.example")
        recent = self.native("mastodon", "1", server="social.example", at=T0 - timedelta(days=2))
        old = self.native("mastodon", "2", server="social.example", at=T0 - timedelta(days=31))
        for row, sent_at in ((recent, T0 - timedelta(days=2)), (old, T0 - timedelta(days=31))):
            ScheduledShare.objects.create(
                person=self.alice,
                post=self.post,
                network="mastodon",
                scheduled_for=sent_at,
                status=ScheduledShare.Status.SENT,
                sent_at=sent_at,
                remote_id=row.remote_id,
                remote_url=f"https://social.example/@ada/{row.remote_id}",
                share=row.share,
            )
        ShareEngagement.objects.all().delete()

        with frozen(T0):
            backfill.backfill(django_apps, None)

        row = ShareEngagement.objects.get()
        self.assertEqual(
            (row.share_id, row.remote_id, row.server), (recent.pk, "1", "social.example")
        )
        self.assertEqual(row.next_fetch_at, T0 + timedelta(days=1))  # the 3-day reading


@skipUnless(connection.vendor == "postgresql", "concurrent runs need PostgreSQL")
@override_settings(SHARING_HTTP_TIMEOUT=TIMEOUT, SHARING_ALLOW_PRIVATE_HOSTS=True)
class ConcurrentRunsTests(TransactionTestCase):
    """Two worker runs in threads with their own connections, both seeing the same rows due."""

    def setUp(self) -> None:
        self.api = FakeAPI().start()
        self.addCleanup(self.api.stop)
        overrides = self.settings(SHARING_BLUESKY_APPVIEW=self.api.url)
        overrides.enable()
        self.addCleanup(overrides.disable)
        alice = person_create(email="alice@example.org", name="Alice")
        editor = person_create(email="erin@example.org", name="Erin", role=Role.EDITOR)
        post = post_create(created_by=editor, url="https://example.com/a", title="A")
        for n in range(40):
            share = share_create(
                person=alice, post=post, network="bluesky", method=ShareMethod.NATIVE, at=T0
            )
            engagement_start(share=share, remote_id=f"at://{DID}/app.bsky.feed.post/{n}", server="")
        self.api.on(
            "GET",
            GET_POSTS,
            lambda request: Reply(
                200,
                {
                    "posts": [
                        post_view(uri, reposts=0, likes=1, replies=0, quotes=0)
                        for uri in request.query["uris"]
                    ]
                },
            ),
        )

    def test_two_runs_that_see_the_same_rows_due_read_each_post_once(self) -> None:
        now = T0 + timedelta(hours=1)
        barrier = threading.Barrier(2)
        arrivals = itertools.count()
        first_took_its_rows = threading.Event()
        due_ids, claim = services._engagement_due_ids, services._engagement_claim

        def seen_by_both(at: datetime, limit: int) -> list[int]:
            ids = due_ids(at, limit)
            barrier.wait(timeout=10)  # both runs saw every row due; neither took one yet
            if next(arrivals) == 1:
                first_took_its_rows.wait(timeout=10)  # the second tries once the first took them
            return ids

        def claim_and_tell(at: datetime, limit: int) -> tuple[str, list[ShareEngagement]]:
            taken = claim(at, limit)
            first_took_its_rows.set()
            return taken

        results: list[object] = [None, None]

        def run(index: int) -> None:
            try:
                results[index] = engagement_measure(now=now)
            except Exception as error:
                results[index] = error
            finally:
                connections.close_all()

        with (
            mock.patch.object(services, "_engagement_due_ids", seen_by_both),
            mock.patch.object(services, "_engagement_claim", claim_and_tell),
        ):
            threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=60)

        self.assertFalse([r for r in results if isinstance(r, Exception)], results)
        asked = [uri for call in self.api.calls("GET", GET_POSTS) for uri in call.query["uris"]]
        self.assertEqual(len(asked), 40)
        self.assertEqual(len(set(asked)), 40)
        self.assertEqual(
            set(ShareEngagement.objects.values_list("fetches", "likes").distinct()), {(1, 1)}
        )
