"""Reading a post is recorded by a small POST from the page, once per person, post and day."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from passaparola.activity.models import Activity, Verb
from passaparola.content.models import Post
from passaparola.recognition.selectors import journey_stages
from passaparola.recognition.services import journey_settings_get
from passaparola.testing import BaseTestCase
from passaparola.testing.clock import frozen


def views_of(person_id: int) -> int:
    return Activity.objects.filter(person_id=person_id, verb=Verb.POST_VIEWED).count()


@frozen()
class PostViewTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.post = self.make_post()
        self.beacon = reverse("content:post_viewed", args=[self.post.pk])
        self.login(self.alice)

    def test_opening_the_page_writes_nothing_and_carries_the_beacon(self) -> None:
        page = self.client.get(reverse("content:post", args=[self.post.pk]))

        self.assertContains(page, f'hx-post="{self.beacon}" hx-trigger="load"')
        self.assertContains(page, 'name="csrfmiddlewaretoken"')
        self.assertEqual(views_of(self.alice.pk), 0)

    def test_the_beacon_records_one_view_per_person_post_and_day(self) -> None:
        first = self.client.post(self.beacon)
        self.client.post(self.beacon)

        self.assertEqual(first.status_code, 204)
        self.assertEqual(views_of(self.alice.pk), 1)
        with frozen(timezone.now() + timedelta(days=1)):
            self.client.post(self.beacon)
        self.assertEqual(views_of(self.alice.pk), 2)
        self.login(self.bob)
        self.client.post(self.beacon)
        self.assertEqual(views_of(self.bob.pk), 1)

    def test_the_beacon_needs_a_post_request_and_the_csrf_token(self) -> None:
        self.assertEqual(self.client.get(self.beacon).status_code, 405)
        self.client.handler.enforce_csrf_checks = True

        self.assertEqual(self.client.post(self.beacon).status_code, 403)
        self.assertEqual(views_of(self.alice.pk), 0)

    def test_the_beacon_of_a_post_one_may_not_read_answers_404(self) -> None:
        hidden = self.make_post(title="Support only", teams=[self.support])
        archived = self.make_post(title="Old")
        Post.objects.filter(pk=archived.pk).update(state=Post.State.ARCHIVED)

        for post in (hidden, archived):
            with self.subTest(post=post.title):
                response = self.client.post(reverse("content:post_viewed", args=[post.pk]))
                self.assertEqual(response.status_code, 404)
        self.assertEqual(views_of(self.alice.pk), 0)

    def test_a_reported_view_makes_the_person_a_reader_on_the_journey(self) -> None:
        self.client.post(self.beacon)

        with frozen(timezone.now() + timedelta(minutes=1)):
            stages = journey_stages(journey_settings_get())

        self.assertEqual(stages[self.alice.pk], "reader")
