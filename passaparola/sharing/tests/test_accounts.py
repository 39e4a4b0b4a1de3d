"""Connected accounts: each person sees and changes only their own."""

from django.urls import reverse

from passaparola.sharing.models import ConnectedAccount
from passaparola.sharing.tests.native import NativeTestCase


class AccountPageTests(NativeTestCase):
    network = "x"

    def test_it_requires_login(self) -> None:
        response = self.client.get(reverse("sharing:accounts"))

        self.assertEqual(response.status_code, 302)

    def test_the_owner_sees_their_account_and_never_the_token(self) -> None:
        self.connect(handle="@alice_x", access_token="very-secret-token")
        self.login(self.alice)

        response = self.client.get(reverse("sharing:accounts"))

        self.assertContains(response, "@alice_x")
        self.assertNotContains(response, "very-secret-token")

    def test_a_teammate_and_an_outsider_cannot_see_or_disconnect_it(self) -> None:
        account = self.connect(handle="@alice_x")

        for person in (self.bob, self.charlie, self.adam):
            with self.subTest(person=person.name):
                self.login(person)
                self.assertNotContains(self.client.get(reverse("sharing:accounts")), "@alice_x")
                response = self.client.post(
                    reverse("sharing:account_disconnect", args=[account.pk])
                )
                self.assertEqual(response.status_code, 404)
        self.assertTrue(ConnectedAccount.objects.filter(pk=account.pk).exists())

    def test_the_owner_disconnects_and_the_tokens_are_gone(self) -> None:
        account = self.connect()
        self.login(self.alice)

        response = self.client.post(reverse("sharing:account_disconnect", args=[account.pk]))

        self.assertRedirects(response, reverse("sharing:accounts"))
        self.assertFalse(ConnectedAccount.objects.exists())

    def test_an_unknown_network_cannot_be_connected(self) -> None:
        self.login(self.alice)

        response = self.client.post(reverse("sharing:account_connect", args=["myspace"]))

        self.assertEqual(response.status_code, 404)

    def test_a_get_cannot_start_a_connection(self) -> None:
        self.login(self.alice)

        response = self.client.get(reverse("sharing:account_connect", args=["x"]))

        self.assertEqual(response.status_code, 405)
