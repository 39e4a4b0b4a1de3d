"""Guardrails: every refusal says why and changes nothing."""

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.test import SimpleTestCase, override_settings
from django.urls import reverse
from django.utils import timezone

from passaparola.activity.models import Activity, Verb
from passaparola.content.models import Post
from passaparola.networks.lengths import grapheme_count, mastodon_length, x_length
from passaparola.recognition.models import PointsEntry
from passaparola.sharing.guardrails import blocked_problems, validate_term, within_hours
from passaparola.sharing.models import BlockedTerm, Share, SharingPolicy
from passaparola.sharing.services import (
    blocked_term_create,
    policy_get,
    policy_update,
    share_create,
)
from passaparola.testing import BaseTestCase, leaving_target

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse

SITE = "https://advocacy.example.com"


@override_settings(SITE_URL=SITE, SHORT_LINK_URL="")
class GuardrailTests(BaseTestCase):
    post: Post

    def setUp(self) -> None:
        super().setUp()
        self.post = self.make_post()
        self.login(self.alice)

    def share(self, network: str = "x", text: str = "A fine read", **data: str) -> "TestResponse":
        return self.client.post(
            reverse("sharing:share", args=[self.post.pk, network]), {"text": text, **data}
        )

    def block(self, kind: str, pattern: str, reason: str = "we do not name competitors") -> None:
        blocked_term_create(kind=kind, pattern=pattern, reason=reason, by=self.adam)

    def assert_refused(self, response: "TestResponse", *messages: str) -> None:
        for message in messages:
            self.assertContains(response, message, status_code=400)
        self.assertFalse(Share.objects.exists())
        self.assertFalse(Activity.objects.filter(verb=Verb.SHARE_CREATED).exists())
        self.assertFalse(PointsEntry.objects.exists())

    def test_a_blocked_word_is_refused_with_its_reason(self) -> None:
        self.block("word", "Globex")

        response = self.share(text="Better than GLOBEX, for sure")

        self.assert_refused(response, "“Globex” may not be shared: we do not name competitors")

    def test_a_blocked_word_only_matches_whole_words(self) -> None:
        self.block("word", "Globex")

        response = self.share(text="Visit Globexville today")

        leaving_target(response)

    def test_a_blocked_phrase_matches_across_spacing_and_case(self) -> None:
        self.block("phrase", "Project Falcon", reason="it is confidential")

        response = self.share(text="Sneak peek at project\n  FALCON!")

        self.assert_refused(response, "it is confidential")

    def test_a_blocked_pattern_is_refused(self) -> None:
        self.block("pattern", r"\bQ[1-4] (results|earnings)\b", reason="quiet period")

        response = self.share(text="Our q3 earnings look great")

        self.assert_refused(response, "a blocked pattern", "quiet period")

    def test_invisible_characters_do_not_sneak_a_word_through(self) -> None:
        self.block("word", "Globex")

        response = self.share(text="Glo\u200bbex is worse")

        self.assert_refused(response, "we do not name competitors")

    def test_a_text_over_the_x_limit_is_refused_counting_the_link_as_23(self) -> None:
        fits = "a" * (280 - 24)  # text, a space and the 23-character link

        leaving_target(self.share(text=fits))
        Share.objects.all().delete()
        PointsEntry.objects.all().delete()
        Activity.objects.all().delete()
        response = self.share(text=fits + "b")

        self.assert_refused(response, "X allows 280 characters and your text takes 281")

    def test_bluesky_counts_graphemes_so_an_emoji_family_is_one(self) -> None:
        link_length = len(f"{SITE}/s/") + 10 + 1
        accented = "e\u0301"  # two code points, one grapheme
        fits = "👩\u200d👩\u200d👧\u200d👦" + accented * (300 - link_length - 1)

        leaving_target(self.share("bluesky", text=fits))
        response = self.share("bluesky", text=fits + accented)

        self.assertContains(response, "Bluesky allows 300 characters", status_code=400)
        self.assertEqual(Share.objects.count(), 1)

    def test_the_daily_cap_refuses_one_share_too_many(self) -> None:
        policy_update(policy=policy_get(), fields={"daily_cap": 2})
        self.share("x")
        self.share("linkedin")

        response = self.share("bluesky")

        self.assertContains(response, "today&#x27;s limit of 2 shares", status_code=400)
        self.assertEqual(Share.objects.count(), 2)
        self.assertFalse(Share.objects.filter(network="bluesky").exists())

    def test_the_daily_cap_is_per_person(self) -> None:
        policy_update(policy=policy_get(), fields={"daily_cap": 1})
        share_create(person=self.bob, post=self.post, network="x", text="hi")

        response = self.share("x")

        leaving_target(response)

    def test_the_weekly_cap_counts_earlier_days_of_the_week(self) -> None:
        policy_update(policy=policy_get(), fields={"weekly_cap": 2})
        start_of_week = timezone.localtime().replace(hour=0, minute=1) - timedelta(
            days=timezone.localtime().weekday()
        )
        share_create(person=self.alice, post=self.post, network="x", text="a", at=start_of_week)
        share_create(
            person=self.alice, post=self.post, network="linkedin", text="b", at=start_of_week
        )

        response = self.share("bluesky")

        self.assertContains(response, "this week&#x27;s limit of 2 shares", status_code=400)

    def test_sharing_outside_the_hours_is_refused(self) -> None:
        now = timezone.localtime()
        policy_update(
            policy=policy_get(),
            fields={
                "hours_start": (now + timedelta(hours=2)).time().replace(second=0, microsecond=0),
                "hours_end": (now + timedelta(hours=3)).time().replace(second=0, microsecond=0),
            },
        )

        response = self.share("x")

        self.assert_refused(response, "Sharing is open from")

    def test_many_identical_captions_get_a_nudge_that_can_be_accepted(self) -> None:
        policy_update(policy=policy_get(), fields={"identical_threshold": 2})
        for person in (self.bob, self.charlie):
            share_create(
                person=person,
                post=self.post,
                network="x",
                text="Proud of this!  https://a.example/x",
            )

        nudged = self.share("x", text="proud of THIS! ")

        self.assertContains(
            nudged, "2 colleagues already shared these exact words", status_code=400
        )
        self.assertContains(nudged, 'name="accept_nudges" value="1"', status_code=400)
        self.assertFalse(Share.objects.filter(person=self.alice).exists())

        accepted = self.share("x", text="proud of THIS! ", accept_nudges="1")

        leaving_target(accepted)
        self.assertTrue(Share.objects.filter(person=self.alice).exists())

    def test_the_identical_caption_nudge_ignores_the_disclosure_wherever_it_stands(self) -> None:
        policy_update(policy=policy_get(), fields={"identical_threshold": 2})
        # Bob shared before the programme asked for a disclosure, Charlie put it first.
        share_create(person=self.bob, post=self.post, network="x", text="Proud of this!")
        policy_update(policy=policy_get(), fields={"disclosure": "#Ad"})
        share_create(person=self.charlie, post=self.post, network="x", text="#ad Proud of this!")

        nudged = self.share("x", text="Proud of this!")

        self.assertContains(
            nudged, "2 colleagues already shared these exact words", status_code=400
        )
        leaving_target(self.share("x", text="Proud of this! #adventure"))

    def test_a_nudge_does_not_override_a_block(self) -> None:
        self.block("word", "Globex")

        response = self.share(text="Globex", accept_nudges="1")

        self.assert_refused(response, "we do not name competitors")

    def test_the_composer_check_shows_problems_and_counts(self) -> None:
        self.block("word", "Globex")

        response = self.client.post(
            reverse("sharing:check", args=[self.post.pk]),
            {"text": "Globex " + "é" * 300, "hashtags": "jobs"},
            headers={"HX-Request": "true"},
        )

        self.assertContains(response, "we do not name competitors")
        # 307 characters of text, "\n\n#jobs" (7), a space and 23 for the link on X.
        self.assertContains(
            response, 'id="count-x" data-count hx-swap-oob="true" class="error">338<'
        )
        self.assertFalse(Share.objects.exists())

    def test_the_check_is_only_for_people_who_may_see_the_post(self) -> None:
        restricted = self.make_post(teams=[self.support])

        response = self.client.post(reverse("sharing:check", args=[restricted.pk]), {"text": "x"})

        self.assertEqual(response.status_code, 404)


class TermValidationTests(SimpleTestCase):
    def test_an_invalid_regular_expression_is_refused(self) -> None:
        with self.assertRaisesMessage(ValidationError, "not a valid regular expression"):
            validate_term("pattern", "(unclosed")

    def test_nested_repetition_is_refused(self) -> None:
        with self.assertRaisesMessage(ValidationError, "Nested repetition"):
            validate_term("pattern", r"(a+)+$")

    def test_a_pattern_matching_everything_is_refused(self) -> None:
        with self.assertRaisesMessage(ValidationError, "matches an empty text"):
            validate_term("pattern", r"x*")

    def test_a_slow_pattern_is_refused(self) -> None:
        with self.assertRaisesMessage(ValidationError, "too long to check"):
            validate_term("pattern", r"(a|aa)+$")

    def test_a_word_with_spaces_must_be_a_phrase(self) -> None:
        with self.assertRaisesMessage(ValidationError, "choose “Phrase”"):
            validate_term("word", "two words")

    def test_a_reasonable_pattern_is_accepted_and_then_blocks_what_it_names(self) -> None:
        pattern = r"\bproject\s+(falcon|eagle)\b"
        term = BlockedTerm(kind=BlockedTerm.Kind.PATTERN, pattern=pattern, reason="confidential")

        validate_term("pattern", pattern)  # raises ValidationError when refused

        found = blocked_problems("A peek at Project   EAGLE soon", [term])
        self.assertEqual(
            [str(problem.message) for problem in found],
            ["“a blocked pattern” may not be shared: confidential"],
        )
        self.assertEqual(blocked_problems("Projects and eagles are fine", [term]), [])


class LengthTests(SimpleTestCase):
    def test_graphemes_count_zwj_sequences_flags_and_combining_marks_once(self) -> None:
        self.assertEqual(grapheme_count("👩‍👩‍👧‍👦"), 1)
        self.assertEqual(grapheme_count("🇮🇹🇳🇱"), 2)
        self.assertEqual(grapheme_count("e\u0301"), 1)
        self.assertEqual(grapheme_count("👍🏽"), 1)
        self.assertEqual(grapheme_count("नमस्ते"), 3)

    def test_x_counts_links_as_23_and_wide_characters_and_emoji_as_2(self) -> None:
        self.assertEqual(x_length("hello https://example.com/a/very/long/path?with=query"), 6 + 23)
        self.assertEqual(x_length("日本"), 4)
        self.assertEqual(x_length("👩‍👩‍👧‍👦"), 2)
        self.assertEqual(x_length("café"), 4)

    def test_mastodon_counts_links_as_23(self) -> None:
        self.assertEqual(mastodon_length("hi https://example.com/" + "a" * 100), 3 + 23)


class HoursTests(SimpleTestCase):
    def policy(self, **fields: object) -> SharingPolicy:
        return SharingPolicy(**fields)

    def test_hours_across_midnight(self) -> None:
        from datetime import time

        policy = self.policy(hours_start=time(22), hours_end=time(6))
        at = datetime(2026, 11, 24, 23, 30, tzinfo=timezone.get_current_timezone())

        self.assertTrue(within_hours(policy, at))
        self.assertFalse(within_hours(policy, at.replace(hour=12)))

    def test_weekends_can_be_closed(self) -> None:
        policy = self.policy(weekends=False)
        saturday = datetime(2026, 11, 28, 10, tzinfo=timezone.get_current_timezone())

        self.assertFalse(within_hours(policy, saturday))
        self.assertTrue(within_hours(policy, saturday.replace(day=27)))
