"""The studio: editors create, publish, edit and archive posts through its forms."""

import re
from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from passaparola.content.models import Post
from passaparola.sharing.services import shortlink_get_or_create
from passaparola.testing import BaseTestCase


class StudioTests(BaseTestCase):
    def form_data(self, **changes: object) -> dict[str, object]:
        data: dict[str, object] = {
            "url": "https://example.com/blog/launch",
            "title": "We launched the new line",
            "description": "Everything about the launch.",
            "image_url": "https://example.com/launch.jpg",
            "content_type": Post.Type.COMPANY,
            "audience": Post.Audience.EVERYONE,
            "caption": "Have a look at what we built",
            "publish": "",
        }
        data.update(changes)
        # Captions are a formset now: several per post, each for every network or for one.
        caption = data.pop("caption")
        data.update(
            {
                "captions-TOTAL_FORMS": "1",
                "captions-INITIAL_FORMS": "0",
                "captions-0-network": "",
                "captions-0-text": caption or "",
            }
        )
        return {key: value for key, value in data.items() if value is not None}

    def test_an_editor_publishes_a_post_that_reaches_the_feed(self) -> None:
        self.login(self.erin)

        response = self.client.post(reverse("content:post_new"), self.form_data())

        post = Post.objects.get()
        self.assertRedirects(response, reverse("content:post_edit", args=[post.pk]))
        self.assertEqual(post.state, Post.State.PUBLISHED)
        self.assertEqual(post.title, "We launched the new line")
        self.assertEqual(post.url, "https://example.com/blog/launch")
        self.assertEqual(post.image_url, "https://example.com/launch.jpg")
        self.assertEqual([c.text for c in post.captions.all()], ["Have a look at what we built"])
        self.assertEqual(post.created_by, self.erin)
        self.login(self.alice)
        self.assertContains(self.client.get(reverse("content:feed")), "We launched the new line")

    def test_a_post_for_one_team_reaches_only_that_team(self) -> None:
        self.login(self.erin)

        self.client.post(
            reverse("content:post_new"),
            self.form_data(audience=Post.Audience.TEAMS, teams=[self.sales.pk]),
        )

        post = Post.objects.get()
        self.assertEqual(list(post.teams.all()), [self.sales])
        self.login(self.bob)
        self.assertContains(self.client.get(reverse("content:feed")), "We launched the new line")
        self.login(self.charlie)
        self.assertNotContains(self.client.get(reverse("content:feed")), "We launched the new line")

    def test_saving_without_publishing_keeps_a_draft_out_of_the_feed(self) -> None:
        self.login(self.erin)

        self.client.post(reverse("content:post_new"), self.form_data(publish=None, save=""))

        post = Post.objects.get()
        self.assertEqual(post.state, Post.State.DRAFT)
        self.assertIsNone(post.published_at)
        self.login(self.alice)
        self.assertNotContains(self.client.get(reverse("content:feed")), "We launched the new line")

    def test_a_missing_title_shows_the_form_again_and_creates_nothing(self) -> None:
        self.login(self.erin)

        response = self.client.post(reverse("content:post_new"), self.form_data(title=""))

        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "This field is required.")
        self.assertContains(response, "https://example.com/blog/launch")
        self.assertFalse(Post.objects.exists())

    def test_an_invalid_link_shows_the_form_again_and_creates_nothing(self) -> None:
        self.login(self.erin)

        response = self.client.post(
            reverse("content:post_new"), self.form_data(url="not a link at all")
        )

        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Enter a valid URL.")
        self.assertFalse(Post.objects.exists())

    def test_a_team_audience_without_a_team_shows_the_form_again_and_creates_nothing(
        self,
    ) -> None:
        self.login(self.erin)

        response = self.client.post(
            reverse("content:post_new"), self.form_data(audience=Post.Audience.TEAMS)
        )

        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Choose at least one team, or show the post to everyone.")
        self.assertFalse(Post.objects.exists())

    def test_the_studio_tells_a_live_post_from_a_scheduled_and_an_expired_one(self) -> None:
        live = self.make_post(title="Live one")
        expired = self.make_post(title="Gone one")
        scheduled = self.make_post(title="Later one")
        now = timezone.now()
        Post.objects.filter(pk=expired.pk).update(expires_at=now - timedelta(hours=1))
        Post.objects.filter(pk=scheduled.pk).update(published_at=now + timedelta(days=1))
        self.login(self.erin)

        page = self.client.get(reverse("content:studio")).content.decode()

        row = re.compile(r'>([A-Za-z ]+ one)</a>.*?<span class="tag">([^<]+)</span>', re.S)
        states = {
            found.group(1): found.group(2)
            for found in map(row.search, page.split("<tr>"))
            if found is not None
        }
        self.assertEqual(
            states, {"Live one": "Published", "Gone one": "Expired", "Later one": "Scheduled"}
        )
        edit = self.client.get(reverse("content:post_edit", args=[expired.pk]))
        self.assertContains(edit, '<span class="tag">Expired</span>')
        self.assertTrue(live.is_live)

    def test_the_admin_may_use_the_studio_too(self) -> None:
        self.login(self.adam)

        self.assertEqual(self.client.get(reverse("content:studio")).status_code, 200)
        self.client.post(reverse("content:post_new"), self.form_data())
        self.assertTrue(Post.objects.filter(created_by=self.adam).exists())

    def test_people_who_do_not_edit_content_get_404_on_every_studio_page(self) -> None:
        post = self.make_post()
        pages = [
            ("get", reverse("content:studio")),
            ("get", reverse("content:post_new")),
            ("post", reverse("content:post_new")),
            ("get", reverse("content:post_edit", args=[post.pk])),
            ("post", reverse("content:post_edit", args=[post.pk])),
            ("post", reverse("content:post_archive", args=[post.pk])),
        ]
        for person in (self.alice, self.lena, self.vera):
            self.login(person)
            for method, url in pages:
                with self.subTest(person=person.name, method=method, url=url):
                    data = self.form_data(title="Hijacked") if method == "post" else None
                    response = getattr(self.client, method)(url, data)
                    self.assertEqual(response.status_code, 404)
        post.refresh_from_db()
        self.assertEqual(post.title, "Our new factory opens")
        self.assertEqual(post.state, Post.State.PUBLISHED)
        self.assertEqual(Post.objects.count(), 1)

    def test_the_studio_requires_login(self) -> None:
        response = self.client.get(reverse("content:studio"))

        self.assertEqual(response.status_code, 302)
        self.assertTrue(response["Location"].startswith(reverse("accounts:login")))

    def test_the_studio_lists_posts_in_every_state_and_filters_them(self) -> None:
        self.make_post(title="Published story")
        self.make_post(title="Draft story", publish=False)
        self.login(self.erin)

        every = self.client.get(reverse("content:studio"))
        drafts = self.client.get(reverse("content:studio"), {"state": "draft"})

        self.assertContains(every, "Published story")
        self.assertContains(every, "Draft story")
        self.assertContains(drafts, "Draft story")
        self.assertNotContains(drafts, "Published story")

    def test_an_editor_changes_a_post_and_people_see_the_change(self) -> None:
        post = self.make_post(title="First title")
        self.login(self.erin)

        response = self.client.post(
            reverse("content:post_edit", args=[post.pk]),
            self.form_data(title="Better title", caption="A better caption", publish=None),
        )

        self.assertRedirects(response, reverse("content:post_edit", args=[post.pk]))
        post.refresh_from_db()
        self.assertEqual(post.title, "Better title")
        self.assertEqual([c.text for c in post.captions.all()], ["A better caption"])
        self.login(self.alice)
        feed = self.client.get(reverse("content:feed"))
        self.assertContains(feed, "Better title")
        self.assertNotContains(feed, "First title")

    def test_an_editor_publishes_a_draft_from_its_edit_page(self) -> None:
        post = self.make_post(title="Waiting story", publish=False)
        self.login(self.erin)

        self.client.post(
            reverse("content:post_edit", args=[post.pk]), self.form_data(title="Waiting story")
        )

        post.refresh_from_db()
        self.assertEqual(post.state, Post.State.PUBLISHED)
        self.login(self.alice)
        self.assertContains(self.client.get(reverse("content:feed")), "Waiting story")

    def test_archiving_takes_a_post_out_of_the_feed_but_its_links_keep_working(self) -> None:
        post = self.make_post(title="Soon archived")
        link = shortlink_get_or_create(person=self.alice, post=post, network="linkedin")
        self.login(self.erin)

        response = self.client.post(reverse("content:post_archive", args=[post.pk]))

        self.assertRedirects(response, reverse("content:studio"))
        post.refresh_from_db()
        self.assertEqual(post.state, Post.State.ARCHIVED)
        self.login(self.alice)
        self.assertNotContains(self.client.get(reverse("content:feed")), "Soon archived")
        redirect = self.client.get(reverse("tracking:redirect", args=[link.code]))
        self.assertEqual(redirect.status_code, 302)
        self.assertTrue(redirect["Location"].startswith("https://example.com/news/factory"))

    def test_archiving_needs_a_post_request(self) -> None:
        post = self.make_post()
        self.login(self.erin)

        response = self.client.get(reverse("content:post_archive", args=[post.pk]))

        self.assertEqual(response.status_code, 405)
        post.refresh_from_db()
        self.assertEqual(post.state, Post.State.PUBLISHED)

    def studio_queries(self) -> int:
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(reverse("content:studio"))
        self.assertEqual(response.status_code, 200)
        return len(queries)

    def test_the_studio_query_count_does_not_grow_with_posts(self) -> None:
        self.login(self.erin)
        for number in range(3):
            self.make_post(title=f"Story {number}", teams=[self.sales, self.support])
        self.studio_queries()
        few = self.studio_queries()

        for number in range(3, 30):
            self.make_post(title=f"Story {number}", teams=[self.sales, self.support])
        many = self.studio_queries()

        self.assertEqual(few, many)
