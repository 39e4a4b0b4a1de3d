"""Test support: a real SMTP server on loopback, and a translation for a test."""

from passaparola.testing import BaseTestCase
from passaparola.testing.mail import (  # noqa: F401  (re-exported for the invitation tests)
    Inbox,
    MailTestCase,
    free_port,
    html_of,
    path_in,
    text_of,
)


def add_translation(case: "BaseTestCase", language: str, msgid: str, msgstr: str) -> None:
    """Give a message a translation for one test, as the catalogues will once they are filled.

    The lead fills the Italian and Dutch catalogues at the end; until then this proves the
    message is translated when shown, in the reader's language.
    """
    from django.utils.translation import trans_real

    catalog = trans_real.translation(language)._catalog  # type: ignore[attr-defined]
    top = catalog._catalogs[0]
    had, old = msgid in top, top.get(msgid)
    top[msgid] = msgstr
    case.addCleanup(lambda: top.__setitem__(msgid, old) if had else top.pop(msgid, None))
