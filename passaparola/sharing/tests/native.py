"""A base case for posting through connected accounts against a fake network on 127.0.0.1."""

from datetime import timedelta

from django.test import override_settings
from django.utils import timezone

from passaparola.content.models import Post
from passaparola.networks.base import Credentials
from passaparola.people.models import Person
from passaparola.sharing.models import ConnectedAccount, ScheduledShare, ShortLink
from passaparola.sharing.services import account_connect, scheduled_share_post
from passaparola.sharing.tests.fakeapi import FakeAPI
from passaparola.testing import BaseTestCase

SITE = "https://advocacy.example.com"
# Short enough to keep timeout tests fast; the fake network "hangs" for TIMEOUT * 3.
TIMEOUT = 0.3


@override_settings(
    SITE_URL=SITE,
    SHORT_LINK_URL="",
    SHARING_HTTP_TIMEOUT=TIMEOUT,
    SHARING_ALLOW_PRIVATE_HOSTS=True,
    SHARING_MASTODON_URL_TEMPLATE="http://{domain}",
    SHARING_LINKEDIN_CLIENT_ID="li-client",
    SHARING_LINKEDIN_CLIENT_SECRET="li-secret",
    SHARING_LINKEDIN_VERSION="202605",
    SHARING_X_CLIENT_ID="x-client",
    SHARING_X_CLIENT_SECRET="x-secret",
    SHARING_MAX_ATTEMPTS=4,
)
class NativeTestCase(BaseTestCase):
    network = ""
    post: Post

    def setUp(self) -> None:
        super().setUp()
        self.api = FakeAPI().start()
        self.addCleanup(self.api.stop)
        overrides = self.settings(
            SHARING_LINKEDIN_AUTH_URL=self.api.url,
            SHARING_LINKEDIN_API_URL=self.api.url,
            SHARING_X_AUTH_URL=self.api.url,
            SHARING_X_API_URL=self.api.url,
            SHARING_BLUESKY_SERVICE=self.api.url,
            SHARING_BLUESKY_APPVIEW=self.api.url,
        )
        overrides.enable()
        self.addCleanup(overrides.disable)
        self.post = self.make_post(caption="Proud of this!")

    def connect(self, person: Person | None = None, **fields: object) -> ConnectedAccount:
        values: dict[str, object] = {
            "remote_id": "remote-1",
            "handle": "@ada",
            "access_token": "access-1",
            "refresh_token": "",
            "server": "",
        }
        values.update(fields)
        return account_connect(
            person=person or self.alice,
            network=self.network,
            credentials=Credentials(**values),  # type: ignore[arg-type]
        )

    def queue(self, text: str = "Proud of this!", person: Person | None = None) -> ScheduledShare:
        """Queue a share that is due now, as the composer's "post now" does."""
        now = timezone.now()
        return ScheduledShare.objects.create(
            person=person or self.alice,
            post=self.post,
            network=self.network,
            text=text,
            scheduled_for=now,
            created_at=now,
            updated_at=now,
        )

    def work(self, scheduled: ScheduledShare) -> ScheduledShare:
        """Run the worker on the share, as the Huey task does, and read it back."""
        scheduled_share_post(scheduled_id=scheduled.pk)
        scheduled.refresh_from_db()
        return scheduled

    def retry(self, scheduled: ScheduledShare) -> ScheduledShare:
        """Let the backoff pass, then run the worker again."""
        ScheduledShare.objects.filter(pk=scheduled.pk).update(
            next_attempt_at=timezone.now() - timedelta(seconds=1)
        )
        return self.work(scheduled)

    def short_link(self, person: Person | None = None) -> str:
        link = ShortLink.objects.get(
            person=person or self.alice, post=self.post, network=self.network
        )
        return f"{SITE}/s/{link.code}"
