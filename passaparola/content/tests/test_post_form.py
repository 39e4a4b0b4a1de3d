"""The post form: link previews, images kept on the platform, captions, targeting, schedule."""

import io
from datetime import datetime, time, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from passaparola.content.models import Caption, Post, Topic
from passaparola.content.services import post_create, post_image_download
from passaparola.content.tests.server import LocalServer
from passaparola.testing import BaseTestCase
from passaparola.testing.clock import frozen


def png(width: int = 8, height: int = 8) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


@frozen()
class PostFormTestCase(BaseTestCase):
    def setUp(self) -> None:
        # Images land in MEDIA_ROOT, inside the test run's own DATA_DIR (see conftest.py).
        self.server = LocalServer().start()
        self.addCleanup(self.server.stop)
        self.login(self.erin)

    def data(self, **changes: object) -> dict[str, object]:
        data: dict[str, object] = {
            "url": "https://example.com/launch",
            "title": "Launch",
            "description": "",
            "content_type": Post.Type.COMPANY,
            "audience": Post.Audience.EVERYONE,
            "captions-TOTAL_FORMS": "0",
            "captions-INITIAL_FORMS": "0",
            "save": "",
        }
        data.update(changes)
        return {key: value for key, value in data.items() if value is not None}


class PreviewTests(PostFormTestCase):
    ARTICLE = (
        b'<html><head><meta charset="utf-8"><title>Fallback</title>'
        b'<meta property="og:title" content="Our factory in Torino">'
        b'<meta property="og:description" content="Three years of work.">'
        b'<meta property="og:image" content="/img/factory.png">'
        b'<meta property="og:site_name" content="Acme News">'
        b"</head><body>...</body></html>"
    )

    @override_settings(FETCH_ALLOW_LOOPBACK=True)
    def test_fetch_preview_fills_the_form_and_saves_nothing(self) -> None:
        url = self.server.add("/article", body=self.ARTICLE)

        response = self.client.post(
            reverse("content:post_new"),
            self.data(url=url, title="", preview="1", save=None),
            headers={"HX-Request": "true"},
        )

        self.assertContains(response, 'value="Our factory in Torino"')
        self.assertContains(response, "Three years of work.")
        self.assertContains(response, 'value="Acme News"')
        self.assertContains(response, self.server.url("/img/factory.png"))
        self.assertContains(response, "The preview filled in the form.")
        self.assertNotContains(response, "This field is required.")
        self.assertFalse(Post.objects.exists())

    def test_the_default_configuration_refuses_to_preview_a_private_address(self) -> None:
        url = self.server.add("/article", body=self.ARTICLE)

        for address in (url, "http://169.254.169.254/latest/meta-data/"):
            with self.subTest(address=address):
                response = self.client.post(
                    reverse("content:post_new"), self.data(url=address, preview="1", save=None)
                )
                self.assertContains(response, "private or reserved network")
        self.assertEqual(self.server.requests, [])

    @override_settings(FETCH_ALLOW_LOOPBACK=True)
    def test_the_image_from_the_preview_is_copied_to_the_platform_after_saving(self) -> None:
        image_url = self.server.add("/img/factory.png", body=png(), content_type="image/png")

        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(reverse("content:post_new"), self.data(image_url=image_url))

        post = Post.objects.get()
        self.assertTrue(post.image.name.startswith("posts/"))
        self.assertTrue(post.image.name.endswith(".png"))
        self.assertEqual(post.image.read(), png())
        served = self.client.get(post.image.url)  # by the platform itself
        self.assertEqual(served.getvalue(), png())

    @override_settings(FETCH_ALLOW_LOOPBACK=True)
    def test_an_image_address_that_is_not_an_image_is_not_kept(self) -> None:
        fake = self.server.add("/fake.png", body=b"<html>", content_type="image/png")
        post = post_create(created_by=self.erin, url="https://example.com/", title="T")
        Post.objects.filter(pk=post.pk).update(image_url=fake)

        self.assertFalse(post_image_download(post_id=post.pk, url=fake))

        post.refresh_from_db()
        self.assertFalse(post.image)

    def test_an_image_on_a_private_address_is_never_fetched(self) -> None:
        image_url = self.server.add("/img.png", body=png(), content_type="image/png")
        post = post_create(created_by=self.erin, url="https://example.com/", title="T")
        Post.objects.filter(pk=post.pk).update(image_url=image_url)

        self.assertFalse(post_image_download(post_id=post.pk, url=image_url))

        self.assertEqual(self.server.requests, [])


class ImageUploadTests(PostFormTestCase):
    def test_an_uploaded_image_is_stored_under_a_safe_name_and_shown_in_the_feed(self) -> None:
        upload = SimpleUploadedFile("../../evil name.png", png(), content_type="image/png")

        self.client.post(
            reverse("content:post_new"), self.data(image=upload, publish="", save=None)
        )

        post = Post.objects.get()
        self.assertRegex(post.image.name, r"^posts/[0-9a-f]{32}\.png$")
        self.login(self.alice)
        self.assertContains(self.client.get(reverse("content:feed")), f'src="{post.image.url}"')

    def test_a_file_that_is_not_an_image_is_refused(self) -> None:
        upload = SimpleUploadedFile("photo.png", b"<svg onload=alert(1)>", content_type="image/png")

        response = self.client.post(reverse("content:post_new"), self.data(image=upload))

        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Upload a valid image.")
        self.assertFalse(Post.objects.exists())

    @override_settings(CONTENT_IMAGE_MAX_BYTES=1000)
    def test_an_image_over_the_size_cap_is_refused(self) -> None:
        buffer = io.BytesIO()
        Image.effect_noise((200, 200), 64).convert("RGB").save(buffer, format="PNG")
        upload = SimpleUploadedFile("big.png", buffer.getvalue(), content_type="image/png")

        response = self.client.post(reverse("content:post_new"), self.data(image=upload))

        self.assertContains(response, "The image is larger than")
        self.assertFalse(Post.objects.exists())

    def test_the_current_image_can_be_removed(self) -> None:
        upload = SimpleUploadedFile("a.png", png(), content_type="image/png")
        self.client.post(reverse("content:post_new"), self.data(image=upload))
        post = Post.objects.get()

        self.client.post(reverse("content:post_edit", args=[post.pk]), self.data(clear_image="on"))

        post.refresh_from_db()
        self.assertFalse(post.image)


class FieldTests(PostFormTestCase):
    def test_several_captions_are_kept_each_for_every_network_or_for_one(self) -> None:
        self.client.post(
            reverse("content:post_new"),
            self.data(
                **{
                    "captions-TOTAL_FORMS": "3",
                    "captions-0-network": "",
                    "captions-0-text": "For everyone",
                    "captions-1-network": "x",
                    "captions-1-text": "Short for X",
                    "captions-2-network": "linkedin",
                    "captions-2-text": "",
                }
            ),
        )

        post = Post.objects.get()
        self.assertEqual(
            list(Caption.objects.filter(post=post).order_by("pk").values_list("network", "text")),
            [("", "For everyone"), ("x", "Short for X")],
        )
        page = self.client.get(reverse("content:post_edit", args=[post.pk]))
        self.assertContains(page, "Short for X")

    def test_topics_required_teams_pin_and_expiry_are_saved(self) -> None:
        topic = Topic.objects.create(name="Hiring")
        expires = timezone.localtime() + timedelta(days=3)

        self.client.post(
            reverse("content:post_new"),
            self.data(
                topics=[topic.pk],
                required_teams=[self.sales.pk],
                is_pinned="on",
                expires_at=expires.strftime("%Y-%m-%dT%H:%M"),
            ),
        )

        post = Post.objects.get()
        self.assertEqual(list(post.topics.all()), [topic])
        self.assertEqual(list(post.required_teams.all()), [self.sales])
        self.assertTrue(post.is_pinned)
        self.assertEqual(post.expires_at, expires.replace(second=0, microsecond=0))

    def test_an_expiry_before_publishing_is_refused(self) -> None:
        now = timezone.localtime()

        response = self.client.post(
            reverse("content:post_new"),
            self.data(
                published_at=(now + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"),
                expires_at=(now + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
            ),
        )

        self.assertContains(response, "A post must expire after it is published.")
        self.assertFalse(Post.objects.exists())

    def test_a_link_that_is_not_http_is_refused(self) -> None:
        response = self.client.post(
            reverse("content:post_new"), self.data(url="ftp://example.com/file")
        )

        self.assertContains(response, "Enter a valid URL.")
        self.assertFalse(Post.objects.exists())


@frozen()
class CalendarAndTopicTests(BaseTestCase):
    def test_the_calendar_shows_scheduled_posts_by_day_and_the_empty_days(self) -> None:
        today = timezone.localdate()
        monday = today + timedelta(days=7 - today.weekday())  # next week: nothing else there
        tuesday = timezone.make_aware(datetime.combine(monday + timedelta(days=1), time(10)))
        post = self.make_post(title="Scheduled story")
        Post.objects.filter(pk=post.pk).update(published_at=tuesday)
        draft = self.make_post(title="Planned draft", publish=False)
        Post.objects.filter(pk=draft.pk).update(published_at=tuesday + timedelta(days=1))
        self.login(self.erin)

        response = self.client.get(
            reverse("content:calendar"), {"start": monday.isoformat(), "weeks": "1"}
        )

        self.assertContains(response, "Scheduled story")
        self.assertContains(response, "Planned draft")
        [week] = response.context["weeks"]
        self.assertEqual(week.days[0].day, monday)
        self.assertEqual(
            [day.is_gap for day in week.days], [True, False, True, True, True, True, True]
        )
        self.assertEqual((week.published, week.gaps), (1, 6))
        self.assertContains(response, "Nothing published", count=6)

    def test_the_main_navigation_marks_the_studio_on_studio_pages_only(self) -> None:
        self.login(self.erin)

        calendar = self.client.get(reverse("content:calendar"))
        suggest = self.client.get(reverse("content:suggest"))

        self.assertContains(calendar, 'aria-current="page">Studio</a>')
        self.assertNotContains(suggest, 'aria-current="page">Studio</a>')
        self.assertContains(suggest, 'aria-current="page">Suggest</a>')

    def test_a_bad_calendar_date_falls_back_to_this_week(self) -> None:
        self.login(self.erin)

        response = self.client.get(
            reverse("content:calendar"), {"start": "yesterday", "weeks": "99"}
        )

        self.assertEqual(response.status_code, 200)
        self.assertEqual(len(response.context["weeks"]), 4)

    def test_a_calendar_start_at_the_ends_of_the_calendar_falls_back_to_this_week(self) -> None:
        self.login(self.erin)
        this_week = self.client.get(reverse("content:calendar")).context["weeks"][0].start

        for start in ["0001-01-01", "0001-01-07", "9999-12-31", "2026-02-30"]:
            with self.subTest(start=start):
                response = self.client.get(reverse("content:calendar"), {"start": start})

                self.assertEqual(response.status_code, 200)
                self.assertEqual(response.context["weeks"][0].start, this_week)

    def test_editors_add_and_delete_topics_and_duplicates_are_refused(self) -> None:
        self.login(self.erin)

        self.client.post(reverse("content:topics"), {"name": "  Artificial   intelligence "})
        duplicate = self.client.post(reverse("content:topics"), {"name": "artificial intelligence"})

        topic = Topic.objects.get()
        self.assertEqual(topic.name, "Artificial intelligence")
        self.assertContains(duplicate, "This topic already exists.")
        self.client.post(reverse("content:topic_delete", args=[topic.pk]))
        self.assertFalse(Topic.objects.exists())

    def test_members_get_404_on_the_calendar_and_topics(self) -> None:
        topic = Topic.objects.create(name="AI")
        for person in (self.alice, self.lena, self.vera):
            self.login(person)
            for method, url in (
                ("get", reverse("content:calendar")),
                ("get", reverse("content:topics")),
                ("post", reverse("content:topics")),
                ("post", reverse("content:topic_delete", args=[topic.pk])),
            ):
                with self.subTest(person=person.name, url=url):
                    response = getattr(self.client, method)(url, {"name": "Hijack"})
                    self.assertEqual(response.status_code, 404)
        self.assertEqual(list(Topic.objects.values_list("name", flat=True)), ["AI"])
