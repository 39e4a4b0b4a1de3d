"""Invitation, reminder and confirmation emails: HTML and text, branded, in the reader's
language."""

import logging
import smtplib
from email.utils import formataddr, parseaddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from passaparola.invitations.models import Invitation, SignupRequest
from passaparola.invitations.services import (
    claim_for_sending,
    invitation_mark_bounced,
    invitation_settings_get,
    invitation_token,
    signup_token,
    unclaim,
)
from passaparola.programme.models import Programme
from passaparola.programme.selectors import programme_get

logger = logging.getLogger(__name__)


def sender(programme: Programme) -> str:
    """Return the From address with the programme's name in front of it."""
    _name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    return formataddr((programme.name, address or "passaparola@localhost"))


def _message(
    template: str, context: dict[str, object], to: str, language: str
) -> EmailMultiAlternatives:
    programme = context["programme"]
    assert isinstance(programme, Programme)
    with translation.override(language or programme.default_language):
        subject = render_to_string(f"invitations/email/{template}_subject.txt", context)
        text = render_to_string(f"invitations/email/{template}.txt", context)
        html = render_to_string(f"invitations/email/{template}.html", context)
    message = EmailMultiAlternatives(
        " ".join(subject.split()), text, from_email=sender(programme), to=[to]
    )
    message.attach_alternative(html, "text/html")
    return message


def invitation_message(
    invitation: Invitation, kind: str, programme: Programme
) -> EmailMultiAlternatives:
    """Return the invitation (or reminder) email for this invitation."""
    token = invitation_token(invitation)
    context = {
        "programme": programme,
        "invitation": invitation,
        "reminder": kind == "reminder",
        "inviter": invitation.invited_by.name if invitation.invited_by else "",
        "link": settings.SITE_URL + reverse("invitations:accept", args=[token]),
        "pixel": settings.SITE_URL + reverse("invitations:pixel", args=[token]),
        "days": invitation_settings_get().link_days,
    }
    return _message("invitation", context, invitation.email, invitation.language)


def invitations_deliver(*, invitation_ids: list[int], kind: str) -> int:
    """Send these invitations over one connection; return how many went out.

    Each is claimed just before it goes, so a retry after a failure sends only the rest. A
    recipient the mail server refuses outright is recorded as bounced.
    """
    programme = programme_get()
    sent = 0
    with get_connection() as connection:
        for invitation_id in invitation_ids:
            invitation = claim_for_sending(
                invitation_id=invitation_id, kind=kind, now=timezone.now()
            )
            if invitation is None:
                continue
            message = invitation_message(invitation, kind, programme)
            message.connection = connection
            try:
                message.send()
            except smtplib.SMTPRecipientsRefused:
                logger.info("invitation %s bounced at once", invitation.pk)
                invitation_mark_bounced(invitation=invitation, by=None)
                continue
            except Exception:
                unclaim(invitation=invitation, kind=kind)
                raise
            sent += 1
    return sent


def signup_deliver(*, signup: SignupRequest, code: str) -> None:
    """Send the code and link that confirm an address given on the company invite link."""
    programme = programme_get()
    context = {
        "programme": programme,
        "signup": signup,
        "code": code,
        "link": settings.SITE_URL + reverse("invitations:signup_link", args=[signup_token(signup)]),
    }
    _message("signup", context, signup.email, signup.language).send()
