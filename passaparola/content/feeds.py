"""Reading RSS and Atom feeds (through the safe fetcher) into plain entries; changes nothing."""

import hashlib
import html
import io
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import feedparser
import nh3
from django.utils.translation import gettext as _

from passaparola.lib.fetch import FEED, FetchError, fetch

MAX_ENTRIES = 200
TITLE_MAX = 300
SUMMARY_MAX = 1000
URL_MAX = 1000
SPACE = re.compile(r"\s+")
# Query parameters that only say where a click came from: dropped to compare addresses.
TRACKING_PARAMS = re.compile(r"^(utm_.*|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|_hsenc|_hsmi)$")


class FeedInvalid(FetchError):
    """The address answered, but not with an RSS or Atom feed."""


@dataclass(frozen=True)
class FeedEntry:
    key: str  # sha256 of the entry's id (or link, or title): what de-duplication remembers
    url: str  # absolute http(s) link, or "" when the entry has none
    canonical_url: str
    title: str
    summary: str  # plain text
    image_url: str
    published: datetime | None


@dataclass(frozen=True)
class ParsedFeed:
    title: str = ""
    entries: list[FeedEntry] = field(default_factory=list)
    etag: str = ""
    last_modified: str = ""
    not_modified: bool = False


def canonical_url(url: str) -> str:
    """Return the address used to tell two links to the same page apart."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return url.strip()[:URL_MAX]
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower().removeprefix("www.")
    if port and (scheme, port) not in {("http", 80), ("https", 443)}:
        host = f"{host}:{port}"
    query = urlencode(
        [
            (k, v)
            for k, v in parse_qsl(parts.query, keep_blank_values=True)
            if not TRACKING_PARAMS.match(k)
        ]
    )
    path = parts.path.rstrip("/") or "/"
    # http and https versions of one page are the same page.
    return urlunsplit(("https" if scheme == "http" else scheme, host, path, query, ""))[:URL_MAX]


def plain_text(markup: str, limit: int) -> str:
    """Return the text of some HTML, without tags, entities decoded, spaces collapsed."""
    text = html.unescape(
        nh3.clean(markup or "", tags=set(), clean_content_tags={"script", "style"})
    )
    text = SPACE.sub(" ", text).strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _http_url(value: Any) -> str:
    value = str(value or "").strip()
    if len(value) <= URL_MAX and urlsplit(value).scheme in {"http", "https"}:
        return value
    return ""


def _image(entry: Any) -> str:
    for thumb in entry.get("media_thumbnail") or []:
        if _http_url(thumb.get("url")):
            return _http_url(thumb.get("url"))
    for media in entry.get("media_content") or []:
        kind = str(media.get("type") or "")
        if (kind.startswith("image/") or media.get("medium") == "image") and _http_url(
            media.get("url")
        ):
            return _http_url(media.get("url"))
    for link in entry.get("links") or []:
        if str(link.get("type") or "").startswith("image/") and _http_url(link.get("href")):
            return _http_url(link.get("href"))
    return ""


def _published(entry: Any) -> datetime | None:
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    try:
        return datetime(*parsed[:6]).replace(tzinfo=UTC) if parsed else None
    except (TypeError, ValueError):
        return None


def _entry(raw: Any) -> FeedEntry:
    link = _http_url(raw.get("link"))
    if not link:
        alternates = [
            item.get("href") for item in raw.get("links") or [] if item.get("rel") == "alternate"
        ]
        link = next((_http_url(href) for href in alternates if _http_url(href)), "")
    if not link:
        link = _http_url(raw.get("id"))  # an RSS guid or Atom id that is a permalink
    summary_markup = raw.get("summary") or ""
    if not summary_markup and raw.get("content"):
        summary_markup = raw["content"][0].get("value", "")
    summary = plain_text(summary_markup, SUMMARY_MAX)
    title = plain_text(raw.get("title") or "", TITLE_MAX)
    if not title:
        title = plain_text(" ".join(summary.split()[:12]), TITLE_MAX) or link or _("Untitled")
    identity = str(raw.get("id") or link or f"{title}\n{summary}")
    return FeedEntry(
        key=hashlib.sha256(identity.encode()).hexdigest(),
        url=link,
        canonical_url=canonical_url(link) if link else "",
        title=title,
        summary=summary,
        image_url=_image(raw),
        published=_published(raw),
    )


def feed_parse(body: bytes, *, url: str, content_type: str = "") -> ParsedFeed:
    """Parse a feed's bytes (honouring its encoding) into entries, newest first."""
    headers = {"content-location": url}
    if content_type:
        headers["content-type"] = content_type
    parsed = feedparser.parse(io.BytesIO(body), response_headers=headers, sanitize_html=False)
    if not parsed.get("version") and not parsed.entries:
        raise FeedInvalid(_("This address does not hold an RSS or Atom feed."))
    entries = [_entry(raw) for raw in parsed.entries[:MAX_ENTRIES]]
    # Newest first; entries without a date keep their place after the dated ones.
    dated = sorted(
        (entry for entry in entries if entry.published),
        key=lambda entry: entry.published or datetime.min.replace(tzinfo=UTC),
        reverse=True,
    )
    return ParsedFeed(
        title=plain_text(parsed.feed.get("title") or "", 120),
        entries=dated + [entry for entry in entries if not entry.published],
    )


def feed_read(url: str, *, etag: str = "", last_modified: str = "") -> ParsedFeed:
    """Fetch a feed with a conditional GET and parse it; raises FetchError (or FeedInvalid)."""
    response = fetch(url, accept=FEED, etag=etag, last_modified=last_modified)
    if response.not_modified:
        return ParsedFeed(etag=etag, last_modified=last_modified, not_modified=True)
    content_type = response.headers.get("content-type", "")
    parsed = feed_parse(response.body, url=response.url, content_type=content_type)
    return ParsedFeed(
        title=parsed.title,
        entries=parsed.entries,
        etag=response.headers.get("etag", "")[:300],
        last_modified=response.headers.get("last-modified", "")[:100],
    )
