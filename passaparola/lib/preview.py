"""Link previews: what a page says about itself in Open Graph, Twitter card and plain HTML tags."""

import codecs
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from passaparola.lib.fetch import PAGE, fetch

TITLE_MAX = 300
DESCRIPTION_MAX = 1000
URL_MAX = 1000
PRESCAN_BYTES = 4096

BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Browsers read these labels as windows-1252 (WHATWG Encoding), and so do pages written for them.
WINDOWS_1252_ALIASES = {"iso-8859-1", "iso8859-1", "latin1", "latin-1", "us-ascii", "ascii"}
META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_:.\-]+)""", re.I)
SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Preview:
    url: str  # the address that was read, after redirects
    title: str = ""
    description: str = ""
    image: str = ""  # an absolute http(s) address, or ""
    canonical_url: str = ""
    site_name: str = ""


def _codec(label: str) -> str:
    label = label.strip().lower()
    if not label:
        return ""
    if label in WINDOWS_1252_ALIASES:
        return "windows-1252"
    try:
        return codecs.lookup(label).name
    except LookupError:
        return ""


def decode_html(body: bytes, header_charset: str = "") -> str:
    """Decode a page the way a browser would: BOM, then the HTTP header, then <meta charset>."""
    for bom, encoding in BOMS:
        if body.startswith(bom):
            return body[len(bom) :].decode(encoding, errors="replace")
    encoding = _codec(header_charset)
    if not encoding:
        found = META_CHARSET.search(body[:PRESCAN_BYTES])
        encoding = _codec(found.group(1).decode("ascii", "ignore")) if found else ""
    if encoding in {"utf-16", "utf-16-le", "utf-16-be"}:
        # A page that reached <meta charset=utf-16> through ASCII bytes is not UTF-16.
        encoding = "utf-8"
    if encoding:
        return body.decode(encoding, errors="replace")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return body.decode("windows-1252", errors="replace")


class _HeadParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, str] = {}
        self.links: dict[str, str] = {}
        self.base = ""
        self.title = ""
        self._in_title = False
        self._title_done = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name.lower(): (value or "") for name, value in attrs}
        if tag == "meta":
            key = (values.get("property") or values.get("name") or "").strip().lower()
            content = values.get("content", "").strip()
            if key and content and key not in self.meta:
                self.meta[key] = content
        elif tag == "link":
            href = values.get("href", "").strip()
            for rel in values.get("rel", "").lower().split():
                if href and rel not in self.links:
                    self.links[rel] = href
        elif tag == "base" and not self.base:
            self.base = values.get("href", "").strip()
        elif tag == "title" and not self._title_done:
            self._in_title = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "title" and self._in_title:
            self._in_title = False
            self._title_done = True

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data


def _clean(text: str, limit: int) -> str:
    text = SPACE.sub(" ", text).strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _absolute(base: str, href: str) -> str:
    if not href:
        return ""
    address = urljoin(base, href)
    if urlsplit(address).scheme not in {"http", "https"} or len(address) > URL_MAX:
        return ""
    return address


def preview_parse(body: bytes, *, url: str, charset: str = "") -> Preview:
    """Return the preview a page describes, from its bytes and the address it was read from."""
    parser = _HeadParser()
    try:
        parser.feed(decode_html(body, charset))
        parser.close()
    except (AssertionError, ValueError):
        pass  # broken markup: keep whatever was read before it
    meta, links = parser.meta, parser.links
    base = urljoin(url, parser.base) if parser.base else url

    def first(*keys: str) -> str:
        return next((meta[key] for key in keys if meta.get(key)), "")

    image = first(
        "og:image:secure_url", "og:image", "og:image:url", "twitter:image", "twitter:image:src"
    )
    canonical = _absolute(url, first("og:url") or links.get("canonical", "")) or url
    host = (urlsplit(url).hostname or "").removeprefix("www.")
    return Preview(
        url=url,
        title=_clean(first("og:title", "twitter:title") or parser.title, TITLE_MAX),
        description=_clean(
            first("og:description", "twitter:description", "description"), DESCRIPTION_MAX
        ),
        image=_absolute(base, image or links.get("image_src", "")),
        canonical_url=canonical,
        site_name=_clean(first("og:site_name", "application-name") or host, 120),
    )


def preview_fetch(url: str) -> Preview:
    """Fetch a page through the safe fetcher and return its preview; raises FetchError."""
    response = fetch(url, accept=PAGE)
    return preview_parse(response.body, url=response.url, charset=response.charset)
