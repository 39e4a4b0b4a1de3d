"""State changes for governance: the social media policy."""

from django.db import transaction
from django.utils import timezone

from passaparola.audit.services import audit_record
from passaparola.governance.models import PolicyAcceptance, PolicyVersion
from passaparola.people.models import Person


@transaction.atomic
def policy_publish(*, by: Person, title: str, text: str, changes: str = "") -> PolicyVersion:
    """Publish a new version of the policy; everyone is asked to accept it."""
    # Lock the newest version so two managers publishing at once get distinct numbers.
    latest = PolicyVersion.objects.select_for_update().order_by("-number").first()
    version = PolicyVersion.objects.create(
        number=(latest.number + 1) if latest else 1,
        title=title,
        text=text,
        changes=changes,
        published_by=by,
    )
    audit_record(
        actor=by,
        action="policy.published",
        target=version,
        changes={"number": version.number, "title": title},
    )
    return version


@transaction.atomic
def policy_accept(*, person: Person, version: PolicyVersion) -> PolicyAcceptance:
    """Record that this person accepted this version of the policy (once)."""
    acceptance, _created = PolicyAcceptance.objects.get_or_create(
        person=person, version=version, defaults={"accepted_at": timezone.now()}
    )
    return acceptance
