"""The personal feed's order, filters, schedule and expiry, and its query count at two sizes."""

from datetime import timedelta
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from passaparola.content.models import PersonInterest, Post, Topic
from passaparola.content.services import comment_create, reaction_toggle
from passaparola.people.models import Team
from passaparola.sharing.services import share_create
from passaparola.testing import BaseTestCase


class RankingTests(BaseTestCase):
    def order(self) -> list[str]:
        self.login(self.alice)
        page = self.client.get(reverse("content:feed"))
        return [post.title for post in page.context["page"]]

    def age(self, post: Post, days: float) -> None:
        Post.objects.filter(pk=post.pk).update(published_at=timezone.now() - timedelta(days=days))

    def test_a_post_required_for_my_team_comes_first_and_is_marked(self) -> None:
        required = self.make_post(title="Read before Monday")
        required.required_teams.set([self.sales])
        self.age(required, 20)
        self.make_post(title="Fresh news")

        self.assertEqual(self.order(), ["Read before Monday", "Fresh news"])
        self.assertContains(self.client.get(reverse("content:feed")), "Required for your team")

    def test_a_required_post_reaches_its_team_even_when_restricted_to_another(self) -> None:
        post = self.make_post(title="Support handbook", teams=[self.support])
        post.required_teams.set([self.sales])

        self.assertEqual(self.order(), ["Support handbook"])
        self.login(self.charlie)
        self.assertNotContains(self.client.get(reverse("content:feed")), "Required for your team")

    def test_a_pinned_post_stays_above_fresher_ones(self) -> None:
        pinned = self.make_post(title="Pinned guide")
        Post.objects.filter(pk=pinned.pk).update(is_pinned=True)
        self.age(pinned, 40)
        self.make_post(title="Fresh news")

        self.assertEqual(self.order(), ["Pinned guide", "Fresh news"])

    def test_posts_on_my_interests_and_for_my_team_rank_higher_than_others_of_the_day(self) -> None:
        ai = Topic.objects.create(name="AI")
        PersonInterest.objects.create(person=self.alice, topic=ai)
        about_ai = self.make_post(title="About AI")
        about_ai.topics.set([ai])
        for_sales = self.make_post(title="Aimed at sales")
        for_sales.teams.set([self.sales])  # audience everyone: aimed, not restricted
        plain = self.make_post(title="Plain news")
        for post in (about_ai, for_sales):
            self.age(post, 2)
        self.age(plain, 1.5)

        self.assertEqual(self.order(), ["Aimed at sales", "About AI", "Plain news"])

    def test_what_teammates_shared_ranks_higher(self) -> None:
        shared = self.make_post(title="Shared by Bob")
        self.make_post(title="Nobody shared")
        self.age(shared, 0.5)
        share_create(person=self.bob, post=shared, network="linkedin")

        self.assertEqual(self.order(), ["Shared by Bob", "Nobody shared"])
        self.assertContains(self.client.get(reverse("content:feed")), "A teammate shared this.")

    def test_freshness_wins_over_relevance_after_a_while(self) -> None:
        ai = Topic.objects.create(name="AI")
        PersonInterest.objects.create(person=self.alice, topic=ai)
        old = self.make_post(title="Old but on topic")
        old.topics.set([ai])
        self.age(old, 45)
        self.make_post(title="Fresh news")

        self.assertEqual(self.order(), ["Fresh news", "Old but on topic"])

    def test_an_expired_post_leaves_the_feed_and_its_page(self) -> None:
        post = self.make_post(title="Event tonight")
        Post.objects.filter(pk=post.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
        self.login(self.alice)

        self.assertNotContains(self.client.get(reverse("content:feed")), "Event tonight")
        self.assertEqual(self.client.get(reverse("content:post", args=[post.pk])).status_code, 404)

    def test_a_scheduled_post_appears_once_its_time_has_come(self) -> None:
        post = self.make_post(title="Launch day", publish=False)
        self.login(self.erin)
        when = timezone.localtime() + timedelta(hours=2)
        self.client.post(
            reverse("content:post_edit", args=[post.pk]),
            {
                "url": post.url,
                "title": post.title,
                "content_type": post.content_type,
                "audience": post.audience,
                "published_at": when.strftime("%Y-%m-%dT%H:%M"),
                "captions-TOTAL_FORMS": "0",
                "captions-INITIAL_FORMS": "0",
                "publish": "",
            },
        )
        post.refresh_from_db()

        self.assertEqual(post.state, Post.State.PUBLISHED)
        assert post.published_at is not None
        self.assertGreater(post.published_at, timezone.now())
        self.assertEqual(self.order(), [])
        self.age(post, 0)
        self.assertEqual(self.order(), ["Launch day"])


class FilterTests(BaseTestCase):
    def test_the_feed_filters_by_topic_and_by_type(self) -> None:
        ai = Topic.objects.create(name="AI")
        tagged = self.make_post(title="Tagged AI")
        tagged.topics.set([ai])
        industry = self.make_post(title="Industry piece")
        Post.objects.filter(pk=industry.pk).update(content_type=Post.Type.INDUSTRY)
        self.login(self.alice)

        by_topic = self.client.get(reverse("content:feed"), {"topic": ai.pk})
        by_type = self.client.get(reverse("content:feed"), {"type": "industry"})
        nonsense = self.client.get(reverse("content:feed"), {"topic": "x", "type": "nope"})

        self.assertContains(by_topic, "Tagged AI")
        self.assertNotContains(by_topic, "Industry piece")
        self.assertContains(by_type, "Industry piece")
        self.assertNotContains(by_type, "Tagged AI")
        self.assertContains(nonsense, "Tagged AI")
        self.assertContains(nonsense, "Industry piece")

    def test_show_more_keeps_the_filters(self) -> None:
        for number in range(22):
            post = self.make_post(title=f"Industry {number:02d}")
            Post.objects.filter(pk=post.pk).update(content_type=Post.Type.INDUSTRY)
        self.make_post(title="Company story")
        self.login(self.alice)

        first = self.client.get(reverse("content:feed"), {"type": "industry"})
        more = self.client.get(
            reverse("content:feed"),
            {"type": "industry", "page": "2"},
            headers={"HX-Request": "true"},
        )

        self.assertContains(first, "?type=industry&amp;page=2")
        self.assertContains(more, "Industry 00")
        self.assertNotContains(more, "Company story")

    def test_people_pick_their_interests(self) -> None:
        ai, cloud = Topic.objects.create(name="AI"), Topic.objects.create(name="Cloud")
        self.login(self.alice)

        hint = self.client.get(reverse("content:feed"))
        response = self.client.post(reverse("content:interests"), {"topics": [ai.pk]})

        self.assertContains(hint, "Pick your interests")
        self.assertRedirects(response, reverse("content:feed"))
        self.assertEqual(list(self.alice.interests.values_list("topic", flat=True)), [ai.pk])
        self.client.post(reverse("content:interests"), {"topics": [cloud.pk]})
        self.assertEqual(list(self.alice.interests.values_list("topic", flat=True)), [cloud.pk])
        self.assertNotContains(self.client.get(reverse("content:feed")), "Pick your interests")


class QueryCountTests(BaseTestCase):
    def populate(self, count: int, start: int = 0) -> None:
        topics = [Topic.objects.get_or_create(name=f"Topic {n}")[0] for n in range(3)]
        PersonInterest.objects.get_or_create(person=self.alice, topic=topics[0])
        for number in range(start, start + count):
            post = self.make_post(
                title=f"Story {number}", teams=[self.sales] if number % 2 else None
            )
            post.topics.set(topics[: number % 3 + 1])
            if number % 3 == 0:
                post.required_teams.set([self.sales])
            reaction_toggle(post=post, person=self.bob, kind="like")
            comment_create(post=post, person=self.bob, text="Nice")
            share_create(person=self.bob, post=post, network="linkedin")

    def feed_queries(self, **params: Any) -> int:
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(reverse("content:feed"), params)
        self.assertEqual(response.status_code, 200)
        return len(queries)

    def test_the_feed_stays_within_15_queries_at_any_size_with_every_feature_in_use(self) -> None:
        Team.objects.bulk_create(Team(name=f"Team {n}") for n in range(5))
        self.login(self.alice)
        self.populate(4)
        self.feed_queries()  # the first request may create the programme row
        few = self.feed_queries()
        topic = Topic.objects.get(name="Topic 0")
        few_filtered = self.feed_queries(topic=topic.pk, type="company")

        self.populate(40, start=4)
        many = self.feed_queries()
        many_filtered = self.feed_queries(topic=topic.pk, type="company")
        more = self.feed_queries(page=2)

        self.assertEqual(few, many)
        self.assertEqual(few_filtered, many_filtered)
        self.assertLessEqual(max(many, many_filtered, more), 15)
