"""The short-link domain serves the redirect and a tiny page for anything else."""

from django.test import override_settings
from django.urls import reverse

from passaparola.content.services import post_create
from passaparola.sharing.services import short_url, shortlink_get_or_create
from passaparola.testing import BaseTestCase
from passaparola.tracking.models import Click

SHORT = {
    "SHORT_LINK_URL": "https://go.acme.example",
    "ALLOWED_HOSTS": ["testserver", "go.acme.example"],
}


@override_settings(**SHORT)
class ShortHostTests(BaseTestCase):
    def setUp(self) -> None:
        post = post_create(created_by=self.erin, url="https://example.com/s", title="Short")
        self.link = shortlink_get_or_create(person=self.alice, post=post, network="x")

    def get(self, path: str) -> object:
        return self.client.get(path, headers={"host": "go.acme.example"}, secure=True)

    def test_share_links_use_the_short_domain(self) -> None:
        self.assertEqual(short_url(self.link), f"https://go.acme.example/s/{self.link.code}")

    def test_the_redirect_works_on_the_short_domain(self) -> None:
        response = self.get(f"/s/{self.link.code}")

        self.assertEqual(response.status_code, 302)  # type: ignore[attr-defined]
        self.assertEqual(Click.objects.count(), 1)

    def test_nothing_else_of_the_platform_is_served_there(self) -> None:
        for path in ["/", reverse("accounts:login"), "/admin/", reverse("tracking:settings")]:
            with self.subTest(path=path):
                response = self.get(path)
                self.assertEqual(response.status_code, 404)  # type: ignore[attr-defined]
                self.assertContains(
                    response,  # type: ignore[arg-type]
                    "This link does not lead anywhere",
                    status_code=404,
                )

    def test_an_unknown_code_gets_the_tiny_page(self) -> None:
        response = self.get("/s/NoSuchCode")

        self.assertContains(
            response,  # type: ignore[arg-type]
            "This link does not lead anywhere",
            status_code=404,
        )
        self.assertNotContains(response, "Log out", status_code=404)  # type: ignore[arg-type]

    def test_the_platform_itself_still_works_on_its_own_domain(self) -> None:
        response = self.client.get(reverse("accounts:login"))

        self.assertEqual(response.status_code, 200)
