"""Record bounced invitation mail, for example from the mail server's bounce report.

manage.py invitations_bounced someone@acme.com other@acme.com
cat bounces.txt | manage.py invitations_bounced -
"""

import sys
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from passaparola.invitations.models import Invitation
from passaparola.invitations.services import invitation_mark_bounced


class Command(BaseCommand):
    help = "Mark the invitations to these addresses as bounced (- reads addresses from stdin)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("addresses", nargs="+")

    def handle(self, *args: Any, **options: Any) -> None:
        addresses: list[str] = []
        for item in options["addresses"]:
            addresses += sys.stdin.read().split() if item == "-" else [item]
        marked = unknown = 0
        for address in addresses:
            invitation = Invitation.objects.filter(email=address.strip().lower()).first()
            if invitation is None:
                unknown += 1
                continue
            invitation_mark_bounced(invitation=invitation, by=None)
            marked += 1
        self.stdout.write(f"{marked} marked as bounced, {unknown} not invited.")
