"""Reading and changing the programme's settings."""

from collections.abc import Mapping
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from passaparola.audit.services import audit_record, diff
from passaparola.lib.files import file_delete_on_commit
from passaparola.lib.models import fields_save
from passaparola.people.models import Person
from passaparola.programme.models import NetworkRate, Programme, ReportDelivery
from passaparola.programme.selectors import programme_get, rates_get

RATE_FIELDS = ("cost_per_click", "cpm", "reach_percent", "impressions_enabled")
CENT = Decimal("0.01")


def _comparable(value: object) -> object:
    # 7, 7.0 and 7.00 are one rate: compare (and store) amounts to the cent.
    return value.quantize(CENT) if isinstance(value, Decimal) else value


@transaction.atomic
def programme_update(*, programme: Programme, fields: dict[str, object]) -> Programme:
    """Change the named settings of the programme; a replaced logo file goes after the commit."""
    old_logo = programme.logo.name if programme.logo else ""
    for name, value in fields.items():
        # The field knows its form values: a cleared logo arrives as False and becomes "".
        Programme._meta.get_field(name).save_form_data(programme, value)  # type: ignore[union-attr]
    programme.full_clean()
    fields_save(programme, [*fields.keys(), "updated_at"])
    if old_logo and programme.logo.name != old_logo:
        file_delete_on_commit(programme.logo.storage, old_logo)
    return programme


@transaction.atomic
def rates_update(
    *, by: Person, currency: str, rates: Mapping[str, Mapping[str, object]]
) -> dict[str, dict[str, object]]:
    """Change the currency and the networks' rates; record what changed in the audit log.

    Return the changes, by "currency" and "<network>.<field>"; nothing changed, nothing recorded.
    """
    # One change at a time: two managers saving together must not record each other's values.
    list(NetworkRate.objects.select_for_update().filter(network__in=rates).values_list("pk"))
    programme = programme_get()
    changes: dict[str, dict[str, object]] = {}
    if currency != programme.currency:
        changes.update(diff({"currency": programme.currency}, {"currency": currency}))
        programme_update(programme=programme, fields={"currency": currency})
    current = rates_get()
    for network, values in rates.items():
        rate = current[network]  # a network outside the catalogue is a caller's mistake
        unknown = set(values) - set(RATE_FIELDS)
        if unknown:
            raise ValueError(f"not a rate field: {sorted(unknown)}")
        before = {name: _comparable(getattr(rate, name)) for name in values}
        changed = diff(before, {name: _comparable(value) for name, value in values.items()})
        if not changed:
            continue
        for name, change in changed.items():
            setattr(rate, name, change["new"])
        rate.full_clean()
        fields_save(rate, [*changed, "updated_at"])
        changes.update({f"{network}.{name}": change for name, change in changed.items()})
    if changes:
        audit_record(actor=by, action="programme.rates_changed", target=programme, changes=changes)
    return changes


def report_delivery_claim(*, person: Person, period: str) -> ReportDelivery | None:
    """Claim the sending of a period's leadership report to a person; None when already claimed.

    The row is committed before the email goes, so a second run or a second worker finds it
    and sends nothing.
    """
    try:
        with transaction.atomic():
            return ReportDelivery.objects.create(person=person, period=period)
    except IntegrityError:
        return None


def report_delivery_sent(*, delivery: ReportDelivery) -> None:
    """Record that the claimed report went out."""
    delivery.sent_at = timezone.now()
    delivery.save(update_fields=["sent_at"])


def report_delivery_release(*, delivery: ReportDelivery) -> None:
    """Give a claim back after a failed send, so a later run tries again."""
    delivery.delete()
