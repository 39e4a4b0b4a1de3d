"""Privacy mode in insights: below the minimum group size, totals only (and one's own row).

The rule itself is `programme.privacy.individuals_visible` (the nudge in recognition asks it
too). Pages apply it like this:

    size = group_size(teams)                      # the people the table is about
    rows = own_rows(viewer, rows, group_size=size, person_of=lambda row: row[0])

and show the totals whatever the answer.
"""

from collections.abc import Callable, Iterable, Sequence
from typing import TypeVar

from passaparola.people.models import Person
from passaparola.people.selectors import people_in_teams
from passaparola.programme.privacy import individuals_visible

__all__ = ["group_size", "individuals_visible", "own_rows"]

Row = TypeVar("Row")


def group_size(teams: Iterable[int] | None) -> int:
    """Return how many people take part in these teams (in the programme, for None)."""
    return people_in_teams(None if teams is None else list(teams)).count()


def own_rows(
    viewer: Person,
    rows: Sequence[Row],
    *,
    group_size: int,
    person_of: Callable[[Row], int | None],
) -> list[Row]:
    """Return the rows of a per-person table the viewer may see: all of them, or, when
    privacy mode hides this group's individuals from the viewer, only the viewer's own."""
    if individuals_visible(viewer, group_size):
        return list(rows)
    return [row for row in rows if person_of(row) == viewer.pk]
