"""Bluesky at the HTTP layer: app-password sessions, createRecord with facets and a link card."""

import re
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from passaparola.content.models import Post
from passaparola.lib.crypto import decrypt
from passaparola.networks.bluesky import facets_for, new_tid
from passaparola.sharing.models import ConnectedAccount, ScheduledShare, Share
from passaparola.sharing.tests.fakeapi import Reply, Request
from passaparola.sharing.tests.native import TIMEOUT, NativeTestCase

DID = "did:plc:z72i7hdynmk6r22z27h6tvur"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
SESSION = {
    "did": DID,
    "handle": "ada.bsky.social",
    "email": "ada@example.org",
    "accessJwt": "access-2",
    "refreshJwt": "refresh-2",
    "active": True,
}
BLOB = {
    "$type": "blob",
    "ref": {"$link": "bafkreibabalobzn6cd366ukcsjycp4yymjymgfxcv6xczmlgpemzkz3cfa"},
    "mimeType": "image/png",
    "size": len(PNG),
}


class BlueskyPostingTests(NativeTestCase):
    network = "bluesky"

    def setUp(self) -> None:
        super().setUp()
        self.account = self.connect(
            remote_id=DID,
            handle="ada.bsky.social",
            refresh_token="refresh-1",
            secret="abcd-efgh-ijkl-mnop",
            server=self.api.url,
        )
        # The PDS keeps records by record key: writing an existing key is refused.
        self.records: dict[str, dict[str, object]] = {}

    def create_record(self, request: Request, *, delay: float = 0.0) -> Reply:
        body = request.json()
        rkey = body["rkey"]
        if rkey in self.records:
            return Reply(400, {"error": "InvalidRequest", "message": "Record already exists"})
        self.records[rkey] = body["record"]
        uri = f"at://{DID}/app.bsky.feed.post/{rkey}"
        return Reply(
            200,
            {"uri": uri, "cid": "bafyreig2fjxi3rptqdgylg7e5hmjl6mcke7rn2b6cugzlqq3i4zu6rq52q"},
            delay=delay,
        )

    def get_record(self, request: Request) -> Reply:
        rkey = request.query["rkey"][0]
        if rkey not in self.records:
            return Reply(400, {"error": "RecordNotFound", "message": "Could not locate record"})
        uri = f"at://{DID}/app.bsky.feed.post/{rkey}"
        return Reply(200, {"uri": uri, "cid": "bafy", "value": self.records[rkey]})

    def test_a_due_share_is_posted_as_documented_with_facets_and_a_card(self) -> None:
        self.api.on("GET", "/card.png", Reply(200, headers={"Content-Type": "image/png"}, body=PNG))
        self.api.on("POST", "/xrpc/com.atproto.repo.uploadBlob", Reply(200, {"blob": BLOB}))
        self.api.on("POST", "/xrpc/com.atproto.repo.createRecord", self.create_record)
        Post.objects.filter(pk=self.post.pk).update(image_url=f"{self.api.url}/card.png")
        text = "Très fier 👩‍👩‍👧 #Usine"

        scheduled = self.work(self.queue(text))

        (upload,) = self.api.calls("POST", "/xrpc/com.atproto.repo.uploadBlob")
        self.assertEqual(upload.headers["content-type"], "image/png")
        self.assertEqual(upload.headers["authorization"], "Bearer access-1")
        self.assertEqual(upload.body, PNG)
        (create,) = self.api.calls("POST", "/xrpc/com.atproto.repo.createRecord")
        self.assertEqual(create.headers["authorization"], "Bearer access-1")
        body = create.json()
        link = self.short_link()
        full = f"{text} {link}"
        encoded = full.encode()
        record = body["record"]
        self.assertEqual((body["repo"], body["collection"]), (DID, "app.bsky.feed.post"))
        self.assertEqual(body["rkey"], scheduled.remote_key)
        self.assertRegex(body["rkey"], r"^[234567a-j][234567a-z]{12}$")
        self.assertEqual(record["$type"], "app.bsky.feed.post")
        self.assertEqual(record["text"], full)
        self.assertRegex(record["createdAt"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
        link_facet, tag_facet = record["facets"]
        start, end = link_facet["index"]["byteStart"], link_facet["index"]["byteEnd"]
        self.assertEqual(encoded[start:end].decode(), link)
        self.assertEqual(
            link_facet["features"], [{"$type": "app.bsky.richtext.facet#link", "uri": link}]
        )
        start, end = tag_facet["index"]["byteStart"], tag_facet["index"]["byteEnd"]
        self.assertEqual(encoded[start:end].decode(), "#Usine")
        self.assertEqual(
            tag_facet["features"], [{"$type": "app.bsky.richtext.facet#tag", "tag": "Usine"}]
        )
        self.assertEqual(
            record["embed"],
            {
                "$type": "app.bsky.embed.external",
                "external": {
                    "uri": link,
                    "title": "Our new factory opens",
                    "description": "A short description.",
                    "thumb": BLOB,
                },
            },
        )
        self.assertEqual(scheduled.status, ScheduledShare.Status.SENT)
        self.assertEqual(
            scheduled.remote_id, f"at://{DID}/app.bsky.feed.post/{scheduled.remote_key}"
        )
        self.assertEqual(
            scheduled.remote_url,
            f"https://bsky.app/profile/ada.bsky.social/post/{scheduled.remote_key}",
        )

    def test_a_card_goes_without_thumbnail_when_the_image_is_too_big(self) -> None:
        self.api.on(
            "GET",
            "/big.png",
            Reply(200, headers={"Content-Type": "image/png"}, body=b"0" * 1_000_001),
        )
        self.api.on("POST", "/xrpc/com.atproto.repo.createRecord", self.create_record)
        Post.objects.filter(pk=self.post.pk).update(image_url=f"{self.api.url}/big.png")

        scheduled = self.work(self.queue())

        self.assertEqual(scheduled.status, ScheduledShare.Status.SENT)
        self.assertFalse(self.api.calls("POST", "/xrpc/com.atproto.repo.uploadBlob"))
        record = self.api.calls("POST", "/xrpc/com.atproto.repo.createRecord")[0].json()["record"]
        self.assertNotIn("thumb", record["embed"]["external"])

    def test_an_expired_access_token_is_refreshed_and_the_post_retried(self) -> None:
        self.api.on(
            "POST",
            "/xrpc/com.atproto.repo.createRecord",
            Reply(400, {"error": "ExpiredToken", "message": "Token has expired"}),
            self.create_record,
        )
        self.api.on("POST", "/xrpc/com.atproto.server.refreshSession", Reply(200, SESSION))

        scheduled = self.work(self.queue())

        (refresh,) = self.api.calls("POST", "/xrpc/com.atproto.server.refreshSession")
        self.assertEqual(refresh.headers["authorization"], "Bearer refresh-1")
        second = self.api.calls("POST", "/xrpc/com.atproto.repo.createRecord")[1]
        self.assertEqual(second.headers["authorization"], "Bearer access-2")
        self.assertEqual(scheduled.status, ScheduledShare.Status.SENT)
        self.account.refresh_from_db()
        self.assertEqual(decrypt(self.account.refresh_token), "refresh-2")

    def test_when_the_session_cannot_be_renewed_the_person_must_reconnect(self) -> None:
        expired = Reply(400, {"error": "ExpiredToken", "message": "Token has expired"})
        self.api.on("POST", "/xrpc/com.atproto.repo.createRecord", expired)
        self.api.on("POST", "/xrpc/com.atproto.server.refreshSession", expired)
        self.api.on(
            "POST",
            "/xrpc/com.atproto.server.createSession",
            Reply(
                401,
                {"error": "AuthenticationRequired", "message": "Invalid identifier or password"},
            ),
        )

        scheduled = self.work(self.queue())

        (login,) = self.api.calls("POST", "/xrpc/com.atproto.server.createSession")
        self.assertEqual(
            login.json(), {"identifier": "ada.bsky.social", "password": "abcd-efgh-ijkl-mnop"}
        )
        self.assertEqual((scheduled.status, scheduled.error_code), ("failed", "auth"))
        self.account.refresh_from_db()
        self.assertEqual(self.account.status, ConnectedAccount.Status.EXPIRED)

    def test_it_goes_out_once_even_when_the_worker_retries_after_a_timeout(self) -> None:
        self.api.on(
            "POST",
            "/xrpc/com.atproto.repo.createRecord",
            lambda request: self.create_record(request, delay=TIMEOUT * 3),
            self.create_record,
        )
        self.api.on("GET", "/xrpc/com.atproto.repo.getRecord", self.get_record)

        scheduled = self.work(self.queue())
        self.assertEqual((scheduled.status, scheduled.uncertain), ("queued", True))
        scheduled = self.retry(scheduled)

        self.assertEqual(len(self.records), 1)
        self.assertEqual(len(self.api.calls("POST", "/xrpc/com.atproto.repo.createRecord")), 1)
        (lookup,) = self.api.calls("GET", "/xrpc/com.atproto.repo.getRecord")
        self.assertEqual(lookup.query["rkey"], [scheduled.remote_key])
        self.assertEqual(scheduled.status, ScheduledShare.Status.SENT)
        self.assertEqual(Share.objects.count(), 1)

    def test_a_rate_limit_waits_until_the_reset(self) -> None:
        reset = int((timezone.now() + timedelta(minutes=10)).timestamp())
        self.api.on(
            "POST",
            "/xrpc/com.atproto.repo.createRecord",
            Reply(
                429,
                {"error": "RateLimitExceeded", "message": "Rate Limit Exceeded"},
                headers={
                    "ratelimit-limit": "5000",
                    "ratelimit-remaining": "0",
                    "ratelimit-reset": str(reset),
                    "ratelimit-policy": "5000;w=3600",
                },
            ),
        )

        scheduled = self.work(self.queue())

        self.assertEqual((scheduled.status, scheduled.error_code), ("queued", "rate_limited"))
        assert scheduled.next_attempt_at is not None
        self.assertAlmostEqual(scheduled.next_attempt_at.timestamp(), reset, delta=3)

    def test_a_server_error_is_retried_later(self) -> None:
        self.api.on(
            "POST",
            "/xrpc/com.atproto.repo.createRecord",
            Reply(502, {"error": "UpstreamFailure", "message": "Upstream Failure"}),
        )

        scheduled = self.work(self.queue())

        self.assertEqual(
            (scheduled.status, scheduled.error_code, scheduled.attempts),
            ("queued", "unavailable", 1),
        )


class BlueskyConnectTests(NativeTestCase):
    network = "bluesky"

    def test_connecting_with_an_app_password_opens_a_session(self) -> None:
        self.api.on("POST", "/xrpc/com.atproto.server.createSession", Reply(200, SESSION))
        self.login(self.alice)

        response = self.client.post(
            reverse("sharing:account_connect", args=["bluesky"]),
            {"handle": "@Ada.bsky.social", "app_password": "abcd-efgh-ijkl-mnop"},
        )

        self.assertRedirects(response, reverse("sharing:accounts"))
        (login,) = self.api.calls("POST", "/xrpc/com.atproto.server.createSession")
        self.assertEqual(
            login.json(), {"identifier": "ada.bsky.social", "password": "abcd-efgh-ijkl-mnop"}
        )
        account = ConnectedAccount.objects.get(person=self.alice, network="bluesky")
        self.assertEqual((account.remote_id, account.handle), (DID, "ada.bsky.social"))
        self.assertNotIn("abcd-efgh", account.secret)
        self.assertEqual(decrypt(account.secret), "abcd-efgh-ijkl-mnop")

    def test_a_main_password_is_refused_before_anything_is_sent(self) -> None:
        self.login(self.alice)

        response = self.client.post(
            reverse("sharing:account_connect", args=["bluesky"]),
            {"handle": "ada.bsky.social", "app_password": "hunter2-my-real-pw"},
        )

        self.assertContains(response, "does not look like an app password", status_code=400)
        self.assertFalse(self.api.requests)
        self.assertFalse(ConnectedAccount.objects.exists())

    def test_wrong_credentials_change_nothing(self) -> None:
        self.api.on(
            "POST",
            "/xrpc/com.atproto.server.createSession",
            Reply(
                401,
                {"error": "AuthenticationRequired", "message": "Invalid identifier or password"},
            ),
        )
        self.login(self.alice)

        self.client.post(
            reverse("sharing:account_connect", args=["bluesky"]),
            {"handle": "ada.bsky.social", "app_password": "abcd-efgh-ijkl-mnop"},
        )

        self.assertFalse(ConnectedAccount.objects.exists())


class FacetTests(NativeTestCase):
    def test_facets_index_utf8_bytes_not_characters(self) -> None:
        text = "ñ 🇮🇹 https://go.example/s/abc"

        (facet,) = facets_for(text, "https://go.example/s/abc")

        self.assertEqual(
            facet["index"], {"byteStart": 2 + 1 + 8 + 1, "byteEnd": len(text.encode())}
        )

    def test_record_keys_are_sortable_tids(self) -> None:
        earlier, later = new_tid(1_700_000_000.0), new_tid(1_700_000_001.0)

        self.assertTrue(re.fullmatch(r"[234567a-z]{13}", earlier))
        self.assertLess(earlier, later)
