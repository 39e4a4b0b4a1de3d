"""A real Chromium against the live server, for the tests that need a browser.

The test database is SQLite in memory on the SQLite run: one connection, shared by the live
server's threads and the test's own thread. Requests a page fires together (the share panel,
the read beacon) take turns, and the test takes a turn too (`with self.server_idle():`) when it
reads or writes the database while the browser may still be talking to the server.
"""

import os
import threading
import unittest
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.staticfiles.testing import StaticLiveServerTestCase
from django.test.testcases import LiveServerThread
from playwright.sync_api import Browser, Playwright, sync_playwright

CHROMIUM = Path("/usr/bin/chromium")
PLAIN_STATIC = "django.contrib.staticfiles.storage.StaticFilesStorage"


def chromium_args(*local_hosts: str) -> list[str]:
    """The flags every test browser runs with; no name resolves but `local_hosts`."""
    excluded = ", ".join(f"EXCLUDE {host}" for host in local_hosts)
    return [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        # A second lock on the door: nothing but the test's own servers can be reached.
        f"--host-resolver-rules=MAP * ~NOTFOUND, {excluded}",
        "--no-proxy-server",
    ]


class ServerInTurns(LiveServerThread):
    """The live server, answering one request at a time; `turn` is held while one runs."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.turn = threading.Lock()

    def _create_server(self, connections_override: Any = None) -> Any:
        server = super()._create_server(connections_override)  # type: ignore[misc]
        set_app, turn = server.set_app, self.turn

        def set_app_in_turns(app: Any) -> None:
            def in_turn(environ: Any, start_response: Any) -> Any:
                with turn:
                    return app(environ, start_response)

            set_app(in_turn)

        server.set_app = set_app_in_turns
        return server


class BrowserTestCase(StaticLiveServerTestCase):
    """Starts Chromium once per class; skips without it, except on CI where it must run."""

    server_thread_class = ServerInTurns
    server_thread: ServerInTurns
    local_hosts: ClassVar[tuple[str, ...]] = ("localhost",)
    playwright: ClassVar[Playwright]
    browser: ClassVar[Browser]
    # Headless Chromium says "HeadlessChrome", which is rightly counted as a bot; a person's
    # visit is played with the user agent of the same Chrome in a window.
    human_agent: ClassVar[str]

    @classmethod
    def setUpClass(cls) -> None:
        if not CHROMIUM.exists():
            message = "chromium is not installed: apt-get install chromium"
            if os.environ.get("CI"):
                raise RuntimeError(f"{message} (CI is set, so the browser tests must run)")
            raise unittest.SkipTest(message)
        super().setUpClass()
        # Playwright's sync API runs an event loop in this thread; the ORM calls made here
        # between browser steps are still plain synchronous code.
        previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
        cls.addClassCleanup(_restore_environ, "DJANGO_ALLOW_ASYNC_UNSAFE", previous)
        cls.playwright = sync_playwright().start()
        cls.addClassCleanup(cls.playwright.stop)
        cls.browser = cls.playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=chromium_args(*cls.local_hosts)
        )
        cls.addClassCleanup(cls.browser.close)
        cls.human_agent = (
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
            f"Chrome/{cls.browser.version} Safari/537.36"
        )

    def setUp(self) -> None:
        super().setUp()
        # Links must point at this server, not at the configured SITE_URL; and the live server
        # serves static files from the finders, so their names must not be hashed.
        self.enterContext(
            self.settings(
                SITE_URL=self.live_server_url,
                STORAGES={**settings.STORAGES, "staticfiles": {"BACKEND": PLAIN_STATIC}},
            )
        )

    @contextmanager
    def server_idle(self) -> Iterator[None]:
        """Wait for the request under way, and hold the next ones while the block runs.

        Never drive the browser inside the block: the page would wait for the server, which
        waits for the block.
        """
        with self.server_thread.turn:
            yield


def _restore_environ(name: str, value: str | None) -> None:
    if value is None:
        os.environ.pop(name, None)
    else:
        os.environ[name] = value
