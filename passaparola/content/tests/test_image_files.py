"""A post's stored image file is removed only once the change that drops it is committed."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from passaparola.content.models import Post
from passaparola.content.services import CaptionText, post_create, post_update
from passaparola.content.tests.test_post_form import png
from passaparola.testing import BaseTestCase


class Rollback(Exception):
    pass


class ImageFileTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.post = post_create(
            created_by=self.erin,
            url="https://example.com/news",
            title="News",
            image=SimpleUploadedFile("a.png", png(), content_type="image/png"),
        )
        self.old = self.post.image.name
        self.storage = self.post.image.storage

    def update(self, **changes: object) -> Post:
        post = Post.objects.get(pk=self.post.pk)
        return post_update(
            post=post,
            by=self.erin,
            url=post.url,
            title=post.title,
            description=post.description,
            image_url=post.image_url,
            content_type=post.content_type,
            audience=post.audience,
            teams=[],
            captions=[CaptionText("", "Proud of this!")],
            **changes,  # type: ignore[arg-type]
        )

    def test_a_replaced_image_is_deleted_after_the_commit(self) -> None:
        new = SimpleUploadedFile("b.png", png(16, 16), content_type="image/png")

        with self.captureOnCommitCallbacks(execute=True) as callbacks:
            self.update(image=new)
            self.assertTrue(self.storage.exists(self.old), "deleted before the commit")

        self.assertTrue(callbacks)
        self.assertFalse(self.storage.exists(self.old))
        post = Post.objects.get(pk=self.post.pk)
        self.assertNotEqual(post.image.name, self.old)
        self.assertTrue(self.storage.exists(post.image.name))

    def test_a_cleared_image_is_deleted_after_the_commit(self) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            self.update(clear_image=True)
            self.assertTrue(self.storage.exists(self.old), "deleted before the commit")

        self.assertFalse(self.storage.exists(self.old))
        self.assertFalse(Post.objects.get(pk=self.post.pk).image)

    def test_a_rolled_back_change_keeps_the_image_file(self) -> None:
        new = SimpleUploadedFile("b.png", png(16, 16), content_type="image/png")

        for changes in ({"image": new}, {"clear_image": True}):
            with self.subTest(changes=list(changes)):
                with (
                    self.captureOnCommitCallbacks(execute=True),
                    self.assertRaises(Rollback),
                    transaction.atomic(),
                ):
                    self.update(**changes)
                    raise Rollback

                self.assertEqual(Post.objects.get(pk=self.post.pk).image.name, self.old)
                self.assertTrue(self.storage.exists(self.old))
