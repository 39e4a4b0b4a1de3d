"""The first steps after joining: policy, interests, networks, notifications, a first share."""

import re

from django.urls import reverse

from passaparola.content.models import PersonInterest, Topic
from passaparola.governance.services import policy_publish
from passaparola.notifications.models import NotificationPreference
from passaparola.notifications.services import preferences_update
from passaparola.sharing.models import ConnectedAccount
from passaparola.sharing.services import share_create
from passaparola.testing import BaseTestCase


def done_steps(page: str) -> list[str]:
    """Return the steps of the welcome checklist that carry a tick."""
    return re.findall(r'<li data-step="([a-z]+)" class="done">', page)


class OnboardingTests(BaseTestCase):
    def test_the_checklist_ticks_each_step_once_it_is_done(self) -> None:
        policy_publish(by=self.adam, title="Policy", text="Be kind.")
        self.login(self.alice)
        self.client.post(reverse("governance:policy_accept"), {"version": 1, "agree": "on"})
        page = self.client.get(reverse("accounts:welcome")).content.decode()
        self.assertEqual(done_steps(page), ["policy"])
        self.assertIn(reverse("accounts:welcome_notifications"), page)

        PersonInterest.objects.create(person=self.alice, topic=Topic.objects.create(name="Jobs"))
        ConnectedAccount.objects.create(person=self.alice, network="mastodon", remote_id="1")
        preferences_update(
            person=self.alice,
            digest_frequency="daily",
            email_digest=True,
            email_recognition=True,
            email_reminders=True,
        )
        share_create(person=self.alice, post=self.make_post(), network="linkedin")

        page = self.client.get(reverse("accounts:welcome")).content.decode()
        self.assertEqual(
            done_steps(page), ["policy", "interests", "networks", "notifications", "share"]
        )
        self.assertEqual(page.count("Done:"), 5)

    def test_the_welcome_page_lists_the_steps(self) -> None:
        self.login(self.alice)

        page = self.client.get(reverse("accounts:welcome"))

        self.assertContains(page, reverse("accounts:welcome_interests"))
        self.assertContains(page, reverse("accounts:welcome_networks"))
        self.assertContains(page, reverse("accounts:welcome_share"))
        self.assertContains(page, "none published yet")

    def test_with_a_policy_the_newcomer_accepts_it_first_and_comes_back(self) -> None:
        version = policy_publish(by=self.adam, title="Policy", text="Be kind.")
        self.login(self.alice)

        first = self.client.get(reverse("accounts:welcome"))
        self.assertRedirects(
            first,
            reverse("governance:policy") + "?next=%2Fwelcome%2F",
            fetch_redirect_response=False,
        )
        done = self.client.post(
            reverse("governance:policy_accept"),
            {"version": version.number, "agree": "on", "next": "/welcome/"},
        )

        self.assertRedirects(done, reverse("accounts:welcome"))
        self.assertContains(
            self.client.get(reverse("accounts:welcome")), "Social media policy: accepted."
        )

    def test_picking_interests_saves_them_and_goes_on_to_networks(self) -> None:
        green = Topic.objects.create(name="Sustainability")
        Topic.objects.create(name="Hiring")
        self.login(self.alice)

        page = self.client.get(reverse("accounts:welcome_interests"))
        self.assertContains(page, "Sustainability")
        response = self.client.post(reverse("accounts:welcome_interests"), {"topics": [green.pk]})

        self.assertRedirects(response, reverse("accounts:welcome_networks"))
        self.assertEqual(
            list(PersonInterest.objects.filter(person=self.alice).values_list("topic", flat=True)),
            [green.pk],
        )

    def test_an_unknown_topic_changes_nothing(self) -> None:
        self.login(self.alice)

        response = self.client.post(reverse("accounts:welcome_interests"), {"topics": [9999]})

        self.assertEqual(response.status_code, 200)
        self.assertFalse(PersonInterest.objects.exists())

    def test_the_networks_step_links_to_the_connected_accounts(self) -> None:
        self.login(self.alice)

        page = self.client.get(reverse("accounts:welcome_networks"))

        self.assertContains(page, reverse("sharing:accounts"))

    def test_the_first_share_points_to_a_post_in_my_feed_only(self) -> None:
        mine = self.make_post(title="For Sales", teams=[self.sales])
        self.login(self.charlie)
        theirs = self.client.get(reverse("accounts:welcome_share"))
        self.assertNotContains(theirs, "For Sales")
        self.assertContains(theirs, "Nothing in your feed yet")

        self.login(self.alice)
        page = self.client.get(reverse("accounts:welcome_share"))

        self.assertContains(page, reverse("content:post", args=[mine.pk]))
        self.assertContains(page, "your link is your own")


class WelcomeNotificationsTests(BaseTestCase):
    """Onboarding asks how often to send a digest and which emails a person wants."""

    def test_a_person_chooses_their_notifications_while_onboarding(self) -> None:
        self.login(self.alice)
        page = self.client.get(reverse("accounts:welcome_notifications"))
        self.assertEqual(page.status_code, 200)

        response = self.client.post(
            reverse("accounts:welcome_notifications"),
            {"digest_frequency": "daily", "email_digest": "on", "email_recognition": ""},
        )

        self.assertRedirects(response, reverse("accounts:welcome_share"))
        preference = NotificationPreference.objects.get(person=self.alice)
        self.assertEqual(preference.digest_frequency, "daily")
        self.assertFalse(preference.email_recognition)
        self.assertFalse(NotificationPreference.objects.filter(person=self.bob).exists())

    def test_a_bad_choice_changes_nothing(self) -> None:
        self.login(self.alice)
        response = self.client.post(
            reverse("accounts:welcome_notifications"), {"digest_frequency": "hourly"}
        )
        self.assertEqual(response.status_code, 200)
        self.assertFalse(NotificationPreference.objects.filter(person=self.alice).exists())
