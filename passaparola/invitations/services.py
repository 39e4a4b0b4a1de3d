"""State changes for invitations: imports, sending, reminders, joining and the invite link."""

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth.hashers import check_password, make_password
from django.core import signing
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from passaparola.activity.models import Verb
from passaparola.activity.services import activity_record
from passaparola.audit.services import audit_record, diff
from passaparola.invitations import csvimport
from passaparola.invitations.models import (
    ImportJob,
    Invitation,
    InvitationSettings,
    SignupRequest,
    Wave,
    new_link_key,
    new_nonce,
)
from passaparola.lib.models import fields_save
from passaparola.people.models import Membership, Person, Role, Team
from passaparola.people.services import person_create

IMPORT_CHUNK = 500
TOKEN_SALT = "passaparola.invitations.accept"  # noqa: S105 (a namespace, not a secret)
SIGNUP_SALT = "passaparola.invitations.signup"
SIGNUP_MINUTES = 30
SIGNUP_ATTEMPTS = 5
SIGNUP_PER_HOUR = 5


class JoinRefused(Exception):
    """This address belongs to an account that was closed."""


# Settings and tokens -------------------------------------------------------------------------


def invitation_settings_get() -> InvitationSettings:
    """Return the invitation settings; their row comes from a migration, so reading never writes."""
    return InvitationSettings.objects.filter(pk=1).first() or InvitationSettings(pk=1)


@transaction.atomic
def invitation_settings_update(*, by: Person, fields: dict[str, object]) -> InvitationSettings:
    """Change the named invitation settings."""
    current = InvitationSettings.objects.select_for_update().filter(
        pk=1
    ).first() or InvitationSettings(pk=1)
    before = {name: getattr(current, name) for name in fields}
    for name, value in fields.items():
        setattr(current, name, value)
    current.full_clean()
    fields_save(current, [*fields, "updated_at"])
    audit_record(
        actor=by,
        action="invitations.settings_changed",
        target=current,
        changes=diff(before, fields),
    )
    return current


@transaction.atomic
def open_link_rotate(*, by: Person) -> InvitationSettings:
    """Give the company invite link a new address; the old one stops working."""
    current = invitation_settings_get()
    current.open_link_key = new_link_key()
    fields_save(current, ["open_link_key", "updated_at"])
    audit_record(
        actor=by, action="invitations.settings_changed", target=current, changes={"link": "new"}
    )
    return current


def invitation_token(invitation: Invitation) -> str:
    """Return the signed token of this invitation's links (its time is checked on use)."""
    return signing.dumps([invitation.pk, invitation.nonce], salt=TOKEN_SALT, compress=True)


def signup_token(signup: SignupRequest) -> str:
    """Return the signed token of a confirmation link."""
    return signing.dumps([signup.pk, signup.nonce], salt=SIGNUP_SALT, compress=True)


# Creating invitations -------------------------------------------------------------------------


def _teams_by_name(names: Iterable[str], kind: str) -> dict[str, Team]:
    """Return the teams with these names (any case), creating the missing ones."""
    wanted = {name.lower(): name for name in names if name}
    found = {
        team.name.lower(): team for team in Team.objects.filter(name__in=list(wanted.values()))
    }
    if len(found) < len(wanted):
        # Names differ only by case from an existing team: match them too.
        for team in Team.objects.all().only("pk", "name"):
            found.setdefault(team.name.lower(), team)
    for lower, name in wanted.items():
        if lower not in found:
            found[lower] = Team.objects.create(name=name, kind=kind)
    return found


def _wave_by_name(name: str) -> Wave | None:
    if not name:
        return None
    existing = Wave.objects.filter(name__iexact=name).first()
    return existing or Wave.objects.create(name=name)


@transaction.atomic
def invitation_create(
    *,
    by: Person,
    email: str,
    name: str = "",
    role: str = Role.MEMBER,
    teams: list[Team] | None = None,
    wave: Wave | None = None,
    language: str = "",
) -> Invitation:
    """Invite one address (the form checks it is new)."""
    invitation = Invitation.objects.create(
        email=email.strip().lower(),
        name=name,
        role=role,
        language=language,
        wave=wave,
        invited_by=by,
    )
    invitation.teams.set(teams or [])
    audit_record(
        actor=by,
        action="invitation.created",
        target=invitation,
        changes={"role": role, "wave": wave.name if wave else "", "teams": len(teams or [])},
    )
    return invitation


@transaction.atomic
def wave_create(*, name: str) -> Wave:
    """Add a wave of invitations."""
    return Wave.objects.create(name=name)


# Imports -------------------------------------------------------------------------------------


def _existing_emails(addresses: set[str]) -> set[str]:
    """Return which of these addresses already have an account or an invitation."""
    found: set[str] = set()
    batch = sorted(addresses)
    for start in range(0, len(batch), 900):
        chunk = batch[start : start + 900]
        found.update(
            e.lower()
            for e in Person.objects.filter(email__in=chunk).values_list("email", flat=True)
        )
        found.update(Invitation.objects.filter(email__in=chunk).values_list("email", flat=True))
    return found


@transaction.atomic
def import_create(*, by: Person, filename: str, data: bytes) -> ImportJob:
    """Keep an uploaded file for checking; raises ImportFileError when it cannot be read."""
    text = csvimport.decode(data)
    total = csvimport.count_rows(text)
    job = ImportJob.objects.create(
        created_by=by, filename=filename[:200], content=text, total_rows=total
    )
    audit_record(actor=by, action="import.uploaded", target=job, changes={"rows": total})
    return job


def _new_names(report: csvimport.Report) -> tuple[list[str], list[str]]:
    teams: dict[str, str] = {}
    waves: dict[str, str] = {}
    for row in report.rows:
        for name in row.team_names():
            teams.setdefault(name.lower(), name)
        if row.wave:
            waves.setdefault(row.wave.lower(), row.wave)
    known_teams = {name.lower() for name in Team.objects.values_list("name", flat=True)}
    known_waves = {name.lower() for name in Wave.objects.values_list("name", flat=True)}
    return (
        sorted(name for lower, name in teams.items() if lower not in known_teams),
        sorted(name for lower, name in waves.items() if lower not in known_waves),
    )


def _report(job: ImportJob, *, track: bool) -> csvimport.Report:
    existing = _existing_emails(csvimport.emails_in(job.content))

    def progress(done: int) -> None:
        ImportJob.objects.filter(pk=job.pk).update(checked_rows=done)

    return csvimport.check(job.content, existing=existing, progress=progress if track else None)


def import_check(*, job_id: int) -> ImportJob:
    """Check every row of an uploaded file; nothing is imported."""
    # No transaction around the whole check: the progress updates must be seen while it runs.
    job = ImportJob.objects.get(pk=job_id)
    if job.status != ImportJob.Status.CHECKING:
        return job
    try:
        report = _report(job, track=True)
    except csvimport.ImportFileError as problem:
        report = csvimport.Report(errors=[problem.as_error()], error_rows=1)
    job.total_rows = report.total
    job.checked_rows = report.total
    job.valid_rows = len(report.rows)
    job.error_rows = report.error_rows
    job.existing_rows = report.existing
    job.errors = report.errors
    job.new_teams, job.new_waves = _new_names(report)
    job.status = ImportJob.Status.INVALID if report.error_rows else ImportJob.Status.READY
    job.save(
        update_fields=[
            "total_rows",
            "checked_rows",
            "valid_rows",
            "error_rows",
            "existing_rows",
            "errors",
            "new_teams",
            "new_waves",
            "status",
        ]
    )
    return job


class ImportNotAllowed(Exception):
    """The file has errors and the manager did not choose to import the valid rows only."""


@transaction.atomic
def import_start(*, job: ImportJob, by: Person, valid_only: bool, send_now: bool) -> ImportJob:
    """Let the worker import a checked file: all of it, or explicitly its valid rows only."""
    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    allowed = job.status == ImportJob.Status.READY or (
        job.status == ImportJob.Status.INVALID and valid_only and job.valid_rows > 0
    )
    if not allowed:
        raise ImportNotAllowed
    job.status = ImportJob.Status.IMPORTING
    job.valid_only = valid_only
    job.send_now = send_now
    job.processed_rows = 0
    job.started_at = timezone.now()
    job.save(update_fields=["status", "valid_only", "send_now", "processed_rows", "started_at"])
    audit_record(
        actor=by,
        action="import.started",
        target=job,
        changes={
            "rows": job.valid_rows,
            "rows_with_errors_left_out": job.error_rows if valid_only else 0,
            "send_now": send_now,
        },
    )
    return job


def import_run(*, job_id: int) -> list[int]:
    """Import a started file in chunks; return the ids of the invitations it created.

    The file is checked again first (someone may have joined since): with errors and without
    the manager's choice to import the valid rows only, nothing is imported. Each chunk commits
    on its own so the progress bar moves; a retry skips the addresses already imported.
    """
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    if job.status != ImportJob.Status.IMPORTING:
        return []
    report = _report(job, track=False)
    if report.error_rows and not job.valid_only:
        job.status = ImportJob.Status.INVALID
        job.errors = report.errors
        job.error_rows = report.error_rows
        job.valid_rows = len(report.rows)
        job.save(update_fields=["status", "errors", "error_rows", "valid_rows"])
        return []
    rows = report.rows
    # A retry finds the rows it imported before among the existing ones: count them in.
    job.valid_rows = job.processed_rows + len(rows)
    job.save(update_fields=["valid_rows"])
    teams = _teams_by_name([name for row in rows for name in row.teams], Team.Kind.DEPARTMENT)
    teams.update(_teams_by_name([row.location for row in rows], Team.Kind.LOCATION))
    teams.update(_teams_by_name([row.seniority for row in rows], Team.Kind.SENIORITY))
    wave_names = {row.wave.lower(): row.wave for row in rows if row.wave}
    waves = {lower: _wave_by_name(name) for lower, name in wave_names.items()}
    created: list[int] = []
    for start in range(0, len(rows), IMPORT_CHUNK):
        chunk = rows[start : start + IMPORT_CHUNK]
        created += _import_chunk(job, chunk, teams, waves)
    job.status = ImportJob.Status.DONE
    job.finished_at = timezone.now()
    job.content = ""
    job.save(update_fields=["status", "finished_at", "content"])
    job.refresh_from_db()
    audit_record(
        actor=job.created_by,
        action="import.finished",
        target=job,
        changes={"imported": job.imported_rows, "already_there": job.existing_rows},
    )
    return created


@transaction.atomic
def _import_chunk(
    job: ImportJob,
    rows: list[csvimport.Row],
    teams: dict[str, Team],
    waves: dict[str, Wave | None],
) -> list[int]:
    taken = _existing_emails({row.email for row in rows})
    fresh = [row for row in rows if row.email not in taken]
    invitations = Invitation.objects.bulk_create(
        [
            Invitation(
                email=row.email,
                name=row.name,
                role=row.role,
                language=row.language,
                wave=waves.get(row.wave.lower()) if row.wave else None,
                invited_by=job.created_by,
                import_job=job,
            )
            for row in fresh
        ]
    )
    links = [
        Invitation.teams.through(invitation_id=invitation.pk, team_id=teams[name.lower()].pk)
        for invitation, row in zip(invitations, fresh, strict=True)
        for name in row.team_names()
    ]
    Invitation.teams.through.objects.bulk_create(links, ignore_conflicts=True)
    ImportJob.objects.filter(pk=job.pk).update(
        processed_rows=F("processed_rows") + len(rows),
        imported_rows=F("imported_rows") + len(invitations),
    )
    return [invitation.pk for invitation in invitations]


@transaction.atomic
def imports_prune(*, now: datetime | None = None, days: int = 30) -> int:
    """Delete old import records with the personal data their files and errors hold."""
    cutoff = (now or timezone.now()) - timedelta(days=days)
    deleted, _kinds = ImportJob.objects.filter(created_at__lt=cutoff).delete()
    return deleted


# Sending -------------------------------------------------------------------------------------


@transaction.atomic
def wave_send(*, wave: Wave | None, by: Person) -> list[int]:
    """Return the ids to send in this wave (None: invitations without a wave); audited."""
    ids = list(
        Invitation.objects.filter(
            wave=wave,
            sent_at__isnull=True,
            revoked_at__isnull=True,
            joined_at__isnull=True,
            bounced_at__isnull=True,
        ).values_list("pk", flat=True)
    )
    audit_record(
        actor=by,
        action="invitation.sent",
        target=wave,
        target_type="wave",
        changes={"invitations": len(ids)},
    )
    return ids


def claim_for_sending(*, invitation_id: int, kind: str, now: datetime) -> Invitation | None:
    """Mark an invitation as going out now and return it, or None when it must not go."""
    still_open = Invitation.objects.filter(
        pk=invitation_id, revoked_at__isnull=True, joined_at__isnull=True
    )
    if kind == "invitation":
        claimed = still_open.filter(sent_at__isnull=True, bounced_at__isnull=True).update(
            sent_at=now, last_sent_at=now, send_count=F("send_count") + 1
        )
    elif kind == "resend":
        claimed = still_open.update(last_sent_at=now, send_count=F("send_count") + 1)
        still_open.filter(sent_at__isnull=True).update(sent_at=now)
    else:
        claimed = still_open.filter(bounced_at__isnull=True).update(last_sent_at=now)
    if not claimed:
        return None
    return Invitation.objects.select_related("invited_by", "wave").filter(pk=invitation_id).first()


def unclaim(*, invitation: Invitation, kind: str) -> None:
    """Undo a first sending's claim so a retry sends it."""
    if kind == "invitation":
        Invitation.objects.filter(pk=invitation.pk).update(
            sent_at=None, last_sent_at=None, send_count=F("send_count") - 1
        )


@transaction.atomic
def invitation_resend(*, invitation: Invitation, by: Person) -> Invitation:
    """Send an open invitation again (also after a bounce, once the address is fixed)."""
    if not invitation.is_open:
        raise ValueError("closed invitation")
    if invitation.bounced_at:
        invitation.bounced_at = None
        invitation.save(update_fields=["bounced_at"])
    audit_record(actor=by, action="invitation.resent", target=invitation)
    return invitation


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, by: Person) -> Invitation:
    """Withdraw an invitation: its links stop working and no reminder goes out."""
    if invitation.joined_at or invitation.revoked_at:
        return invitation
    invitation.revoked_at = timezone.now()
    invitation.nonce = new_nonce()
    invitation.save(update_fields=["revoked_at", "nonce"])
    audit_record(actor=by, action="invitation.revoked", target=invitation)
    return invitation


@transaction.atomic
def invitation_mark_bounced(*, invitation: Invitation, by: Person | None) -> Invitation:
    """Record that mail to this address bounced; no reminder goes out."""
    if invitation.bounced_at or invitation.joined_at:
        return invitation
    invitation.bounced_at = timezone.now()
    invitation.save(update_fields=["bounced_at"])
    audit_record(actor=by, action="invitation.bounced", target=invitation)
    return invitation


def invitation_opened(*, invitation: Invitation, now: datetime | None = None) -> None:
    """Remember the first time the invitation was seen (its link or its tracking image)."""
    Invitation.objects.filter(pk=invitation.pk, opened_at__isnull=True).update(
        opened_at=now or timezone.now()
    )


@dataclass
class DueReminder:
    invitation_id: int
    number: int


def reminders_claim_due(*, now: datetime | None = None) -> list[DueReminder]:
    """Claim the reminders due now: sent, not joined, revoked or bounced, not yet reminded."""
    now = now or timezone.now()
    schedule = invitation_settings_get().schedule()
    due: list[DueReminder] = []
    claimed: set[int] = set()
    for number, days in enumerate(schedule):
        candidates = (
            Invitation.objects.filter(
                reminders_sent=number,
                sent_at__lte=now - timedelta(days=days),
                revoked_at__isnull=True,
                joined_at__isnull=True,
                bounced_at__isnull=True,
            )
            .exclude(email__in=Person.objects.values("email"))
            .values_list("pk", flat=True)
        )
        for pk in list(candidates):
            if pk in claimed:
                continue  # one reminder per run: a late run does not send two at once
            # Conditional update: two schedulers running at once claim each reminder once.
            updated = Invitation.objects.filter(pk=pk, reminders_sent=number).update(
                reminders_sent=number + 1
            )
            if updated:
                claimed.add(pk)
                due.append(DueReminder(pk, number + 1))
    return due


# Joining -------------------------------------------------------------------------------------


@transaction.atomic
def person_join(*, email: str, name: str, language: str = "", via: str) -> Person:
    """Return the person for this address, creating them with their invitation's attributes.

    Called by the invitation link, the company invite link and single sign-on. An open
    invitation for the address is marked joined; a closed account is refused.
    """
    email = email.strip().lower()
    invitation = (
        Invitation.objects.select_for_update()
        .filter(email=email, revoked_at__isnull=True)
        .prefetch_related("teams")
        .first()
    )
    person = Person.objects.filter(email__iexact=email).first()
    if person is not None and not person.is_active:
        raise JoinRefused
    created = person is None
    if person is None:
        teams = list(invitation.teams.all()) if invitation else []
        person = person_create(
            email=email,
            name=name or (invitation.name if invitation else "") or email.split("@")[0],
            role=invitation.role if invitation else Role.MEMBER,
            teams=teams,
            language=language or (invitation.language if invitation else ""),
        )
        if person.role == Role.LEAD and teams:
            # A team lead from a file leads the department teams named for them.
            departments = [team.pk for team in teams if team.kind == Team.Kind.DEPARTMENT]
            Membership.objects.filter(person=person, team_id__in=departments).update(is_lead=True)
    if invitation is not None and invitation.joined_at is None:
        invitation.joined_at = timezone.now()
        invitation.person = person
        invitation.save(update_fields=["joined_at", "person"])
        # Accepting the invitation is the first step on the journey (recognition gives its
        # points once per invitation).
        activity_record(person=person, verb=Verb.INVITATION_ACCEPTED, source_id=invitation.pk)
    if created:
        audit_record(
            actor=person,
            action="person.joined",
            target=person,
            changes={"via": via, "invitation": invitation.pk if invitation else None},
        )
    return person


@transaction.atomic
def signup_request_create(*, email: str, name: str, language: str = "") -> SignupRequest | None:
    """Start joining through the invite link: return the request (its code is made when it is
    emailed, signup_code_issue), or None if this address asked too often in the last hour."""
    email = email.strip().lower()
    now = timezone.now()
    recent = SignupRequest.objects.filter(email=email, created_at__gte=now - timedelta(hours=1))
    if recent.count() >= SIGNUP_PER_HOUR:
        return None
    SignupRequest.objects.filter(email=email, used_at__isnull=True).update(used_at=now)
    return SignupRequest.objects.create(
        email=email,
        name=name,
        language=language,
        # No code yet: nothing matches an empty hash until signup_code_issue gives it one.
        code_hash="",
        expires_at=now + timedelta(minutes=SIGNUP_MINUTES),
    )


@transaction.atomic
def signup_code_issue(*, signup: SignupRequest) -> str | None:
    """Give an open signup request a fresh code and return it in clear text (for its email
    only; a code sent before stops working), or None when the request is used or expired."""
    now = timezone.now()
    locked = (
        SignupRequest.objects.select_for_update()
        .filter(pk=signup.pk, used_at__isnull=True, expires_at__gt=now)
        .first()
    )
    if locked is None:
        return None
    code = f"{secrets.randbelow(1_000_000):06d}"
    locked.code_hash = make_password(code)
    locked.save(update_fields=["code_hash"])
    return code


@transaction.atomic
def signup_confirm_code(*, email: str, code: str) -> Person | None:
    """Confirm an address with the emailed code and return the person who joined."""
    now = timezone.now()
    signup = (
        SignupRequest.objects.select_for_update()
        .filter(
            email=email.strip().lower(),
            used_at__isnull=True,
            expires_at__gt=now,
            attempts__lt=SIGNUP_ATTEMPTS,
        )
        .order_by("-created_at")
        .first()
    )
    if signup is None:
        return None
    if not check_password(code.strip(), signup.code_hash):
        SignupRequest.objects.filter(pk=signup.pk).update(attempts=F("attempts") + 1)
        return None
    return _signup_use(signup, now)


@transaction.atomic
def signup_confirm_link(*, signup: SignupRequest) -> Person | None:
    """Confirm an address with the emailed link and return the person who joined."""
    now = timezone.now()
    locked = (
        SignupRequest.objects.select_for_update()
        .filter(pk=signup.pk, used_at__isnull=True, expires_at__gt=now)
        .first()
    )
    if locked is None:
        return None
    return _signup_use(locked, now)


def _signup_use(signup: SignupRequest, now: datetime) -> Person:
    signup.used_at = now
    signup.save(update_fields=["used_at"])
    return person_join(
        email=signup.email, name=signup.name, language=signup.language, via="invite_link"
    )


@transaction.atomic
def signup_requests_prune(*, now: datetime | None = None) -> int:
    """Delete signup requests a day after they expired."""
    cutoff = (now or timezone.now()) - timedelta(days=1)
    deleted, _kinds = SignupRequest.objects.filter(expires_at__lt=cutoff).delete()
    return deleted
