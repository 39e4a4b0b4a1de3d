"""Shared test helpers: one base case with an owner, a teammate and an outsider."""

from typing import TYPE_CHECKING, Any

from django.test import TestCase
from django.urls import reverse

from passaparola.content.models import Post
from passaparola.content.services import post_create, post_publish
from passaparola.people.models import Membership, Person, Role, Team
from passaparola.people.services import person_create

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse

PASSWORD = "correct horse battery staple"  # noqa: S105


class BaseTestCase(TestCase):
    """Alice (member) and Bob (her teammate) are in Sales; Charlie (outsider) is in Support.

    Erin edits content, Vera is a leadership viewer, Adam manages the programme,
    and Lena leads the Sales team.
    """

    sales: Team
    support: Team
    alice: Person
    bob: Person
    charlie: Person
    erin: Person
    vera: Person
    adam: Person
    lena: Person

    @classmethod
    def setUpTestData(cls) -> None:
        cls.sales = Team.objects.create(name="Sales")
        cls.support = Team.objects.create(name="Support")
        cls.alice = person_create(
            email="alice@example.org", name="Alice Example", password=PASSWORD, teams=[cls.sales]
        )
        cls.bob = person_create(
            email="bob@example.org", name="Bob Example", password=PASSWORD, teams=[cls.sales]
        )
        cls.charlie = person_create(
            email="charlie@example.org",
            name="Charlie Example",
            password=PASSWORD,
            teams=[cls.support],
        )
        cls.erin = person_create(
            email="erin@example.org", name="Erin Editor", password=PASSWORD, role=Role.EDITOR
        )
        cls.vera = person_create(
            email="vera@example.org", name="Vera Viewer", password=PASSWORD, role=Role.VIEWER
        )
        cls.adam = person_create(
            email="adam@example.org", name="Adam Admin", password=PASSWORD, role=Role.ADMIN
        )
        cls.lena = person_create(
            email="lena@example.org",
            name="Lena Lead",
            password=PASSWORD,
            role=Role.LEAD,
        )
        Membership.objects.create(person=cls.lena, team=cls.sales, is_lead=True)

    def make_post(
        self,
        *,
        title: str = "Our new factory opens",
        teams: list[Team] | None = None,
        publish: bool = True,
        caption: str = "Proud of this!",
    ) -> Post:
        """Create (and by default publish) a post, for everyone or for the given teams."""
        post = post_create(
            created_by=self.erin,
            url="https://example.com/news/factory?ref=home#top",
            title=title,
            description="A short description.",
            audience=Post.Audience.TEAMS if teams else Post.Audience.EVERYONE,
            teams=teams,
            caption=caption,
        )
        if publish:
            post_publish(post=post, by=self.erin)
        return post

    def login(self, person: Person) -> None:
        self.client.force_login(person)

    def open_post(self, post: Post, **params: Any) -> "TestResponse":
        """Open a post's page as a browser does, with the share panel it asks for once loaded."""
        self.client.post(reverse("sharing:panel", args=[post.pk]))
        self.client.post(reverse("content:post_viewed", args=[post.pk]))
        return self.client.get(reverse("content:post", args=[post.pk]), params)


def leaving_target(response: Any) -> str:
    """Return where a "leaving for another site" page sends the browser (lib.redirects)."""
    assert response.status_code == 200, (response.status_code, response.content[:500])
    refresh = response.get("Refresh", "")
    assert refresh.startswith("0;url="), refresh
    return str(refresh.removeprefix("0;url="))
