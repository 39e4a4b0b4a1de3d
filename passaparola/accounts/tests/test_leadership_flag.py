"""The programme manager marks people as leadership on their page; audited."""

from typing import TYPE_CHECKING

from django.urls import reverse

from passaparola.audit.models import AuditEntry
from passaparola.people.models import Person
from passaparola.testing import BaseTestCase

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse


class LeadershipFlagTests(BaseTestCase):
    def mark(self, viewer: Person, person: Person, value: bool) -> "TestResponse":
        self.login(viewer)
        data = {"is_leadership": "on"} if value else {}
        return self.client.post(reverse("accounts:person_leadership", args=[person.pk]), data)

    def is_leadership(self, person: Person) -> bool:
        return Person.objects.get(pk=person.pk).is_leadership

    def test_the_manager_marks_someone_as_leadership_and_it_is_audited(self) -> None:
        response = self.mark(self.adam, self.alice, True)

        self.assertRedirects(response, reverse("accounts:person", args=[self.alice.pk]))
        self.assertTrue(self.is_leadership(self.alice))
        entry = AuditEntry.objects.get(action="person.leadership_changed")
        self.assertEqual((entry.actor_id, entry.target_id), (self.adam.pk, str(self.alice.pk)))
        self.assertEqual(entry.changes, {"is_leadership": {"old": False, "new": True}})

    def test_unticking_takes_the_mark_away(self) -> None:
        Person.objects.filter(pk=self.alice.pk).update(is_leadership=True)

        self.mark(self.adam, self.alice, False)

        self.assertFalse(self.is_leadership(self.alice))
        self.assertEqual(AuditEntry.objects.filter(action="person.leadership_changed").count(), 1)

    def test_saving_the_same_value_records_nothing(self) -> None:
        self.mark(self.adam, self.alice, False)

        self.assertFalse(AuditEntry.objects.filter(action="person.leadership_changed").exists())

    def test_the_person_page_shows_the_leadership_form(self) -> None:
        Person.objects.filter(pk=self.alice.pk).update(is_leadership=True)
        self.login(self.adam)

        response = self.client.get(reverse("accounts:person", args=[self.alice.pk]))

        self.assertContains(response, reverse("accounts:person_leadership", args=[self.alice.pk]))
        self.assertContains(response, 'name="is_leadership"')
        self.assertContains(response, "checked")

    def test_the_person_themselves_a_teammate_an_outsider_and_a_lead_get_404(self) -> None:
        for viewer in (self.alice, self.bob, self.charlie, self.lena, self.erin, self.vera):
            with self.subTest(viewer=viewer.name):
                response = self.mark(viewer, self.alice, True)
                self.assertEqual(response.status_code, 404)
        self.assertFalse(self.is_leadership(self.alice))

    def test_someone_who_left_keeps_their_mark(self) -> None:
        Person.objects.filter(pk=self.bob.pk).update(is_active=False)

        self.mark(self.adam, self.bob, True)

        self.assertFalse(self.is_leadership(self.bob))
