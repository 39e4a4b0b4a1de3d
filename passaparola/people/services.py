"""State changes for people, teams and logging in."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from passaparola.audit.services import audit_record
from passaparola.people.models import LoginCode, Membership, Person, Role, SsoIdentity, Team
from passaparola.people.names import person_name_clean


@transaction.atomic
def person_create(
    *,
    email: str,
    name: str,
    role: str = Role.MEMBER,
    password: str | None = None,
    teams: list[Team] | None = None,
    language: str = "",
) -> Person:
    """Create a person and put them in their teams."""
    name = person_name_clean(name)
    person = Person.objects.create_user(email, password, name=name, role=role, language=language)
    for team in teams or []:
        Membership.objects.create(person=person, team=team)
    return person


@transaction.atomic
def person_set_language(*, person: Person, language: str) -> None:
    """Remember the language this person reads the platform in."""
    person.language = language
    person.save(update_fields=["language"])


@transaction.atomic
def login_code_create(*, person: Person) -> str:
    """Create a one-time login code for this person and return it in clear text."""
    # Older codes stop working once a new one is sent.
    LoginCode.objects.filter(person=person, used_at__isnull=True).update(used_at=timezone.now())
    code = f"{secrets.randbelow(1_000_000):06d}"
    LoginCode.objects.create(
        person=person,
        code_hash=make_password(code),
        expires_at=timezone.now() + timedelta(minutes=settings.LOGIN_CODE_MINUTES),
    )
    return code


@transaction.atomic
def login_code_check(*, email: str, code: str) -> Person | None:
    """Return the person when the code is theirs and still valid, consuming it."""
    now = timezone.now()
    login_code = (
        LoginCode.objects.select_for_update()
        .select_related("person")
        .filter(
            person__email__iexact=email.strip(),
            person__is_active=True,
            used_at__isnull=True,
            expires_at__gt=now,
            attempts__lt=settings.LOGIN_CODE_ATTEMPTS,
        )
        .order_by("-created_at")
        .first()
    )
    if login_code is None:
        return None
    if not check_password(code.strip(), login_code.code_hash):
        LoginCode.objects.filter(pk=login_code.pk).update(attempts=F("attempts") + 1)
        return None
    login_code.used_at = now
    login_code.save(update_fields=["used_at"])
    return login_code.person


@transaction.atomic
def person_role_set(*, person: Person, role: str, by: Person) -> Person:
    """Give a person another role; recorded in the audit log."""
    old = person.role
    if old == role:
        return person
    person.role = role
    person.save(update_fields=["role"])
    audit_record(
        actor=by,
        action="person.role_changed",
        target=person,
        changes={"role": {"old": old, "new": role}},
    )
    return person


@transaction.atomic
def person_leadership_set(*, person: Person, is_leadership: bool, by: Person) -> Person:
    """Mark a person as leadership, or no longer; recorded in the audit log."""
    old = person.is_leadership
    if old == is_leadership:
        return person
    person.is_leadership = is_leadership
    person.save(update_fields=["is_leadership"])
    audit_record(
        actor=by,
        action="person.leadership_changed",
        target=person,
        changes={"is_leadership": {"old": old, "new": is_leadership}},
    )
    return person


@transaction.atomic
def person_profile_update(*, person: Person, name: str, language: str) -> Person:
    """Change a person's own name and language."""
    person.name = person_name_clean(name)
    person.language = language
    person.save(update_fields=["name", "language"])
    return person


@transaction.atomic
def person_leave(*, person: Person) -> Person:
    """Close a person's account at their request; their data stays until an erasure."""
    person.is_active = False
    person.save(update_fields=["is_active"])
    LoginCode.objects.filter(person=person, used_at__isnull=True).update(used_at=timezone.now())
    audit_record(actor=person, action="person.left", target=person)
    return person


@transaction.atomic
def sso_identity_link(*, person: Person, issuer: str, subject: str) -> SsoIdentity:
    """Remember which identity-provider account belongs to this person; note the login."""
    identity, created = SsoIdentity.objects.get_or_create(
        issuer=issuer, subject=subject, defaults={"person": person}
    )
    if not created:
        identity.last_login_at = timezone.now()
        identity.save(update_fields=["last_login_at"])
    return identity
