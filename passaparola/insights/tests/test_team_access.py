"""Team leads read insights for the teams they lead; the rest by role."""

from django.http import Http404

from passaparola.people.access import (
    access_at_risk_teams,
    access_insights_by_person,
    at_risk_teams_for,
    insight_teams_for,
)
from passaparola.people.models import Membership, Person, Role
from passaparola.people.services import person_create
from passaparola.testing import BaseTestCase


class InsightTeamsTests(BaseTestCase):
    def test_managers_editors_and_leadership_viewers_read_every_team(self) -> None:
        for person in (self.adam, self.erin, self.vera):
            with self.subTest(person=person.name):
                self.assertIsNone(insight_teams_for(person))
                self.assertIsNone(access_insights_by_person(person))

    def test_a_team_lead_reads_the_teams_they_lead(self) -> None:
        self.assertEqual(insight_teams_for(self.lena), {self.sales.pk})

    def test_a_lead_of_two_teams_reads_both(self) -> None:
        Membership.objects.create(person=self.lena, team=self.support, is_lead=True)

        self.assertEqual(access_insights_by_person(self.lena), {self.sales.pk, self.support.pk})

    def test_leading_is_the_membership_not_the_role(self) -> None:
        # A member who leads a team reads it; someone with the lead role but no team does not.
        Membership.objects.filter(person=self.charlie).update(is_lead=True)
        no_team = person_create(email="lou@example.org", name="Lou Lead", role=Role.LEAD)

        self.assertEqual(insight_teams_for(self.charlie), {self.support.pk})
        self.assertEqual(insight_teams_for(no_team), set())
        with self.assertRaises(Http404):
            access_insights_by_person(no_team)

    def test_members_read_no_team(self) -> None:
        for person in (self.alice, self.bob, self.charlie):
            with self.subTest(person=person.name):
                self.assertEqual(insight_teams_for(person), set())
                with self.assertRaises(Http404):
                    access_insights_by_person(person)


class AtRiskTeamsTests(BaseTestCase):
    def test_the_programme_manager_follows_everyone(self) -> None:
        self.assertIsNone(at_risk_teams_for(self.adam))

    def test_a_team_lead_follows_their_teams(self) -> None:
        self.assertEqual(access_at_risk_teams(self.lena), {self.sales.pk})

    def test_editors_viewers_and_members_follow_nobody(self) -> None:
        for person in (self.erin, self.vera, self.alice, self.charlie):
            with self.subTest(person=person.name), self.assertRaises(Http404):
                access_at_risk_teams(person)

    def test_a_leadership_viewer_who_leads_a_team_follows_that_team(self) -> None:
        Membership.objects.create(person=self.vera, team=self.support, is_lead=True)

        self.assertEqual(at_risk_teams_for(Person.objects.get(pk=self.vera.pk)), {self.support.pk})
