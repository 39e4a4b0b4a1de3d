"""With Redis (many web machines), the redirect pushes clicks onto one list for ingestion."""

import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import redis
from django.test import override_settings
from django.urls import reverse
from huey.contrib.djhuey import HUEY

from passaparola.content.services import post_create
from passaparola.sharing.services import shortlink_get_or_create
from passaparola.testing import BaseTestCase
from passaparola.tracking import spool
from passaparola.tracking.models import Click
from passaparola.tracking.services import clicks_ingest, spool_waiting

CHROME = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Safari/537.36"
)


class RedisSpoolTests(BaseTestCase):
    folder: Path
    server: subprocess.Popen
    url: str

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        # A private redis-server on a Unix socket (Debian package redis-server).
        cls.folder = Path(tempfile.mkdtemp(prefix="redis-"))
        socket = cls.folder / "redis.sock"
        cls.server = subprocess.Popen(
            ["redis-server", "--port", "0", "--unixsocket", str(socket), "--save", ""],
            stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while not socket.exists():
            assert time.monotonic() < deadline, "redis-server did not start"
            time.sleep(0.05)
        cls.url = f"unix://{socket}"

    @classmethod
    def tearDownClass(cls) -> None:
        cls.server.terminate()
        cls.server.wait(timeout=10)
        shutil.rmtree(cls.folder, ignore_errors=True)
        super().tearDownClass()

    def setUp(self) -> None:
        post = post_create(created_by=self.erin, url="https://example.com/r", title="Redis")
        self.code = shortlink_get_or_create(person=self.alice, post=post, network="x").code
        self.client_redis = redis.Redis.from_url(self.url)
        self.client_redis.flushall()
        immediate = HUEY.immediate
        HUEY.immediate = False
        self.addCleanup(setattr, HUEY, "immediate", immediate)
        settings = override_settings(CLICK_SPOOL="redis", REDIS_URL=self.url)
        settings.enable()
        self.addCleanup(settings.disable)
        spool.spool_reset()
        self.addCleanup(spool.spool_reset)

    def visit(self) -> None:
        response = self.client.get(
            reverse("tracking:redirect", args=[self.code]), headers={"user-agent": CHROME}
        )
        self.assertEqual(response.status_code, 302)

    def test_clicks_wait_in_redis_until_ingestion(self) -> None:
        for _ in range(3):
            self.visit()

        self.assertEqual(spool_waiting(), 3)
        self.assertFalse(Click.objects.exists())
        self.assertEqual(clicks_ingest(), 3)
        self.assertEqual(Click.objects.count(), 3)
        self.assertEqual(spool_waiting(), 0)

    def test_lines_read_again_after_a_crash_are_not_counted_twice(self) -> None:
        self.visit()
        self.visit()
        lines = self.client_redis.lrange(spool.REDIS_KEY, 0, -1)
        clicks_ingest()
        # As if the worker had died after committing but before trimming the list.
        self.client_redis.rpush(spool.REDIS_KEY, *lines)

        clicks_ingest()

        self.assertEqual(Click.objects.count(), 2)
