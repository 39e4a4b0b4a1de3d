"""Leadership participation: figures by hand, who sees which leaders, privacy mode."""

from datetime import timedelta

from django.urls import reverse

from passaparola.insights.figures import Scope
from passaparola.insights.leadership import leadership_figures
from passaparola.insights.rollups import rollup_range
from passaparola.insights.tests.test_privacy import privacy_on
from passaparola.insights.tests.test_rollups import Scene
from passaparola.people.models import Person
from passaparola.people.services import person_create
from passaparola.testing import BaseTestCase
from passaparola.testing.clock import NOW, frozen

YESTERDAY = NOW - timedelta(days=1)


def lead_by_example(*people: Person) -> None:
    Person.objects.filter(pk__in=[person.pk for person in people]).update(is_leadership=True)


class LeadershipCase(BaseTestCase):
    """Alice (Sales), Charlie (Support) and Vera (no team) are leadership; Bob is not."""

    def setUp(self) -> None:
        super().setUp()
        lead_by_example(self.alice, self.charlie, self.vera)
        self.first = Scene(self.make_post(title="Factory opens"))
        self.second = Scene(self.make_post(title="New hires"))
        # Yesterday, rolled up: Alice shares the first post, 2 human clicks, a bot, a lead.
        self.first.share(self.alice, YESTERDAY)
        self.first.click(self.alice, YESTERDAY, visitor="a")
        self.first.click(self.alice, YESTERDAY, visitor="b")
        self.first.click(self.alice, YESTERDAY, visitor="bot", bot=True)
        self.first.lead(self.alice, YESTERDAY)
        # Bob is no leader: his share and clicks never count here.
        self.first.share(self.bob, YESTERDAY)
        self.first.click(self.bob, YESTERDAY, visitor="c")
        with frozen(NOW):
            rollup_range(YESTERDAY.date(), YESTERDAY.date())
        # Today, from the raw rows: Charlie shares both posts, one human click on the second.
        self.first.share(self.charlie, NOW)
        self.second.share(self.charlie, NOW)
        self.second.click(self.charlie, NOW, visitor="d")

    def scope(self, **filters: object) -> Scope:
        today = NOW.date()
        return Scope(start=today - timedelta(days=29), end=today, **filters)  # type: ignore[arg-type]


class FigureTests(LeadershipCase):
    @frozen()
    def test_the_group_counts_what_leaders_shared_and_what_it_brought(self) -> None:
        result = leadership_figures(self.scope(), viewer=self.adam)

        self.assertEqual(
            (result.people, result.active, result.sharing, result.inactive),
            (3, 2, 2, 1),
        )
        self.assertEqual(
            (result.shares, result.posts, result.human_clicks, result.leads), (3, 2, 3, 1)
        )
        self.assertEqual(
            [(post.title, shares) for post, shares in result.top_posts],
            [("Factory opens", 2), ("New hires", 1)],
        )
        self.assertEqual(
            [(row.person, row.shares, row.human_clicks, row.leads) for row in result.rows],
            [(self.charlie, 2, 1, 0), (self.alice, 1, 2, 1)],
        )
        self.assertFalse(result.individuals_hidden)

    @frozen()
    def test_a_team_filter_keeps_that_teams_leaders(self) -> None:
        result = leadership_figures(self.scope(teams=(self.sales.pk,)), viewer=self.adam)

        self.assertEqual((result.people, result.shares, result.human_clicks), (1, 1, 2))

    @frozen()
    def test_a_network_filter_applies_to_leaders_too(self) -> None:
        result = leadership_figures(self.scope(networks=("x",)), viewer=self.adam)

        self.assertEqual((result.people, result.shares, result.active), (3, 0, 0))

    @frozen()
    def test_a_team_lead_sees_the_leaders_of_their_own_teams_only(self) -> None:
        result = leadership_figures(self.scope(), viewer=self.lena)
        # Asking for another team gives nothing, not that team.
        other = leadership_figures(self.scope(teams=(self.support.pk,)), viewer=self.lena)

        self.assertEqual((result.people, result.shares, result.leads), (1, 1, 1))
        self.assertEqual([row.person for row in result.rows], [self.alice])
        self.assertEqual((other.people, other.shares), (0, 0))

    @frozen()
    def test_nobody_marked_gives_zeros_not_everyone(self) -> None:
        Person.objects.update(is_leadership=False)

        result = leadership_figures(self.scope(), viewer=self.adam)

        self.assertEqual((result.people, result.shares, result.rows), (0, 0, []))


class PrivacyTests(LeadershipCase):
    @frozen()
    def test_a_group_of_3_hides_individuals_from_a_viewer_but_keeps_the_totals(self) -> None:
        privacy_on(5)

        result = leadership_figures(self.scope(), viewer=self.vera)

        self.assertTrue(result.individuals_hidden)
        self.assertEqual(result.rows, [])
        self.assertEqual((result.shares, result.human_clicks, result.leads), (3, 3, 1))

    @frozen()
    def test_a_leader_always_sees_their_own_row(self) -> None:
        privacy_on(5)
        self.second.share(self.vera, NOW)

        result = leadership_figures(self.scope(), viewer=self.vera)

        self.assertEqual([row.person for row in result.rows], [self.vera])

    @frozen()
    def test_the_programme_manager_sees_individuals_in_a_small_group(self) -> None:
        privacy_on(5)

        result = leadership_figures(self.scope(), viewer=self.adam)

        self.assertFalse(result.individuals_hidden)
        self.assertEqual(len(result.rows), 2)

    @frozen()
    def test_groups_of_4_5_and_6_against_a_minimum_of_5(self) -> None:
        privacy_on(5)
        extra = [person_create(email=f"exec{n}@example.org", name=f"Exec {n}") for n in range(3)]
        for size, hidden in ((4, True), (5, False), (6, False)):
            lead_by_example(*extra[: size - 3])
            with self.subTest(size=size):
                result = leadership_figures(self.scope(), viewer=self.vera)
                self.assertEqual(result.people, size)
                self.assertEqual(result.individuals_hidden, hidden)
                self.assertEqual(len(result.rows), 0 if hidden else 2)


class PageTests(LeadershipCase):
    url = reverse("insights:leadership")

    def status(self, viewer: Person) -> int:
        self.login(viewer)
        with frozen():
            return self.client.get(self.url).status_code

    def test_the_manager_editor_and_viewer_see_every_leader(self) -> None:
        for viewer in (self.adam, self.erin, self.vera):
            with self.subTest(viewer=viewer.name):
                self.login(viewer)
                with frozen():
                    response = self.client.get(self.url)
                self.assertContains(response, "Leadership participation")
                self.assertContains(response, '<dd data-figure="leaders">3</dd>', html=True)
                self.assertContains(response, "Charlie Example")
                self.assertContains(response, "Factory opens")

    def test_the_team_lead_sees_their_teams_leaders(self) -> None:
        self.login(self.lena)
        with frozen():
            response = self.client.get(self.url)

        self.assertContains(response, '<dd data-figure="leaders">1</dd>', html=True)
        self.assertContains(response, "Alice Example")
        self.assertNotContains(response, "Charlie Example")

    def test_members_teammates_and_outsiders_get_404(self) -> None:
        for viewer in (self.alice, self.bob, self.charlie):
            with self.subTest(viewer=viewer.name):
                self.assertEqual(self.status(viewer), 404)

    def test_privacy_mode_shows_the_viewer_totals_only(self) -> None:
        privacy_on(5)
        self.login(self.vera)
        with frozen():
            response = self.client.get(self.url)

        self.assertContains(response, 'data-privacy="hidden"')
        self.assertContains(response, '<dd data-figure="leaders-shares">3</dd>', html=True)
        self.assertNotContains(response, "Charlie Example")

    def test_it_requires_login(self) -> None:
        response = self.client.get(self.url)

        self.assertEqual(response.status_code, 302)
