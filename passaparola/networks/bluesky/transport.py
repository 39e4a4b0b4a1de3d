"""Bluesky's XRPC API (docs.bsky.app: com.atproto.server.createSession, repo.createRecord,
repo.uploadBlob, repo.getRecord; "Posts" guide for facets and link cards; app.bsky.feed.getPosts
on the public AppView, "API Hosts and Auth" and "Rate Limits" guides).

People connect with an app password (Settings > Privacy and security > App passwords), which
they can revoke at any time; we keep it encrypted to open a new session when the refresh
token lapses. Each scheduled post gets its record key (a TID) before the first attempt, so a
retry finds the record an unanswered attempt created instead of posting it again.
"""

import re
import secrets
import time
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

import regex
from django.conf import settings

from passaparola.networks import http
from passaparola.networks.base import (
    AuthExpired,
    Counts,
    Credentials,
    Draft,
    Duplicate,
    Provider,
    Published,
    Reading,
    Rejected,
    Session,
    Transient,
    as_count,
)
from passaparola.networks.lengths import utf8_span

COLLECTION = "app.bsky.feed.post"
MAX_THUMB_BYTES = 1_000_000  # app.bsky.embed.external: thumb maxSize 1000000
_TID_ALPHABET = "234567abcdefghijklmnopqrstuvwxyz"  # base32-sortable (atproto.com/specs/tid)
_HASHTAG_RE = regex.compile(r"(?<![\p{L}\p{N}_&])#([\p{L}\p{N}_]*\p{L}[\p{L}\p{N}_]*)")
APP_PASSWORD_RE = re.compile(r"^[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}$")


def new_tid(at: float | None = None) -> str:
    """Return a record key in TID form: 53 bits of microseconds and a random 10-bit clock id."""
    micros = int((time.time() if at is None else at) * 1_000_000)
    value = (micros << 10) | secrets.randbelow(1024)
    chars = []
    for _ in range(13):
        chars.append(_TID_ALPHABET[value & 31])
        value >>= 5
    return "".join(reversed(chars))


def facets_for(text: str, link: str) -> list[dict[str, Any]]:
    """Return the rich-text facets of a post: the link and the hashtags, by UTF-8 byte offsets."""
    facets: list[dict[str, Any]] = []
    if link:
        start = text.rfind(link)
        if start >= 0:
            byte_start, byte_end = utf8_span(text, start, start + len(link))
            facets.append(
                {
                    "index": {"byteStart": byte_start, "byteEnd": byte_end},
                    "features": [{"$type": "app.bsky.richtext.facet#link", "uri": link}],
                }
            )
    for match in _HASHTAG_RE.finditer(text):
        byte_start, byte_end = utf8_span(text, match.start(), match.end())
        facets.append(
            {
                "index": {"byteStart": byte_start, "byteEnd": byte_end},
                "features": [{"$type": "app.bsky.richtext.facet#tag", "tag": match.group(1)}],
            }
        )
    return facets


def _raise_for_xrpc(response: http.Response) -> None:
    # The PDS answers an expired access token with 400 {"error": "ExpiredToken"}.
    if response.status == 400 and response.json().get("error") in {"ExpiredToken", "InvalidToken"}:
        raise AuthExpired(http.describe(response), status=400)
    http.raise_for_status(response, "ratelimit-reset")


class BlueskyProvider(Provider):
    """Posting to a person's Bluesky account through their PDS."""

    def __init__(self) -> None:
        super().__init__(network="bluesky", label="Bluesky", connect_kind="password")

    def is_available(self) -> bool:
        return bool(settings.SHARING_BLUESKY_SERVICE)

    def _session_from(self, data: dict[str, Any], *, password: str, server: str) -> Credentials:
        if not data.get("accessJwt") or not data.get("did"):
            raise Rejected("Bluesky did not open a session")
        return Credentials(
            remote_id=data["did"],
            handle=data.get("handle", ""),
            access_token=data["accessJwt"],
            refresh_token=data.get("refreshJwt", ""),
            secret=password,
            server=_pds_from(data) or server,
        )

    def login(self, *, identifier: str, password: str, server: str) -> Credentials:
        server = (server or settings.SHARING_BLUESKY_SERVICE).rstrip("/")
        http.check_public_host(urlsplit(server).netloc)
        response = http.request(
            "POST",
            f"{server}/xrpc/com.atproto.server.createSession",
            json_body={"identifier": identifier, "password": password},
        )
        _raise_for_xrpc(response)
        return self._session_from(response.json(), password=password, server=server)

    def refresh(self, *, session: Session) -> Credentials:
        if session.refresh_token:
            response = http.request(
                "POST",
                f"{session.server}/xrpc/com.atproto.server.refreshSession",
                headers={"Authorization": f"Bearer {session.refresh_token}"},
            )
            if response.status == 200:
                return self._session_from(
                    response.json(), password=session.secret, server=session.server
                )
            if response.status >= 500 or response.status == 429:
                _raise_for_xrpc(response)
        if not session.secret:
            raise AuthExpired("the Bluesky session ended")
        # The refresh token lapsed: open a new session with the app password.
        return self.login(
            identifier=session.handle or session.remote_id,
            password=session.secret,
            server=session.server,
        )

    def new_remote_key(self) -> str:
        return new_tid()

    def _thumbnail(self, session: Session, image_url: str) -> dict[str, Any] | None:
        """Upload the post's image as the card's thumbnail; a card without one is fine too."""
        parts = urlsplit(image_url)
        if parts.scheme not in {"http", "https"} or not parts.netloc:
            return None
        try:
            http.check_public_host(parts.netloc)
            image = http.request("GET", image_url, headers={"Accept": "image/*"})
        except (Transient, Rejected):
            return None
        mime = image.header("content-type").split(";")[0].strip()
        if (
            image.status != 200
            or not mime.startswith("image/")
            or len(image.body) > MAX_THUMB_BYTES
        ):
            return None
        upload = http.request(
            "POST",
            f"{session.server}/xrpc/com.atproto.repo.uploadBlob",
            headers={"Authorization": f"Bearer {session.access_token}", "Content-Type": mime},
            body=image.body,
        )
        _raise_for_xrpc(upload)
        blob = upload.json().get("blob")
        return blob if isinstance(blob, dict) else None

    def publish(self, *, session: Session, draft: Draft) -> Published:
        text = " ".join(part for part in (draft.text, draft.link) if part)
        record: dict[str, Any] = {
            "$type": COLLECTION,
            "text": text,
            "createdAt": datetime.now(UTC)
            .isoformat(timespec="milliseconds")
            .replace("+00:00", "Z"),
        }
        facets = facets_for(text, draft.link)
        if facets:
            record["facets"] = facets
        if draft.link:
            external: dict[str, Any] = {
                "uri": draft.link,
                "title": draft.title,
                "description": draft.description,
            }
            thumb = self._thumbnail(session, draft.image_url) if draft.image_url else None
            if thumb:
                external["thumb"] = thumb
            record["embed"] = {"$type": "app.bsky.embed.external", "external": external}
        body: dict[str, Any] = {
            "repo": session.remote_id,
            "collection": COLLECTION,
            "record": record,
        }
        if draft.remote_key:
            body["rkey"] = draft.remote_key
        response = http.request(
            "POST",
            f"{session.server}/xrpc/com.atproto.repo.createRecord",
            headers={"Authorization": f"Bearer {session.access_token}"},
            json_body=body,
        )
        if response.status == 400 and draft.remote_key:
            existing = self.find_existing(session=session, draft=draft)
            if existing is not None:
                raise Duplicate(http.describe(response), remote_id=existing.remote_id, status=400)
        _raise_for_xrpc(response)
        uri = response.json().get("uri", "")
        if not uri:
            raise Rejected("Bluesky did not return the record")
        return Published(remote_id=uri, url=self.post_url(session, uri))

    def find_existing(self, *, session: Session, draft: Draft) -> Published | None:
        if not draft.remote_key:
            return None
        query = urlencode(
            {"repo": session.remote_id, "collection": COLLECTION, "rkey": draft.remote_key}
        )
        response = http.request(
            "GET",
            f"{session.server}/xrpc/com.atproto.repo.getRecord?{query}",
            headers={"Authorization": f"Bearer {session.access_token}"},
        )
        if response.status != 200:
            if response.status >= 500 or response.status == 429:
                _raise_for_xrpc(response)
            return None
        uri = response.json().get("uri", "")
        return Published(remote_id=uri, url=self.post_url(session, uri)) if uri else None

    # app.bsky.feed.getPosts: "uris", maxLength 25.
    engagement_batch = 25

    def engagement(
        self, *, remote_ids: list[str], server: str = "", access_token: str = ""
    ) -> Reading:
        """Read posts' counts from the public AppView: app.bsky.feed.getPosts, 25 at most.

        The AppView answers without a session, so no token is used: an access token lasts
        about two hours, and opening sessions is limited per account (createSession), a budget
        posting must not lose to measuring. A post the AppView leaves out is gone.
        """
        query = urlencode([("uris", uri) for uri in remote_ids])
        response = http.request(
            "GET", f"{settings.SHARING_BLUESKY_APPVIEW}/xrpc/app.bsky.feed.getPosts?{query}"
        )
        _raise_for_xrpc(response)
        posts = response.json().get("posts") if isinstance(response.json(), dict) else None
        if not isinstance(posts, list):
            raise Rejected("Bluesky did not return the posts")
        wanted = set(remote_ids)
        counts = {
            post["uri"]: Counts(
                reposts=as_count(post.get("repostCount")),
                likes=as_count(post.get("likeCount")),
                replies=as_count(post.get("replyCount")),
                quotes=as_count(post.get("quoteCount")),
            )
            for post in posts
            if isinstance(post, dict) and post.get("uri") in wanted
        }
        pause_for = http.exhausted_for(response, "ratelimit-remaining", "ratelimit-reset")
        return Reading(counts=counts, pause_for=pause_for)

    @staticmethod
    def post_url(session: Session, uri: str) -> str:
        """Return the bsky.app address of a post from its at:// URI."""
        rkey = uri.rsplit("/", 1)[-1]
        actor = session.handle or session.remote_id
        return f"https://bsky.app/profile/{quote(actor)}/post/{quote(rkey)}"


def _pds_from(data: dict[str, Any]) -> str:
    """Return the account's own PDS from the session's DID document, when it names one."""
    services = (data.get("didDoc") or {}).get("service") or []
    for service in services:
        if isinstance(service, dict) and service.get("id", "").endswith("#atproto_pds"):
            endpoint = str(service.get("serviceEndpoint", "")).rstrip("/")
            if not endpoint.startswith("https://"):
                continue
            try:
                http.check_public_host(urlsplit(endpoint).netloc)
            except Rejected:
                continue
            return endpoint
    return ""
