"""Creating short links and recording shares."""

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse

from passaparola.activity.models import Verb
from passaparola.activity.services import activity_record
from passaparola.content.models import Post
from passaparola.people.models import Person
from passaparola.programme.services import programme_get
from passaparola.recognition.services import points_award
from passaparola.sharing.models import Share, ShortLink
from passaparola.sharing.networks import NETWORKS


def short_url(link: ShortLink) -> str:
    """Return the public address of a short link."""
    base = settings.SHORT_LINK_URL or settings.SITE_URL
    return base + reverse("tracking:redirect", args=[link.code])


def shortlink_get_or_create(*, person: Person, post: Post, network: str) -> ShortLink:
    """Return this person's short link for the post on the network, creating it once."""
    if network not in NETWORKS:
        raise ValueError(f"unknown network {network!r}")
    link = ShortLink.objects.filter(person=person, post=post, network=network).first()
    if link is not None:
        return link
    try:
        with transaction.atomic():
            return ShortLink.objects.create(person=person, post=post, network=network)
    except IntegrityError:
        # Someone (a second tab) created it in the meantime.
        return ShortLink.objects.get(person=person, post=post, network=network)


@transaction.atomic
def share_create(*, person: Person, post: Post, network: str, text: str = "") -> Share:
    """Record that a person shared a post to a network, awarding points once per network."""
    link = shortlink_get_or_create(person=person, post=post, network=network)
    share = Share.objects.create(
        link=link, person=person, post=post, network=network, text=text[:3000]
    )
    activity_record(person=person, verb=Verb.SHARE_CREATED, post=post, network=network)
    points_award(
        person=person,
        action="share",
        points=programme_get().points_per_share,
        key=f"share:{link.pk}",
        post=post,
        network=network,
    )
    return share
