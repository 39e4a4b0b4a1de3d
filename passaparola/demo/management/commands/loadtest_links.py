"""Create short links for load tests (bench/redirect, the durability test); print their codes."""

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from passaparola.content.models import Post
from passaparola.content.services import post_create
from passaparola.networks.catalogue import NETWORKS
from passaparola.people.models import Person, Role
from passaparola.people.services import person_create
from passaparola.sharing.services import shortlink_get_or_create


class Command(BaseCommand):
    help = "Create (or reuse) load-test people, one post and their short links; print JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--people", type=int, default=20)
        parser.add_argument("--url", default="https://example.com/landing?from=bench#top")

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        people = []
        for number in range(options["people"]):
            email = f"loadtest-{number}@example.invalid"
            person = Person.objects.filter(email=email).first() or person_create(
                email=email, name=f"Load test {number}", role=Role.MEMBER
            )
            people.append(person)
        post = Post.objects.filter(url=options["url"], title="Load test").first() or post_create(
            created_by=people[0], url=options["url"], title="Load test"
        )
        codes = [
            shortlink_get_or_create(person=person, post=post, network=network).code
            for person in people
            for network in list(NETWORKS)[:5]
        ]
        self.stdout.write(json.dumps({"codes": codes, "post": post.pk}))
