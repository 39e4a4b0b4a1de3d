"""Recording administrative changes in the audit log; every app may call these."""

import datetime
import decimal
import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models, transaction
from django.db.models.fields.files import FieldFile

from passaparola.audit.models import AuditEntry

if TYPE_CHECKING:
    from passaparola.people.models import Person

# Values under these keys never reach the log, whatever a caller passes.
SECRET_KEY_PATTERN = re.compile(r"password|token|secret|code|key|nonce|hash", re.IGNORECASE)
REDACTED = "[redacted]"


def _plain(value: object) -> object:
    """Return a JSON-friendly form of a changed value."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, FieldFile):
        return value.name or ""
    if isinstance(value, models.Model):
        # People are named by id: the log must survive an erasure without holding their name.
        return (
            value.pk if value._meta.label_lower == settings.AUTH_USER_MODEL.lower() else str(value)
        )
    if isinstance(value, Mapping):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, Iterable):
        return [_plain(item) for item in value]
    return str(value)


def _clean_changes(changes: Mapping[str, object]) -> dict[str, object]:
    cleaned: dict[str, object] = {}
    for name, value in changes.items():
        if SECRET_KEY_PATTERN.search(name):
            cleaned[name] = REDACTED
        elif isinstance(value, Mapping):
            cleaned[name] = _clean_changes(value)
        else:
            cleaned[name] = _plain(value)
    return cleaned


def diff(old: Mapping[str, object], new: Mapping[str, object]) -> dict[str, dict[str, object]]:
    """Return {field: {"old": ..., "new": ...}} for the fields whose value changed."""
    return {
        name: {"old": old.get(name), "new": value}
        for name, value in new.items()
        if _plain(old.get(name)) != _plain(value)
    }


@transaction.atomic
def audit_record(
    *,
    actor: "Person | None",
    action: str,
    target: models.Model | None = None,
    target_type: str = "",
    target_id: object = "",
    changes: Mapping[str, object] | None = None,
) -> AuditEntry:
    """Append one entry to the audit log; secrets in `changes` are redacted."""
    if target is not None:
        target_type = target_type or target._meta.model_name or ""
        target_id = target.pk
    return AuditEntry.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        target_type=target_type,
        target_id="" if target_id in (None, "") else str(target_id),
        changes=_clean_changes(changes or {}),
    )
