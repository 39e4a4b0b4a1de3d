"""Badges: earned by rules, once each, from a catalogue the programme manager edits."""

import io
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from passaparola.activity.models import Verb
from passaparola.notifications.models import Notification
from passaparola.people.models import Person
from passaparola.recognition.listener import activities_process
from passaparola.recognition.models import Badge, BadgeAward
from passaparola.recognition.services import (
    badge_create,
    badge_update,
    badges_award,
    badges_create_defaults,
)
from passaparola.recognition.tests.helpers import act
from passaparola.testing import BaseTestCase
from passaparola.testing.clock import frozen


def png(size: tuple[int, int] = (64, 64)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, "#1f6feb").save(buffer, "PNG")
    return SimpleUploadedFile("badge.png", buffer.getvalue(), content_type="image/png")


def earned(person: Person) -> set[str]:
    return set(BadgeAward.objects.filter(person=person).values_list("badge__slug", flat=True))


@frozen()
class BadgeRuleTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        badges_create_defaults()

    def test_the_catalogue_starts_with_the_built_in_badges(self) -> None:
        self.assertEqual(
            set(Badge.objects.values_list("slug", flat=True)),
            {
                "first-share",
                "first-visit",
                "ten-shares",
                "joined-the-conversation",
                "hundred-visits",
                "first-lead",
                "five-networks",
                "four-week-streak",
                "content-creator",
            },
        )
        self.assertEqual(badges_create_defaults(), 0)

    def test_a_first_share_earns_the_first_share_badge_once(self) -> None:
        act(self.alice, Verb.SHARE_CREATED, network="linkedin")

        activities_process()
        act(self.alice, Verb.SHARE_CREATED, network="linkedin")
        activities_process()

        self.assertEqual(earned(self.alice), {"first-share"})
        self.assertEqual(Notification.objects.filter(person=self.alice, kind="badge").count(), 1)
        self.assertEqual(earned(self.bob), set())

    def test_the_database_refuses_a_second_award_of_a_badge(self) -> None:
        badge = Badge.objects.get(slug="first-share")
        BadgeAward.objects.create(person=self.alice, badge=badge)

        with self.assertRaises(IntegrityError), transaction.atomic():
            BadgeAward.objects.create(person=self.alice, badge=badge)

    def test_each_rule_counts_its_own_activity(self) -> None:
        act(self.alice, Verb.SHARE_CREATED, 10, network="linkedin")
        for network in ("x", "facebook", "email", "whatsapp"):
            act(self.alice, Verb.SHARE_CREATED, network=network)
        act(self.alice, Verb.CLICK_RECEIVED, 100)
        act(self.alice, Verb.CONVERSION)
        act(self.alice, Verb.COMMENT)
        act(self.alice, Verb.SUGGESTION_ACCEPTED)

        badges_award(person=self.alice)

        self.assertEqual(
            earned(self.alice),
            {
                "first-share",
                "first-visit",
                "ten-shares",
                "joined-the-conversation",
                "hundred-visits",
                "first-lead",
                "five-networks",
                "content-creator",
            },
        )

    def test_four_weeks_in_a_row_earn_the_streak_badge(self) -> None:
        now = timezone.now()
        for weeks in (0, 1, 2):
            act(self.alice, Verb.SHARE_CREATED, at=now - timedelta(weeks=weeks), network="x")
        badges_award(person=self.alice)
        self.assertNotIn("four-week-streak", earned(self.alice))

        act(self.alice, Verb.SHARE_CREATED, at=now - timedelta(weeks=3), network="x")
        badges_award(person=self.alice)

        self.assertIn("four-week-streak", earned(self.alice))

    def test_a_retired_badge_is_no_longer_earned(self) -> None:
        Badge.objects.filter(slug="first-share").update(is_active=False)
        act(self.alice, Verb.SHARE_CREATED, network="x")

        activities_process()

        self.assertNotIn("first-share", earned(self.alice))

    def test_a_points_badge_counts_points_earned(self) -> None:
        from passaparola.recognition.services import points_award

        Badge.objects.create(slug="hundred-points", name="100", rule="points", threshold=100)
        points_award(person=self.alice, action="share", points=100, key="k")

        badges_award(person=self.alice)

        self.assertIn("hundred-points", earned(self.alice))


@frozen()
class BadgePageTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        badges_create_defaults()

    def test_a_person_sees_earned_badges_and_those_still_ahead(self) -> None:
        BadgeAward.objects.create(person=self.alice, badge=Badge.objects.get(slug="first-share"))
        self.login(self.alice)

        response = self.client.get(reverse("recognition:badges"))

        page = response.content.decode()
        self.assertIn('<li class="badge-card earned" data-badge="first-share">', page)
        self.assertIn('<li class="badge-card ahead" data-badge="ten-shares">', page)
        self.assertIn("First share", page)
        self.assertIn("/static/recognition/badges/first-share.svg", page)

    def test_a_teammate_does_not_see_someone_elses_badges_as_theirs(self) -> None:
        BadgeAward.objects.create(person=self.alice, badge=Badge.objects.get(slug="first-share"))
        self.login(self.bob)

        page = self.client.get(reverse("recognition:badges")).content.decode()

        self.assertNotIn('class="badge-card earned"', page)


@frozen()
class BadgeCatalogueTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        badges_create_defaults()

    def new_badge(self, **data: object) -> object:
        fields = {
            "slug": "webinar-host",
            "name": "Webinar host",
            "description": "Shared five event posts",
            "rule": "shares",
            "threshold": "5",
            "default_image": "badge.svg",
            "is_active": "on",
            "position": "200",
        }
        fields.update(data)  # type: ignore[arg-type]
        return self.client.post(reverse("recognition:badge_new"), fields)

    def test_only_the_programme_manager_opens_the_catalogue(self) -> None:
        badge = Badge.objects.get(slug="first-share")
        pages = [
            reverse("recognition:badge_catalogue"),
            reverse("recognition:badge_new"),
            reverse("recognition:badge_edit", args=[badge.pk]),
        ]
        for person, status in [
            (self.adam, 200),
            (self.alice, 404),
            (self.lena, 404),
            (self.erin, 404),
            (self.vera, 404),
        ]:
            self.login(person)
            for url in pages:
                self.assertEqual(self.client.get(url).status_code, status, (person, url))

    def test_a_member_cannot_add_or_change_a_badge(self) -> None:
        badge = Badge.objects.get(slug="first-share")
        self.login(self.alice)

        created = self.new_badge()
        changed = self.client.post(
            reverse("recognition:badge_edit", args=[badge.pk]),
            {"slug": "first-share", "rule": "shares", "threshold": "99"},
        )

        self.assertEqual((created.status_code, changed.status_code), (404, 404))  # type: ignore[attr-defined]
        self.assertFalse(Badge.objects.filter(slug="webinar-host").exists())
        self.assertEqual(Badge.objects.get(slug="first-share").threshold, 1)

    def test_the_manager_adds_a_badge_with_an_uploaded_image_the_platform_serves(self) -> None:
        self.login(self.adam)

        response = self.new_badge(image=png())

        self.assertRedirects(response, reverse("recognition:badge_catalogue"))  # type: ignore[arg-type]
        badge = Badge.objects.get(slug="webinar-host")
        self.assertEqual((badge.rule, badge.threshold), ("shares", 5))
        self.assertTrue(badge.image.name.startswith("badges/"))
        served = self.client.get(badge.image.url)
        self.assertEqual(served.status_code, 200)
        self.assertEqual(b"".join(served.streaming_content)[:8], b"\x89PNG\r\n\x1a\n")  # type: ignore[attr-defined]

    def test_a_replaced_badge_image_is_deleted_only_once_the_change_is_committed(self) -> None:
        badge = badge_create(
            fields={"slug": "host", "rule": "shares", "threshold": 5, "image": png()}
        )
        old = badge.image.name
        storage = badge.image.storage

        with (
            self.captureOnCommitCallbacks(execute=True),
            self.assertRaises(RuntimeError),
            transaction.atomic(),
        ):
            badge_update(badge=Badge.objects.get(pk=badge.pk), fields={"image": png()})
            raise RuntimeError("the request failed later")
        self.assertEqual(Badge.objects.get(pk=badge.pk).image.name, old)
        self.assertTrue(storage.exists(old), "a rolled-back change keeps the file")

        with self.captureOnCommitCallbacks(execute=True):
            badge_update(badge=Badge.objects.get(pk=badge.pk), fields={"image": png()})
            self.assertTrue(storage.exists(old), "deleted before the commit")
        self.assertFalse(storage.exists(old))
        self.assertTrue(storage.exists(Badge.objects.get(pk=badge.pk).image.name))

    def test_a_file_that_is_not_an_image_is_refused_with_a_message(self) -> None:
        self.login(self.adam)
        fake = SimpleUploadedFile("badge.png", b"<svg onload=alert(1)>", content_type="image/png")

        response = self.new_badge(image=fake)

        self.assertEqual(response.status_code, 200)  # type: ignore[attr-defined]
        self.assertContains(response, "Upload a valid image.")  # type: ignore[arg-type]
        self.assertFalse(Badge.objects.filter(slug="webinar-host").exists())

    def test_an_image_too_large_is_refused(self) -> None:
        self.login(self.adam)

        response = self.new_badge(image=png((2000, 20)))

        self.assertContains(response, "The image must be at most 1024 by 1024 pixels.")  # type: ignore[arg-type]
        self.assertFalse(Badge.objects.filter(slug="webinar-host").exists())

    def test_a_badge_without_a_name_is_refused_unless_it_is_built_in(self) -> None:
        self.login(self.adam)

        response = self.new_badge(name="")

        self.assertContains(response, "Give the badge a name.")  # type: ignore[arg-type]

    def test_the_manager_changes_a_threshold_and_retires_a_badge(self) -> None:
        badge = Badge.objects.get(slug="ten-shares")
        self.login(self.adam)

        response = self.client.post(
            reverse("recognition:badge_edit", args=[badge.pk]),
            {
                "slug": "ten-shares",
                "name": "",
                "description": "",
                "rule": "shares",
                "threshold": "12",
                "default_image": "ten-shares.svg",
                "position": "30",
            },
        )

        self.assertRedirects(response, reverse("recognition:badge_catalogue"))
        badge.refresh_from_db()
        self.assertEqual((badge.threshold, badge.is_active), (12, False))

    def test_a_removed_built_in_badge_can_be_restored(self) -> None:
        Badge.objects.filter(slug="first-lead").delete()
        self.login(self.adam)

        response = self.client.post(reverse("recognition:badge_defaults"))

        self.assertRedirects(response, reverse("recognition:badge_catalogue"))
        self.assertTrue(Badge.objects.filter(slug="first-lead").exists())
