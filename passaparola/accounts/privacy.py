"""A person's data: everything we hold about them as JSON, and its erasure.

Erasure anonymises instead of deleting the rows that the programme's figures count (shares,
clicks, points, activities): the person's row stays as a nameless tombstone, so every total
on the dashboard is the same before and after, while nothing left names or describes them.
"""

import datetime
import decimal
from dataclasses import dataclass
from typing import Any

from axes.models import AccessAttempt, AccessFailureLog
from django.contrib.admin.models import LogEntry
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext

from passaparola.activity.models import Activity
from passaparola.audit.models import AuditEntry
from passaparola.audit.services import audit_record
from passaparola.content.models import (
    Comment,
    DigestLog,
    PersonInterest,
    Post,
    PostApproval,
    PostRevision,
    Reaction,
    Source,
    Suggestion,
)
from passaparola.governance.models import PolicyAcceptance, PolicyVersion
from passaparola.insights.models import DailyFigure
from passaparola.insights.origins import ClickOrigin
from passaparola.invitations.models import ImportJob, Invitation, SignupRequest
from passaparola.notifications.models import Notification, NotificationPreference
from passaparola.people.models import LoginCode, Membership, Person, SsoIdentity
from passaparola.programme.models import ReportDelivery
from passaparola.programme.selectors import in_language_of, programme_get
from passaparola.recognition.models import (
    BadgeAward,
    Challenge,
    ChallengeWinner,
    Kudos,
    PointsEntry,
    PointsTotal,
    RewardClaim,
)
from passaparola.sharing.models import (
    AudienceSize,
    BlockedTerm,
    ConnectedAccount,
    ScheduledShare,
    Share,
    ShareEngagement,
    SharingPreference,
    ShortLink,
)
from passaparola.tracking.models import ApiToken, Click, ClickRollup, Conversion

ERASED_DOMAIN = "erased.invalid"

DELETED, ANONYMISED, KEPT = "deleted", "anonymised", "kept"


@dataclass(frozen=True)
class Linked:
    """How the rows of one relation to a person are exported and erased."""

    section: str  # the key of the export that lists them
    erasure: str  # DELETED, ANONYMISED (the `cleared` fields are emptied) or KEPT
    cleared: tuple[str, ...] = ()
    why: str = ""  # why KEPT rows stay


# Every relation from a model to Person, as "app.Model.field". accounts/tests/test_privacy.py
# walks every model and fails when a relation is missing here, its section is missing from the
# export, or erasure leaves a DELETED row or an ANONYMISED field behind.
LINKED: dict[str, Linked] = {
    "people.Person_groups.person": Linked("groups", DELETED),
    "people.Person_user_permissions.person": Linked("permissions", DELETED),
    "people.Membership.person": Linked(
        "teams", KEPT, why="team figures per member stay the same; the row names nobody"
    ),
    "people.LoginCode.person": Linked("login_codes", DELETED),
    "people.SsoIdentity.person": Linked("sso_identities", DELETED),
    "admin.LogEntry.user": Linked(
        "admin_log", KEPT, why="the administration's own record of what staff changed"
    ),
    "audit.AuditEntry.actor": Linked(
        "audit_entries", KEPT, why="append-only and trigger-protected; it names people by id only"
    ),
    "activity.Activity.person": Linked(
        "activities", KEPT, why="every figure of the programme counts them; no text in them"
    ),
    "content.PersonInterest.person": Linked("interests", DELETED),
    "content.Post.created_by": Linked("posts_created", KEPT, why="the programme's content"),
    "content.Post.suggested_by": Linked(
        "posts_from_my_suggestions", KEPT, why="the programme's content"
    ),
    "content.PostRevision.person": Linked(
        "post_revisions", KEPT, why="the history of the programme's content, written as work"
    ),
    "content.PostApproval.person": Linked(
        "post_approvals", KEPT, why="the review record of the programme's content"
    ),
    "content.Source.created_by": Linked("sources_created", KEPT, why="the programme's setup"),
    "content.Suggestion.person": Linked("suggestions", ANONYMISED, cleared=("text", "reason")),
    "content.Suggestion.decided_by": Linked(
        "suggestions_decided", KEPT, why="the review record of other people's suggestions"
    ),
    "content.Reaction.person": Linked("reactions", KEPT, why="counted on posts; no text"),
    "content.Comment.person": Linked("comments", DELETED),
    "sharing.ShortLink.person": Linked(
        "short_links", KEPT, why="clicks and leads are counted through them; opaque codes"
    ),
    "sharing.Share.person": Linked(
        "shares", ANONYMISED, cleared=("text", "remote_url", "fingerprint")
    ),
    "sharing.BlockedTerm.created_by": Linked(
        "blocked_terms_created", KEPT, why="the programme's setup"
    ),
    "sharing.SharingPreference.person": Linked("sharing_preference", DELETED),
    "sharing.ConnectedAccount.person": Linked("connected_accounts", DELETED),
    "sharing.AudienceSize.person": Linked("audience_sizes", DELETED),
    "sharing.ScheduledShare.person": Linked(
        "scheduled_shares",
        ANONYMISED,
        cleared=("text", "remote_url", "remote_id", "error_message"),
    ),
    "sharing.ShareEngagement.person": Linked(
        "measured_engagement", ANONYMISED, cleared=("remote_id", "server", "claim")
    ),
    "tracking.ApiToken.created_by": Linked("api_tokens_created", KEPT, why="the programme's setup"),
    "tracking.ClickRollup.person": Linked(
        "daily_click_figures", KEPT, why="the programme's daily figures; no visitor detail"
    ),
    "insights.DailyFigure.person": Linked(
        "daily_figures", KEPT, why="the programme's daily figures; numbers only, no text"
    ),
    "insights.ClickOrigin.person": Linked(
        "click_origins",
        KEPT,
        why="the programme's daily figures of where clicks came from; no visitor detail",
    ),
    "recognition.PointsEntry.person": Linked(
        "points", KEPT, why="the append-only, trigger-protected points ledger"
    ),
    "recognition.PointsTotal.person": Linked(
        "points_totals", KEPT, why="kept by the ledger's triggers"
    ),
    "recognition.BadgeAward.person": Linked(
        "badges", KEPT, why="counted by badge; no text, the tombstone is off every board"
    ),
    "recognition.Challenge.created_by": Linked(
        "challenges_created", KEPT, why="the programme's setup"
    ),
    "recognition.ChallengeWinner.person": Linked(
        "challenge_wins", KEPT, why="a closed challenge's results stay as they were"
    ),
    "recognition.RewardClaim.person": Linked("reward_claims", ANONYMISED, cleared=("note",)),
    "recognition.RewardClaim.decided_by": Linked(
        "reward_claims_decided", KEPT, why="the record of other people's claims"
    ),
    "recognition.Kudos.sender": Linked("kudos_sent", ANONYMISED, cleared=("message",)),
    "recognition.Kudos.recipient": Linked("kudos_received", ANONYMISED, cleared=("message",)),
    "notifications.Notification.person": Linked("notifications", DELETED),
    "notifications.NotificationPreference.person": Linked("notification_preference", DELETED),
    "content.DigestLog.person": Linked("digests", DELETED),
    "programme.ReportDelivery.person": Linked("leadership_reports_sent", DELETED),
    "invitations.Invitation.invited_by": Linked(
        "invitations_sent", KEPT, why="other people's invitations"
    ),
    "invitations.Invitation.person": Linked("invitation", ANONYMISED, cleared=("name",)),
    "invitations.ImportJob.created_by": Linked("imports", KEPT, why="the programme's setup"),
    "governance.PolicyVersion.published_by": Linked(
        "policy_versions_published", KEPT, why="the programme's policy history"
    ),
    "governance.PolicyAcceptance.person": Linked(
        "policy_acceptances", KEPT, why="the record that the policy was accepted; no text"
    ),
}


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
        "measured_engagement": _rows(
            ShareEngagement.objects.filter(person=person).order_by("posted_at"),
            "posted_at",
            "network",
            "post_id",
            "reposts",
            "likes",
            "replies",
            "quotes",
            "fetched_at",
            "state",
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
        "audience_sizes": _rows(
            AudienceSize.objects.filter(person=person).order_by("network"),
            "network",
            "size",
            "updated_at",
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
        "groups": list(person.groups.order_by("name").values_list("name", flat=True)),
        "permissions": list(
            person.user_permissions.order_by("codename").values_list("codename", flat=True)
        ),
        "login_codes": _rows(
            LoginCode.objects.filter(person=person).order_by("created_at"),
            "created_at",
            "expires_at",
            "used_at",
        ),
        "sso_identities": _rows(
            SsoIdentity.objects.filter(person=person), "issuer", "subject", "created_at"
        ),
        "admin_log": _rows(
            LogEntry.objects.filter(user=person).order_by("action_time"),
            "action_time",
            "object_repr",
            "change_message",
        ),
        "audit_entries": _rows(
            AuditEntry.objects.filter(actor=person).order_by("created_at", "pk"),
            "created_at",
            "action",
            "target_type",
            "target_id",
        ),
        "posts_created": _rows(
            Post.objects.filter(created_by=person).order_by("created_at"),
            "id",
            "title",
            "url",
            "state",
            "created_at",
        ),
        "posts_from_my_suggestions": _rows(
            Post.objects.filter(suggested_by=person).order_by("created_at"),
            "id",
            "title",
            "url",
            "created_at",
        ),
        "post_revisions": _rows(
            PostRevision.objects.filter(person=person).order_by("created_at", "pk"),
            "created_at",
            "action",
            "note",
            "post_id",
        ),
        "post_approvals": _rows(
            PostApproval.objects.filter(person=person).order_by("created_at", "pk"),
            "created_at",
            "step_name",
            "decision",
            "note",
            "post_id",
        ),
        "sources_created": _rows(
            Source.objects.filter(created_by=person).order_by("created_at"),
            "name",
            "url",
            "created_at",
        ),
        "suggestions_decided": _rows(
            Suggestion.objects.filter(decided_by=person).order_by("decided_at"),
            "decided_at",
            "state",
            "post_id",
        ),
        "blocked_terms_created": _rows(
            BlockedTerm.objects.filter(created_by=person).order_by("created_at"),
            "kind",
            "pattern",
            "reason",
            "created_at",
        ),
        "sharing_preference": _rows(
            SharingPreference.objects.filter(person=person), "mastodon_instance", "updated_at"
        ),
        "api_tokens_created": _rows(
            ApiToken.objects.filter(created_by=person).order_by("created_at"),
            "name",
            "prefix",
            "created_at",
            "revoked_at",
        ),
        "daily_click_figures": _rows(
            ClickRollup.objects.filter(person=person).order_by("day", "post_id", "network"),
            "day",
            "post_id",
            "network",
            "human_clicks",
            "unique_visitors",
            "bot_visits",
            "leads",
        ),
        "daily_figures": _rows(
            DailyFigure.objects.filter(person=person).order_by("day", "post_id", "network"),
            "day",
            "post_id",
            "network",
            "shares",
            "human_clicks",
            "unique_visitors",
            "bot_visits",
            "leads",
            "points",
        ),
        "click_origins": _rows(
            ClickOrigin.objects.filter(person=person).order_by("day", "post_id", "network"),
            "day",
            "post_id",
            "network",
            "referrer_domain",
            "country",
            "human_clicks",
        ),
        "points_totals": _rows(
            PointsTotal.objects.filter(person=person).order_by("period", "start"),
            "period",
            "start",
            "points",
        ),
        "badges": _rows(
            BadgeAward.objects.filter(person=person).order_by("awarded_at"),
            "awarded_at",
            badge_name=F("badge__name"),
        ),
        "challenges_created": _rows(
            Challenge.objects.filter(created_by=person).order_by("created_at"),
            "title",
            "created_at",
        ),
        "challenge_wins": _rows(
            ChallengeWinner.objects.filter(person=person).order_by("won_at"),
            "won_at",
            "progress",
            challenge_title=F("challenge__title"),
        ),
        "reward_claims_decided": _rows(
            RewardClaim.objects.filter(decided_by=person).order_by("decided_at"),
            "decided_at",
            "state",
            reward_name=F("reward__name"),
        ),
        "kudos_sent": _rows(
            Kudos.objects.filter(sender=person).order_by("created_at"), "created_at", "message"
        ),
        "notification_preference": _rows(
            NotificationPreference.objects.filter(person=person),
            "digest_frequency",
            "email_digest",
            "email_recognition",
            "email_reminders",
            "updated_at",
        ),
        "digests": _rows(
            DigestLog.objects.filter(person=person).order_by("sent_at"),
            "period",
            "posts",
            "sent_at",
        ),
        "leadership_reports_sent": _rows(
            ReportDelivery.objects.filter(person=person).order_by("claimed_at"),
            "period",
            "claimed_at",
            "sent_at",
        ),
        "invitations_sent": _rows(
            Invitation.objects.filter(invited_by=person).order_by("created_at"),
            "created_at",
            "sent_at",
            "joined_at",
        ),
        "imports": _rows(
            ImportJob.objects.filter(created_by=person).order_by("created_at"),
            "created_at",
            "filename",
            "status",
            "imported_rows",
        ),
        "policy_versions_published": _rows(
            PolicyVersion.objects.filter(published_by=person).order_by("number"),
            "number",
            "title",
            "published_at",
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
    # The counts stay (the figures keep their totals); nothing left points at the posts.
    engagement = ShareEngagement.objects.filter(person=person)
    engagement.filter(state=ShareEngagement.State.MEASURING).update(
        state=ShareEngagement.State.DONE
    )
    engagement.update(remote_id="", server="", claim="", next_fetch_at=None)
    Suggestion.objects.filter(person=person).update(text="", reason="")
    Kudos.objects.filter(recipient=person).update(message="")
    Kudos.objects.filter(sender=person).update(message="")
    RewardClaim.objects.filter(person=person).update(note="")
    for model in (
        ConnectedAccount,
        AudienceSize,
        SharingPreference,
        PersonInterest,
        Notification,
        NotificationPreference,
        DigestLog,
        ReportDelivery,
        LoginCode,
        SsoIdentity,
    ):
        model.objects.filter(person=person).delete()
    SignupRequest.objects.filter(email__iexact=original_email).delete()
    # Failed logins counted by django-axes name the account by its address.
    AccessAttempt.objects.filter(username__iexact=original_email).delete()
    AccessFailureLog.objects.filter(username__iexact=original_email).delete()
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
