from decimal import Decimal

from django import template
from django.utils import formats

from passaparola.insights.value import money as money_text

register = template.Library()


@register.filter
def money(amount: Decimal, currency: str) -> str:
    """Show an amount with two decimals in the reader's number format and its currency."""
    return money_text(amount, currency)


@register.filter
def whole(number: int) -> str:
    """Show a whole number grouped in the reader's format, such as 12,500 or 12.500."""
    return formats.number_format(number, use_l10n=True, force_grouping=True)
