"""Guessing and flooding are slowed down: per account and per client address, in the database."""

from datetime import timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.test import Client
from django.urls import reverse

from passaparola.invitations.models import InvitationSettings
from passaparola.people.models import LoginCode, ThrottleWindow
from passaparola.people.throttle import Rule, throttle_hit, throttle_windows_prune
from passaparola.programme.selectors import programme_get
from passaparola.programme.services import programme_update
from passaparola.testing import PASSWORD, BaseTestCase
from passaparola.testing.clock import NOW, frozen
from passaparola.testing.queue import enqueued_tasks

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse

WRONG = "not the password"
PAUSED = "To keep accounts safe, this is paused for a while."
LIMIT = settings.AXES_FAILURE_LIMIT


def client_at(address: str) -> Client:
    return Client(REMOTE_ADDR=address)


def logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


class PasswordGuessingTests(BaseTestCase):
    def guess(
        self, client: Client, email: str = "alice@example.org", password: str = WRONG
    ) -> "TestResponse":
        return client.post(reverse("accounts:login"), {"email": email, "password": password})

    @frozen()
    def test_after_the_allowed_failures_even_the_right_password_waits_with_retry_after(
        self,
    ) -> None:
        attacker = client_at("203.0.113.7")
        for _ in range(LIMIT - 1):
            self.assertEqual(self.guess(attacker).status_code, 200)

        refused = self.guess(attacker)
        right = self.guess(attacker, password=PASSWORD)

        self.assertEqual(refused.status_code, 429)
        self.assertEqual(right.status_code, 429)
        self.assertContains(right, PAUSED, status_code=429)
        self.assertEqual(int(right["Retry-After"]), settings.AXES_COOLOFF_TIME.total_seconds())
        self.assertFalse(logged_in(attacker))

    def test_the_pause_ends_after_the_cool_off_and_the_right_password_works_again(self) -> None:
        attacker = client_at("203.0.113.7")
        with frozen(NOW):
            for _ in range(LIMIT):
                self.guess(attacker)
            self.assertEqual(self.guess(attacker, password=PASSWORD).status_code, 429)
        later = NOW + settings.AXES_COOLOFF_TIME + timedelta(seconds=1)
        with frozen(later):
            response = self.guess(attacker, password=PASSWORD)

        self.assertRedirects(response, reverse("content:feed"), fetch_redirect_response=False)
        self.assertTrue(logged_in(attacker))

    @frozen()
    def test_one_account_guessed_from_many_addresses_is_paused_everywhere(self) -> None:
        for number in range(LIMIT):
            self.guess(client_at(f"198.51.100.{number + 1}"))

        alice_elsewhere = client_at("192.0.2.50")
        refused = self.guess(alice_elsewhere, password=PASSWORD)
        bob_there = self.guess(client_at("192.0.2.50"), email="bob@example.org", password=PASSWORD)

        self.assertEqual(refused.status_code, 429)
        self.assertFalse(logged_in(alice_elsewhere))
        self.assertEqual(bob_there.status_code, 302)

    @frozen()
    def test_one_address_guessing_many_accounts_is_paused_for_every_account(self) -> None:
        sprayer = client_at("203.0.113.9")
        for number in range(LIMIT):
            self.guess(sprayer, email=f"person{number}@example.org")

        from_sprayer = self.guess(sprayer, email="bob@example.org", password=PASSWORD)
        from_elsewhere = client_at("192.0.2.60")
        bob = self.guess(from_elsewhere, email="bob@example.org", password=PASSWORD)

        self.assertEqual(from_sprayer.status_code, 429)
        self.assertEqual(bob.status_code, 302)

    @frozen()
    def test_a_success_before_the_limit_starts_the_count_again(self) -> None:
        alice = client_at("192.0.2.10")
        for _ in range(LIMIT - 1):
            self.guess(alice)
        self.assertEqual(self.guess(alice, password=PASSWORD).status_code, 302)
        alice.post(reverse("accounts:logout"))

        for _ in range(LIMIT - 1):
            self.assertEqual(self.guess(alice).status_code, 200)

    @frozen()
    def test_wrong_login_codes_count_as_failures_too(self) -> None:
        attacker = client_at("203.0.113.11")
        for _ in range(LIMIT):
            response = attacker.post(
                reverse("accounts:code_login"), {"email": "alice@example.org", "code": "000000"}
            )
        self.assertEqual(response.status_code, 429)

        # Even a code the attacker somehow had is refused while the pause lasts.
        LoginCode.objects.all().delete()
        with enqueued_tasks():
            client_at("192.0.2.1").post(
                reverse("accounts:code_request"), {"email": "alice@example.org"}
            )
        self.assertEqual(LoginCode.objects.filter(person=self.alice).count(), 1)
        refused = attacker.post(
            reverse("accounts:code_login"), {"email": "alice@example.org", "code": "123456"}
        )
        self.assertEqual(refused.status_code, 429)
        self.assertFalse(logged_in(attacker))


class CodeFloodingTests(BaseTestCase):
    def ask(self, client: Client, email: str = "alice@example.org") -> "TestResponse":
        return client.post(reverse("accounts:code_request"), {"email": email})

    @frozen()
    def test_a_mailbox_gets_at_most_five_codes_in_fifteen_minutes(self) -> None:
        with enqueued_tasks(run=False) as queued:
            answers = [self.ask(client_at(f"198.51.100.{n}")) for n in range(1, 8)]

        self.assertEqual([a.status_code for a in answers], [200] * 5 + [429] * 2)
        self.assertEqual(len(queued), 5)
        self.assertContains(answers[-1], PAUSED, status_code=429)
        # Frozen at 12:00, the window of 15 minutes ends at 12:15.
        self.assertEqual(answers[-1]["Retry-After"], "900")

    @frozen()
    def test_one_address_asking_for_many_mailboxes_is_paused_at_twenty(self) -> None:
        flooder = client_at("203.0.113.20")
        with enqueued_tasks(run=False) as queued:
            answers = [self.ask(flooder, f"p{n}@example.org") for n in range(22)]

        self.assertEqual([a.status_code for a in answers].count(429), 2)
        self.assertEqual(len(queued), 20)
        self.assertEqual(self.ask(client_at("192.0.2.2")).status_code, 200)

    def test_the_count_starts_again_in_the_next_window(self) -> None:
        with frozen(NOW + timedelta(minutes=14, seconds=59)), enqueued_tasks(run=False):
            for _ in range(5):
                self.ask(client_at("192.0.2.3"))
            self.assertEqual(self.ask(client_at("192.0.2.3")).status_code, 429)
        with frozen(NOW + timedelta(minutes=15)), enqueued_tasks(run=False) as queued:
            self.assertEqual(self.ask(client_at("192.0.2.3")).status_code, 200)
        self.assertEqual(len(queued), 1)


class SignupFloodingTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        programme_update(
            programme=programme_get(), fields={"allowed_email_domains": "acme.example"}
        )
        row, _created = InvitationSettings.objects.update_or_create(
            pk=1, defaults={"open_link_enabled": True}
        )
        self.link = reverse("invitations:join", args=[row.open_link_key])

    @frozen()
    def test_one_address_may_ask_for_twenty_sign_ups_in_fifteen_minutes(self) -> None:
        flooder = client_at("203.0.113.30")
        with enqueued_tasks(run=False):
            answers = [
                flooder.post(self.link, {"name": "Zed", "email": f"z{n}@acme.example"})
                for n in range(21)
            ]

        self.assertEqual([a.status_code for a in answers].count(429), 1)
        self.assertEqual(answers[-1].status_code, 429)

    @frozen()
    def test_sign_up_codes_are_paused_per_address_after_ten_tries(self) -> None:
        answers = [
            client_at(f"198.51.100.{n}").post(
                reverse("invitations:signup_code"), {"email": "z@acme.example", "code": "000000"}
            )
            for n in range(1, 12)
        ]

        self.assertEqual([a.status_code for a in answers], [400] * 10 + [429])


class ThrottleStoreTests(BaseTestCase):
    RULE = Rule("test", limit=2, seconds=60)

    def test_hits_are_counted_in_the_shared_database_not_in_the_process(self) -> None:
        with frozen():
            throttle_hit(self.RULE, "someone")
            throttle_hit(self.RULE, "someone")

        window = ThrottleWindow.objects.get()
        self.assertEqual(window.hits, 2)
        self.assertNotIn("someone", window.key)  # a keyed hash, not the identity

    def test_every_identity_is_counted_even_when_one_is_over(self) -> None:
        with frozen():
            for _ in range(3):
                throttle_hit(self.RULE, "over")
            wait = throttle_hit(self.RULE, "over", "fresh")

        self.assertEqual(wait, 60)
        self.assertEqual(sorted(ThrottleWindow.objects.values_list("hits", flat=True)), [1, 4])

    def test_old_windows_are_pruned_and_the_current_ones_kept(self) -> None:
        with frozen(NOW - timedelta(days=2)):
            throttle_hit(self.RULE, "old")
        with frozen():
            throttle_hit(self.RULE, "new")
            deleted = throttle_windows_prune()

        self.assertEqual(deleted, 1)
        self.assertEqual(ThrottleWindow.objects.get().hits, 1)
