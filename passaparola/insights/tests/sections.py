"""The dashboard as a browser shows it: the page, then each section it loads with htmx."""

import html
import re
from typing import Any

from django.http import HttpResponse
from django.test import Client


def with_sections(client: Client, response: Any) -> Any:
    """Return the page with its sections' HTML after it (each fetched as htmx asks for it)."""
    if response.status_code != 200:
        return response
    page = response.content.decode()
    parts = [page]
    for url in re.findall(r'hx-get="([^"]+)"', page):
        section = client.get(html.unescape(url), headers={"HX-Request": "true"})
        assert section.status_code == 200, (url, section.status_code)
        parts.append(section.content.decode())
    return HttpResponse("".join(parts))
