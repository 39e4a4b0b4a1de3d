"""Programme settings: only managers change them, and the branding shows on every page."""

import io
import shutil
import struct
import tempfile
import warnings
import zlib
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from PIL import Image, PngImagePlugin

from passaparola.programme.forms import MAX_LOGO_BYTES
from passaparola.programme.models import Programme
from passaparola.programme.selectors import programme_get
from passaparola.programme.services import programme_update
from passaparola.testing import BaseTestCase

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse


def image_file(name: str, image_format: str, size: tuple[int, int] = (4, 4)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (31, 111, 235)).save(buffer, format=image_format)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=f"image/{image_format.lower()}")


def png_bomb(width: int, height: int) -> bytes:
    """Return a tiny black-and-white PNG that decodes to width x height pixels."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = bytes(1 + (width + 7) // 8) * height  # filter byte, then one bit a pixel
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows, 9))
        + chunk(b"IEND", b"")
    )


class ProgrammeSettingsTests(BaseTestCase):
    media_root: str

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        cls.media_root = tempfile.mkdtemp(prefix="passaparola-media-")
        cls.addClassCleanup(shutil.rmtree, cls.media_root, ignore_errors=True)
        media = override_settings(MEDIA_ROOT=cls.media_root)
        media.enable()
        cls.addClassCleanup(media.disable)

    def form_data(self, **changes: object) -> dict[str, object]:
        programme = programme_get()
        data: dict[str, object] = {
            "name": programme.name,
            "company": programme.company,
            "primary_colour": programme.primary_colour,
            "default_language": programme.default_language,
            "utm_campaign": programme.utm_campaign,
        }
        data.update(changes)
        return data

    def save(self, **changes: object) -> "TestResponse":
        self.login(self.adam)
        return self.client.post(reverse("programme:settings"), self.form_data(**changes))

    def test_only_programme_managers_reach_the_settings(self) -> None:
        for person in (self.alice, self.lena, self.erin, self.vera):
            with self.subTest(person=person.name):
                self.login(person)
                self.assertEqual(self.client.get(reverse("programme:settings")).status_code, 404)
                response = self.client.post(
                    reverse("programme:settings"), self.form_data(name="Taken over")
                )
                self.assertEqual(response.status_code, 404)
        self.assertEqual(programme_get().name, "Passaparola")
        self.login(self.adam)
        self.assertContains(self.client.get(reverse("programme:settings")), "Programme settings")

    def test_the_settings_require_login(self) -> None:
        response = self.client.get(reverse("programme:settings"))

        self.assertEqual(response.status_code, 302)
        self.assertTrue(response["Location"].startswith(reverse("accounts:login")))

    def test_a_new_name_and_colour_show_on_every_page(self) -> None:
        response = self.save(name="Acme Voices", primary_colour="#c0ffee")

        self.assertRedirects(response, reverse("programme:settings"), fetch_redirect_response=False)
        self.assertContains(
            self.client.get(response["Location"]), "The programme settings are saved."
        )
        self.login(self.alice)
        for url in (reverse("content:feed"), reverse("recognition:leaderboard")):
            with self.subTest(url=url):
                self.assertContains(self.client.get(url), "Acme Voices")
        self.client.logout()
        self.assertContains(self.client.get(reverse("accounts:login")), "Log in to Acme Voices")
        css = self.client.get(reverse("programme:brand_css"))
        self.assertEqual(css["Content-Type"], "text/css")
        self.assertIn("--primary: #c0ffee;", css.content.decode())

    def test_the_stylesheet_address_changes_when_the_settings_change(self) -> None:
        Programme.objects.filter(pk=programme_get().pk).update(
            updated_at=timezone.now() - timedelta(days=1)
        )
        self.login(self.alice)
        before = self.client.get(reverse("content:feed")).content.decode()

        self.save(primary_colour="#123456")

        self.login(self.alice)
        after = self.client.get(reverse("content:feed")).content.decode()
        link = reverse("programme:brand_css") + "?v="
        self.assertIn(link, after)
        self.assertNotEqual(before.split(link)[1].split('"')[0], after.split(link)[1].split('"')[0])

    def test_an_invalid_colour_is_refused_and_changes_nothing(self) -> None:
        for colour in ("red", "#12345", "#12345g", "#1234567", "#fff; } body { display: none"):
            with self.subTest(colour=colour):
                response = self.save(name="Acme Voices", primary_colour=colour)
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, '<div class="field has-error">', count=1)
                self.assertContains(response, 'aria-describedby="id_primary_colour_error"')
                if len(colour) <= 7:
                    self.assertContains(response, "Enter a colour such as #1f6feb.")
        programme = programme_get()
        self.assertEqual((programme.name, programme.primary_colour), ("Passaparola", "#1f6feb"))
        self.assertIn(
            "--primary: #1f6feb;", self.client.get(reverse("programme:brand_css")).content.decode()
        )

    def test_a_file_that_is_not_an_image_is_refused_as_logo(self) -> None:
        fake = SimpleUploadedFile("logo.png", b"<svg onload=alert(1)>", content_type="image/png")

        response = self.save(name="Acme Voices", logo=fake)

        self.assertEqual(response.status_code, 200)
        self.assertContains(response, 'class="error"')
        programme = programme_get()
        self.assertEqual((programme.name, programme.logo.name), ("Passaparola", ""))
        self.assertEqual(list(Path(self.media_root).rglob("*.*")), [])

    def test_an_image_in_an_unsupported_format_is_refused_as_logo(self) -> None:
        response = self.save(logo=image_file("logo.bmp", "BMP"))

        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Use a JPEG, PNG, GIF or WebP image.")
        self.assertEqual(programme_get().logo.name, "")

    def test_a_logo_over_the_size_limit_is_refused(self) -> None:
        noise = Image.frombytes("RGB", (700, 700), bytes(range(256)) * 5742 + bytes(348))
        buffer = io.BytesIO()
        noise.save(buffer, format="PNG", compress_level=0)
        self.assertGreater(len(buffer.getvalue()), MAX_LOGO_BYTES)
        big = SimpleUploadedFile("big.png", buffer.getvalue(), content_type="image/png")

        response = self.save(logo=big)

        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "The logo must be smaller than 1 MB.")
        self.assertEqual(programme_get().logo.name, "")

    def test_a_decompression_bomb_is_refused_as_logo_and_changes_nothing(self) -> None:
        bomb = png_bomb(12_000, 12_000)
        self.assertLess(len(bomb), 20_000)

        upload = SimpleUploadedFile("logo.png", bomb, content_type="image/png")
        with warnings.catch_warnings():
            # Django's ImageField opens it first, and Pillow warns: expected here.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            response = self.save(name="Acme Voices", logo=upload)

        self.assertEqual(response.status_code, 200)
        self.assertContains(
            response, "The image is 12000 by 12000 pixels; use one of at most 40 megapixels."
        )
        programme = programme_get()
        self.assertEqual((programme.name, programme.logo.name), ("Passaparola", ""))
        self.assertEqual(list(Path(self.media_root).rglob("*.*")), [])

    def test_a_large_logo_is_stored_small_with_its_transparency_and_no_metadata(self) -> None:
        drawing = Image.new("RGBA", (3000, 1200), (0, 0, 0, 0))
        drawing.paste((31, 111, 235, 255), (1000, 0, 2000, 1200))
        notes = PngImagePlugin.PngInfo()
        notes.add_text("Author", "Jane Designer, 12 Secret Street")
        buffer = io.BytesIO()
        drawing.save(buffer, format="PNG", pnginfo=notes)
        upload = SimpleUploadedFile("logo.png", buffer.getvalue(), content_type="image/png")

        response = self.save(logo=upload)

        self.assertRedirects(response, reverse("programme:settings"))
        logo = programme_get().logo
        with default_storage.open(logo.name) as stored, Image.open(stored) as image:
            self.assertEqual((image.format, image.mode, image.size), ("PNG", "RGBA", (512, 205)))
            self.assertEqual(image.getpixel((10, 100)), (0, 0, 0, 0))
            self.assertEqual(image.getpixel((256, 100)), (31, 111, 235, 255))
            self.assertNotIn("Author", image.info)
        self.login(self.alice)
        self.assertContains(self.client.get(reverse("content:feed")), f'src="{logo.url}"')

    def test_a_photo_logo_stays_a_jpeg_upright_and_without_its_exif(self) -> None:
        exif = Image.Exif()
        exif[0x0112] = 6  # Orientation: turn 90 degrees clockwise to show it
        exif[0x010F] = "Camera maker"
        buffer = io.BytesIO()
        Image.new("RGB", (1200, 600), (200, 30, 30)).save(buffer, format="JPEG", exif=exif)
        upload = SimpleUploadedFile("photo.jpg", buffer.getvalue(), content_type="image/jpeg")

        self.assertRedirects(self.save(logo=upload), reverse("programme:settings"))

        logo = programme_get().logo
        self.assertTrue(logo.name.endswith(".jpg"))
        with default_storage.open(logo.name) as stored, Image.open(stored) as image:
            self.assertEqual((image.format, image.size), ("JPEG", (256, 512)))
            self.assertEqual(len(image.getexif()), 0)

    def test_a_small_png_logo_is_saved_and_shown(self) -> None:
        response = self.save(logo=image_file("logo.png", "PNG"))

        self.assertRedirects(response, reverse("programme:settings"))
        logo = programme_get().logo
        self.assertTrue(logo.name.startswith("branding/"))
        self.assertTrue(default_storage.exists(logo.name))
        with default_storage.open(logo.name) as stored, Image.open(stored) as image:
            self.assertEqual(image.format, "PNG")
        self.login(self.alice)
        self.assertContains(self.client.get(reverse("content:feed")), f'src="{logo.url}"')

    def test_saving_other_settings_keeps_the_logo(self) -> None:
        self.save(logo=image_file("logo.png", "PNG"))
        logo = programme_get().logo.name

        self.save(name="Acme Voices")

        programme = programme_get()
        self.assertEqual((programme.name, programme.logo.name), ("Acme Voices", logo))

    def test_clearing_the_logo_removes_it_from_the_pages(self) -> None:
        self.save(logo=image_file("logo.png", "PNG"))
        self.client.raise_request_exception = False

        response = self.save(**{"logo-clear": "on"})

        self.assertRedirects(response, reverse("programme:settings"))
        self.assertFalse(programme_get().logo)
        self.login(self.alice)
        self.assertNotContains(self.client.get(reverse("content:feed")), 'class="brand-logo"')

    def test_a_replaced_or_cleared_logo_file_is_deleted_after_the_commit(self) -> None:
        self.save(logo=image_file("logo.png", "PNG"))
        first = programme_get().logo.name

        with self.captureOnCommitCallbacks(execute=True):
            self.save(logo=image_file("other.png", "PNG"))
            self.assertTrue(default_storage.exists(first), "deleted before the commit")

        second = programme_get().logo.name
        self.assertNotEqual(second, first)
        self.assertFalse(default_storage.exists(first))
        with self.captureOnCommitCallbacks(execute=True):
            self.save(**{"logo-clear": "on"})
        self.assertFalse(default_storage.exists(second))

    def test_a_rolled_back_logo_change_keeps_the_file(self) -> None:
        self.save(logo=image_file("logo.png", "PNG"))
        logo = programme_get().logo.name

        with (
            self.captureOnCommitCallbacks(execute=True),
            self.assertRaises(RuntimeError),
            transaction.atomic(),
        ):
            programme_update(programme=programme_get(), fields={"logo": False})
            raise RuntimeError("the request failed later")

        self.assertEqual(programme_get().logo.name, logo)
        self.assertTrue(default_storage.exists(logo))

    def test_a_campaign_change_takes_effect(self) -> None:
        self.save(utm_campaign="autumn-push")

        self.assertEqual(programme_get().utm_campaign, "autumn-push")
