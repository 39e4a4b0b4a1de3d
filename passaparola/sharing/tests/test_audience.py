"""Audience sizes: optional, entered by each person for themselves, exported and erased."""

import json

from django.urls import reverse

from passaparola.accounts.privacy import person_erase
from passaparola.sharing.audience import audience_sizes, audience_sizes_of
from passaparola.sharing.models import AudienceSize
from passaparola.sharing.services import audience_sizes_set
from passaparola.testing import BaseTestCase


class AudienceTests(BaseTestCase):
    def test_a_person_enters_their_audience_on_their_accounts_page(self) -> None:
        self.login(self.alice)
        page = self.client.get(reverse("sharing:accounts"))
        self.assertContains(page, "Your audience (optional)")
        self.assertContains(page, "Followers or connections on LinkedIn")
        self.assertNotContains(page, "Followers or connections on WhatsApp")

        response = self.client.post(
            reverse("sharing:audience"), {"linkedin": "850", "mastodon": "120", "x": ""}
        )

        self.assertRedirects(
            response, reverse("sharing:accounts") + "#audience", fetch_redirect_response=False
        )
        self.assertEqual(audience_sizes_of(self.alice.pk), {"linkedin": 850, "mastodon": 120})
        page = self.client.get(reverse("sharing:accounts"))
        self.assertContains(page, "Your audience sizes are saved.")
        self.assertContains(page, 'name="linkedin" value="850"', html=False)

    def test_emptying_a_field_or_entering_zero_forgets_it(self) -> None:
        audience_sizes_set(person=self.alice, sizes={"linkedin": 850, "x": 40, "bluesky": 7})
        self.login(self.alice)

        self.client.post(reverse("sharing:audience"), {"linkedin": "", "x": "0", "bluesky": "7"})

        self.assertEqual(audience_sizes_of(self.alice.pk), {"bluesky": 7})

    def test_each_person_changes_only_their_own(self) -> None:
        audience_sizes_set(person=self.alice, sizes={"linkedin": 850})
        self.login(self.bob)

        page = self.client.get(reverse("sharing:accounts"))
        self.client.post(
            reverse("sharing:audience"),
            {"linkedin": "3", "person": str(self.alice.pk), "person_id": str(self.alice.pk)},
        )

        self.assertNotContains(page, "850")
        self.assertEqual(audience_sizes_of(self.alice.pk), {"linkedin": 850})
        self.assertEqual(audience_sizes_of(self.bob.pk), {"linkedin": 3})

    def test_it_requires_login(self) -> None:
        response = self.client.post(reverse("sharing:audience"), {"linkedin": "5"})

        self.assertEqual(response.status_code, 302)
        self.assertTrue(response["Location"].startswith(reverse("accounts:login")))
        self.assertFalse(AudienceSize.objects.exists())

    def test_only_post_changes_it(self) -> None:
        self.login(self.alice)

        self.assertEqual(self.client.get(reverse("sharing:audience")).status_code, 405)

    def test_bad_numbers_are_refused_with_a_message_and_change_nothing(self) -> None:
        audience_sizes_set(person=self.alice, sizes={"linkedin": 850})
        self.login(self.alice)
        cases = [
            ("-5", "An audience cannot be smaller than 0."),
            ("1000000001", "At most 1000000000."),
            ("99999999999999999999999", "At most 1000000000."),
            ("lots", "Enter a whole number, such as 850, or leave it empty."),
            ("12.5", "Enter a whole number, such as 850, or leave it empty."),
        ]
        for value, message in cases:
            with self.subTest(value=value):
                # A good number beside the bad one is not saved either.
                response = self.client.post(
                    reverse("sharing:audience"), {"x": value, "linkedin": "900"}
                )
                self.assertContains(response, message, status_code=400)
        self.assertEqual(audience_sizes_of(self.alice.pk), {"linkedin": 850})

    def test_a_network_without_an_audience_of_ones_own_is_not_taken(self) -> None:
        self.login(self.alice)

        self.client.post(reverse("sharing:audience"), {"whatsapp": "300", "linkedin": "10"})

        self.assertEqual(audience_sizes_of(self.alice.pk), {"linkedin": 10})
        with self.assertRaises(ValueError):
            audience_sizes_set(person=self.alice, sizes={"email": 5})

    def test_the_sizes_are_read_by_person_and_network(self) -> None:
        audience_sizes_set(person=self.alice, sizes={"linkedin": 850, "x": 40})
        audience_sizes_set(person=self.bob, sizes={"linkedin": 12})

        self.assertEqual(
            audience_sizes(),
            {
                (self.alice.pk, "linkedin"): 850,
                (self.alice.pk, "x"): 40,
                (self.bob.pk, "linkedin"): 12,
            },
        )
        self.assertEqual(audience_sizes([self.bob.pk]), {(self.bob.pk, "linkedin"): 12})


class AudiencePrivacyTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        audience_sizes_set(person=self.alice, sizes={"linkedin": 850, "mastodon": 120})
        audience_sizes_set(person=self.bob, sizes={"linkedin": 12})

    def test_the_export_holds_ones_audience_sizes(self) -> None:
        self.login(self.alice)

        data = json.loads(self.client.get(reverse("accounts:account_export")).content)

        self.assertEqual(
            [(row["network"], row["size"]) for row in data["audience_sizes"]],
            [("linkedin", 850), ("mastodon", 120)],
        )

    def test_erasure_deletes_them_and_leaves_other_peoples(self) -> None:
        person_erase(person=self.alice, by=self.adam)

        self.assertFalse(AudienceSize.objects.filter(person=self.alice).exists())
        self.assertEqual(audience_sizes_of(self.bob.pk), {"linkedin": 12})
