"""A friendly message from the people at risk page: private, kind, once a fortnight, audited."""

from datetime import timedelta
from typing import TYPE_CHECKING

from django.urls import reverse

from passaparola.audit.models import AuditEntry
from passaparola.insights.tests.test_privacy import privacy_on
from passaparola.notifications.models import Notification, NotificationPreference
from passaparola.people.models import Person
from passaparola.people.services import person_create
from passaparola.testing.clock import NOW, frozen
from passaparola.testing.mail import MailTestCase, reminders_off, text_of

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse


class NudgeTests(MailTestCase):
    def nudge(self, viewer: Person, person: Person) -> "TestResponse":
        self.login(viewer)
        with self.captureOnCommitCallbacks(execute=True):
            return self.client.post(reverse("recognition:nudge_send", args=[person.pk]))

    def notes_to(self, person: Person) -> list[Notification]:
        return list(Notification.objects.filter(person=person))

    @frozen()
    def test_the_manager_sends_one_friendly_private_message(self) -> None:
        response = self.nudge(self.adam, self.alice)

        self.assertRedirects(response, reverse("insights:at_risk"), fetch_redirect_response=False)
        [note] = self.notes_to(self.alice)
        self.assertEqual(note.title, "A hello from Adam Admin")
        self.assertEqual(note.url, reverse("content:feed"))
        # Kind words only: nothing about being at risk, quiet, or away for so long.
        for word in ("risk", "quiet", "days", "inactive", "miss"):
            self.assertNotIn(word, (note.title + note.body).lower())
        [message] = self.inbox.to(self.alice.email)
        self.assertIn("new posts in your feed", text_of(message))
        # Only Alice hears of it: no one else gets a notification or an email.
        self.assertEqual(Notification.objects.exclude(person=self.alice).count(), 0)
        self.assertEqual(len(self.inbox.messages), 1)

    @frozen()
    def test_it_is_written_to_the_audit_log(self) -> None:
        self.nudge(self.lena, self.alice)

        entry = AuditEntry.objects.get(action="person.nudged")
        self.assertEqual(
            (entry.actor_id, entry.target_type, entry.target_id),
            (self.lena.pk, "person", str(self.alice.pk)),
        )

    def test_a_second_message_within_14_days_is_refused_and_changes_nothing(self) -> None:
        with frozen(NOW):
            self.nudge(self.adam, self.alice)
        for later in (timedelta(days=1), timedelta(days=14) - timedelta(seconds=1)):
            with self.subTest(later=later), frozen(NOW + later):
                response = self.nudge(self.lena, self.alice)
                self.assertEqual(len(self.notes_to(self.alice)), 1)
                self.assertEqual(AuditEntry.objects.filter(action="person.nudged").count(), 1)
                self.assertEqual(
                    NotificationPreference.objects.get(person=self.alice).last_nudge_at, NOW
                )
                self.assertContains(
                    self.client.get(response["Location"]),
                    "there is no need for another yet",
                )

    def test_after_14_days_another_message_may_go(self) -> None:
        with frozen(NOW):
            self.nudge(self.adam, self.alice)
        with frozen(NOW + timedelta(days=14)):
            self.nudge(self.adam, self.alice)

        self.assertEqual(len(self.notes_to(self.alice)), 2)
        self.assertEqual(AuditEntry.objects.filter(action="person.nudged").count(), 2)

    @frozen()
    def test_the_automatic_quiet_nudge_counts_toward_the_fortnight(self) -> None:
        NotificationPreference.objects.create(
            person=self.alice, last_nudge_at=NOW - timedelta(days=3)
        )

        self.nudge(self.adam, self.alice)

        self.assertEqual(self.notes_to(self.alice), [])

    @frozen()
    def test_someone_who_turned_reminders_off_gets_it_in_the_app_only(self) -> None:
        reminders_off(self.alice)

        self.nudge(self.adam, self.alice)

        self.assertEqual(len(self.notes_to(self.alice)), 1)
        self.assertEqual(self.inbox.messages, [])

    @frozen()
    def test_a_paused_person_gets_nothing(self) -> None:
        Person.objects.filter(pk=self.alice.pk).update(is_paused=True)

        self.nudge(self.adam, self.alice)

        self.assertEqual(self.notes_to(self.alice), [])
        self.assertFalse(AuditEntry.objects.filter(action="person.nudged").exists())

    @frozen()
    def test_the_team_lead_nudges_their_team_member(self) -> None:
        self.nudge(self.lena, self.bob)

        self.assertEqual(len(self.notes_to(self.bob)), 1)

    @frozen()
    def test_outsiders_teammates_members_editors_and_viewers_get_404(self) -> None:
        cases = [
            (self.lena, self.charlie),  # outside the teams Lena leads
            (self.bob, self.alice),  # a teammate
            (self.charlie, self.alice),  # an outsider
            (self.erin, self.alice),
            (self.vera, self.alice),
            (self.adam, self.adam),  # never oneself
        ]
        for viewer, person in cases:
            with self.subTest(viewer=viewer.name, person=person.name):
                self.assertEqual(self.nudge(viewer, person).status_code, 404)
        self.assertEqual(Notification.objects.count(), 0)

    @frozen()
    def test_someone_who_left_or_an_unknown_id_gives_404(self) -> None:
        Person.objects.filter(pk=self.alice.pk).update(is_active=False)

        self.assertEqual(self.nudge(self.adam, self.alice).status_code, 404)
        self.login(self.adam)
        self.assertEqual(self.client.post("/people/999999/nudge/").status_code, 404)

    @frozen()
    def test_a_get_sends_nothing(self) -> None:
        self.login(self.adam)

        response = self.client.get(reverse("recognition:nudge_send", args=[self.alice.pk]))

        self.assertEqual(response.status_code, 405)
        self.assertEqual(Notification.objects.count(), 0)

    @frozen()
    def test_privacy_mode_stops_a_lead_of_a_small_team_but_not_the_manager(self) -> None:
        privacy_on(5)  # Sales: Alice, Bob, Lena

        self.assertEqual(self.nudge(self.lena, self.alice).status_code, 404)
        person_create(email="x1@example.org", name="Extra One", teams=[self.sales])
        person_create(email="x2@example.org", name="Extra Two", teams=[self.sales])
        self.assertEqual(self.nudge(self.lena, self.alice).status_code, 302)
        self.assertEqual(self.nudge(self.adam, self.bob).status_code, 302)
        self.assertEqual(len(self.notes_to(self.alice)), 1)
        self.assertEqual(len(self.notes_to(self.bob)), 1)
