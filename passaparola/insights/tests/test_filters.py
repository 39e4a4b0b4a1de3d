"""Period and filters of the insights pages: read from the address, checked, never a 500."""

from datetime import date
from typing import Any
from urllib.parse import parse_qsl

from django.http import Http404
from django.test import RequestFactory
from django.urls import reverse

from passaparola.content.models import Post, Topic
from passaparola.insights import periods
from passaparola.insights.filters import InsightFilters, filters_from_request
from passaparola.lib.bounds import ID_MAX
from passaparola.people.models import Person
from passaparola.testing import BaseTestCase
from passaparola.testing.clock import frozen


@frozen()  # Wednesday 2 December 2026
class FiltersFromRequestTests(BaseTestCase):
    def filters(self, viewer: Person, /, **params: Any) -> InsightFilters:
        request = RequestFactory().get("/dashboard/adoption/", params)
        request.user = viewer
        return filters_from_request(request)  # type: ignore[arg-type]

    def errors(self, filters: InsightFilters) -> dict[str, list[str]]:
        assert filters.form is not None
        return {
            name: [str(error) for error in errors] for name, errors in filters.form.errors.items()
        }

    def test_without_parameters_it_shows_the_last_30_days_of_everyone(self) -> None:
        filters = self.filters(self.adam)

        self.assertEqual(filters.period.key, periods.LAST_30)
        self.assertEqual(
            (filters.period.start, filters.period.end), (date(2026, 11, 3), date(2026, 12, 2))
        )
        self.assertIsNone(filters.previous)
        self.assertEqual(filters.team_ids, ())
        self.assertFalse(filters.team_lead_view)
        self.assertEqual(filters.query, "")

    def test_it_reads_a_preset_and_the_comparison(self) -> None:
        filters = self.filters(self.vera, period="last_quarter", compare="on")

        self.assertEqual(
            (filters.period.start, filters.period.end), (date(2026, 7, 1), date(2026, 9, 30))
        )
        assert filters.previous is not None
        self.assertEqual(
            (filters.previous.start, filters.previous.end), (date(2026, 4, 1), date(2026, 6, 30))
        )

    def test_it_reads_a_custom_range_with_its_last_day_included(self) -> None:
        filters = self.filters(self.adam, period="custom", start="2026-02-01", end="2026-02-28")

        self.assertEqual(filters.period.key, periods.CUSTOM)
        self.assertEqual(filters.period.length, 28)

    def test_days_without_a_period_mean_a_custom_range(self) -> None:
        filters = self.filters(self.adam, start="2026-02-01", end="2026-02-10")

        self.assertEqual(filters.period.key, periods.CUSTOM)

    def test_a_reversed_range_is_refused_and_the_default_period_shown(self) -> None:
        filters = self.filters(self.adam, period="custom", start="2026-03-01", end="2026-02-01")

        self.assertEqual(filters.period.key, periods.LAST_30)
        self.assertEqual(self.errors(filters), {"end": ["The end comes before the start."]})

    def test_a_range_longer_than_three_years_is_refused(self) -> None:
        filters = self.filters(self.adam, start="2020-01-01", end="2026-01-01")

        self.assertEqual(filters.period.key, periods.LAST_30)
        self.assertIn("at most three years", self.errors(filters)["end"][0])

    def test_a_custom_range_needs_both_days(self) -> None:
        filters = self.filters(self.adam, period="custom", start="2026-03-01")

        self.assertEqual(self.errors(filters), {"end": ["Choose both days of the range."]})

    def test_nonsense_in_every_parameter_is_ignored_with_an_error(self) -> None:
        nonsense = {
            "period": "forever",
            "start": "0001-01-01",
            "end": "2026-02-30",
            "team": "99999999999999999999999",
            "network": "myspace",
            "topic": "-1",
            "type": "gossip",
            "post": str(ID_MAX),
            "person": "1e999",
            "compare": "x\x00y",
        }
        filters = self.filters(self.adam, **nonsense)

        self.assertEqual(filters.period.key, periods.LAST_30)
        self.assertEqual(
            (filters.team_ids, filters.networks, filters.topic_ids, filters.post_ids),
            ((), (), (), ()),
        )
        self.assertEqual(
            set(self.errors(filters)),
            {"period", "start", "end", "team", "network", "topic", "type", "post", "person"},
        )

    def test_it_reads_every_filter_and_gives_them_back_as_a_link(self) -> None:
        topic = Topic.objects.create(name="Engineering")
        post = self.make_post()
        params = {
            "period": "this_quarter",
            "compare": "on",
            "team": str(self.sales.pk),
            "network": "linkedin",
            "topic": str(topic.pk),
            "type": Post.Type.INDUSTRY,
            "post": str(post.pk),
            "person": str(self.alice.pk),
        }
        filters = self.filters(self.adam, **params)

        self.assertEqual(filters.team_ids, (self.sales.pk,))
        self.assertEqual(filters.networks, ("linkedin",))
        self.assertEqual(filters.topic_ids, (topic.pk,))
        self.assertEqual(filters.content_types, ("industry",))
        self.assertEqual(filters.post_ids, (post.pk,))
        self.assertEqual(filters.person_ids, (self.alice.pk,))
        self.assertEqual(dict(parse_qsl(filters.query)), params)
        self.assertEqual(self.filters(self.adam, **dict(parse_qsl(filters.query))), filters)
        chips = {chip["label"]: chip for chip in filters.chips}
        self.assertEqual(chips["Person"]["text"], "Alice Example")
        self.assertNotIn("person=", chips["Person"]["query"])
        self.assertIn("post=", chips["Person"]["query"])

    def test_a_custom_range_comes_back_as_its_days(self) -> None:
        filters = self.filters(self.adam, start="2026-02-01", end="2026-02-10")

        self.assertEqual(filters.query, "start=2026-02-01&end=2026-02-10")

    def test_a_team_lead_reads_only_the_teams_they_lead(self) -> None:
        filters = self.filters(self.lena)

        self.assertTrue(filters.team_lead_view)
        self.assertEqual(filters.team_ids, (self.sales.pk,))
        assert filters.form is not None
        self.assertEqual(
            [value for value, _label in filters.form.fields["team"].widget.choices],
            ["", self.sales.pk],
        )

    def test_a_team_lead_cannot_choose_another_team_or_its_people(self) -> None:
        filters = self.filters(self.lena, team=str(self.support.pk), person=str(self.charlie.pk))

        self.assertEqual(filters.team_ids, (self.sales.pk,))
        self.assertEqual(filters.person_ids, ())
        self.assertEqual(
            self.errors(filters),
            {
                "team": ["Choose one of the teams in the list."],
                "person": ["There is no such person among yours."],
            },
        )

    def test_a_team_lead_may_choose_one_of_their_people(self) -> None:
        filters = self.filters(self.lena, person=str(self.bob.pk))

        self.assertEqual(filters.person_ids, (self.bob.pk,))

    def test_members_teammates_and_outsiders_read_no_insights(self) -> None:
        for person in (self.alice, self.bob, self.charlie):
            with self.subTest(person=person.name), self.assertRaises(Http404):
                self.filters(person)


@frozen()
class FilterFormOnThePageTests(BaseTestCase):
    def test_the_form_is_a_plain_get_form_with_its_choices_and_errors(self) -> None:
        self.login(self.adam)

        response = self.client.get(
            reverse("insights:adoption"),
            {"period": "custom", "start": "2026-03-01", "end": "2026-01-01"},
        )

        self.assertEqual(response.status_code, 200)
        self.assertContains(response, '<form method="get" class="card insight-filters"')
        self.assertContains(
            response, '<option value="last_quarter">Last quarter</option>', html=False
        )
        self.assertContains(response, "The end comes before the start.")
        self.assertContains(response, 'type="date"')
        self.assertContains(response, 'name="compare"')
        self.assertContains(response, "Last 30 days")

    def test_a_person_filter_shows_with_a_link_that_removes_it(self) -> None:
        self.login(self.adam)

        response = self.client.get(
            reverse("insights:adoption"), {"person": str(self.alice.pk), "network": "linkedin"}
        )

        self.assertContains(response, "Alice Example")
        self.assertContains(response, 'href="?network=linkedin"')
        self.assertContains(
            response, f'<input type="hidden" name="person" value="{self.alice.pk}"', html=False
        )
