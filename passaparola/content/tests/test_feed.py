"""The personal feed and the post page: who sees which posts."""

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from passaparola.content.models import Post
from passaparola.content.services import post_archive
from passaparola.people.models import Membership
from passaparola.people.services import person_create
from passaparola.sharing.models import Share
from passaparola.testing import BaseTestCase, leaving_target


class FeedTests(BaseTestCase):
    def test_the_feed_requires_login(self) -> None:
        response = self.client.get(reverse("content:feed"))

        self.assertRedirects(
            response, f"{reverse('accounts:login')}?next={reverse('content:feed')}"
        )

    def test_a_topic_id_no_database_can_hold_shows_the_whole_feed(self) -> None:
        self.make_post(title="Open to everyone")
        self.login(self.alice)

        for topic in ["99999999999999999999999", "9223372036854775808", "-1", "0"]:
            with self.subTest(topic=topic):
                response = self.client.get(reverse("content:feed"), {"topic": topic})

                self.assertContains(response, "Open to everyone")

    def test_a_member_sees_posts_for_everyone_and_for_their_team(self) -> None:
        self.make_post(title="Open to everyone")
        self.make_post(title="Sales kick-off", teams=[self.sales])
        self.login(self.alice)

        response = self.client.get(reverse("content:feed"))

        self.assertContains(response, "Open to everyone")
        self.assertContains(response, "Sales kick-off")

    def test_it_hides_other_teams_posts(self) -> None:
        self.make_post(title="Open to everyone")
        self.make_post(title="Sales kick-off", teams=[self.sales])
        self.login(self.charlie)

        response = self.client.get(reverse("content:feed"))

        self.assertContains(response, "Open to everyone")
        self.assertNotContains(response, "Sales kick-off")

    def test_an_outsider_gets_404_on_another_teams_post_page(self) -> None:
        post = self.make_post(title="Sales kick-off", teams=[self.sales])
        self.login(self.charlie)

        response = self.client.get(reverse("content:post", args=[post.pk]))

        self.assertEqual(response.status_code, 404)
        self.assertNotContains(response, "Sales kick-off", status_code=404)

    def test_an_outsider_gets_404_when_sharing_another_teams_post(self) -> None:
        post = self.make_post(title="Sales kick-off", teams=[self.sales])
        self.login(self.charlie)

        response = self.client.post(reverse("sharing:share", args=[post.pk, "linkedin"]))

        self.assertEqual(response.status_code, 404)
        self.assertFalse(Share.objects.exists())
        self.assertFalse(self.charlie.short_links.exists())

    def test_a_teammate_can_open_and_share_a_post_for_their_team(self) -> None:
        post = self.make_post(title="Sales kick-off", teams=[self.sales])
        self.login(self.bob)

        page = self.client.get(reverse("content:post", args=[post.pk]))
        share = self.client.post(reverse("sharing:share", args=[post.pk, "linkedin"]))

        self.assertContains(page, "Sales kick-off")
        leaving_target(share)

    def test_drafts_and_archived_posts_are_not_in_the_feed(self) -> None:
        self.make_post(title="Still a draft", publish=False)
        archived = self.make_post(title="Old news")
        post_archive(post=archived)
        self.make_post(title="Fresh news")
        self.login(self.alice)

        response = self.client.get(reverse("content:feed"))

        self.assertContains(response, "Fresh news")
        self.assertNotContains(response, "Still a draft")
        self.assertNotContains(response, "Old news")

    def test_a_member_gets_404_on_a_draft_or_archived_post_page(self) -> None:
        draft = self.make_post(title="Still a draft", publish=False)
        archived = self.make_post(title="Old news")
        post_archive(post=archived)
        self.login(self.alice)

        for post in (draft, archived):
            with self.subTest(post=post.title):
                response = self.client.get(reverse("content:post", args=[post.pk]))
                self.assertEqual(response.status_code, 404)

    def test_a_post_scheduled_for_later_is_not_in_the_feed_yet(self) -> None:
        post = self.make_post(title="News for tomorrow")
        Post.objects.filter(pk=post.pk).update(published_at=timezone.now() + timedelta(days=1))
        self.login(self.alice)

        response = self.client.get(reverse("content:feed"))

        self.assertNotContains(response, "News for tomorrow")

    def test_a_post_for_several_of_my_teams_shows_once(self) -> None:
        Membership.objects.create(person=self.alice, team=self.support)
        self.make_post(title="For both teams", teams=[self.sales, self.support])
        self.login(self.alice)

        response = self.client.get(reverse("content:feed"))

        self.assertContains(response, "For both teams", count=1)

    def test_a_person_without_a_team_sees_only_posts_for_everyone(self) -> None:
        loner = person_create(email="loner@example.org", name="Lone Wolf")
        self.make_post(title="Open to everyone")
        self.make_post(title="Sales kick-off", teams=[self.sales])
        self.login(loner)

        response = self.client.get(reverse("content:feed"))

        self.assertContains(response, "Open to everyone")
        self.assertNotContains(response, "Sales kick-off")

    def test_the_newest_post_comes_first(self) -> None:
        older = self.make_post(title="Older story")
        self.make_post(title="Newer story")
        Post.objects.filter(pk=older.pk).update(published_at=timezone.now() - timedelta(days=2))
        self.login(self.alice)

        page = self.client.get(reverse("content:feed")).content.decode()

        self.assertLess(page.index("Newer story"), page.index("Older story"))

    def test_an_empty_feed_says_so(self) -> None:
        self.login(self.alice)

        response = self.client.get(reverse("content:feed"))

        self.assertContains(response, "Nothing in your feed yet.")

    def test_more_posts_load_on_the_next_page_without_the_layout(self) -> None:
        for number in range(25):
            self.make_post(title=f"Story number {number:02d}")
        self.login(self.alice)

        first = self.client.get(reverse("content:feed"))
        more = self.client.get(reverse("content:feed"), {"page": 2}, headers={"HX-Request": "true"})

        self.assertContains(first, "Story number 24")
        self.assertNotContains(first, "Story number 00")
        self.assertContains(first, "Show more")
        self.assertContains(more, "Story number 00")
        self.assertNotContains(more, "Story number 24")
        self.assertNotContains(more, "<html")

    def feed_queries(self) -> int:
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(reverse("content:feed"))
        self.assertEqual(response.status_code, 200)
        return len(queries)

    def test_the_feed_query_count_does_not_grow_with_posts(self) -> None:
        self.login(self.alice)
        for number in range(5):
            self.make_post(title=f"Story {number}", teams=[self.sales] if number % 2 else None)
        self.feed_queries()  # first request of the suite may create the programme row
        few = self.feed_queries()

        for number in range(5, 60):
            self.make_post(title=f"Story {number}", teams=[self.sales] if number % 2 else None)
        many = self.feed_queries()

        self.assertEqual(few, many)
        self.assertLessEqual(many, 15)
