"""What every page tells the browser: a content security policy that keeps everything here."""

from django.urls import reverse

from passaparola.content.models import Post
from passaparola.testing import BaseTestCase, leaving_target


def directives(header: str) -> dict[str, list[str]]:
    parsed: dict[str, list[str]] = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            parsed[words[0]] = words[1:]
    return parsed


class ContentSecurityPolicyTests(BaseTestCase):
    def test_forms_may_post_only_to_this_site_and_scripts_come_only_from_here(self) -> None:
        for url in [reverse("accounts:login"), reverse("content:feed")]:
            with self.subTest(url=url):
                self.login(self.alice)
                policy = directives(self.client.get(url)["Content-Security-Policy"])

                self.assertEqual(policy["form-action"], ["'self'"])
                self.assertEqual(policy["script-src"], ["'self'"])
                self.assertEqual(policy["frame-ancestors"], ["'none'"])

    def test_sharing_leaves_for_the_network_through_a_page_not_a_form_redirect(self) -> None:
        # Browsers apply form-action to a form's redirect; a page with Refresh is a new
        # navigation, so the share still opens LinkedIn under form-action 'self'.
        post = self.make_post(title="Open day")
        self.assertEqual(post.state, Post.State.PUBLISHED)
        self.login(self.alice)

        response = self.client.post(reverse("sharing:share", args=[post.pk, "linkedin"]))

        target = leaving_target(response)
        self.assertTrue(target.startswith("https://www.linkedin.com/sharing/share-offsite/"))
        self.assertContains(response, f'href="{target}"')
        self.assertContains(response, "Continue to LinkedIn")
