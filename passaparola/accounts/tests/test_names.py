"""Names read as what they are: no invisible characters, no text-direction tricks."""

from django.urls import reverse

from passaparola.invitations.models import Invitation
from passaparola.invitations.services import person_join
from passaparola.people.models import Person
from passaparola.testing import BaseTestCase

# Each would make a name display as something else, or hide part of it.
SPOOFS = [
    "Bob\u202egnp.exe",  # right-to-left override: shows "Bobexe.png"
    "Alice\u2066Admin\u2069",  # left-to-right isolate
    "Ad\u200bmin",  # zero-width space
    "Eve\u0000",  # NUL
    "Eve\u0007bell",  # a control character
    "Mallory\ue000",  # private use
]


class NameTests(BaseTestCase):
    def test_a_name_with_direction_or_invisible_characters_is_refused_with_a_message(
        self,
    ) -> None:
        self.login(self.alice)
        for name in SPOOFS:
            with self.subTest(name=repr(name)):
                response = self.client.post(
                    reverse("accounts:account"), {"name": name, "language": ""}
                )

                self.assertEqual(response.status_code, 200)
                if "\x00" not in name:  # Django refuses a NUL with its own message
                    self.assertContains(
                        response, "A name cannot contain invisible or text-direction characters."
                    )
                self.alice.refresh_from_db()
                self.assertEqual(self.alice.name, "Alice Example")

    def test_names_in_every_script_and_with_emoji_are_kept_as_typed(self) -> None:
        self.login(self.alice)
        for name in [
            "Zoë O'Brien-Müller",
            "محمد الأحمد",  # Arabic: right to left by itself, no override needed
            "می‌خواهم",  # Persian with a zero-width non-joiner
            "Ana 👩\u200d💻",  # an emoji sequence with a zero-width joiner
            "李小龍",
        ]:
            with self.subTest(name=name):
                response = self.client.post(
                    reverse("accounts:account"), {"name": f"  {name} ", "language": ""}
                )

                self.assertEqual(response.status_code, 302)
                self.alice.refresh_from_db()
                self.assertEqual(self.alice.name, name)

    def test_a_name_from_single_sign_on_loses_its_invisible_characters(self) -> None:
        person = person_join(email="new@example.org", name="Bob\u202e\tgnp.exe\u200b", via="sso")

        self.assertEqual(Person.objects.get(pk=person.pk).name, "Bob gnp.exe")

    def test_an_invitation_with_a_spoofed_name_is_refused(self) -> None:
        self.login(self.adam)
        response = self.client.post(
            reverse("invitations:invite"),
            {"name": "Bob\u202egnp.exe", "email": "bob2@example.org", "role": "member"},
        )

        self.assertContains(
            response, "A name cannot contain invisible or text-direction characters."
        )
        self.assertFalse(Invitation.objects.filter(email="bob2@example.org").exists())
