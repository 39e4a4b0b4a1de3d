"""Reads for invitations: tracking per wave, lists, and finding an invitation by its token."""

from dataclasses import dataclass
from datetime import timedelta

from django.core import signing
from django.db.models import Count, Q, QuerySet
from django.http import Http404

from passaparola.invitations.models import ImportJob, Invitation, SignupRequest, Wave
from passaparola.invitations.services import SIGNUP_SALT, TOKEN_SALT, invitation_settings_get
from passaparola.people.access import can_manage_programme
from passaparola.people.models import Person

STATUS_FILTERS = {
    Invitation.Status.NOT_SENT: Q(
        sent_at__isnull=True, revoked_at__isnull=True, joined_at__isnull=True
    ),
    Invitation.Status.SENT: Q(
        sent_at__isnull=False,
        opened_at__isnull=True,
        joined_at__isnull=True,
        bounced_at__isnull=True,
        revoked_at__isnull=True,
    ),
    Invitation.Status.OPENED: Q(
        opened_at__isnull=False,
        joined_at__isnull=True,
        revoked_at__isnull=True,
        bounced_at__isnull=True,
    ),
    Invitation.Status.JOINED: Q(joined_at__isnull=False),
    Invitation.Status.BOUNCED: Q(
        bounced_at__isnull=False, joined_at__isnull=True, revoked_at__isnull=True
    ),
    Invitation.Status.REVOKED: Q(revoked_at__isnull=False),
}


@dataclass
class WaveFigures:
    wave: Wave | None
    invited: int
    sent: int
    opened: int
    joined: int
    bounced: int
    revoked: int
    not_sent: int

    @property
    def joined_percent(self) -> int:
        """Return the share of sent invitations that led to joining."""
        return round(100 * self.joined / self.sent) if self.sent else 0


def wave_figures() -> list[WaveFigures]:
    """Return sent, opened, joined and bounced per wave (invitations without a wave last)."""
    rows = (
        Invitation.objects.order_by()
        .values("wave_id")
        .annotate(
            invited=Count("pk"),
            sent=Count("pk", filter=Q(sent_at__isnull=False)),
            opened=Count("pk", filter=Q(opened_at__isnull=False)),
            joined=Count("pk", filter=Q(joined_at__isnull=False)),
            bounced=Count("pk", filter=Q(bounced_at__isnull=False)),
            revoked=Count("pk", filter=Q(revoked_at__isnull=False)),
            not_sent=Count("pk", filter=STATUS_FILTERS[Invitation.Status.NOT_SENT]),
        )
    )
    by_wave = {row.pop("wave_id"): row for row in rows}
    figures = [
        WaveFigures(wave=wave, **by_wave.get(wave.pk, _empty()))
        for wave in Wave.objects.order_by("created_at", "pk")
    ]
    if None in by_wave:
        figures.append(WaveFigures(wave=None, **by_wave[None]))
    return figures


def _empty() -> dict[str, int]:
    return dict.fromkeys(
        ["invited", "sent", "opened", "joined", "bounced", "revoked", "not_sent"], 0
    )


def invitations_matching(
    *, wave: str = "", status: str = "", search: str = ""
) -> QuerySet[Invitation]:
    """Return invitations filtered by wave ("none" for no wave), status and address or name."""
    invitations = Invitation.objects.select_related("wave").order_by("-created_at", "-pk")
    if wave == "none":
        invitations = invitations.filter(wave__isnull=True)
    elif wave.isdigit():
        invitations = invitations.filter(wave_id=int(wave))
    if status in STATUS_FILTERS:
        invitations = invitations.filter(STATUS_FILTERS[Invitation.Status(status)])
    if search.strip():
        term = search.strip()
        invitations = invitations.filter(Q(email__icontains=term) | Q(name__icontains=term))
    return invitations


def access_invitation_by_manager(person: Person, invitation_id: int) -> Invitation:
    """Return the invitation for a programme manager, or raise Http404."""
    if not can_manage_programme(person):
        raise Http404
    invitation = Invitation.objects.filter(pk=invitation_id).first()
    if invitation is None:
        raise Http404
    return invitation


def access_import_by_manager(person: Person, job_id: int) -> ImportJob:
    """Return the import for a programme manager, or raise Http404."""
    if not can_manage_programme(person):
        raise Http404
    job = ImportJob.objects.filter(pk=job_id).first()
    if job is None:
        raise Http404
    return job


def access_wave_by_manager(person: Person, wave_id: int) -> Wave:
    """Return the wave for a programme manager, or raise Http404."""
    if not can_manage_programme(person):
        raise Http404
    wave = Wave.objects.filter(pk=wave_id).first()
    if wave is None:
        raise Http404
    return wave


def invitation_from_token(token: str, *, check_age: bool = True) -> Invitation | None:
    """Return the invitation a link names, if the link is genuine, current and not too old."""
    max_age = timedelta(days=invitation_settings_get().link_days) if check_age else None
    try:
        pk, nonce = signing.loads(token, salt=TOKEN_SALT, max_age=max_age)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    return Invitation.objects.filter(pk=pk, nonce=nonce).first()


def signup_from_token(token: str) -> SignupRequest | None:
    """Return the signup request a confirmation link names, if genuine."""
    try:
        pk, nonce = signing.loads(token, salt=SIGNUP_SALT, max_age=timedelta(days=1))
    except (signing.BadSignature, ValueError, TypeError):
        return None
    return SignupRequest.objects.filter(pk=pk, nonce=nonce).first()


def recent_imports(limit: int = 10) -> list[ImportJob]:
    """Return the latest imports, without their files."""
    return list(ImportJob.objects.defer("content", "errors").select_related("created_by")[:limit])
