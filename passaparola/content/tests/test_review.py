"""Approval before publishing: steps, four eyes, sending back, and the edit history."""

from django.urls import reverse

from passaparola.content.models import ApprovalStep, Post, PostRevision
from passaparola.content.services import approval_step_add
from passaparola.people.models import Person, Role
from passaparola.people.services import person_create
from passaparola.testing import BaseTestCase


class ApprovalTests(BaseTestCase):
    edith: Person

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.edith = person_create(email="edith@example.org", name="Edith Editor", role=Role.EDITOR)

    def draft(self, title: str = "Needs a look") -> Post:
        return self.make_post(title=title, publish=False)

    def publish(self, post: Post) -> None:
        self.client.post(reverse("content:post_edit", args=[post.pk]), self.edit_data(post))

    def edit_data(self, post: Post, **changes: object) -> dict[str, object]:
        data: dict[str, object] = {
            "url": post.url,
            "title": post.title,
            "description": post.description,
            "content_type": post.content_type,
            "audience": post.audience,
            "captions-TOTAL_FORMS": "0",
            "captions-INITIAL_FORMS": "0",
            "publish": "",
        }
        data.update(changes)
        return data

    def test_without_steps_editors_publish_directly(self) -> None:
        post = self.draft()
        self.login(self.erin)

        self.publish(post)

        post.refresh_from_db()
        self.assertEqual(post.state, Post.State.PUBLISHED)

    def test_with_a_step_publishing_sends_the_post_for_review(self) -> None:
        approval_step_add(name="Brand check", approver=ApprovalStep.Approver.EDITOR)
        post = self.draft()
        self.login(self.erin)

        page = self.client.get(reverse("content:post_edit", args=[post.pk]))
        self.publish(post)

        self.assertContains(page, "Send for approval")
        post.refresh_from_db()
        self.assertEqual(post.state, Post.State.REVIEW)
        self.login(self.alice)
        self.assertNotContains(self.client.get(reverse("content:feed")), "Needs a look")

    def test_nobody_approves_their_own_post(self) -> None:
        approval_step_add(name="Brand check", approver=ApprovalStep.Approver.EDITOR)
        post = self.draft()
        self.login(self.erin)
        self.publish(post)

        response = self.client.post(reverse("content:post_approve", args=[post.pk]), follow=True)

        self.assertContains(response, "You cannot approve this post.")
        post.refresh_from_db()
        self.assertEqual(post.state, Post.State.REVIEW)

    def test_another_editor_approves_and_the_post_is_published(self) -> None:
        approval_step_add(name="Brand check", approver=ApprovalStep.Approver.EDITOR)
        post = self.draft()
        self.login(self.erin)
        self.publish(post)
        self.login(self.edith)

        queue = self.client.get(reverse("content:review"))
        response = self.client.post(
            reverse("content:post_approve", args=[post.pk]), {"note": "Looks right"}
        )

        self.assertContains(queue, "Needs a look")
        self.assertContains(queue, "Brand check")
        self.assertRedirects(response, reverse("content:review"))
        post.refresh_from_db()
        self.assertEqual(post.state, Post.State.PUBLISHED)
        self.assertIsNotNone(post.published_at)
        self.login(self.alice)
        self.assertContains(self.client.get(reverse("content:feed")), "Needs a look")

    def test_two_steps_go_in_order_and_the_second_needs_the_programme_manager(self) -> None:
        approval_step_add(name="Editorial", approver=ApprovalStep.Approver.EDITOR)
        approval_step_add(name="Legal", approver=ApprovalStep.Approver.ADMIN)
        post = self.draft()
        self.login(self.erin)
        self.publish(post)

        self.login(self.edith)
        self.client.post(reverse("content:post_approve", args=[post.pk]))
        post.refresh_from_db()
        self.assertEqual(post.state, Post.State.REVIEW)
        second = self.client.post(reverse("content:post_approve", args=[post.pk]), follow=True)
        self.assertContains(second, "You cannot approve this post.")

        self.login(self.adam)
        self.assertContains(self.client.get(reverse("content:review")), "Legal")
        self.client.post(reverse("content:post_approve", args=[post.pk]))
        post.refresh_from_db()
        self.assertEqual(post.state, Post.State.PUBLISHED)
        self.assertEqual(
            list(post.approvals.values_list("step_name", "person__name")),
            [("Editorial", "Edith Editor"), ("Legal", "Adam Admin")],
        )

    def test_sending_back_needs_a_reason_and_returns_the_post_to_drafts(self) -> None:
        approval_step_add(name="Brand check", approver=ApprovalStep.Approver.EDITOR)
        post = self.draft()
        self.login(self.erin)
        self.publish(post)
        self.login(self.edith)

        empty = self.client.post(reverse("content:post_return", args=[post.pk]), {"reason": ""})
        post.refresh_from_db()
        self.assertEqual(post.state, Post.State.REVIEW)
        self.client.post(
            reverse("content:post_return", args=[post.pk]), {"reason": "Use the new logo"}
        )

        self.assertEqual(empty.status_code, 302)
        post.refresh_from_db()
        self.assertEqual(post.state, Post.State.DRAFT)
        self.login(self.erin)
        page = self.client.get(reverse("content:post_edit", args=[post.pk]))
        self.assertContains(page, "Use the new logo")
        self.assertContains(page, "sent back")

    def test_a_resubmitted_post_starts_its_approvals_again(self) -> None:
        approval_step_add(name="Editorial", approver=ApprovalStep.Approver.EDITOR)
        approval_step_add(name="Legal", approver=ApprovalStep.Approver.ADMIN)
        post = self.draft()
        self.login(self.erin)
        self.publish(post)
        self.login(self.edith)
        self.client.post(reverse("content:post_approve", args=[post.pk]))
        self.login(self.adam)
        self.client.post(reverse("content:post_return", args=[post.pk]), {"reason": "No"})
        self.login(self.erin)

        self.publish(post)

        post.refresh_from_db()
        self.assertEqual(post.state, Post.State.REVIEW)
        self.login(self.adam)
        self.client.post(reverse("content:post_approve", args=[post.pk]), follow=True)
        post.refresh_from_db()
        # The editorial step must be signed again before the programme manager's.
        self.assertEqual(post.state, Post.State.REVIEW)
        self.assertEqual(post.approvals.filter(round=post.review_round).count(), 1)

    def test_members_get_404_on_review_pages(self) -> None:
        approval_step_add(name="Brand check", approver=ApprovalStep.Approver.EDITOR)
        post = self.draft()
        self.login(self.erin)
        self.publish(post)
        for person in (self.alice, self.lena, self.vera):
            self.login(person)
            for method, url in (
                ("get", reverse("content:review")),
                ("post", reverse("content:post_approve", args=[post.pk])),
                ("post", reverse("content:post_return", args=[post.pk])),
                ("post", reverse("content:post_submit", args=[post.pk])),
            ):
                with self.subTest(person=person.name, url=url):
                    response = getattr(self.client, method)(url, {"reason": "x"})
                    self.assertEqual(response.status_code, 404)
        post.refresh_from_db()
        self.assertEqual(post.state, Post.State.REVIEW)

    def test_only_the_programme_manager_sets_the_approval_steps(self) -> None:
        self.login(self.erin)
        self.assertEqual(self.client.get(reverse("content:approval")).status_code, 404)
        self.assertEqual(
            self.client.post(
                reverse("content:approval"), {"name": "X", "approver": "editor"}
            ).status_code,
            404,
        )
        self.login(self.adam)

        response = self.client.post(
            reverse("content:approval"), {"name": "Legal", "approver": "admin"}
        )

        self.assertRedirects(response, reverse("content:approval"))
        step = ApprovalStep.objects.get()
        self.assertEqual((step.name, step.approver, step.position), ("Legal", "admin", 1))
        self.client.post(reverse("content:approval_remove", args=[step.pk]))
        self.assertFalse(ApprovalStep.objects.exists())


class HistoryTests(BaseTestCase):
    def test_every_change_is_kept_with_who_made_it_and_what_changed(self) -> None:
        post = self.make_post(title="First title", publish=False)
        self.login(self.erin)

        self.client.post(
            reverse("content:post_edit", args=[post.pk]),
            {
                "url": post.url,
                "title": "Second title",
                "content_type": post.content_type,
                "audience": post.audience,
                "captions-TOTAL_FORMS": "0",
                "captions-INITIAL_FORMS": "0",
                "publish": "",
            },
        )
        self.client.post(reverse("content:post_archive", args=[post.pk]))

        actions = list(post.revisions.order_by("pk").values_list("action", "person__name"))
        self.assertEqual(
            actions,
            [
                (PostRevision.Action.CREATED, "Erin Editor"),
                (PostRevision.Action.EDITED, "Erin Editor"),
                (PostRevision.Action.PUBLISHED, "Erin Editor"),
                (PostRevision.Action.ARCHIVED, "Erin Editor"),
            ],
        )
        edited = post.revisions.get(action=PostRevision.Action.EDITED)
        self.assertEqual(edited.snapshot["title"], "Second title")
        page = self.client.get(reverse("content:post_edit", args=[post.pk]))
        self.assertContains(page, "History")
        self.assertContains(page, "(title, description, captions)")  # what the edit changed
