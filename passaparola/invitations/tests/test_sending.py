"""Invitation emails through a real SMTP server: links, opening, joining, reminders, bounces."""

import io
from datetime import timedelta

from django.core import signing
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from passaparola.audit.models import AuditEntry
from passaparola.invitations import tasks
from passaparola.invitations.models import Invitation, InvitationSettings, Wave
from passaparola.invitations.services import (
    TOKEN_SALT,
    invitation_create,
    invitation_token,
    reminders_claim_due,
)
from passaparola.invitations.tests.support import (
    MailTestCase,
    add_translation,
    html_of,
    path_in,
    text_of,
)
from passaparola.people.models import Membership, Person, Role
from passaparola.programme.selectors import programme_get
from passaparola.programme.services import programme_update
from passaparola.testing.queue import enqueued_tasks, queued_arguments


class InvitationEmailTests(MailTestCase):
    def invite(self, email: str = "nina@acme.example", **extra: object) -> Invitation:
        self.login(self.adam)
        data = {"name": "Nina New", "email": email, "role": "member", "send_now": "on"}
        data.update(extra)  # type: ignore[arg-type]
        response = self.client.post(reverse("invitations:invite"), data)
        self.assertRedirects(response, reverse("invitations:overview"))
        self.client.logout()
        return Invitation.objects.get(email=email)

    def test_inviting_one_person_sends_a_branded_email_with_a_single_use_link(self) -> None:
        programme_update(programme=programme_get(), fields={"name": "Acme Voices"})

        invitation = self.invite(teams=[str(self.sales.pk)])

        self.assertEqual(len(self.inbox.messages), 1)
        message = self.inbox.messages[0]
        self.assertEqual(message["To"], "nina@acme.example")
        self.assertIn("Acme Voices", message["Subject"])
        self.assertIn("Acme Voices", message["From"])
        self.assertIn("Adam Admin invites you to Acme Voices", text_of(message))
        self.assertIn("/invitations/o/", html_of(message))  # the tracking image
        invitation.refresh_from_db()
        self.assertIsNotNone(invitation.sent_at)
        self.assertEqual(invitation.get_status_display(), "Sent")

        link = path_in(text_of(message), "/invitations/accept/")
        visitor = Client()
        page = visitor.get(link)
        self.assertContains(page, "nina@acme.example")
        invitation.refresh_from_db()
        self.assertIsNotNone(invitation.opened_at)

        # Recognition gives the points once the request's transaction commits.
        with self.captureOnCommitCallbacks(execute=True):
            joined = visitor.post(link, {"name": "Nina N."})

        self.assertRedirects(joined, reverse("accounts:welcome"))
        person = Person.objects.get(email="nina@acme.example")
        self.assertEqual(person.name, "Nina N.")
        self.assertEqual(list(person.teams.all()), [self.sales])
        self.assertEqual(visitor.session["_auth_user_id"], str(person.pk))
        invitation.refresh_from_db()
        self.assertEqual(invitation.person, person)
        self.assertIsNotNone(invitation.joined_at)
        # Accepting earns the scheme's points for it, once.
        self.assertEqual(
            list(person.points_entries.values_list("action", "key")),
            [("invitation_accepted", f"invitation:{invitation.pk}")],
        )
        # The link works once.
        again = Client().post(link, {"name": "Someone else"})
        self.assertEqual(again.status_code, 410)
        self.assertEqual(Person.objects.filter(email="nina@acme.example").count(), 1)

    def test_the_email_is_written_in_the_invited_persons_language(self) -> None:
        add_translation(self, "it", "Join here:", "Entra qui:")

        self.invite(language="it")

        self.assertIn("Entra qui:", text_of(self.inbox.messages[0]))

    def test_the_signed_link_never_travels_through_the_task_queue(self) -> None:
        with enqueued_tasks() as tasks:
            invitation = self.invite()
        link = path_in(text_of(self.inbox.messages[0]), "/invitations/accept/")

        self.assertEqual(
            [(task.name, task.args) for task in tasks],
            [("send_invitations", ([invitation.pk], "invitation"))],
        )
        self.assertNotIn(link.rstrip("/").rsplit("/", 1)[-1], queued_arguments(tasks))
        self.assertEqual(self.inbox.messages[0]["Content-Language"], "en")

    def test_a_team_lead_from_an_invitation_leads_their_department(self) -> None:
        invitation = invitation_create(
            by=self.adam, email="tom@acme.example", name="Tom", role=Role.LEAD, teams=[self.support]
        )
        token = invitation_token(invitation)

        Client().post(reverse("invitations:accept", args=[token]), {"name": "Tom"})

        tom = Person.objects.get(email="tom@acme.example")
        self.assertEqual(tom.role, Role.LEAD)
        self.assertTrue(Membership.objects.get(person=tom, team=self.support).is_lead)

    def test_an_expired_a_forged_or_a_revoked_link_does_not_work(self) -> None:
        invitation = invitation_create(by=self.adam, email="old@acme.example", name="Old")
        InvitationSettings.objects.update_or_create(pk=1, defaults={"link_days": 1})
        expired = signing.dumps([invitation.pk, invitation.nonce], salt=TOKEN_SALT, compress=True)
        forged = signing.dumps([invitation.pk, invitation.nonce], salt="other", compress=True)
        from unittest import mock

        later = timezone.now() + timedelta(days=2)
        with mock.patch("django.core.signing.time.time", return_value=later.timestamp()):
            self.assertEqual(
                Client().get(reverse("invitations:accept", args=[expired])).status_code, 404
            )
        self.assertEqual(
            Client().get(reverse("invitations:accept", args=[forged])).status_code, 404
        )

        current = invitation_token(invitation)
        self.login(self.adam)
        self.client.post(reverse("invitations:revoke", args=[invitation.pk]))

        response = Client().post(reverse("invitations:accept", args=[current]), {"name": "Old"})
        self.assertEqual(response.status_code, 404)
        self.assertFalse(Person.objects.filter(email="old@acme.example").exists())

    def test_the_tracking_image_marks_the_invitation_opened(self) -> None:
        invitation = self.invite()
        image = path_in(html_of(self.inbox.messages[0]), "/invitations/o/")

        response = Client().get(image)

        self.assertEqual(response["Content-Type"], "image/gif")
        invitation.refresh_from_db()
        self.assertIsNotNone(invitation.opened_at)

    def test_an_address_the_mail_server_refuses_is_recorded_as_bounced(self) -> None:
        self.inbox.refuse.add("gone@acme.example")

        invitation = self.invite("gone@acme.example")

        invitation.refresh_from_db()
        self.assertIsNotNone(invitation.bounced_at)
        self.assertEqual(invitation.get_status_display(), "Bounced")
        self.assertTrue(AuditEntry.objects.filter(action="invitation.bounced", actor=None).exists())

    def test_the_manager_can_resend_revoke_and_mark_a_bounce(self) -> None:
        invitation = self.invite()
        self.login(self.adam)

        self.client.post(reverse("invitations:resend", args=[invitation.pk]))
        self.assertEqual(len(self.inbox.messages), 2)
        invitation.refresh_from_db()
        self.assertEqual(invitation.send_count, 2)

        self.client.post(reverse("invitations:bounced", args=[invitation.pk]))
        invitation.refresh_from_db()
        self.assertIsNotNone(invitation.bounced_at)

        self.client.post(reverse("invitations:revoke", args=[invitation.pk]))
        invitation.refresh_from_db()
        self.assertIsNotNone(invitation.revoked_at)
        response = self.client.post(reverse("invitations:resend", args=[invitation.pk]))
        self.assertEqual(response.status_code, 302)
        self.assertEqual(len(self.inbox.messages), 2)  # a revoked invitation is not sent
        actions = set(AuditEntry.objects.values_list("action", flat=True))
        self.assertTrue(
            {"invitation.created", "invitation.resent", "invitation.bounced", "invitation.revoked"}
            <= actions
        )

    def test_a_bounce_can_be_recorded_by_a_management_command(self) -> None:
        invitation = invitation_create(by=self.adam, email="gone@acme.example")
        out = io.StringIO()

        call_command("invitations_bounced", "GONE@acme.example", "unknown@acme.example", stdout=out)

        self.assertEqual(out.getvalue().strip(), "1 marked as bounced, 1 not invited.")
        invitation.refresh_from_db()
        self.assertIsNotNone(invitation.bounced_at)

    def test_a_wave_is_sent_at_once_and_counted_on_the_overview(self) -> None:
        pilot = Wave.objects.create(name="Pilot")
        for number in range(3):
            invitation_create(by=self.adam, email=f"p{number}@acme.example", wave=pilot)
        invitation_create(by=self.adam, email="later@acme.example")
        self.login(self.adam)

        self.client.post(reverse("invitations:wave_send", args=[pilot.pk]))

        self.assertEqual(
            sorted(m["To"] for m in self.inbox.messages), [f"p{n}@acme.example" for n in range(3)]
        )
        Client().get(path_in(text_of(self.inbox.messages[0]), "/invitations/accept/"))
        page = self.client.get(reverse("invitations:overview")).content.decode()
        self.assertIn('data-wave="Pilot"', page)
        row = page.split('data-wave="Pilot"', 1)[1].split("</tr>", 1)[0]
        self.assertIn("<td>3</td><td>3</td><td>1</td><td>0", row)  # invited, sent, opened, joined
        # Sending the wave again sends nobody twice.
        self.client.post(reverse("invitations:wave_send", args=[pilot.pk]))
        self.assertEqual(len(self.inbox.messages), 3)


class ReminderTests(MailTestCase):
    def setUp(self) -> None:
        super().setUp()
        InvitationSettings.objects.update_or_create(
            pk=1, defaults={"reminder_days": "3, 7", "reminders_enabled": True}
        )
        self.start = timezone.now()
        self.invitations = [
            invitation_create(by=self.adam, email=f"r{number}@acme.example", name=f"R {number}")
            for number in range(3)
        ]
        Invitation.objects.update(sent_at=self.start, last_sent_at=self.start, send_count=1)

    def remind(self, days: float) -> list[str]:
        """Run the reminder job as if it were `days` after the invitations went out."""
        self.inbox.messages.clear()
        due = reminders_claim_due(now=self.start + timedelta(days=days))
        tasks.send_many([reminder.invitation_id for reminder in due], "reminder")
        return sorted(message["To"] for message in self.inbox.messages)

    def test_reminders_go_on_schedule_to_those_who_did_not_join_and_stop_after_joining(
        self,
    ) -> None:
        everyone = [f"r{n}@acme.example" for n in range(3)]
        self.assertEqual(self.remind(2.9), [])
        self.assertEqual(self.remind(3), everyone)
        self.assertIn("Reminder", self.inbox.messages[0]["Subject"])
        link = path_in(text_of(self.inbox.to("r0@acme.example")[0]), "/invitations/accept/")
        self.assertEqual(self.remind(3.5), [])  # once per step, however often the job runs

        Client().post(link, {"name": "R 0"})  # r0 joins through the reminder's link

        self.assertEqual(self.remind(7), everyone[1:])
        self.assertEqual(self.remind(30), [])  # two reminders, then no more
        counts = dict(Invitation.objects.values_list("email", "reminders_sent"))
        self.assertEqual(counts, {"r0@acme.example": 1, "r1@acme.example": 2, "r2@acme.example": 2})

    def test_no_reminder_goes_to_revoked_bounced_or_already_registered_addresses(self) -> None:
        Invitation.objects.filter(email="r0@acme.example").update(revoked_at=self.start)
        Invitation.objects.filter(email="r1@acme.example").update(bounced_at=self.start)
        Person.objects.create_user("r2@acme.example", name="R 2")  # joined another way

        self.assertEqual(self.remind(10), [])

    def test_reminders_can_be_turned_off(self) -> None:
        InvitationSettings.objects.filter(pk=1).update(reminders_enabled=False)

        self.assertEqual(self.remind(10), [])

    def test_a_late_run_sends_one_reminder_at_a_time(self) -> None:
        self.assertEqual(len(self.remind(10)), 3)
        self.assertEqual(len(self.remind(10)), 3)  # the second step, in the next run
        self.assertEqual(self.remind(10), [])

    def test_the_reminder_link_lets_the_person_join(self) -> None:
        self.remind(3)
        message = self.inbox.to("r1@acme.example")[0]

        response = Client().post(
            path_in(text_of(message), "/invitations/accept/"), {"name": "R One"}
        )

        self.assertRedirects(response, reverse("accounts:welcome"))
        self.assertTrue(Person.objects.filter(email="r1@acme.example").exists())


class InvitationAccessTests(MailTestCase):
    def test_only_programme_managers_can_invite_send_resend_or_revoke(self) -> None:
        wave = Wave.objects.create(name="Pilot")
        invitation = invitation_create(by=self.adam, email="x@acme.example", wave=wave)
        gets = [
            reverse("invitations:overview"),
            reverse("invitations:invite"),
            reverse("invitations:settings"),
        ]
        posts = [
            reverse("invitations:wave_send", args=[wave.pk]),
            reverse("invitations:wave_send_none"),
            reverse("invitations:wave_new"),
            reverse("invitations:resend", args=[invitation.pk]),
            reverse("invitations:revoke", args=[invitation.pk]),
            reverse("invitations:bounced", args=[invitation.pk]),
            reverse("invitations:link_rotate"),
        ]
        for person in (self.alice, self.bob, self.charlie, self.lena, self.erin, self.vera):
            self.login(person)
            for url in gets:
                self.assertEqual(self.client.get(url).status_code, 404, (person, url))
            for url in posts:
                self.assertEqual(
                    self.client.post(url, {"name": "W"}).status_code, 404, (person, url)
                )
        invitation.refresh_from_db()
        self.assertIsNone(invitation.sent_at)
        self.assertIsNone(invitation.revoked_at)
        self.assertEqual(self.inbox.messages, [])
        self.login(self.adam)
        for url in gets:
            self.assertEqual(self.client.get(url).status_code, 200, url)

    def test_an_unknown_invitation_is_a_404_for_the_manager_too(self) -> None:
        self.login(self.adam)

        self.assertEqual(
            self.client.post(reverse("invitations:revoke", args=[999])).status_code, 404
        )

    def test_the_overview_filters_by_wave_status_and_search(self) -> None:
        pilot = Wave.objects.create(name="Pilot")
        invitation_create(by=self.adam, email="ann@acme.example", name="Ann", wave=pilot)
        invitation_create(by=self.adam, email="bea@acme.example", name="Bea")
        self.login(self.adam)

        by_wave = self.client.get(reverse("invitations:overview"), {"wave": pilot.pk})
        by_search = self.client.get(reverse("invitations:overview"), {"q": "bea"})
        by_status = self.client.get(reverse("invitations:overview"), {"status": "joined"})

        self.assertContains(by_wave, 'data-invitation="ann@acme.example"')
        self.assertNotContains(by_wave, 'data-invitation="bea@acme.example"')
        self.assertContains(by_search, 'data-invitation="bea@acme.example"')
        self.assertNotContains(by_search, 'data-invitation="ann@acme.example"')
        self.assertNotContains(by_status, "data-invitation=")

    def test_settings_are_saved_audited_and_validated(self) -> None:
        self.login(self.adam)

        bad = self.client.post(
            reverse("invitations:settings"),
            {"link_days": 30, "reminders_enabled": "on", "reminder_days": "7, 3"},
        )
        good = self.client.post(
            reverse("invitations:settings"),
            {"link_days": 14, "reminders_enabled": "on", "reminder_days": "2, 5, 9"},
        )

        self.assertContains(bad, "increasing order")
        self.assertRedirects(good, reverse("invitations:settings"))
        self.assertEqual(InvitationSettings.objects.get().schedule(), [2, 5, 9])
        entry = AuditEntry.objects.get(action="invitations.settings_changed")
        self.assertEqual(entry.changes["reminder_days"], {"old": "3, 7", "new": "2, 5, 9"})
