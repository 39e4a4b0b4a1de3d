"""The company invite link: a work address at an allowed domain, confirmed by an emailed code."""

import re
from typing import TYPE_CHECKING

from django.test import Client
from django.urls import reverse

from passaparola.invitations.models import Invitation, InvitationSettings, SignupRequest
from passaparola.invitations.services import invitation_create
from passaparola.invitations.tests.support import MailTestCase, path_in, text_of
from passaparola.people.models import Person
from passaparola.programme.selectors import programme_get
from passaparola.programme.services import programme_update
from passaparola.testing.queue import enqueued_tasks, queued_arguments

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse


class InviteLinkTests(MailTestCase):
    def setUp(self) -> None:
        super().setUp()
        programme_update(
            programme=programme_get(), fields={"allowed_email_domains": "acme.example"}
        )
        self.settings_row, _created = InvitationSettings.objects.update_or_create(
            pk=1, defaults={"open_link_enabled": True}
        )
        self.link = reverse("invitations:join", args=[self.settings_row.open_link_key])
        self.visitor = Client()

    def ask(self, email: str, name: str = "Zoe Zed") -> "TestResponse":
        return self.visitor.post(self.link, {"name": name, "email": email})

    def code(self) -> str:
        self.assertEqual(len(self.inbox.messages), 1)
        found = re.search(r"\b(\d{6})\b", text_of(self.inbox.messages[0]))
        assert found is not None
        return found.group(1)

    def test_a_work_address_joins_with_the_emailed_code(self) -> None:
        response = self.ask("Zoe@Acme.example")

        self.assertContains(response, "Check your email")
        self.assertEqual(self.inbox.messages[0]["To"], "zoe@acme.example")
        joined = self.visitor.post(
            reverse("invitations:signup_code"), {"email": "zoe@acme.example", "code": self.code()}
        )

        self.assertRedirects(joined, reverse("accounts:welcome"))
        zoe = Person.objects.get(email="zoe@acme.example")
        self.assertEqual(zoe.name, "Zoe Zed")
        self.assertEqual(self.visitor.session["_auth_user_id"], str(zoe.pk))

    def test_neither_the_code_nor_the_link_travels_through_the_task_queue(self) -> None:
        with enqueued_tasks() as tasks:
            self.ask("zoe@acme.example")
        code = self.code()
        link = path_in(text_of(self.inbox.messages[0]), "/join/confirm/")

        signup = SignupRequest.objects.get()
        self.assertEqual(
            [(task.name, task.args) for task in tasks], [("send_signup_code", (signup.pk,))]
        )
        self.assertNotIn(code, queued_arguments(tasks))
        self.assertNotIn(link.rstrip("/").rsplit("/", 1)[-1], queued_arguments(tasks))

    def test_the_emailed_link_confirms_the_address_with_one_click_on_a_button(self) -> None:
        self.ask("zoe@acme.example")
        link = path_in(text_of(self.inbox.messages[0]), "/join/confirm/")

        page = self.visitor.get(link)  # a mail scanner opening the link joins nobody
        self.assertContains(page, "Confirm and join")
        self.assertFalse(Person.objects.filter(email="zoe@acme.example").exists())
        joined = self.visitor.post(link)

        self.assertRedirects(joined, reverse("accounts:welcome"))
        self.assertTrue(Person.objects.filter(email="zoe@acme.example").exists())
        self.assertEqual(self.visitor.post(link).status_code, 404)  # once only

    def test_an_address_at_another_domain_is_refused_with_a_clear_message(self) -> None:
        response = self.ask("zoe@gmail.example")

        self.assertContains(response, "it must end in @acme.example", status_code=400)
        self.assertEqual(self.inbox.messages, [])

    def test_a_wrong_code_does_not_join(self) -> None:
        self.ask("zoe@acme.example")
        wrong = f"{(int(self.code()) + 1) % 1_000_000:06d}"

        response = self.visitor.post(
            reverse("invitations:signup_code"), {"email": "zoe@acme.example", "code": wrong}
        )

        self.assertContains(response, "wrong or has expired", status_code=400)
        self.assertFalse(Person.objects.filter(email="zoe@acme.example").exists())

    def test_joining_by_the_link_with_a_pending_invitation_takes_its_teams_and_marks_it(
        self,
    ) -> None:
        invitation = invitation_create(
            by=self.adam, email="zoe@acme.example", name="Zoe", teams=[self.support]
        )
        self.ask("zoe@acme.example")

        self.visitor.post(
            reverse("invitations:signup_code"), {"email": "zoe@acme.example", "code": self.code()}
        )

        zoe = Person.objects.get(email="zoe@acme.example")
        self.assertEqual(list(zoe.teams.all()), [self.support])
        invitation.refresh_from_db()
        self.assertEqual(invitation.person, zoe)

    def test_an_existing_colleague_confirming_is_logged_in_not_duplicated(self) -> None:
        Person.objects.create_user("zoe@acme.example", name="Zoe Already")
        self.ask("zoe@acme.example")

        self.visitor.post(
            reverse("invitations:signup_code"), {"email": "zoe@acme.example", "code": self.code()}
        )

        self.assertEqual(Person.objects.filter(email="zoe@acme.example").count(), 1)
        self.assertEqual(Person.objects.get(email="zoe@acme.example").name, "Zoe Already")

    def test_a_closed_account_cannot_come_back_through_the_link(self) -> None:
        Person.objects.create_user("zoe@acme.example", name="Zoe", is_active=False)
        self.ask("zoe@acme.example")

        response = self.visitor.post(
            reverse("invitations:signup_code"), {"email": "zoe@acme.example", "code": self.code()}
        )

        self.assertEqual(response.status_code, 403)
        self.assertNotIn("_auth_user_id", self.visitor.session)

    def test_the_link_works_only_when_on_with_its_current_key_and_domains_set(self) -> None:
        self.assertEqual(self.visitor.get(self.link).status_code, 200)
        self.assertEqual(
            self.visitor.get(reverse("invitations:join", args=["guess"])).status_code, 404
        )

        self.login(self.adam)
        self.client.post(reverse("invitations:link_rotate"))
        self.assertEqual(self.visitor.get(self.link).status_code, 404)

        InvitationSettings.objects.filter(pk=1).update(open_link_key="k", open_link_enabled=False)
        self.assertEqual(self.visitor.get(reverse("invitations:join", args=["k"])).status_code, 404)

        InvitationSettings.objects.filter(pk=1).update(open_link_enabled=True)
        programme_update(programme=programme_get(), fields={"allowed_email_domains": ""})
        self.assertEqual(self.visitor.get(reverse("invitations:join", args=["k"])).status_code, 404)
        self.assertFalse(Invitation.objects.exists())

    def test_asking_too_often_is_refused_for_an_hour(self) -> None:
        for _attempt in range(5):
            self.ask("zoe@acme.example")

        response = self.ask("zoe@acme.example")

        self.assertContains(response, "Too many requests", status_code=400)
        self.assertEqual(len(self.inbox.messages), 5)

    def test_the_settings_page_shows_the_link_to_copy(self) -> None:
        self.login(self.adam)

        page = self.client.get(reverse("invitations:settings"))

        self.assertContains(page, f"http://testserver{self.link}")
