"""Slack and Microsoft Teams incoming webhooks: a ready message, its payloads and the one safe
way to post them.

The address is checked like every address someone typed (passaparola.lib.fetch): https only,
resolved once, every answer public, and the connection pinned to the checked address.
"""

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import urllib3
from django.conf import settings
from django.utils.translation import gettext as _

from passaparola.lib import fetch
from passaparola.lib.fetch import FetchError, UnsafeURL, pinned_pool


@dataclass(frozen=True)
class WebhookMessage:
    """News for chat channels, written (in the programme's language) by the app that decided
    it is news; notifications only format and deliver it."""

    key: str  # names the event once per endpoint, such as "post:12"
    occurred_at: datetime
    title: str
    text: str  # the card's text in Teams
    link: str
    link_text: str
    line: str = ""  # Slack's one line; the title when empty


class WebhookError(Exception):
    """The webhook could not be delivered; the worker retries."""


def webhook_url_check(url: str) -> None:
    """Raise UnsafeURL unless the address is https and resolves only to public addresses."""
    # Plain http only where the test-only loopback switch is on (tests serve on 127.0.0.1).
    scheme = urlsplit(url).scheme.lower()
    if scheme != "https" and not (scheme == "http" and settings.FETCH_ALLOW_LOOPBACK):
        raise UnsafeURL(_("Webhook addresses must start with https://."))
    fetch.check_url(url)


def _slack_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_payload(*, text: str, link: str, link_text: str) -> dict[str, Any]:
    """Return a Slack incoming-webhook message: mrkdwn text with a link."""
    return {
        "text": f"{_slack_escape(text)}\n<{link}|{_slack_escape(link_text).replace('|', '¦')}>",
    }


def teams_payload(
    *, title: str, text: str, link: str, link_text: str, colour: str
) -> dict[str, Any]:
    """Return a Microsoft Teams incoming-webhook MessageCard with a button to the link."""
    return {
        "@type": "MessageCard",
        "@context": "https://schema.org/extensions",
        "summary": title,
        "themeColor": colour.lstrip("#"),
        "title": title,
        "text": text,
        "potentialAction": [
            {
                "@type": "OpenUri",
                "name": link_text,
                "targets": [{"os": "default", "uri": link}],
            }
        ],
    }


def webhook_payload(*, kind: str, message: WebhookMessage, colour: str) -> dict[str, Any]:
    """Return the payload of a message for a Slack ("slack") or Teams ("teams") endpoint."""
    if kind == "slack":
        return slack_payload(
            text=message.line or message.title, link=message.link, link_text=message.link_text
        )
    return teams_payload(
        title=message.title,
        text=message.text,
        link=message.link,
        link_text=message.link_text,
        colour=colour,
    )


def webhook_post(url: str, payload: dict[str, Any]) -> None:
    """POST the payload as JSON to a checked, pinned address; raise WebhookError unless 2xx."""
    body = json.dumps(payload).encode()
    try:
        webhook_url_check(url)
        pool, host, path = pinned_pool(url)
    except FetchError as error:
        raise WebhookError(str(error)) from error
    try:
        response = pool.urlopen(
            "POST",
            path,
            body=body,
            headers={
                "Host": host,
                "Content-Type": "application/json",
                "User-Agent": getattr(settings, "FETCH_USER_AGENT", "Passaparola"),
            },
            redirect=False,
            retries=False,
            assert_same_host=False,
        )
    except (urllib3.exceptions.HTTPError, OSError) as error:
        raise WebhookError(_("The webhook could not be reached.")) from error
    finally:
        pool.close()
    if not 200 <= response.status < 300:
        raise WebhookError(
            _("The webhook answered with an error (HTTP %(status)s).") % {"status": response.status}
        )
