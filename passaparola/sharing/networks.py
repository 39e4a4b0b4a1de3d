"""The networks people share to, and the share-link URL each one documents.

Sources (checked 2026): LinkedIn share-offsite takes only `url`; X's web intent takes `text`
and `url`; Facebook's sharer takes only `u` (its policy forbids prefilled text); WhatsApp's
click-to-chat takes `text`; e-mail follows RFC 6068 (`mailto:?subject=&body=`).
"""

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


def _q(value: str) -> str:
    return quote(value, safe="")


def _join_lines(text: str, link: str) -> str:
    return "\n\n".join(part for part in (text, link) if part)


@dataclass(frozen=True)
class Network:
    """A place to share to: how its share link is built and whether it takes our text."""

    key: str
    label: str | Promise
    takes_text: bool
    build: Callable[[str, str, str], str]

    def share_url(self, *, link: str, text: str, title: str) -> str:
        """Return the URL that opens this network's composer with the link (and text)."""
        return self.build(link, text, title)


NETWORKS: dict[str, Network] = {
    network.key: network
    for network in [
        Network(
            "linkedin",
            "LinkedIn",
            False,
            lambda link, text, title: (
                f"https://www.linkedin.com/sharing/share-offsite/?url={_q(link)}"
            ),
        ),
        Network(
            "x",
            "X",
            True,
            lambda link, text, title: (
                f"https://x.com/intent/post?text={_q(text)}&url={_q(link)}"
            ),
        ),
        Network(
            "facebook",
            "Facebook",
            False,
            lambda link, text, title: f"https://www.facebook.com/sharer.php?u={_q(link)}",
        ),
        Network(
            "whatsapp",
            "WhatsApp",
            True,
            lambda link, text, title: f"https://wa.me/?text={_q(f'{text} {link}'.strip())}",
        ),
        Network(
            "email",
            _("Email"),
            True,
            lambda link, text, title: (
                f"mailto:?subject={_q(title)}&body={_q(_join_lines(text, link))}"
            ),
        ),
    ]
}
