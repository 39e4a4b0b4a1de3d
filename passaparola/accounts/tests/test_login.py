"""Logging in: with a password, with a one-time code sent by real email, and the language."""

import re
from datetime import timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from passaparola.people.models import LoginCode, Person
from passaparola.testing import PASSWORD, BaseTestCase
from passaparola.testing.mail import MailTestCase
from passaparola.testing.queue import enqueued_tasks, queued_arguments

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse

# `next` values that are not an address on this site: each must lead to the default page.
NOT_LOCAL = [
    "welcome",
    "https://evil.example/",
    "//evil.example/",
    "/\\evil.example/",
    "javascript:alert(1)",
    " https://evil.example/",
    "/" + "a" * 5000,
]
CSRF_VALUE = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')


def logged_in_id(client: Client) -> str | None:
    value = client.session.get("_auth_user_id")
    return None if value is None else str(value)


class PasswordLoginTests(BaseTestCase):
    def test_the_right_password_logs_the_person_in_and_opens_the_feed(self) -> None:
        response = self.client.post(
            reverse("accounts:login"), {"email": "alice@example.org", "password": PASSWORD}
        )

        self.assertRedirects(response, reverse("content:feed"))
        self.assertEqual(logged_in_id(self.client), str(self.alice.pk))

    def test_a_wrong_password_is_refused_with_a_message(self) -> None:
        response = self.client.post(
            reverse("accounts:login"), {"email": "alice@example.org", "password": "not it"}
        )

        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "That email and password do not match an account.")
        self.assertIsNone(logged_in_id(self.client))

    def test_the_email_address_is_matched_whatever_its_case(self) -> None:
        response = self.client.post(
            reverse("accounts:login"), {"email": "  ALICE@Example.ORG ", "password": PASSWORD}
        )

        self.assertRedirects(response, reverse("content:feed"))
        self.assertEqual(logged_in_id(self.client), str(self.alice.pk))

    def test_an_inactive_person_cannot_log_in_even_with_the_right_password(self) -> None:
        Person.objects.filter(pk=self.alice.pk).update(is_active=False)

        response = self.client.post(
            reverse("accounts:login"), {"email": "alice@example.org", "password": PASSWORD}
        )

        self.assertEqual(response.status_code, 200)
        self.assertIsNone(logged_in_id(self.client))

    def test_an_unknown_email_gets_the_same_message_as_a_wrong_password(self) -> None:
        unknown = self.client.post(
            reverse("accounts:login"), {"email": "nobody@example.org", "password": PASSWORD}
        )
        wrong = self.client.post(
            reverse("accounts:login"), {"email": "alice@example.org", "password": "not it"}
        )

        self.assertContains(unknown, "That email and password do not match an account.")
        self.assertEqual(unknown.status_code, wrong.status_code)

    def test_it_goes_on_to_a_page_of_this_site_but_never_to_another_site(self) -> None:
        inside = self.client.post(
            reverse("accounts:login"),
            {"email": "alice@example.org", "password": PASSWORD, "next": "/leaderboard/"},
        )
        self.assertRedirects(inside, "/leaderboard/", fetch_redirect_response=False)

        for target in NOT_LOCAL:
            with self.subTest(next=target):
                other = Client()
                outside = other.post(
                    reverse("accounts:login"),
                    {"email": "alice@example.org", "password": PASSWORD, "next": target},
                )
                self.assertRedirects(
                    outside, reverse("content:feed"), fetch_redirect_response=False
                )
                self.assertEqual(logged_in_id(other), str(self.alice.pk))

    def test_a_logged_in_person_opening_the_login_page_goes_to_the_feed(self) -> None:
        self.login(self.alice)

        response = self.client.get(reverse("accounts:login"))

        self.assertRedirects(response, reverse("content:feed"))


class CodeLoginTests(MailTestCase):
    """The code travels through a real SMTP conversation with a local server."""

    def request_code(self, address: str = "alice@example.org") -> "TestResponse":
        return self.client.post(reverse("accounts:code_request"), {"email": address})

    def received_code(self) -> str:
        self.assertEqual(len(self.inbox.messages), 1)
        message = self.inbox.messages[0]
        body = message.get_body(preferencelist=("plain",))
        assert body is not None
        found = re.search(r"\b(\d{6})\b", body.get_content())
        assert found is not None, body.get_content()
        return found.group(1)

    def enter_code(self, code: str, address: str = "alice@example.org") -> "TestResponse":
        return self.client.post(reverse("accounts:code_login"), {"email": address, "code": code})

    def wrong_code(self, code: str) -> str:
        return f"{(int(code) + 1) % 1_000_000:06d}"

    def test_asking_for_a_code_emails_it_to_the_person(self) -> None:
        response = self.request_code()

        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Check your email")
        code = self.received_code()
        message = self.inbox.messages[0]
        self.assertEqual(message["To"], "alice@example.org")
        self.assertIn(code, message["Subject"])

    def test_the_code_never_travels_through_the_task_queue(self) -> None:
        with enqueued_tasks() as tasks:
            self.request_code()
        code = self.received_code()

        self.assertEqual([task.name for task in tasks], ["send_login_code"])
        self.assertEqual(tasks[0].args, ("alice@example.org",))
        self.assertNotIn(code, queued_arguments(tasks))
        self.assertNotIn(code, LoginCode.objects.get(person=self.alice).code_hash)

    def test_the_code_email_is_branded_and_in_the_persons_language(self) -> None:
        self.alice.language = "it"
        self.alice.save(update_fields=["language"])

        self.request_code()

        message = self.inbox.messages[0]
        self.assertEqual(message["Content-Language"], "it")
        self.assertEqual(message["From"], "Passaparola <passaparola@localhost>")
        self.assertIsNone(message["List-Unsubscribe"], "a login code cannot be turned off")

    def test_the_emailed_code_logs_the_person_in(self) -> None:
        self.request_code()
        code = self.received_code()

        response = self.enter_code(code)

        self.assertRedirects(response, reverse("content:feed"))
        self.assertEqual(logged_in_id(self.client), str(self.alice.pk))

    def test_a_code_works_only_once(self) -> None:
        self.request_code()
        code = self.received_code()
        self.enter_code(code)
        self.client.post(reverse("accounts:logout"))

        response = self.enter_code(code)

        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "This code is wrong or has expired.", status_code=400)
        self.assertIsNone(logged_in_id(self.client))

    def test_the_code_request_matches_the_email_whatever_its_case(self) -> None:
        self.request_code("Alice@EXAMPLE.org")
        code = self.received_code()

        response = self.enter_code(code, "Alice@EXAMPLE.org")

        self.assertRedirects(response, reverse("content:feed"))
        self.assertEqual(logged_in_id(self.client), str(self.alice.pk))

    def test_a_wrong_code_counts_an_attempt(self) -> None:
        self.request_code()
        code = self.received_code()

        response = self.enter_code(self.wrong_code(code))

        self.assertEqual(response.status_code, 400)
        self.assertIsNone(logged_in_id(self.client))
        self.assertEqual(LoginCode.objects.get(person=self.alice, used_at=None).attempts, 1)

    def test_after_the_allowed_attempts_even_the_right_code_stops_working(self) -> None:
        self.request_code()
        code = self.received_code()
        for _attempt in range(settings.LOGIN_CODE_ATTEMPTS):
            self.enter_code(self.wrong_code(code))

        response = self.enter_code(code)

        self.assertEqual(response.status_code, 400)
        self.assertIsNone(logged_in_id(self.client))

    def test_the_right_code_still_works_after_fewer_wrong_attempts_than_allowed(self) -> None:
        self.request_code()
        code = self.received_code()
        for _attempt in range(settings.LOGIN_CODE_ATTEMPTS - 1):
            self.enter_code(self.wrong_code(code))

        response = self.enter_code(code)

        self.assertRedirects(response, reverse("content:feed"))

    def test_an_expired_code_does_not_log_in(self) -> None:
        self.request_code()
        code = self.received_code()
        LoginCode.objects.filter(person=self.alice).update(
            expires_at=timezone.now() - timedelta(seconds=1)
        )

        response = self.enter_code(code)

        self.assertEqual(response.status_code, 400)
        self.assertIsNone(logged_in_id(self.client))

    def test_asking_again_makes_the_earlier_code_stop_working(self) -> None:
        self.request_code()
        first = self.received_code()
        self.inbox.messages.clear()
        self.request_code()
        second = self.received_code()

        if first != second:
            self.assertEqual(self.enter_code(first).status_code, 400)
        self.assertRedirects(self.enter_code(second), reverse("content:feed"))

    def test_a_code_for_one_person_does_not_open_another_persons_account(self) -> None:
        self.request_code("alice@example.org")
        code = self.received_code()

        response = self.enter_code(code, "bob@example.org")

        self.assertEqual(response.status_code, 400)
        self.assertIsNone(logged_in_id(self.client))

    def test_an_unknown_email_gets_the_same_page_and_no_mail(self) -> None:
        known = self.request_code("alice@example.org")
        self.inbox.messages.clear()

        unknown = self.request_code("nobody@example.org")

        self.assertEqual(self.inbox.messages, [])
        self.assertEqual(unknown.status_code, known.status_code)

        def normalised(response: "TestResponse", address: str) -> str:
            page = response.content.decode().replace(address, "EMAIL")
            return CSRF_VALUE.sub("CSRF", page)

        self.assertEqual(
            normalised(known, "alice@example.org"), normalised(unknown, "nobody@example.org")
        )

    def test_known_and_unknown_addresses_cost_the_request_the_same_work(self) -> None:
        # Timing must not reveal accounts: both answers query the same and queue the same.
        with CaptureQueriesContext(connection) as known_sql, enqueued_tasks(run=False) as known:
            self.request_code("alice@example.org")
        with CaptureQueriesContext(connection) as unknown_sql, enqueued_tasks(run=False) as unknown:
            self.request_code("nobody@example.org")

        self.assertEqual(len(known_sql), len(unknown_sql))
        self.assertEqual([t.name for t in known], [t.name for t in unknown])
        self.assertEqual(len(known), 1)

    def test_an_inactive_person_gets_no_code(self) -> None:
        Person.objects.filter(pk=self.alice.pk).update(is_active=False)

        response = self.request_code()

        self.assertEqual(response.status_code, 200)
        self.assertEqual(self.inbox.messages, [])
        self.assertFalse(LoginCode.objects.filter(person=self.alice).exists())


class LanguageTests(BaseTestCase):
    def test_switching_to_italian_is_remembered_and_pages_render_in_italian(self) -> None:
        self.login(self.alice)

        response = self.client.post(
            reverse("accounts:language"), {"language": "it", "next": "/leaderboard/"}
        )

        self.assertRedirects(response, "/leaderboard/", fetch_redirect_response=False)
        self.assertEqual(response.cookies[settings.LANGUAGE_COOKIE_NAME].value, "it")
        self.alice.refresh_from_db()
        self.assertEqual(self.alice.language, "it")
        page = self.client.get(reverse("content:feed"))
        self.assertContains(page, '<html lang="it">')
        self.assertContains(page, "Riconoscimenti")  # the navigation's "Recognition"

    def test_the_saved_language_follows_the_person_to_a_new_browser(self) -> None:
        Person.objects.filter(pk=self.alice.pk).update(language="it")
        browser = Client()

        response = browser.post(
            reverse("accounts:login"), {"email": "alice@example.org", "password": PASSWORD}
        )

        self.assertEqual(response.cookies[settings.LANGUAGE_COOKIE_NAME].value, "it")
        self.assertContains(browser.get(reverse("content:feed")), '<html lang="it">')

    def test_a_visitor_who_is_not_logged_in_can_switch_the_login_page(self) -> None:
        response = self.client.post(reverse("accounts:language"), {"language": "it"})

        self.assertEqual(response.status_code, 302)
        page = self.client.get(reverse("accounts:login"))
        self.assertContains(page, '<html lang="it">')
        self.assertContains(page, "Accedi")  # "Log in"

    def test_a_next_value_that_is_not_a_local_address_leads_to_the_feed(self) -> None:
        self.login(self.alice)
        for target in NOT_LOCAL:
            with self.subTest(next=target):
                response = self.client.post(
                    reverse("accounts:language"), {"language": "nl", "next": target}
                )

                self.assertRedirects(
                    response, reverse("content:feed"), fetch_redirect_response=False
                )
                self.assertEqual(response.cookies[settings.LANGUAGE_COOKIE_NAME].value, "nl")

    def test_an_unknown_language_changes_nothing(self) -> None:
        self.login(self.alice)

        response = self.client.post(reverse("accounts:language"), {"language": "xx"})

        self.assertEqual(response.status_code, 302)
        self.assertNotIn(settings.LANGUAGE_COOKIE_NAME, response.cookies)
        self.alice.refresh_from_db()
        self.assertEqual(self.alice.language, "")
        self.assertContains(self.client.get(reverse("content:feed")), '<html lang="en">')
