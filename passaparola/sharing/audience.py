"""Audience sizes people entered for their networks: reads only, importing no services, so the
insights pages may use them for the estimated reach (docs/insights.md)."""

from collections.abc import Iterable

from django.db.models import QuerySet

from passaparola.sharing.models import AudienceSize

# Networks where a person has followers or connections who see what they post; on the others
# (messages, email, a copied link, Reddit's communities) there is no audience of one's own.
AUDIENCE_NETWORKS = ("linkedin", "x", "facebook", "mastodon", "bluesky", "threads", "xing")


def audience_sizes_of(person_id: int) -> dict[str, int]:
    """Return one person's audience size by network."""
    return dict(AudienceSize.objects.filter(person_id=person_id).values_list("network", "size"))


def audience_sizes(person_ids: Iterable[int] | None = None) -> dict[tuple[int, str], int]:
    """Return the audience sizes by (person id, network), of everyone or of these people."""
    rows = AudienceSize.objects.filter(size__gt=0)
    if person_ids is not None:
        rows = rows.filter(person_id__in=list(person_ids))
    return {
        (person_id, network): size
        for person_id, network, size in rows.values_list("person_id", "network", "size")
    }


def audience_people() -> "QuerySet[AudienceSize, int]":
    """Return the ids of the people who entered an audience size, as a subquery."""
    return AudienceSize.objects.filter(size__gt=0).values_list("person_id", flat=True).distinct()
