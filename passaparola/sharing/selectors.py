"""What a person needs to share a post: one option per network, with their own short link."""

import secrets
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils.functional import Promise

from passaparola.content.models import Post
from passaparola.people.models import Person
from passaparola.sharing.models import ShortLink
from passaparola.sharing.networks import NETWORKS
from passaparola.sharing.services import short_url


@dataclass
class ShareOption:
    network: str
    label: str | Promise
    takes_text: bool
    short_url: str
    text: str


def caption_for(post: Post) -> str:
    """Return one of the post's suggested captions, picked at random so posts do not all match."""
    captions = [caption.text for caption in post.captions.all()]
    return secrets.choice(captions) if captions else post.title


def share_options(*, person: Person, post: Post) -> list[ShareOption]:
    """Return a share option per network, creating the person's missing short links."""
    links = {link.network: link for link in ShortLink.objects.filter(person=person, post=post)}
    missing = [key for key in NETWORKS if key not in links]
    if missing:
        try:
            with transaction.atomic():
                ShortLink.objects.bulk_create(
                    [ShortLink(person=person, post=post, network=key) for key in missing]
                )
        except IntegrityError:
            pass  # a concurrent request created them; read them back below
        links = {link.network: link for link in ShortLink.objects.filter(person=person, post=post)}
    text = caption_for(post)
    return [
        ShareOption(
            network=key,
            label=network.label,
            takes_text=network.takes_text,
            short_url=short_url(links[key]),
            text=text,
        )
        for key, network in NETWORKS.items()
    ]
