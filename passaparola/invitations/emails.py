"""Invitation, reminder and confirmation emails: HTML and text, branded, in the reader's
language, sent through the one email function (notifications.emails.email_send)."""

import logging
import smtplib
from typing import Any

from django.conf import settings
from django.core.mail import get_connection
from django.urls import reverse
from django.utils import timezone

from passaparola.invitations.models import Invitation, SignupRequest
from passaparola.invitations.services import (
    claim_for_sending,
    invitation_mark_bounced,
    invitation_settings_get,
    invitation_token,
    signup_code_issue,
    signup_token,
    unclaim,
)
from passaparola.notifications.emails import email_send

logger = logging.getLogger(__name__)


def invitation_context(invitation: Invitation, kind: str) -> dict[str, Any]:
    """Return what the invitation (or reminder) email says, its signed links made afresh."""
    token = invitation_token(invitation)
    return {
        "invitation": invitation,
        "reminder": kind == "reminder",
        "inviter": invitation.invited_by.name if invitation.invited_by else "",
        "link": settings.SITE_URL + reverse("invitations:accept", args=[token]),
        "pixel": settings.SITE_URL + reverse("invitations:pixel", args=[token]),
        "days": invitation_settings_get().link_days,
    }


def invitations_deliver(*, invitation_ids: list[int], kind: str) -> int:
    """Send these invitations over one connection; return how many went out.

    Each is claimed just before it goes, so a retry after a failure sends only the rest. A
    recipient the mail server refuses outright is recorded as bounced.
    """
    sent = 0
    with get_connection() as connection:
        for invitation_id in invitation_ids:
            invitation = claim_for_sending(
                invitation_id=invitation_id, kind=kind, now=timezone.now()
            )
            if invitation is None:
                continue
            try:
                email_send(
                    to=invitation.email,
                    language=invitation.language,
                    template="invitations/email/invitation",
                    context=invitation_context(invitation, kind),
                    connection=connection,
                )
            except smtplib.SMTPRecipientsRefused:
                logger.info("invitation %s bounced at once", invitation.pk)
                invitation_mark_bounced(invitation=invitation, by=None)
                continue
            except Exception:
                unclaim(invitation=invitation, kind=kind)
                raise
            sent += 1
    return sent


def signup_deliver(*, signup: SignupRequest) -> bool:
    """Give a signup request a fresh code and send it with the link that confirms the address
    given on the company invite link; False when the request is used or expired."""
    code = signup_code_issue(signup=signup)
    if code is None:
        return False
    email_send(
        to=signup.email,
        language=signup.language,
        template="invitations/email/signup",
        context={
            "signup": signup,
            "code": code,
            "link": settings.SITE_URL
            + reverse("invitations:signup_link", args=[signup_token(signup)]),
        },
    )
    return True
