"""The people directory for programme managers: search, filters, roles."""

from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from passaparola.audit.models import AuditEntry
from passaparola.invitations.models import Invitation, Wave
from passaparola.people.models import Person, Role, Team
from passaparola.people.services import person_create
from passaparola.testing import BaseTestCase


class DirectoryTests(BaseTestCase):
    def listing(self, **query: Any) -> str:
        self.login(self.adam)
        response = self.client.get(reverse("accounts:directory"), query)
        self.assertEqual(response.status_code, 200)
        return response.content.decode()

    def shown(self, page: str) -> set[int]:
        return {
            person.pk for person in Person.objects.all() if f'data-person="{person.pk}"' in page
        }

    def test_the_manager_sees_everyone_taking_part_with_teams(self) -> None:
        page = self.listing()

        self.assertEqual(self.shown(page), set(Person.objects.values_list("pk", flat=True)))
        self.assertIn("Sales", page)

    def test_search_and_filters_by_team_role_wave_and_state(self) -> None:
        pilot = Wave.objects.create(name="Pilot")
        Invitation.objects.create(email="bob@example.org", person=self.bob, wave=pilot)
        Person.objects.filter(pk=self.charlie.pk).update(is_paused=True)

        self.assertEqual(self.shown(self.listing(q="ALICE")), {self.alice.pk})
        self.assertEqual(self.shown(self.listing(team=self.support.pk)), {self.charlie.pk})
        self.assertEqual(self.shown(self.listing(role=Role.EDITOR)), {self.erin.pk})
        self.assertEqual(self.shown(self.listing(wave=pilot.pk)), {self.bob.pk})
        self.assertNotIn(self.bob.pk, self.shown(self.listing(wave="none")))
        self.assertEqual(self.shown(self.listing(state="paused")), {self.charlie.pk})

    def test_people_who_left_are_listed_apart(self) -> None:
        Person.objects.filter(pk=self.bob.pk).update(is_active=False)

        self.assertNotIn(self.bob.pk, self.shown(self.listing()))
        self.assertEqual(self.shown(self.listing(state="left")), {self.bob.pk})

    def test_the_query_count_does_not_grow_with_people(self) -> None:
        self.login(self.adam)
        self.client.get(reverse("accounts:directory"))

        def count() -> int:
            with CaptureQueriesContext(connection) as queries:
                self.client.get(reverse("accounts:directory"))
            return len(queries)

        few = count()
        wave = Wave.objects.create(name="W")
        for number in range(30):
            team = Team.objects.create(name=f"Team {number}")
            person = person_create(
                email=f"p{number}@acme.example", name=f"P {number}", teams=[team, self.sales]
            )
            Invitation.objects.create(email=person.email, person=person, wave=wave)
        self.assertEqual(count(), few)

    def test_the_manager_changes_a_role_and_it_is_audited(self) -> None:
        self.login(self.adam)

        response = self.client.post(
            reverse("accounts:person_role", args=[self.bob.pk]), {"role": Role.LEAD}
        )

        self.assertRedirects(response, reverse("accounts:person", args=[self.bob.pk]))
        self.bob.refresh_from_db()
        self.assertEqual(self.bob.role, Role.LEAD)
        self.assertTrue(
            AuditEntry.objects.filter(
                action="person.role_changed", target_id=str(self.bob.pk)
            ).exists()
        )

    def test_an_unknown_role_or_ones_own_role_does_not_change(self) -> None:
        self.login(self.adam)

        self.client.post(reverse("accounts:person_role", args=[self.bob.pk]), {"role": "emperor"})
        self.client.post(
            reverse("accounts:person_role", args=[self.adam.pk]), {"role": Role.MEMBER}
        )

        self.bob.refresh_from_db()
        self.adam.refresh_from_db()
        self.assertEqual((self.bob.role, self.adam.role), (Role.MEMBER, Role.ADMIN))
        self.assertFalse(AuditEntry.objects.exists())

    def test_the_person_page_shows_teams_invitation_and_actions(self) -> None:
        Invitation.objects.create(
            email="bob@example.org", person=self.bob, wave=Wave.objects.create(name="Pilot")
        )
        self.login(self.adam)

        page = self.client.get(reverse("accounts:person", args=[self.bob.pk]))

        self.assertContains(page, "Pilot")
        self.assertContains(page, reverse("accounts:person_erase", args=[self.bob.pk]))
        self.assertContains(page, reverse("accounts:person_export", args=[self.bob.pk]))

    def test_only_programme_managers_see_the_directory_or_change_roles(self) -> None:
        for person in (self.alice, self.bob, self.charlie, self.lena, self.erin, self.vera):
            self.login(person)
            self.assertEqual(self.client.get(reverse("accounts:directory")).status_code, 404)
            self.assertEqual(
                self.client.get(reverse("accounts:person", args=[self.bob.pk])).status_code, 404
            )
            response = self.client.post(
                reverse("accounts:person_role", args=[person.pk]), {"role": Role.ADMIN}
            )
            self.assertEqual(response.status_code, 404)
        self.assertEqual(Person.objects.filter(role=Role.ADMIN).count(), 1)
        self.login(self.adam)
        self.assertEqual(self.client.get(reverse("accounts:person", args=[9999])).status_code, 404)
