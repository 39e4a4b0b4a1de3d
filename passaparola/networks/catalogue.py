"""The networks people share to: each one's documented share link, what it accepts and its limit.

A network either takes our text in its share link (the text then carries the short link), or
takes only the URL (LinkedIn's share-offsite, Facebook, Xing): for those the person copies the
caption, with the disclosure, and pastes it in the network's own composer.
Sources are named next to each network (checked 2026).
"""

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from passaparola.networks.lengths import char_length, grapheme_count, mastodon_length, x_length


def _q(value: str) -> str:
    return quote(value, safe="")


def _with_link(text: str, link: str, separator: str = " ") -> str:
    return separator.join(part for part in (text, link) if part)


@dataclass(frozen=True)
class Network:
    """A place to share to: how its share link is built, what it takes and how it counts."""

    key: str
    label: str | Promise
    # True when the share link carries our text; False when it takes only the URL.
    takes_text: bool
    build: Callable[[str, str, str, str], str]
    # What the network ends up publishing from our text and link, for counting.
    compose: Callable[[str, str], str]
    measure: Callable[[str], int]
    limit: int | None
    needs_instance: bool = False

    def share_url(self, *, link: str, text: str, title: str, instance: str = "") -> str:
        """Return the URL that opens this network's composer with the link (and text)."""
        return self.build(link, text if self.takes_text else "", title, instance)

    def published_text(self, *, text: str, link: str) -> str:
        """Return the text as the network will show it, link included where it goes inside."""
        return self.compose(text, link)

    def length(self, *, text: str, link: str) -> int:
        """Return the length the network counts for this text and link."""
        return self.measure(self.published_text(text=text, link=link))


def _caption_only(text: str, link: str) -> str:
    return text


def _mastodon_url(link: str, text: str, title: str, instance: str) -> str:
    # Mastodon's web share page: https://{instance}/share?text= (docs.joinmastodon.org,
    # "Using Mastodon externally"; tootpick-style, the person's own server).
    return f"https://{instance}/share?text={_q(_with_link(text, link))}"


NETWORKS: dict[str, Network] = {
    network.key: network
    for network in [
        Network(
            "linkedin",
            "LinkedIn",
            takes_text=False,
            # LinkedIn Share Plugin, "share-offsite": url only, the old summary/title params
            # are ignored (learn.microsoft.com/linkedin/consumer/integrations/self-serve/plugins).
            build=lambda link, text, title, instance: (
                f"https://www.linkedin.com/sharing/share-offsite/?url={_q(link)}"
            ),
            compose=_caption_only,
            measure=char_length,
            limit=3000,  # Posts API commentary limit (learn.microsoft.com, Posts API)
        ),
        Network(
            "x",
            "X",
            takes_text=True,
            # X web intent: https://x.com/intent/post?text=&url= (developer.x.com, Web Intents;
            # twitter.com/intent/tweet redirects there). X appends the url after the text.
            build=lambda link, text, title, instance: (
                f"https://x.com/intent/post?text={_q(text)}&url={_q(link)}"
            ),
            compose=_with_link,
            measure=x_length,
            limit=280,  # weighted; every link counts as 23 (twitter-text v3 config)
        ),
        Network(
            "facebook",
            "Facebook",
            takes_text=False,
            # Facebook sharer: https://www.facebook.com/sharer.php?u= (Sharing for Web; Platform
            # Policy forbids prefilling the message, so only the URL).
            build=lambda link, text, title, instance: (
                f"https://www.facebook.com/sharer.php?u={_q(link)}"
            ),
            compose=_caption_only,
            measure=char_length,
            limit=63206,
        ),
        Network(
            "mastodon",
            "Mastodon",
            takes_text=True,
            build=_mastodon_url,
            compose=_with_link,
            measure=mastodon_length,
            limit=500,  # the default; each server may allow more (configuration.statuses)
            needs_instance=True,
        ),
        Network(
            "bluesky",
            "Bluesky",
            takes_text=True,
            # Bluesky compose intent: https://bsky.app/intent/compose?text= (docs.bsky.app,
            # "Action Intent Links"): text only, the link goes inside the text.
            build=lambda link, text, title, instance: (
                f"https://bsky.app/intent/compose?text={_q(_with_link(text, link))}"
            ),
            compose=_with_link,
            measure=grapheme_count,
            limit=300,  # graphemes (app.bsky.feed.post lexicon: maxGraphemes 300)
        ),
        Network(
            "threads",
            "Threads",
            takes_text=True,
            # Threads web intent: https://www.threads.com/intent/post?text=&url=
            # (developers.facebook.com/docs/threads/threads-web-intents).
            build=lambda link, text, title, instance: (
                f"https://www.threads.com/intent/post?text={_q(text)}&url={_q(link)}"
            ),
            compose=_with_link,
            measure=char_length,
            limit=500,
        ),
        Network(
            "xing",
            "XING",
            takes_text=False,
            # XING share button: https://www.xing.com/spi/shares/new?url= (dev.xing.com,
            # "Share button"): url only.
            build=lambda link, text, title, instance: (
                f"https://www.xing.com/spi/shares/new?url={_q(link)}"
            ),
            compose=_caption_only,
            measure=char_length,
            limit=3000,
        ),
        Network(
            "reddit",
            "Reddit",
            takes_text=True,
            # Reddit submit page: https://reddit.com/submit?url=&title=
            # (reddit.com/wiki/submitting): the text becomes the title of a link post.
            build=lambda link, text, title, instance: (
                f"https://reddit.com/submit?url={_q(link)}&title={_q(text or title)}"
            ),
            compose=_caption_only,
            measure=char_length,
            limit=300,  # Reddit titles
        ),
        Network(
            "whatsapp",
            "WhatsApp",
            takes_text=True,
            # WhatsApp click to chat: https://wa.me/?text= (faq.whatsapp.com, "How to use click
            # to chat"): one URL-encoded text, the link inside it.
            build=lambda link, text, title, instance: (
                f"https://wa.me/?text={_q(_with_link(text, link))}"
            ),
            compose=_with_link,
            measure=char_length,
            limit=65536,
        ),
        Network(
            "telegram",
            "Telegram",
            takes_text=True,
            # Telegram share link: https://t.me/share/url?url=&text=
            # (core.telegram.org/widgets/share).
            build=lambda link, text, title, instance: (
                f"https://t.me/share/url?url={_q(link)}&text={_q(text)}"
            ),
            compose=lambda text, link: _with_link(link, text, "\n"),
            measure=char_length,
            limit=4096,
        ),
        Network(
            "email",
            _("Email"),
            takes_text=True,
            # RFC 6068 mailto: URI, mailto:?subject=&body= with percent-encoded values.
            build=lambda link, text, title, instance: (
                f"mailto:?subject={_q(title)}&body={_q(_with_link(text, link, chr(10) * 2))}"
            ),
            compose=lambda text, link: _with_link(text, link, "\n\n"),
            measure=char_length,
            limit=None,
        ),
        Network(
            "copy",
            _("Copy link"),
            takes_text=False,
            # No network: the link is copied to the clipboard and pasted anywhere.
            build=lambda link, text, title, instance: link,
            compose=_caption_only,
            measure=char_length,
            limit=None,
        ),
    ]
}

# Networks whose share link is a web page we open; "copy" stays on our page.
LINK_NETWORKS = [key for key in NETWORKS if key != "copy"]
