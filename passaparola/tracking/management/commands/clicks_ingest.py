"""Ingest this machine's click spool now, or keep doing it (one per web machine)."""

import logging
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import DatabaseError, close_old_connections

from passaparola.tracking.services import clicks_catch_up


class Command(BaseCommand):
    help = "Move waiting clicks from the spool into the database, then record their activities."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--loop",
            action="store_true",
            help="keep ingesting every few seconds (run one on every web machine)",
        )
        parser.add_argument("--every", type=float, default=5.0, help="seconds between rounds")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["loop"]:
            self.stdout.write(f"{clicks_catch_up()} clicks ingested.")
            return
        while True:
            close_old_connections()
            try:
                clicks_catch_up()
            except DatabaseError:
                # The database is away for a moment; the clicks wait safely in the spool.
                logging.getLogger(__name__).exception("Click ingestion failed; retrying")
            time.sleep(options["every"])
