"""The click spool: the redirect writes a line, ingestion turns lines into clicks exactly once."""

import io
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, cast
from unittest import mock

from django.http import HttpResponse
from django.test import override_settings
from django.test.client import ClientHandler
from django.urls import reverse
from huey.contrib.djhuey import HUEY

from passaparola.content.models import Post
from passaparola.content.services import post_create
from passaparola.sharing.models import ShortLink
from passaparola.sharing.services import shortlink_get_or_create
from passaparola.testing import BaseTestCase
from passaparola.tracking import spool
from passaparola.tracking.fastpath import FastRedirect
from passaparola.tracking.models import Click, SpoolFile
from passaparola.tracking.selectors import caches_clear
from passaparola.tracking.services import clicks_catch_up, clicks_ingest, salt_for
from passaparola.tracking.tasks import process_clicks

CHROME = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Safari/537.36"
)


@contextmanager
def spooled(**extra: Any) -> Iterator[Path]:
    """Record clicks in a spool as in production (not ingested at once as in immediate mode)."""
    folder = Path(tempfile.mkdtemp(prefix="spool-"))
    immediate = HUEY.immediate
    HUEY.immediate = False
    try:
        with override_settings(CLICK_SPOOL="file", CLICK_SPOOL_DIR=str(folder), **extra):
            spool.spool_reset()
            yield folder
    finally:
        HUEY.immediate = immediate
        spool.spool_reset()
        shutil.rmtree(folder, ignore_errors=True)


class SpoolTests(BaseTestCase):
    post: Post
    link: ShortLink

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.post = post_create(created_by=cls.erin, url="https://example.com/a", title="A post")
        cls.link = shortlink_get_or_create(person=cls.alice, post=cls.post, network="linkedin")

    def visit(self, referrer: str = "https://www.linkedin.com/") -> None:
        response = self.client.get(
            reverse("tracking:redirect", args=[self.link.code]),
            headers={"user-agent": CHROME, "referer": referrer},
        )
        self.assertEqual(response.status_code, 302)

    def test_a_click_waits_in_the_spool_until_ingestion(self) -> None:
        with spooled() as folder:
            self.visit()

            self.assertFalse(Click.objects.exists())
            self.assertEqual(len(list(folder.glob("*.clicks"))), 1)
            self.assertEqual(clicks_ingest(), 1)

        click = Click.objects.get()
        self.assertEqual((click.link, click.is_bot), (self.link, False))
        self.assertEqual(click.referrer_domain, "www.linkedin.com")
        self.assertIsNotNone(click.uuid)

    def test_a_worker_killed_during_the_job_does_not_stop_the_next_runs(self) -> None:
        # A consumer killed mid-job (SIGKILL, out of memory) never releases what it held: a
        # Huey task lock in Redis would stay taken for good, and the job would never run again.
        with spooled():
            HUEY.lock_task("tracking-process-clicks").acquire()
            try:
                self.visit()
                process_clicks.call_local()
            finally:
                HUEY.flush_locks()

        self.assertEqual(Click.objects.count(), 1)

    def test_ingesting_twice_gives_each_click_once(self) -> None:
        with spooled():
            for _ in range(3):
                self.visit()
            clicks_ingest()
            clicks_ingest()
            SpoolFile.objects.all().delete()  # as if the offsets had been lost in a crash
            clicks_ingest()

        self.assertEqual(Click.objects.count(), 3)

    def test_clicks_added_after_an_ingestion_are_picked_up_by_the_next(self) -> None:
        with spooled():
            self.visit()
            clicks_ingest()
            self.visit()
            self.visit()
            clicks_ingest()

        self.assertEqual(Click.objects.count(), 3)

    def test_a_half_written_line_waits_for_its_end(self) -> None:
        with spooled() as folder:
            self.visit()
            path = next(folder.glob("*.clicks"))
            whole = path.read_bytes()
            path.write_bytes(whole[:40])

            self.assertEqual(clicks_ingest(), 0)
            with path.open("ab") as stream:
                stream.write(whole[40:])
            self.assertEqual(clicks_ingest(), 1)

    def test_files_of_dead_writers_are_read_to_the_end_then_deleted(self) -> None:
        with spooled() as folder:
            self.visit()
            self.visit()
            path = next(folder.glob("*.clicks"))
            # The same lines, left by a web process that was killed mid-line.
            name = spool.SpoolName.parse(path.name)
            assert name is not None
            gone = folder / path.name.replace(f".{name.pid}.", ".999999999.")
            shutil.copy(path, gone)
            with gone.open("ab") as stream:
                stream.write(b'["unfinished')
            clicks_ingest()

            self.assertFalse(gone.exists())
            self.assertTrue(path.exists(), "the file of a live writer stays")
        self.assertEqual(Click.objects.count(), 2)
        self.assertFalse(SpoolFile.objects.filter(name=gone.name).exists())

    def test_old_files_are_deleted_once_read(self) -> None:
        with spooled() as folder:
            self.visit()
            path = next(folder.glob("*.clicks"))
            old = (datetime.now(UTC) - timedelta(minutes=30)).strftime("%Y%m%d%H%M")
            moved = folder / (old + path.name[12:])
            path.rename(moved)

            clicks_ingest()

            self.assertEqual(list(folder.glob("*.clicks")), [])
        self.assertEqual(Click.objects.count(), 1)

    def test_malformed_lines_are_skipped_and_the_rest_ingested(self) -> None:
        with spooled() as folder:
            self.visit()
            path = next(folder.glob("*.clicks"))
            with path.open("ab") as stream:
                stream.write(b"not json\n[1,2]\n" + json.dumps(["x"] * 8).encode() + b"\n")
            self.visit()

            clicks_ingest()

        self.assertEqual(Click.objects.count(), 2)

    def test_a_click_on_a_link_deleted_meanwhile_is_dropped(self) -> None:
        with spooled():
            self.visit()
            ShortLink.objects.filter(pk=self.link.pk).delete()

            self.assertEqual(clicks_ingest(), 0)

        self.assertFalse(Click.objects.exists())

    def test_catching_up_ingests_and_awards_points(self) -> None:
        with spooled():
            self.visit()
            # The worker's round: recognition scores the click activities once they commit.
            with self.captureOnCommitCallbacks(execute=True):
                clicks_catch_up()

        self.assertEqual(self.alice.points_entries.filter(action="click").count(), 1)

    def test_the_spool_file_is_written_with_one_system_call_per_click(self) -> None:
        with spooled():
            self.visit()  # opens the file
            with mock.patch("os.write", wraps=os.write) as write:
                self.visit()

        self.assertEqual(write.call_count, 1)
        self.assertTrue(write.call_args.args[1].endswith(b"\n"))


def django_app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    """Django as a WSGI application, keeping the test's database connection open."""
    response = cast(HttpResponse, ClientHandler()(environ))
    start_response(f"{response.status_code} {response.reason_phrase}", list(response.items()))
    return [response.content]


class FastPathTests(BaseTestCase):
    """The WSGI wrapper answers cached links before Django; everything else goes to Django."""

    post: Post
    link: ShortLink

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.post = post_create(
            created_by=cls.erin, url="https://example.com/é?a=1#frag", title="Fast"
        )
        cls.link = shortlink_get_or_create(person=cls.alice, post=cls.post, network="x")

    def call(
        self, path: str, method: str = "GET", host: str = "testserver", **headers: str
    ) -> tuple[str, dict]:
        app = FastRedirect(django_app)
        environ = {
            "REQUEST_METHOD": method,
            "PATH_INFO": path,
            "QUERY_STRING": "",
            "SERVER_NAME": "testserver",
            "SERVER_PORT": "80",
            "HTTP_HOST": host,
            "HTTP_USER_AGENT": CHROME,
            "REMOTE_ADDR": "192.0.2.1",
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(),
            "wsgi.errors": sys.stderr,
            **headers,
        }
        answer: dict[str, Any] = {}

        def start_response(status: str, headers: list[tuple[str, str]], *args: Any) -> None:
            answer["status"] = status
            answer["headers"] = dict(headers)

        b"".join(app(environ, start_response))
        return answer["status"], answer["headers"]

    def test_a_cached_link_is_answered_and_counted_without_a_query(self) -> None:
        salt_for(datetime.now(UTC).date())
        self.call(f"/s/{self.link.code}")  # the first visit goes through Django
        Click.objects.all().delete()

        with self.assertNumQueries(0), spooled():
            status, headers = self.call(f"/s/{self.link.code}")

        self.assertEqual(status, "302 Found")
        self.assertTrue(headers["Location"].startswith("https://example.com/%C3%A9?a=1&utm_"))
        self.assertRegex(headers["Location"], rf"&pp_click={self.link.code}-[0-9a-f]{{32}}#frag$")
        self.assertEqual(headers["Cache-Control"], "private, no-store")
        self.assertEqual(headers["Content-Length"], "0")

    def test_the_fast_path_and_django_answer_the_same_redirect(self) -> None:
        django = self.client.head(reverse("tracking:redirect", args=[self.link.code]))
        _status, headers = self.call(f"/s/{self.link.code}", method="HEAD")

        self.assertEqual(headers["Location"], django["Location"])

    def test_a_head_request_on_the_fast_path_is_not_counted(self) -> None:
        self.call(f"/s/{self.link.code}")
        count = Click.objects.count()

        status, _headers = self.call(f"/s/{self.link.code}", method="HEAD")

        self.assertEqual(status, "302 Found")
        self.assertEqual(Click.objects.count(), count)

    def test_huge_and_odd_headers_never_cause_a_server_error(self) -> None:
        self.call(f"/s/{self.link.code}")
        odd = "Mozilla/5.0 \xff\xfe\x80 (\u2603) " + "A" * 65_000
        cases = [
            {"HTTP_USER_AGENT": odd},
            {"HTTP_USER_AGENT": ""},
            {"HTTP_REFERER": "https://" + "r" * 70_000},
            {"HTTP_REFERER": "\xff\xfe://\x80"},
            {"HTTP_X_FORWARDED_FOR": "\xff, " * 1000},
            {"REMOTE_ADDR": ""},
        ]
        with spooled():
            for headers in cases:
                with self.subTest(header=next(iter(headers))):
                    status, _headers = self.call(f"/s/{self.link.code}", **headers)
                    self.assertEqual(status, "302 Found")
            self.assertEqual(clicks_ingest(), len(cases))
        self.assertTrue(all(len(click.user_agent) <= 400 for click in Click.objects.all()))

    def test_an_unknown_host_is_left_to_django(self) -> None:
        self.call(f"/s/{self.link.code}")

        status, _headers = self.call(f"/s/{self.link.code}", host="evil.example")

        self.assertTrue(status.startswith("400"))

    def test_unknown_codes_and_other_paths_go_to_django(self) -> None:
        for path in ["/s/NoSuchCode", "/s/", "/s/a/b", "/healthz"]:
            with self.subTest(path=path):
                status, _headers = self.call(path)
                self.assertNotEqual(status, "302 Found")

    def test_an_edited_post_is_followed_once_the_cache_is_cleared(self) -> None:
        self.call(f"/s/{self.link.code}")
        Post.objects.filter(pk=self.post.pk).update(url="https://example.com/moved")
        caches_clear()

        self.call(f"/s/{self.link.code}")  # through Django again, which reads the new address
        _status, headers = self.call(f"/s/{self.link.code}", method="HEAD")

        self.assertTrue(headers["Location"].startswith("https://example.com/moved?"))


def test_a_spool_file_name_tells_minute_host_and_process() -> None:
    name = spool.SpoolName.parse("202611231322.web-1.4242.0a1b2c3d.clicks")

    assert name == spool.SpoolName(minute="202611231322", host="web-1", pid=4242)
    assert spool.SpoolName.parse("notes.txt") is None
    assert spool.SpoolName.parse("x.y.z.clicks") is None
