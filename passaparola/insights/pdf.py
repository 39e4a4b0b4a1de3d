"""A page of the platform as a PDF, drawn by WeasyPrint with nothing fetched from elsewhere.

WeasyPrint loads what a page links to (stylesheets, images) through a URL fetcher. Ours serves
the platform's own static files and the few generated files it is handed, read from disk or
memory, and refuses every other address: rendering a report never reaches the network, nor a
file outside the static files.

Importing WeasyPrint takes most of a second: only the code that draws a PDF imports this
module, when it draws one (insights/report.py).
"""

import logging
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.exceptions import SuspiciousFileOperation

# WeasyPrint reports progress as it loads and warns about every rule of app.css it has no use
# for (hover, SVG fills, screen widths) on every render; what matters here, a refused
# address, is logged by the fetcher below.
logging.getLogger("weasyprint").setLevel(logging.ERROR)
logging.getLogger("weasyprint.progress").setLevel(logging.ERROR)

from weasyprint import HTML  # noqa: E402
from weasyprint.urls import URLFetcher, URLFetcherResponse  # noqa: E402

logger = logging.getLogger(__name__)

TYPES = {".css": "text/css", ".svg": "image/svg+xml", ".png": "image/png", ".woff2": "font/woff2"}


def _static_file(name: str) -> bytes | None:
    """Return a static file's bytes by its name under STATIC_URL, or None when there is none."""
    try:
        if staticfiles_storage.exists(name):  # collected (and hashed) files, in production
            with staticfiles_storage.open(name) as stored:
                return bytes(stored.read())
        found = finders.find(name)  # the apps' own files, in development and tests
    except (SuspiciousFileOperation, ValueError):
        return None
    if not isinstance(found, str):
        return None
    return Path(found).read_bytes()


class PlatformFetcher(URLFetcher):
    """Serve the platform's static files and the given resources; refuse everything else."""

    def __init__(self, resources: Mapping[str, tuple[bytes, str]], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.resources = resources

    def fetch(self, url: str, headers: object = None) -> URLFetcherResponse:
        try:
            return self._fetch(url)
        except ValueError:
            logger.warning("the report's PDF does not fetch %s", url[:200])
            raise

    def _fetch(self, url: str) -> URLFetcherResponse:
        parts = urlsplit(url)
        origin = urlsplit(settings.SITE_URL)
        if (parts.scheme, parts.netloc) != (origin.scheme, origin.netloc):
            raise ValueError(f"not fetched: {url} is not on the platform")
        if parts.path in self.resources:
            body, content_type = self.resources[parts.path]
            return URLFetcherResponse(url, body, {"Content-Type": content_type})
        if parts.path.startswith(settings.STATIC_URL):
            name = unquote(parts.path.removeprefix(settings.STATIC_URL))
            body_found = _static_file(name)
            if body_found is not None:
                content_type = TYPES.get(Path(name).suffix, "application/octet-stream")
                return URLFetcherResponse(url, body_found, {"Content-Type": content_type})
        raise ValueError(f"not fetched: {url} is not a static file of the platform")


def pdf_from_html(html: str, *, resources: Mapping[str, tuple[bytes, str]] | None = None) -> bytes:
    """Return the page as PDF bytes; links resolve against SITE_URL and only to our files.

    `resources` serves generated files by path (such as the programme's brand.css). The same
    page is drawn once: every leadership viewer reading one language usually gets the same
    report, and drawing takes most of a second.
    """
    return _drawn(html, tuple(sorted((path, *found) for path, found in (resources or {}).items())))


@lru_cache(maxsize=8)
def _drawn(html: str, resources: tuple[tuple[str, bytes, str], ...]) -> bytes:
    fetcher = PlatformFetcher({path: (body, kind) for path, body, kind in resources})
    document = HTML(string=html, base_url=settings.SITE_URL + "/", url_fetcher=fetcher)
    pdf = document.write_pdf()
    assert pdf is not None
    return bytes(pdf)
