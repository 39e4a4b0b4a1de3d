from passaparola.content.models import Caption
from passaparola.testing import BaseTestCase


class CaptionsPerNetworkTests(BaseTestCase):
    """People start from a caption meant for every network; network-specific ones are offered."""

    def setUp(self) -> None:
        self.post = self.make_post(caption="Proud of this, whatever the network")
        Caption.objects.create(
            post=self.post, network="linkedin", text="A longer story for LinkedIn readers"
        )
        self.login(self.alice)

    def test_the_composer_starts_from_a_caption_for_every_network(self) -> None:
        for _attempt in range(8):
            page = self.open_post(self.post)
            text = page.context["composer"].text
            self.assertEqual(text, "Proud of this, whatever the network")

    def test_a_network_specific_caption_says_which_network_it_is_for(self) -> None:
        linkedin = self.post.captions.get(network="linkedin")
        page = self.open_post(self.post, caption=linkedin.pk)

        self.assertEqual(page.context["composer"].text, "A longer story for LinkedIn readers")
        self.assertContains(page, "Caption 2 · LinkedIn")
