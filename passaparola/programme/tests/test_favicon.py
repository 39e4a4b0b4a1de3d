"""The icon in the browser's tab: every page links it, /favicon.ico answers it, and it is the
programme's logo once there is one."""

import io
import shutil
import tempfile
from pathlib import Path

from django.contrib.staticfiles import finders
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from PIL import Image

from passaparola.governance.services import policy_publish
from passaparola.programme.models import Programme
from passaparola.programme.selectors import programme_get
from passaparola.testing import BaseTestCase


def png(size: tuple[int, int], colour: tuple[int, int, int, int]) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGBA", size, colour).save(buffer, format="PNG")
    return buffer.getvalue()


class FaviconTests(BaseTestCase):
    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        media_root = tempfile.mkdtemp(prefix="passaparola-media-")
        cls.addClassCleanup(shutil.rmtree, media_root, ignore_errors=True)
        media = override_settings(MEDIA_ROOT=media_root)
        media.enable()
        cls.addClassCleanup(media.disable)

    def shipped(self) -> bytes:
        found = finders.find("img/favicon.png")
        assert isinstance(found, str)
        return Path(found).read_bytes()

    def icon(self) -> Image.Image:
        response = self.client.get("/favicon.ico")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "image/png")
        return Image.open(io.BytesIO(response.content))

    def test_without_a_logo_the_shipped_icon_answers_for_anyone(self) -> None:
        response = self.client.get("/favicon.ico")

        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "image/png")
        self.assertEqual(response.content, self.shipped())

    def test_every_page_links_the_icon_by_the_settings_version(self) -> None:
        self.login(self.alice)
        for url in (reverse("content:feed"), reverse("recognition:leaderboard")):
            with self.subTest(url):
                self.assertContains(self.client.get(url), '<link rel="icon" type="image/png"')
        self.client.logout()
        login = self.client.get(reverse("accounts:login")).content.decode()
        version = int(programme_get().updated_at.timestamp())
        self.assertIn(f'href="/favicon.ico?v={version}"', login)

    def test_a_wide_logo_becomes_a_square_icon_without_being_squashed(self) -> None:
        self.login(self.adam)
        logo = SimpleUploadedFile("logo.png", png((300, 100), (200, 30, 30, 255)), "image/png")
        programme = programme_get()
        self.client.post(
            reverse("programme:settings"),
            {
                "name": programme.name,
                "primary_colour": programme.primary_colour,
                "default_language": "en",
                "utm_campaign": programme.utm_campaign,
                "logo": logo,
            },
        )
        self.assertTrue(programme_get().logo)

        icon = self.icon()

        self.assertEqual(icon.size, (64, 64))
        self.assertEqual(icon.getpixel((32, 32)), (200, 30, 30, 255))
        self.assertEqual(icon.getpixel((32, 2)), (0, 0, 0, 0))  # above the logo: transparent

    def test_a_logo_that_cannot_be_drawn_falls_back_to_the_shipped_icon(self) -> None:
        name = default_storage.save("branding/broken.png", ContentFile(b"not a png"))
        Programme.objects.filter(pk=programme_get().pk).update(logo=name)

        response = self.client.get("/favicon.ico")

        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.content, self.shipped())

    def test_someone_who_has_not_accepted_the_policy_still_gets_the_icon(self) -> None:
        policy_publish(by=self.adam, title="Policy", text="Be kind.")
        self.login(self.alice)

        self.assertEqual(self.icon().format, "PNG")
