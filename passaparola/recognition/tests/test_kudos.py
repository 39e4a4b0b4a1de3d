"""Kudos: team leads recognise their own people; the person is told."""

from django.urls import reverse

from passaparola.activity.models import Verb
from passaparola.notifications.models import Notification
from passaparola.recognition.models import Kudos
from passaparola.recognition.tests.helpers import act
from passaparola.testing import BaseTestCase


class KudosTests(BaseTestCase):
    def send(self, sender: object, recipient: object, message: str = "Great week!") -> object:
        self.login(sender)  # type: ignore[arg-type]
        return self.client.post(
            reverse("recognition:kudos_send", args=[recipient.pk]),  # type: ignore[attr-defined]
            {"message": message},
        )

    def test_a_lead_thanks_a_member_of_their_team_who_is_told(self) -> None:
        response = self.send(self.lena, self.alice)

        self.assertRedirects(response, reverse("recognition:kudos"))  # type: ignore[arg-type]
        kudos = Kudos.objects.get()
        self.assertEqual(
            (kudos.sender, kudos.recipient, kudos.message), (self.lena, self.alice, "Great week!")
        )
        notification = Notification.objects.get(person=self.alice, kind="kudos")
        self.assertEqual(notification.title, "Lena Lead sent you kudos")
        self.assertEqual(notification.body, "Great week!")
        self.assertTrue(notification.email_wanted)

    def test_a_lead_cannot_thank_someone_outside_their_teams(self) -> None:
        response = self.send(self.lena, self.charlie)

        self.assertEqual(response.status_code, 404)  # type: ignore[attr-defined]
        self.assertFalse(Kudos.objects.exists())
        self.assertFalse(Notification.objects.exists())

    def test_members_cannot_send_kudos_even_to_teammates(self) -> None:
        response = self.send(self.alice, self.bob)
        page = self.client.get(reverse("recognition:kudos"))

        self.assertEqual(response.status_code, 404)  # type: ignore[attr-defined]
        self.assertEqual(page.status_code, 404)
        self.assertFalse(Kudos.objects.exists())

    def test_a_lead_cannot_thank_themselves(self) -> None:
        self.assertEqual(self.send(self.lena, self.lena).status_code, 404)  # type: ignore[attr-defined]

    def test_the_programme_manager_may_thank_anyone(self) -> None:
        self.send(self.adam, self.charlie)

        self.assertEqual(Kudos.objects.get().recipient, self.charlie)

    def test_an_empty_message_is_refused_with_a_message(self) -> None:
        response = self.send(self.lena, self.alice, message="   ")

        self.assertFalse(Kudos.objects.exists())
        page = self.client.get(response["Location"])  # type: ignore[index]
        self.assertContains(page, "Write a few words of thanks.")

    def test_the_lead_sees_what_their_people_did_this_week(self) -> None:
        post = self.make_post()
        act(self.bob, Verb.SHARE_CREATED, 2, post=post, network="linkedin")
        self.login(self.lena)

        response = self.client.get(reverse("recognition:kudos"))

        page = response.content.decode()
        self.assertIn(f'data-member="{self.alice.pk}"', page)
        self.assertIn(f'data-member="{self.bob.pk}"', page)
        self.assertNotIn(f'data-member="{self.charlie.pk}"', page)
        self.assertLess(
            page.index(f'data-member="{self.bob.pk}"'), page.index(f'data-member="{self.alice.pk}"')
        )
        self.assertIn("2 shares", page)
