"""Personal digests through a real SMTP server: the right posts, the language, share and
unsubscribe links that work, sent once per period."""

import re
from datetime import timedelta
from urllib.parse import urlsplit

from django.test import override_settings
from django.urls import reverse
from django.utils import formats, timezone, translation

from passaparola.content.models import DigestLog
from passaparola.content.selectors import digest_period
from passaparola.content.services import digest_send
from passaparola.content.tasks import send_digests
from passaparola.notifications.services import preferences_update
from passaparola.people.models import Person
from passaparola.programme.selectors import programme_get
from passaparola.programme.services import programme_update
from passaparola.testing.clock import frozen
from passaparola.testing.mail import MailTestCase, html_of, text_of


def unsubscribe_address(header: str) -> str:
    found = re.search(r"<([^>]+)>", "".join(header.split()))
    assert found is not None
    return found.group(1)


SHARE_LINK = re.compile(r'href="(http://testserver/posts/(\d+)/#share-title)"')


# Hour 0: every digest period has come whenever the test runs.
@override_settings(NOTIFICATIONS_DIGEST_HOUR=0)
@frozen()
class DigestTests(MailTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.everyone_post = self.make_post(title="Our new factory opens")
        self.sales_post = self.make_post(title="Sales kickoff in Milan", teams=[self.sales])

    def digest_for(self, person: Person) -> str:
        messages = self.inbox.to(person.email)
        self.assertEqual(len(messages), 1, f"{person.email} got {len(messages)} digests")
        return html_of(messages[0])

    def test_each_person_gets_the_posts_aimed_at_them(self) -> None:
        send_digests.call_local()

        alice = self.digest_for(self.alice)
        self.assertIn("Our new factory opens", alice)
        self.assertIn("Sales kickoff in Milan", alice)
        charlie = self.digest_for(self.charlie)
        self.assertIn("Our new factory opens", charlie)
        self.assertNotIn("Sales kickoff in Milan", charlie)
        self.assertIn("Sales kickoff in Milan", text_of(self.inbox.to(self.alice.email)[0]))

    def test_the_digest_is_branded_and_has_share_links_that_open_the_share_panel(self) -> None:
        send_digests.call_local()

        message = self.inbox.to(self.alice.email)[0]
        html = html_of(message)
        self.assertIn("Passaparola", message["Subject"])
        self.assertIn("2 new posts", message["Subject"])
        links = dict((int(pk), link) for link, pk in SHARE_LINK.findall(html))
        self.assertEqual(set(links), {self.everyone_post.pk, self.sales_post.pk})
        self.login(self.alice)
        # The page asks for the person's share buttons with a POST once it has loaded.
        self.client.post(reverse("sharing:panel", args=[self.sales_post.pk]))
        response = self.client.get(urlsplit(links[self.sales_post.pk]).path)
        self.assertContains(response, 'id="share-title"')

    def test_the_digest_carries_the_programmes_name_and_colour(self) -> None:
        programme_update(
            programme=programme_get(), fields={"name": "Acme Voices", "primary_colour": "#aa0033"}
        )

        send_digests.call_local()

        message = self.inbox.to(self.bob.email)[0]
        self.assertIn("Acme Voices", message["Subject"])
        self.assertIn("color: #aa0033", html_of(message))

    def test_the_digest_is_in_the_persons_language(self) -> None:
        self.alice.language = "it"
        self.alice.save(update_fields=["language"])

        send_digests.call_local()

        message = self.inbox.to(self.alice.email)[0]
        self.assertEqual(message["Content-Language"], "it")
        html = html_of(message)
        self.assertIn('<html lang="it">', html)
        with translation.override("it"):
            italian_date = formats.date_format(timezone.localtime(), "DATE_FORMAT")
        self.assertIn(italian_date, html)
        self.assertIn('<html lang="en">', html_of(self.inbox.to(self.charlie.email)[0]))

    def test_the_unsubscribe_link_of_the_digest_stops_the_digest_for_that_person(self) -> None:
        send_digests.call_local()
        message = self.inbox.to(self.alice.email)[0]
        self.assertEqual(message["List-Unsubscribe-Post"], "List-Unsubscribe=One-Click")
        url = unsubscribe_address(message["List-Unsubscribe"])
        self.assertIn(url, html_of(message))
        self.assertIn(url, text_of(message))

        self.client.post(urlsplit(url).path)

        self.inbox.messages.clear()
        self.make_post(title="Another one")
        DigestLog.objects.all().delete()
        send_digests.call_local()
        self.assertEqual(self.inbox.to(self.alice.email), [])
        self.assertEqual(len(self.inbox.to(self.bob.email)), 1)

    def test_running_again_sends_nothing_twice(self) -> None:
        send_digests.call_local()
        first = len(self.inbox.messages)

        send_digests.call_local()
        period = digest_period("weekly", timezone.now())
        assert period is not None
        again = digest_send(person=self.alice, period=period)

        self.assertFalse(again)
        self.assertEqual(len(self.inbox.messages), first)
        self.assertEqual(DigestLog.objects.filter(person=self.alice).count(), 1)

    def test_paused_inactive_and_digest_off_people_get_nothing(self) -> None:
        Person.objects.filter(pk=self.bob.pk).update(is_paused=True)
        Person.objects.filter(pk=self.erin.pk).update(is_active=False)
        preferences_update(
            person=self.charlie,
            digest_frequency="off",
            email_digest=True,
            email_recognition=True,
            email_reminders=True,
        )

        send_digests.call_local()

        self.assertEqual(self.inbox.to(self.bob.email), [])
        self.assertEqual(self.inbox.to(self.erin.email), [])
        self.assertEqual(self.inbox.to(self.charlie.email), [])
        self.assertEqual(len(self.inbox.to(self.alice.email)), 1)

    def test_the_next_digest_holds_only_what_is_new_and_none_goes_when_nothing_is(self) -> None:
        digest_send(person=self.alice, period="daily:first", now=timezone.now())
        self.inbox.messages.clear()

        nothing = digest_send(person=self.alice, period="daily:second", now=timezone.now())
        with frozen(timezone.now() + timedelta(minutes=1)):
            self.make_post(title="Fresh news")
        later = timezone.now() + timedelta(minutes=2)
        sent = digest_send(person=self.alice, period="daily:third", now=later)

        self.assertFalse(nothing)
        self.assertTrue(sent)
        html = self.digest_for(self.alice)
        self.assertIn("Fresh news", html)
        self.assertNotIn("Our new factory opens", html)

    def test_a_daily_digest_waits_for_its_hour(self) -> None:
        morning = timezone.now().replace(hour=6, minute=0)
        with self.settings(NOTIFICATIONS_DIGEST_HOUR=8):
            self.assertIsNone(digest_period("daily", morning))
            self.assertIsNotNone(digest_period("daily", morning.replace(hour=9)))

    @override_settings(EMAIL_PORT=1)
    def test_a_failed_send_leaves_no_log_so_the_retry_sends_it(self) -> None:
        period = digest_period("weekly", timezone.now())
        assert period is not None

        with self.assertRaises(OSError):
            digest_send(person=self.alice, period=period)

        self.assertFalse(DigestLog.objects.filter(person=self.alice).exists())
