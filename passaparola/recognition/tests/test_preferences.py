"""Taking part is voluntary: hide from the boards, or pause altogether."""

from django.urls import reverse

from passaparola.people.models import Person
from passaparola.testing import BaseTestCase


class PreferencesTests(BaseTestCase):
    def save(self, person: Person, **data: str) -> object:
        self.login(person)
        return self.client.post(reverse("recognition:preferences"), data)

    def test_a_person_hides_from_the_boards(self) -> None:
        response = self.save(self.alice, hide_from_leaderboards="on")

        self.assertRedirects(response, reverse("recognition:preferences"))  # type: ignore[arg-type]
        alice = Person.objects.get(pk=self.alice.pk)
        self.assertEqual((alice.hide_from_leaderboards, alice.is_paused), (True, False))

    def test_a_person_pauses_and_comes_back(self) -> None:
        self.save(self.alice, paused="on")
        paused = Person.objects.get(pk=self.alice.pk)
        self.save(paused)
        back = Person.objects.get(pk=self.alice.pk)

        self.assertTrue(paused.is_paused)
        self.assertIsNotNone(paused.paused_at)
        self.assertEqual((back.is_paused, back.paused_at), (False, None))

    def test_the_page_shows_the_current_choices(self) -> None:
        Person.objects.filter(pk=self.alice.pk).update(hide_from_leaderboards=True)
        self.login(Person.objects.get(pk=self.alice.pk))

        response = self.client.get(reverse("recognition:preferences"))

        self.assertContains(response, 'id="id_hide_from_leaderboards" checked>')
        self.assertContains(response, 'id="id_paused">')

    def test_one_persons_choice_changes_nobody_else(self) -> None:
        self.save(self.alice, paused="on", hide_from_leaderboards="on")

        bob = Person.objects.get(pk=self.bob.pk)
        self.assertEqual((bob.hide_from_leaderboards, bob.is_paused), (False, False))

    def test_the_page_requires_login(self) -> None:
        response = self.client.post(reverse("recognition:preferences"), {"paused": "on"})

        self.assertEqual(response.status_code, 302)
        self.assertFalse(Person.objects.filter(is_paused=True).exists())
