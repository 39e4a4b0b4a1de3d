"""Employee suggestions: proposed by anyone, accepted or declined by editors, the person told."""

from django.core import mail
from django.urls import reverse

from passaparola.activity.models import Activity, Verb
from passaparola.content.models import Post, Suggestion
from passaparola.content.services import suggestion_create
from passaparola.testing import BaseTestCase


class SuggestTests(BaseTestCase):
    def test_a_member_suggests_a_link_and_it_is_recorded_as_an_activity(self) -> None:
        self.login(self.alice)

        response = self.client.post(
            reverse("content:suggest"),
            {"url": "https://example.com/great-article", "text": "Our team is quoted here."},
        )

        self.assertRedirects(response, reverse("content:suggest"))
        suggestion = Suggestion.objects.get()
        self.assertEqual(suggestion.person, self.alice)
        self.assertEqual(suggestion.state, Suggestion.State.PENDING)
        self.assertTrue(
            Activity.objects.filter(person=self.alice, verb=Verb.SUGGESTION_MADE).exists()
        )
        page = self.client.get(reverse("content:suggest"))
        self.assertContains(page, "https://example.com/great-article")
        self.assertContains(page, "Waiting for an editor")

    def test_a_text_alone_is_a_suggestion_too(self) -> None:
        self.login(self.bob)

        self.client.post(reverse("content:suggest"), {"url": "", "text": "We hit 1,000 customers!"})

        self.assertEqual(Suggestion.objects.get().text, "We hit 1,000 customers!")

    def test_an_empty_or_bad_suggestion_shows_the_form_again_and_records_nothing(self) -> None:
        self.login(self.alice)

        empty = self.client.post(reverse("content:suggest"), {"url": "", "text": "  "})
        bad = self.client.post(reverse("content:suggest"), {"url": "javascript:alert(1)"})

        self.assertContains(empty, "Give a link, a text, or both.")
        self.assertContains(bad, "Enter a valid URL.")
        self.assertFalse(Suggestion.objects.exists())
        self.assertFalse(Activity.objects.filter(verb=Verb.SUGGESTION_MADE).exists())

    def test_people_see_only_their_own_suggestions(self) -> None:
        suggestion_create(person=self.bob, url="https://example.com/bobs-idea")
        self.login(self.alice)

        self.assertNotContains(self.client.get(reverse("content:suggest")), "bobs-idea")

    def test_the_suggest_page_requires_login(self) -> None:
        response = self.client.get(reverse("content:suggest"))

        self.assertEqual(response.status_code, 302)


class DecideTests(BaseTestCase):
    def setUp(self) -> None:
        self.alice.language = "it"
        self.alice.save(update_fields=["language"])
        self.suggestion = suggestion_create(
            person=self.alice, url="https://example.com/idea", text="Worth a read"
        )

    def test_an_editor_accepts_a_suggestion_into_a_draft_crediting_the_person(self) -> None:
        self.login(self.erin)

        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(
                reverse("content:suggestion_accept", args=[self.suggestion.pk])
            )

        post = Post.objects.get()
        self.assertRedirects(response, reverse("content:post_edit", args=[post.pk]))
        self.assertEqual(
            (post.state, post.suggested_by, post.url),
            ("draft", self.alice, "https://example.com/idea"),
        )
        self.assertEqual([c.text for c in post.captions.all()], ["Worth a read"])
        self.suggestion.refresh_from_db()
        self.assertEqual((self.suggestion.state, self.suggestion.post), ("accepted", post))
        self.assertTrue(
            Activity.objects.filter(
                person=self.alice, verb=Verb.SUGGESTION_ACCEPTED, post=post
            ).exists()
        )
        self.assertEqual(len(mail.outbox), 1)
        self.assertEqual(mail.outbox[0].to, ["alice@example.org"])
        self.assertIn("https://example.com/idea", mail.outbox[0].body)

    def test_the_published_post_shows_who_suggested_it(self) -> None:
        self.login(self.erin)
        self.client.post(reverse("content:suggestion_accept", args=[self.suggestion.pk]))
        post = Post.objects.get()
        post_data = {
            "url": post.url,
            "title": "An idea from Alice",
            "content_type": post.content_type,
            "audience": post.audience,
            "captions-TOTAL_FORMS": "0",
            "captions-INITIAL_FORMS": "0",
            "publish": "",
        }
        self.client.post(reverse("content:post_edit", args=[post.pk]), post_data)
        self.login(self.bob)

        self.assertContains(self.client.get(reverse("content:feed")), "Suggested by Alice Example")

    def test_declining_needs_a_reason_and_tells_the_person_why(self) -> None:
        self.login(self.erin)

        with self.captureOnCommitCallbacks(execute=True):
            without = self.client.post(
                reverse("content:suggestion_decline", args=[self.suggestion.pk]), {"reason": ""}
            )
        self.suggestion.refresh_from_db()
        self.assertEqual(self.suggestion.state, Suggestion.State.PENDING)
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(
                reverse("content:suggestion_decline", args=[self.suggestion.pk]),
                {"reason": "We covered this last week."},
            )

        self.assertEqual(without.status_code, 302)
        self.suggestion.refresh_from_db()
        self.assertEqual(self.suggestion.state, Suggestion.State.DECLINED)
        self.assertFalse(Post.objects.exists())
        self.assertEqual(len(mail.outbox), 1)
        self.assertIn("We covered this last week.", mail.outbox[0].body)
        [(html, _type)] = mail.outbox[0].alternatives  # type: ignore[union-attr]
        self.assertIn("We covered this last week.", str(html))
        self.login(self.alice)
        self.assertContains(
            self.client.get(reverse("content:suggest")), "We covered this last week."
        )

    def test_a_suggestion_is_decided_only_once(self) -> None:
        self.login(self.erin)
        self.client.post(reverse("content:suggestion_accept", args=[self.suggestion.pk]))

        response = self.client.post(
            reverse("content:suggestion_decline", args=[self.suggestion.pk]),
            {"reason": "Changed my mind"},
            follow=True,
        )

        self.assertContains(response, "This suggestion was already decided.")
        self.suggestion.refresh_from_db()
        self.assertEqual(self.suggestion.state, Suggestion.State.ACCEPTED)

    def test_editors_see_waiting_suggestions(self) -> None:
        self.login(self.erin)

        page = self.client.get(reverse("content:suggestions"))

        self.assertContains(page, "From Alice Example")
        self.assertContains(page, "Worth a read")

    def test_people_who_do_not_edit_content_get_404_on_deciding(self) -> None:
        for person in (self.alice, self.bob, self.lena, self.vera):
            self.login(person)
            for url in (
                reverse("content:suggestions"),
                reverse("content:suggestion_accept", args=[self.suggestion.pk]),
                reverse("content:suggestion_decline", args=[self.suggestion.pk]),
            ):
                with self.subTest(person=person.name, url=url):
                    response = self.client.post(url, {"reason": "no"})
                    self.assertEqual(response.status_code, 404)
        self.suggestion.refresh_from_db()
        self.assertEqual(self.suggestion.state, Suggestion.State.PENDING)
        self.assertEqual(mail.outbox, [])
