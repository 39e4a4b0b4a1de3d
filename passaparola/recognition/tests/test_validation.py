"""Weekly validation messages: in the platform and by real email, in each person's language."""

from datetime import timedelta

from passaparola.notifications.models import Notification
from passaparola.people.models import Person
from passaparola.programme.selectors import programme_get
from passaparola.recognition.periods import period_start, utc_day, week_bounds
from passaparola.recognition.services import participation_pause, validation_messages_send
from passaparola.recognition.tests.helpers import link_for, visits
from passaparola.testing.clock import frozen
from passaparola.testing.mail import MailTestCase


@frozen()
class ValidationMessageTests(MailTestCase):
    def setUp(self) -> None:
        super().setUp()
        programme = programme_get()
        programme.name = "Acme Voices"
        programme.save(update_fields=["name"])
        self.week = period_start("week", utc_day()) - timedelta(days=7)
        self.start, _end = week_bounds(self.week)
        post = self.make_post()
        self.alice_link = link_for(self.alice, post)
        self.bob_link = link_for(self.bob, post, "x")

    def send(self) -> int:
        with self.captureOnCommitCallbacks(execute=True):
            return validation_messages_send(week_start=self.week)

    def test_a_person_whose_shares_brought_visits_gets_a_message_and_an_email(self) -> None:
        visits(self.alice_link, 120, at=self.start + timedelta(days=2))
        # The four weeks before: 160 visits, 40 a week, so 120 is three times the usual.
        visits(self.alice_link, 160, at=self.start - timedelta(days=10))
        visits(self.alice_link, 30, at=self.start + timedelta(days=1), bot=True)

        self.send()

        notification = Notification.objects.get(person=self.alice, kind="validation")
        title = "Your shares brought 120 visits last week, 3 times your usual"
        self.assertEqual(notification.title, title)
        self.assertEqual(len(self.inbox.messages), 1)
        message = self.inbox.messages[0]
        self.assertEqual(message["To"], "alice@example.org")
        self.assertIn(title, message["Subject"])
        self.assertIn("Acme Voices", message["Subject"])
        text = message.get_body(preferencelist=("plain",))
        html = message.get_body(preferencelist=("html",))
        assert text is not None and html is not None
        self.assertIn(title, text.get_content())
        self.assertIn("http://testserver/journey/", text.get_content())
        self.assertIn(title, html.get_content())
        self.assertIn("Acme Voices", html.get_content())
        self.assertIn('lang="en"', html.get_content())

    def test_the_email_is_written_in_the_persons_language(self) -> None:
        Person.objects.filter(pk=self.alice.pk).update(language="it")
        visits(self.alice_link, 5, at=self.start + timedelta(days=2))

        self.send()

        html = self.inbox.messages[0].get_body(preferencelist=("html",))
        assert html is not None
        self.assertIn('lang="it"', html.get_content())
        self.assertIn("Ciao", html.get_content())

    def test_first_visits_and_ordinary_weeks_are_told_without_comparisons(self) -> None:
        visits(self.alice_link, 1, at=self.start + timedelta(days=2))
        visits(self.bob_link, 10, at=self.start + timedelta(days=2))
        visits(self.bob_link, 60, at=self.start - timedelta(days=3))

        self.send()

        titles = dict(Notification.objects.filter(kind="validation").values_list("person", "title"))
        self.assertEqual(titles[self.alice.pk], "Your shares brought 1 visit last week")
        self.assertEqual(titles[self.bob.pk], "Your shares brought 10 visits last week")

    def test_nobody_is_messaged_about_a_week_without_visits(self) -> None:
        visits(self.alice_link, 9, at=self.start - timedelta(days=3))
        visits(self.alice_link, 9, at=self.start + timedelta(days=2), bot=True)

        self.assertEqual(self.send(), 0)
        self.assertFalse(Notification.objects.exists())
        self.assertEqual(self.inbox.messages, [])

    def test_a_paused_person_gets_no_message(self) -> None:
        visits(self.alice_link, 50, at=self.start + timedelta(days=2))
        participation_pause(person=self.alice)

        self.send()

        self.assertFalse(Notification.objects.filter(person=self.alice).exists())
        self.assertEqual(self.inbox.messages, [])

    def test_running_the_week_twice_sends_nothing_new(self) -> None:
        visits(self.alice_link, 5, at=self.start + timedelta(days=2))

        self.send()
        again = self.send()

        self.assertEqual(again, 0)
        self.assertEqual(Notification.objects.filter(kind="validation").count(), 1)
        self.assertEqual(len(self.inbox.messages), 1)

    def test_the_team_lead_is_prompted_to_recognise_the_people_who_did_well(self) -> None:
        visits(self.alice_link, 5, at=self.start + timedelta(days=2))
        visits(self.bob_link, 9, at=self.start + timedelta(days=2))

        self.send()

        prompt = Notification.objects.get(person=self.lena, kind="lead_prompt")
        self.assertEqual(prompt.title, "Bob Example, Alice Example had a good week")
        self.assertEqual(prompt.url, "/kudos/")
        self.assertEqual(len(self.inbox.messages), 2)  # Alice and Bob; the prompt stays in-app
