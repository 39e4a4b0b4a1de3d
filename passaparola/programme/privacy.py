"""Privacy mode, for works councils: small groups show as totals, not as individuals.

The rule lives here, next to the setting, so every app that shows or acts on one person's
figures (insights' tables, the nudge in recognition) asks the same question.
"""

from collections.abc import Callable

from passaparola.people.access import can_manage_programme
from passaparola.people.models import Person
from passaparola.programme.models import Programme
from passaparola.programme.selectors import programme_get


def individuals_visible(
    viewer: Person, group_size: int | Callable[[], int], *, programme: Programme | None = None
) -> bool:
    """Return True when the viewer may see one person's figures in a group of this size.

    With privacy mode on, a group smaller than the minimum size shows only totals to team
    leads, editors and leadership viewers. The programme manager still sees individuals: they
    run the programme (and answer for it to the works council). People's own figures are
    always theirs to see; `own_rows` in insights keeps them.
    """
    programme = programme or programme_get()
    if not programme.privacy_mode or can_manage_programme(viewer):
        return True
    size = group_size() if callable(group_size) else group_size  # counted only when it matters
    return size >= programme.privacy_min_group_size
