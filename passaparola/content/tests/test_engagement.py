"""Reactions and comments: colleagues who can see a post engage with it, through htmx."""

from typing import Any

from django.urls import reverse

from passaparola.activity.models import Activity, Verb
from passaparola.content.models import Comment, Reaction
from passaparola.content.services import comment_create
from passaparola.testing import BaseTestCase

HTMX = {"HX-Request": "true"}


class ReactionTests(BaseTestCase):
    def setUp(self) -> None:
        self.post = self.make_post(title="Sales kick-off", teams=[self.sales])

    def test_a_teammate_reacts_and_gets_the_new_bar_without_a_full_page(self) -> None:
        self.login(self.alice)

        response = self.client.post(
            reverse("content:post_react", args=[self.post.pk]), {"kind": "celebrate"}, headers=HTMX
        )

        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, "<html")
        self.assertContains(response, 'aria-pressed="true"', count=1)
        self.assertTrue(
            Reaction.objects.filter(post=self.post, person=self.alice, kind="celebrate").exists()
        )
        self.assertEqual(
            Activity.objects.filter(person=self.alice, verb=Verb.REACTION, post=self.post).count(),
            1,
        )

    def test_reacting_again_takes_the_reaction_back_and_records_no_second_activity(self) -> None:
        self.login(self.alice)
        url = reverse("content:post_react", args=[self.post.pk])

        self.client.post(url, {"kind": "like"}, headers=HTMX)
        self.client.post(url, {"kind": "like"}, headers=HTMX)
        self.client.post(url, {"kind": "like"}, headers=HTMX)

        self.assertEqual(Reaction.objects.filter(person=self.alice).count(), 1)
        self.assertEqual(Activity.objects.filter(verb=Verb.REACTION).count(), 1)
        self.client.post(url, {"kind": "like"}, headers=HTMX)
        self.assertFalse(Reaction.objects.exists())

    def test_colleagues_see_the_counts(self) -> None:
        for person in (self.alice, self.bob):
            self.login(person)
            self.client.post(reverse("content:post_react", args=[self.post.pk]), {"kind": "like"})
        self.login(self.lena)

        page = self.client.get(reverse("content:post", args=[self.post.pk]))

        self.assertContains(page, "Like</span> 2")

    def test_an_outsider_cannot_react_to_another_teams_post(self) -> None:
        self.login(self.charlie)

        response = self.client.post(
            reverse("content:post_react", args=[self.post.pk]), {"kind": "like"}, headers=HTMX
        )

        self.assertEqual(response.status_code, 404)
        self.assertFalse(Reaction.objects.exists())

    def test_nobody_reacts_to_a_draft(self) -> None:
        draft = self.make_post(title="Draft", publish=False)
        for person in (self.alice, self.erin):
            self.login(person)
            response = self.client.post(
                reverse("content:post_react", args=[draft.pk]), {"kind": "like"}
            )
            self.assertEqual(response.status_code, 404)
        self.assertFalse(Reaction.objects.exists())

    def test_an_unknown_reaction_changes_nothing(self) -> None:
        self.login(self.alice)

        response = self.client.post(
            reverse("content:post_react", args=[self.post.pk]), {"kind": "angry"}, headers=HTMX
        )

        self.assertEqual(response.status_code, 200)
        self.assertFalse(Reaction.objects.exists())

    def test_reacting_needs_a_post_request(self) -> None:
        self.login(self.alice)

        response = self.client.get(reverse("content:post_react", args=[self.post.pk]))

        self.assertEqual(response.status_code, 405)


class CommentTests(BaseTestCase):
    def setUp(self) -> None:
        self.post = self.make_post(title="Sales kick-off", teams=[self.sales])

    def comment(self, text: str) -> Any:
        return self.client.post(
            reverse("content:post_comment", args=[self.post.pk]), {"text": text}, headers=HTMX
        )

    def test_a_teammate_comments_and_the_list_comes_back_without_a_full_page(self) -> None:
        self.login(self.alice)

        response = self.comment("Great news for the team!")

        self.assertContains(response, "Great news for the team!")
        self.assertNotContains(response, "<html")
        comment = Comment.objects.get()
        self.assertEqual((comment.person, comment.post), (self.alice, self.post))
        self.assertTrue(
            Activity.objects.filter(person=self.alice, verb=Verb.COMMENT, post=self.post).exists()
        )
        self.login(self.bob)
        self.assertContains(
            self.client.get(reverse("content:post", args=[self.post.pk])),
            "Great news for the team!",
        )

    def test_markup_is_removed_from_comments(self) -> None:
        self.login(self.alice)

        response = self.comment(
            '<script>alert("x")</script><b>Bold</b> <img src=x onerror=alert(1)>move'
        )

        self.assertEqual(Comment.objects.get().text, "Bold move")
        self.assertNotContains(response, "<script>alert")
        self.assertNotContains(response, "onerror")

    def test_angle_brackets_people_type_are_shown_as_text(self) -> None:
        self.login(self.alice)

        response = self.comment("2 < 3 and 5 > 4")

        self.assertContains(response, "2 &lt; 3 and 5 &gt; 4")

    def test_a_comment_that_is_too_long_or_only_markup_is_refused(self) -> None:
        self.login(self.alice)

        long = self.comment("x" * 1001)
        markup = self.comment("<b></b>")

        self.assertContains(long, "at most 1000 characters")
        self.assertContains(markup, "Write a few words.")
        self.assertFalse(Comment.objects.exists())

    def test_an_outsider_can_neither_read_nor_write_comments_on_another_teams_post(self) -> None:
        comment_create(post=self.post, person=self.alice, text="Internal detail")
        self.login(self.charlie)

        page = self.client.get(reverse("content:post", args=[self.post.pk]))
        response = self.comment("Hello from support")

        self.assertEqual(page.status_code, 404)
        self.assertNotContains(page, "Internal detail", status_code=404)
        self.assertEqual(response.status_code, 404)
        self.assertEqual(Comment.objects.count(), 1)

    def test_people_remove_their_own_comments_but_not_others(self) -> None:
        mine = comment_create(post=self.post, person=self.alice, text="Mine")
        theirs = comment_create(post=self.post, person=self.bob, text="Theirs")
        self.login(self.alice)

        other = self.client.post(reverse("content:comment_remove", args=[theirs.pk]), headers=HTMX)
        own = self.client.post(reverse("content:comment_remove", args=[mine.pk]), headers=HTMX)

        self.assertEqual(other.status_code, 404)
        self.assertContains(own, "Theirs")
        self.assertEqual(list(Comment.objects.values_list("text", flat=True)), ["Theirs"])

    def test_removing_a_comment_on_a_post_no_longer_visible_shows_nothing_else(self) -> None:
        mine = comment_create(post=self.post, person=self.alice, text="Mine")
        comment_create(post=self.post, person=self.bob, text="Sales only detail")
        self.post.teams.set([self.support])
        self.login(self.alice)

        response = self.client.post(reverse("content:comment_remove", args=[mine.pk]), headers=HTMX)

        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, "Sales only detail")
        self.assertFalse(Comment.objects.filter(pk=mine.pk).exists())

    def test_editors_remove_any_comment(self) -> None:
        comment = comment_create(post=self.post, person=self.bob, text="Off topic")
        self.login(self.erin)

        response = self.client.post(reverse("content:comment_remove", args=[comment.pk]))

        self.assertRedirects(response, reverse("content:post", args=[self.post.pk]))
        self.assertFalse(Comment.objects.exists())

    def test_the_feed_card_counts_comments(self) -> None:
        comment_create(post=self.post, person=self.bob, text="One")
        comment_create(post=self.post, person=self.bob, text="Two")
        self.login(self.alice)

        self.assertContains(self.client.get(reverse("content:feed")), "2 comments")

    def test_without_htmx_commenting_returns_to_the_post(self) -> None:
        self.login(self.alice)

        response = self.client.post(
            reverse("content:post_comment", args=[self.post.pk]), {"text": "Plain form"}
        )

        self.assertRedirects(response, reverse("content:post", args=[self.post.pk]))
        self.assertTrue(Comment.objects.filter(text="Plain form").exists())
