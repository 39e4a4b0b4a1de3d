"""A person's data: everything we hold about them as JSON, and its erasure.

Erasure anonymises instead of deleting the rows that the programme's figures count (shares,
clicks, points, activities): the person's row stays as a nameless tombstone, so every total
on the dashboard is the same before and after, while nothing left names or describes them.
"""

import datetime
import decimal
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext

from passaparola.activity.models import Activity
from passaparola.audit.services import audit_record
from passaparola.content.models import Comment, PersonInterest, Reaction, Suggestion
from passaparola.governance.models import PolicyAcceptance
from passaparola.invitations.models import Invitation, SignupRequest
from passaparola.notifications.models import Notification
from passaparola.people.models import LoginCode, Membership, Person, SsoIdentity
from passaparola.programme.selectors import in_language_of, programme_get
from passaparola.recognition.models import Kudos, PointsEntry, RewardClaim
from passaparola.sharing.models import (
    ConnectedAccount,
    ScheduledShare,
    Share,
    SharingPreference,
    ShortLink,
)
from passaparola.tracking.models import Click, Conversion

ERASED_DOMAIN = "erased.invalid"


def _plain(value: Any) -> Any:
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    return value


def _rows(queryset: Any, *fields: str, **renamed: Any) -> list[dict[str, Any]]:
    return [
        {key: _plain(value) for key, value in row.items()}
        for row in queryset.values(*fields, **renamed).iterator(chunk_size=2000)
    ]


def person_export(*, person: Person) -> dict[str, Any]:
    """Return everything the platform holds about this person, for them to download.

    Clicks come without the visitor hash or user agent: those describe the visitors, not them.
    Connected accounts come without their tokens.
    """
    links = ShortLink.objects.filter(person=person)
    return {
        "format": "passaparola-person-export/1",
        "exported_at": timezone.now().isoformat(),
        "programme": programme_get().name,
        "profile": {
            "id": person.pk,
            "name": person.name,
            "email": person.email,
            "role": person.role,
            "language": person.language,
            "date_joined": _plain(person.date_joined),
            "last_login": _plain(person.last_login),
            "is_active": person.is_active,
            "is_paused": person.is_paused,
            "paused_at": _plain(person.paused_at),
            "hide_from_leaderboards": person.hide_from_leaderboards,
        },
        "teams": _rows(
            Membership.objects.filter(person=person).order_by("team__name"),
            "is_lead",
            team_name=F("team__name"),
            team_kind=F("team__kind"),
        ),
        "invitation": _rows(
            Invitation.objects.filter(person=person),
            "created_at",
            "sent_at",
            "opened_at",
            "joined_at",
            "reminders_sent",
            wave_name=F("wave__name"),
        ),
        "policy_acceptances": _rows(
            PolicyAcceptance.objects.filter(person=person).order_by("version__number"),
            "accepted_at",
            version_number=F("version__number"),
            title=F("version__title"),
        ),
        "interests": list(
            PersonInterest.objects.filter(person=person)
            .order_by("topic__name")
            .values_list("topic__name", flat=True)
        ),
        "short_links": _rows(
            links.order_by("created_at"), "code", "network", "created_at", "post_id"
        ),
        "shares": _rows(
            Share.objects.filter(person=person).order_by("created_at"),
            "created_at",
            "network",
            "method",
            "text",
            "remote_url",
            "post_id",
            post_title=F("post__title"),
        ),
        "scheduled_shares": _rows(
            ScheduledShare.objects.filter(person=person).order_by("scheduled_for"),
            "scheduled_for",
            "network",
            "status",
            "text",
            "post_id",
        ),
        "clicks_on_my_links": _rows(
            Click.objects.filter(link__person=person).order_by("created_at"),
            "created_at",
            "is_bot",
            "referrer_domain",
            "country",
            network=F("link__network"),
            post_id=F("link__post_id"),
        ),
        "leads": _rows(
            Conversion.objects.filter(link__person=person).order_by("created_at"),
            "created_at",
            "state",
            "source",
            network=F("link__network"),
            post_id=F("link__post_id"),
        ),
        "points": _rows(
            PointsEntry.objects.filter(person=person).order_by("created_at", "pk"),
            "created_at",
            "action",
            "points",
            "network",
            "note",
            "post_id",
        ),
        "activities": _rows(
            Activity.objects.filter(person=person).order_by("created_at", "pk"),
            "created_at",
            "verb",
            "network",
            "post_id",
        ),
        "reactions": _rows(
            Reaction.objects.filter(person=person).order_by("created_at"),
            "created_at",
            "kind",
            "post_id",
        ),
        "comments": _rows(
            Comment.objects.filter(person=person).order_by("created_at"),
            "created_at",
            "text",
            "post_id",
        ),
        "suggestions": _rows(
            Suggestion.objects.filter(person=person).order_by("created_at"),
            "created_at",
            "url",
            "text",
            "state",
        ),
        "connected_accounts": _rows(
            ConnectedAccount.objects.filter(person=person),
            "network",
            "handle",
            "server",
            "status",
            "connected_at",
        ),
        "kudos_received": _rows(
            Kudos.objects.filter(recipient=person).order_by("created_at"), "created_at", "message"
        ),
        "reward_claims": _rows(
            RewardClaim.objects.filter(person=person).order_by("created_at"),
            "created_at",
            "state",
            "price",
            reward_name=F("reward__name"),
        ),
        "notifications": _rows(
            Notification.objects.filter(person=person).order_by("created_at"),
            "created_at",
            "kind",
            "title",
            "body",
            "read_at",
        ),
    }


@transaction.atomic
def person_export_record(*, person: Person, by: Person) -> dict[str, Any]:
    """Return a person's data and note the export in the audit log."""
    data = person_export(person=person)
    audit_record(
        actor=by,
        action="person.exported",
        target=person,
        changes={"by_self": by.pk == person.pk},
    )
    return data


@transaction.atomic
def person_erase(*, person: Person, by: Person) -> dict[str, int]:
    """Erase a person: remove their name, address and texts; keep the counted rows anonymous."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    original_email = person.email
    counts = {
        "shares": Share.objects.filter(person=person).update(
            text="", remote_url="", fingerprint=""
        ),
        "clicks": Click.objects.filter(link__person=person).update(
            user_agent="", referrer_domain=""
        ),
        "comments": Comment.objects.filter(person=person).delete()[0],
    }
    ScheduledShare.objects.filter(person=person, status=ScheduledShare.Status.QUEUED).update(
        status=ScheduledShare.Status.CANCELLED
    )
    ScheduledShare.objects.filter(person=person).update(
        text="", remote_url="", remote_id="", error_message=""
    )
    Suggestion.objects.filter(person=person).update(text="", reason="")
    Kudos.objects.filter(recipient=person).update(message="")
    Kudos.objects.filter(sender=person).update(message="")
    RewardClaim.objects.filter(person=person).update(note="")
    for model in (
        ConnectedAccount,
        SharingPreference,
        PersonInterest,
        Notification,
        LoginCode,
        SsoIdentity,
    ):
        model.objects.filter(person=person).delete()  # type: ignore[attr-defined]
    SignupRequest.objects.filter(email__iexact=original_email).delete()
    invitations = Invitation.objects.filter(Q(email__iexact=original_email) | Q(person=person))
    for invitation in invitations:
        invitation.email = f"erased-invitation-{invitation.pk}@{ERASED_DOMAIN}"
        invitation.name = ""
        invitation.save(update_fields=["email", "name"])
    with in_language_of():
        person.name = gettext("Erased person")
    person.email = f"erased-{person.pk}@{ERASED_DOMAIN}"
    person.password = make_password(None)
    person.language = ""
    person.is_active = False
    person.is_staff = False
    person.is_superuser = False
    person.hide_from_leaderboards = True
    person.last_login = None
    person.save(
        update_fields=[
            "name",
            "email",
            "password",
            "language",
            "is_active",
            "is_staff",
            "is_superuser",
            "hide_from_leaderboards",
            "last_login",
        ]
    )
    person.groups.clear()
    person.user_permissions.clear()
    audit_record(actor=by, action="person.erased", target=person, changes=counts)
    return counts
