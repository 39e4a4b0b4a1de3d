"""The social media policy: versioned, accepted by everyone, asked again when it changes."""

from django.urls import reverse

from passaparola.audit.models import AuditEntry
from passaparola.governance.models import PolicyAcceptance, PolicyVersion
from passaparola.governance.services import policy_accept, policy_publish
from passaparola.sharing.services import shortlink_get_or_create
from passaparola.testing import BaseTestCase


class PolicyTestCase(BaseTestCase):
    def publish(
        self, title: str = "Our social media policy", text: str = "Be kind."
    ) -> PolicyVersion:
        return policy_publish(by=self.adam, title=title, text=text)


class PolicyAcceptanceTests(PolicyTestCase):
    def test_without_a_policy_nobody_is_stopped(self) -> None:
        self.login(self.alice)

        self.assertEqual(self.client.get(reverse("content:feed")).status_code, 200)

    def test_a_member_is_sent_to_the_policy_until_they_accept_it(self) -> None:
        version = self.publish()
        self.login(self.alice)

        response = self.client.get(reverse("recognition:leaderboard"))

        self.assertRedirects(
            response,
            reverse("governance:policy") + "?next=%2Fleaderboard%2F",
            fetch_redirect_response=False,
        )
        page = self.client.get(response["Location"])
        self.assertContains(page, "Be kind.")
        self.assertContains(page, "Accept the policy")
        accepted = self.client.post(
            reverse("governance:policy_accept"),
            {"version": version.number, "agree": "on", "next": "/leaderboard/"},
        )
        self.assertRedirects(accepted, "/leaderboard/", fetch_redirect_response=False)
        self.assertEqual(self.client.get(reverse("recognition:leaderboard")).status_code, 200)
        self.assertTrue(
            PolicyAcceptance.objects.filter(person=self.alice, version=version).exists()
        )

    def test_accepting_needs_the_box_ticked(self) -> None:
        version = self.publish()
        self.login(self.alice)

        response = self.client.post(
            reverse("governance:policy_accept"), {"version": version.number}
        )

        self.assertContains(response, "Tick the box to accept the policy.", status_code=400)
        self.assertFalse(PolicyAcceptance.objects.exists())

    def test_a_new_version_is_asked_again_and_an_old_page_cannot_accept_it(self) -> None:
        first = self.publish()
        policy_accept(person=self.alice, version=first)
        self.login(self.alice)
        self.assertEqual(self.client.get(reverse("content:feed")).status_code, 200)

        second = policy_publish(
            by=self.adam, title="Policy", text="Never name competitors.", changes="Competitors"
        )

        self.assertEqual(self.client.get(reverse("content:feed")).status_code, 302)
        page = self.client.get(reverse("governance:policy"))
        self.assertContains(page, "Never name competitors.")
        self.assertContains(page, "Competitors")
        stale = self.client.post(
            reverse("governance:policy_accept"), {"version": first.number, "agree": "on"}
        )
        self.assertRedirects(stale, reverse("governance:policy"), fetch_redirect_response=False)
        self.assertFalse(PolicyAcceptance.objects.filter(version=second).exists())
        self.client.post(
            reverse("governance:policy_accept"), {"version": second.number, "agree": "on"}
        )
        self.assertEqual(self.client.get(reverse("content:feed")).status_code, 200)

    def test_logging_out_the_language_short_links_and_static_files_stay_open(self) -> None:
        self.publish()
        self.login(self.alice)

        with self.settings(WHITENOISE_USE_FINDERS=True):
            stylesheet = self.client.get("/static/css/app.css")
        self.assertEqual(stylesheet.status_code, 200)
        self.assertEqual(stylesheet["Content-Type"].split(";")[0], "text/css")
        code = shortlink_get_or_create(person=self.bob, post=self.make_post(), network="x").code
        link = self.client.get(f"/s/{code}")
        self.assertEqual(link.status_code, 302)
        self.assertTrue(link["Location"].startswith("https://example.com/news/factory"))
        self.assertEqual(self.client.get("/s/unknowncode").status_code, 404)
        language = self.client.post(
            reverse("accounts:language"), {"language": "it", "next": "/policy/"}
        )
        self.assertRedirects(language, "/policy/", fetch_redirect_response=False)
        self.assertEqual(self.client.get(reverse("accounts:account_export")).status_code, 200)
        self.assertEqual(self.client.get(reverse("accounts:account_leave")).status_code, 200)
        logout = self.client.post(reverse("accounts:logout"))
        self.assertRedirects(logout, reverse("accounts:login"), fetch_redirect_response=False)

    def test_an_htmx_request_is_told_to_navigate_to_the_policy(self) -> None:
        self.publish()
        self.login(self.alice)

        response = self.client.get(reverse("content:feed"), HTTP_HX_REQUEST="true")

        self.assertEqual(response.status_code, 204)
        self.assertTrue(response["HX-Redirect"].startswith(reverse("governance:policy")))

    def test_the_next_address_never_leads_to_another_site(self) -> None:
        version = self.publish()
        self.login(self.alice)

        for target in ["https://evil.example/", "welcome", "//evil.example/", "/\\evil.example"]:
            with self.subTest(next=target):
                PolicyAcceptance.objects.all().delete()
                response = self.client.post(
                    reverse("governance:policy_accept"),
                    {"version": version.number, "agree": "on", "next": target},
                )

                self.assertRedirects(
                    response, reverse("content:feed"), fetch_redirect_response=False
                )
                self.assertTrue(PolicyAcceptance.objects.filter(person=self.alice).exists())

    def test_the_policy_page_works_with_no_policy_and_for_visitors_asks_to_log_in(self) -> None:
        self.login(self.alice)
        self.assertContains(self.client.get(reverse("governance:policy")), "has not published")
        self.client.logout()
        self.assertEqual(self.client.get(reverse("governance:policy")).status_code, 302)


class PolicyAdminTests(PolicyTestCase):
    def test_the_manager_publishes_versions_and_sees_who_accepted(self) -> None:
        self.login(self.adam)

        response = self.client.post(
            reverse("governance:policy_admin"),
            {"title": "Policy", "text": "Be kind and honest.", "changes": ""},
        )

        self.assertRedirects(
            response, reverse("governance:policy_admin"), fetch_redirect_response=False
        )
        version = PolicyVersion.objects.get()
        self.assertEqual(version.number, 1)
        self.client.post(reverse("governance:policy_accept"), {"version": 1, "agree": "on"})
        policy_accept(person=self.alice, version=version)
        page = self.client.get(reverse("governance:policy_admin"))
        self.assertContains(page, 'data-accepted="1">2<')
        self.client.post(
            reverse("governance:policy_admin"), {"title": "Policy", "text": "v2", "changes": "x"}
        )
        self.assertEqual(list(PolicyVersion.objects.values_list("number", flat=True)), [2, 1])
        self.assertEqual(AuditEntry.objects.filter(action="policy.published").count(), 2)

    def test_a_policy_without_text_is_refused(self) -> None:
        self.login(self.adam)

        response = self.client.post(reverse("governance:policy_admin"), {"title": "P", "text": ""})

        self.assertEqual(response.status_code, 200)
        self.assertFalse(PolicyVersion.objects.exists())

    def test_only_programme_managers_manage_the_policy(self) -> None:
        for person in (self.alice, self.bob, self.charlie, self.lena, self.erin, self.vera):
            self.login(person)
            self.assertEqual(self.client.get(reverse("governance:policy_admin")).status_code, 404)
            response = self.client.post(
                reverse("governance:policy_admin"), {"title": "P", "text": "Mine now"}
            )
            self.assertEqual(response.status_code, 404)
        self.assertFalse(PolicyVersion.objects.exists())
