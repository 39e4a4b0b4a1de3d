"""Run the whole platform on this machine: web server, background worker and scheduler."""

import os
import signal
import subprocess
import sys
import time
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Migrate, collect static files, then run granian and the Huey consumer together."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_WORKERS", "2")))
        parser.add_argument("--demo", action="store_true", help="load the demo programme first")

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        if options["demo"]:
            call_command("demo")
        address = f"http://{options['host']}:{options['port']}"
        env = {**os.environ, "SITE_URL": os.environ.get("SITE_URL", address)}
        processes = [
            subprocess.Popen(
                [sys.executable, "-m", "django", "run_huey", "--quiet"],
                env={**env, "DJANGO_SETTINGS_MODULE": "passaparola.settings"},
            ),
            subprocess.Popen(  # noqa: S603
                [
                    sys.executable,
                    "-m",
                    "granian",
                    "--interface=wsgi",
                    f"--host={options['host']}",
                    f"--port={options['port']}",
                    f"--workers={options['workers']}",
                    "--blocking-threads=4",
                    "passaparola.wsgi:application",
                ],
                env=env,
            ),
        ]
        self.stdout.write(
            self.style.SUCCESS(f"Passaparola is running at {address} (data in {settings.DATA_DIR})")
        )
        self.stdout.write("Press Ctrl+C to stop.")

        def stop(signum: int, frame: object) -> None:
            for process in processes:
                process.terminate()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        try:
            while all(process.poll() is None for process in processes):
                time.sleep(0.5)
        finally:
            stop(signal.SIGTERM, None)
            for process in processes:
                process.wait(timeout=20)
