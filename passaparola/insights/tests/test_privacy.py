"""Privacy mode: below the minimum group size, only totals (and one's own row) show."""

from passaparola.insights.privacy import group_size, individuals_visible, own_rows
from passaparola.people.models import Membership, Person
from passaparola.people.services import person_create
from passaparola.programme.selectors import programme_get
from passaparola.programme.services import programme_update
from passaparola.testing import BaseTestCase


def privacy_on(min_group_size: int = 5) -> None:
    programme_update(
        programme=programme_get(),
        fields={"privacy_mode": True, "privacy_min_group_size": min_group_size},
    )


class IndividualsVisibleTests(BaseTestCase):
    def test_with_privacy_mode_off_everyone_who_reads_insights_sees_individuals(self) -> None:
        for viewer in (self.lena, self.vera, self.erin, self.adam):
            with self.subTest(viewer=viewer.name):
                self.assertTrue(individuals_visible(viewer, 1))

    def test_a_group_of_4_5_and_6_against_a_minimum_of_5(self) -> None:
        privacy_on(5)
        for viewer in (self.lena, self.vera, self.erin):
            with self.subTest(viewer=viewer.name):
                self.assertFalse(individuals_visible(viewer, 4))
                self.assertTrue(individuals_visible(viewer, 5))
                self.assertTrue(individuals_visible(viewer, 6))

    def test_the_programme_manager_still_sees_individuals_in_a_small_group(self) -> None:
        privacy_on(5)

        self.assertTrue(individuals_visible(self.adam, 1))

    def test_the_minimum_is_the_programmes_own(self) -> None:
        privacy_on(10)

        self.assertFalse(individuals_visible(self.vera, 9))
        self.assertTrue(individuals_visible(self.vera, 10))


class OwnRowsTests(BaseTestCase):
    def rows(self) -> list[tuple[int, int]]:
        return [(self.alice.pk, 7), (self.bob.pk, 3), (self.lena.pk, 1)]

    def test_a_hidden_group_keeps_only_the_viewers_own_row(self) -> None:
        privacy_on(5)

        rows = own_rows(self.lena, self.rows(), group_size=4, person_of=lambda row: row[0])

        self.assertEqual(rows, [(self.lena.pk, 1)])

    def test_a_large_enough_group_keeps_every_row(self) -> None:
        privacy_on(5)

        rows = own_rows(self.lena, self.rows(), group_size=5, person_of=lambda row: row[0])

        self.assertEqual(rows, self.rows())

    def test_someone_outside_the_table_sees_no_row_of_a_hidden_group(self) -> None:
        privacy_on(5)

        self.assertEqual(
            own_rows(self.vera, self.rows(), group_size=3, person_of=lambda row: row[0]), []
        )


class GroupSizeTests(BaseTestCase):
    def test_it_counts_the_people_taking_part_in_the_teams(self) -> None:
        Person.objects.filter(pk=self.bob.pk).update(is_active=False)
        newcomer = person_create(email="nina@example.org", name="Nina New", teams=[self.support])
        Membership.objects.create(person=newcomer, team=self.sales)

        self.assertEqual(group_size({self.sales.pk}), 3)  # Alice, Lena, Nina; Bob left
        self.assertEqual(group_size({self.sales.pk, self.support.pk}), 4)  # Nina counted once
        self.assertEqual(group_size(None), Person.objects.filter(is_active=True).count())
