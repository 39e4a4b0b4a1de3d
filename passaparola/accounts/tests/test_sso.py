"""Single sign-on against a real OpenID Connect provider on loopback: real HTTP, real RSA."""

import http.client
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from django.core.cache import cache
from django.test import Client, override_settings
from django.urls import reverse

from passaparola.accounts.tests.oidc_provider import CLIENT_ID, CLIENT_SECRET, Provider
from passaparola.invitations.models import Invitation
from passaparola.invitations.services import invitation_create
from passaparola.people.models import Person, SsoIdentity
from passaparola.programme.selectors import programme_get
from passaparola.programme.services import programme_update
from passaparola.testing import BaseTestCase

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse


class SsoTestCase(BaseTestCase):
    provider: Provider

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        cls.provider = Provider()
        cls.provider.start()
        cls.addClassCleanup(cls.provider.stop)
        oidc = override_settings(
            OIDC_ISSUER=cls.provider.issuer,
            OIDC_CLIENT_ID=CLIENT_ID,
            OIDC_CLIENT_SECRET=CLIENT_SECRET,
            OIDC_PROVIDER_NAME="Acme ID",
        )
        oidc.enable()
        cls.addClassCleanup(oidc.disable)

    def setUp(self) -> None:
        super().setUp()
        cache.clear()
        self.provider.user = {}
        self.provider.tamper = set()
        self.provider.jwks_requests = self.provider.pkce_checked = 0
        programme_update(
            programme=programme_get(), fields={"allowed_email_domains": "acme.example"}
        )
        self.browser = Client()

    def sign_in(self, next_url: str = "") -> "TestResponse":
        """Go to the provider and back, as a browser would."""
        start = self.browser.get(
            reverse("accounts:sso_start"), {"next": next_url} if next_url else {}
        )
        self.assertEqual(start.status_code, 302)
        authorize = urlsplit(start["Location"])
        self.assertEqual(f"{authorize.scheme}://{authorize.netloc}", self.provider.issuer)
        connection = http.client.HTTPConnection(str(authorize.hostname), authorize.port, timeout=10)
        connection.request("GET", f"{authorize.path}?{authorize.query}")
        answer = connection.getresponse()
        self.assertEqual(answer.status, 302, answer.read())
        back = urlsplit(answer.getheader("Location", ""))
        connection.close()
        self.assertEqual(back.path, reverse("accounts:sso_callback"))
        return self.browser.get(f"{back.path}?{back.query}")

    def logged_in(self) -> str | None:
        return self.browser.session.get("_auth_user_id")


class SsoLoginTests(SsoTestCase):
    def test_the_login_page_offers_the_company_account(self) -> None:
        page = self.browser.get(reverse("accounts:login"))

        self.assertContains(page, "Log in with Acme ID")

    def test_a_first_login_from_an_allowed_domain_creates_the_account(self) -> None:
        response = self.sign_in()

        self.assertRedirects(response, reverse("accounts:welcome"), fetch_redirect_response=False)
        sam = Person.objects.get(email="sam@acme.example")
        self.assertEqual(sam.name, "Sam Single")
        self.assertEqual(self.logged_in(), str(sam.pk))
        identity = SsoIdentity.objects.get(person=sam)
        self.assertEqual((identity.issuer, identity.subject), (self.provider.issuer, "user-1"))
        self.assertEqual(self.provider.pkce_checked, 1)

    def test_an_existing_account_is_matched_by_email_and_goes_where_it_was_going(self) -> None:
        self.provider.user = {"email": "Alice@Example.org", "sub": "alice-at-idp"}

        response = self.sign_in(next_url="/leaderboard/")

        self.assertRedirects(response, "/leaderboard/", fetch_redirect_response=False)
        self.assertEqual(self.logged_in(), str(self.alice.pk))
        self.assertEqual(Person.objects.filter(email="alice@example.org").count(), 1)

    def test_the_next_login_is_matched_by_the_subject_even_after_an_email_change(self) -> None:
        self.sign_in()
        sam = Person.objects.get(email="sam@acme.example")
        self.browser = Client()
        self.provider.user = {"email": "samuel@acme.example"}

        self.sign_in()

        self.assertEqual(self.logged_in(), str(sam.pk))
        self.assertFalse(Person.objects.filter(email="samuel@acme.example").exists())

    def test_an_address_at_another_domain_is_refused_with_a_clear_message(self) -> None:
        self.provider.user = {"email": "mallory@other.example"}

        response = self.sign_in()

        self.assertContains(
            response,
            "Accounts can be created only for company email addresses, and "
            "mallory@other.example is not one.",
            status_code=400,
        )
        self.assertIsNone(self.logged_in())
        self.assertFalse(Person.objects.filter(email="mallory@other.example").exists())

    def test_an_invited_address_outside_the_domains_may_join(self) -> None:
        invitation = invitation_create(
            by=self.adam, email="partner@other.example", name="Pat", teams=[self.support]
        )
        self.provider.user = {"email": "partner@other.example"}

        self.sign_in()

        pat = Person.objects.get(email="partner@other.example")
        self.assertEqual(list(pat.teams.all()), [self.support])
        invitation.refresh_from_db()
        self.assertEqual(invitation.person, pat)

    def test_an_unverified_email_is_refused(self) -> None:
        self.provider.user = {"email_verified": False}

        response = self.sign_in()

        self.assertContains(response, "has not confirmed this email address", status_code=400)
        self.assertIsNone(self.logged_in())

    def test_a_closed_account_is_refused(self) -> None:
        Person.objects.filter(pk=self.alice.pk).update(is_active=False)
        self.provider.user = {"email": "alice@example.org"}

        response = self.sign_in()

        self.assertContains(response, "This account is closed", status_code=400)
        self.assertIsNone(self.logged_in())

    def test_the_provider_rotating_its_key_is_followed(self) -> None:
        self.sign_in()
        self.browser = Client()
        self.provider.rotate()

        self.sign_in()

        self.assertIsNotNone(self.logged_in())
        self.assertEqual(self.provider.jwks_requests, 2)

    def test_a_callback_without_a_matching_state_or_used_twice_is_refused(self) -> None:
        forged = self.browser.get(
            reverse("accounts:sso_callback"), {"code": "x", "state": "made-up"}
        )
        self.assertContains(forged, "expired or was already used", status_code=400)

        self.sign_in()
        self.browser.post(reverse("accounts:logout"))
        # Replaying the same callback address (code and state) logs nobody in.
        start = self.browser.get(reverse("accounts:sso_start"))
        self.assertEqual(start.status_code, 302)
        replay = self.browser.get(reverse("accounts:sso_callback"), {"code": "old", "state": "old"})
        self.assertEqual(replay.status_code, 400)
        self.assertIsNone(self.logged_in())

    def test_a_refusal_at_the_provider_comes_back_as_a_message(self) -> None:
        start = self.browser.get(reverse("accounts:sso_start"))
        state = dict(pair.split("=", 1) for pair in urlsplit(start["Location"]).query.split("&"))[
            "state"
        ]

        response = self.browser.get(
            reverse("accounts:sso_callback"), {"error": "access_denied", "state": state}
        )

        self.assertContains(response, "cancelled or refused", status_code=400)


class SsoTokenCheckTests(SsoTestCase):
    """Every spoiled token is refused and logs nobody in."""

    def refused(self, tamper: str, reason: str, message: str = "could not be verified") -> None:
        self.provider.tamper = {tamper}
        with self.assertLogs("passaparola.accounts.views", level="INFO") as logs:
            response = self.sign_in()
        self.assertIn(reason, "\n".join(logs.output))
        self.assertContains(response, message, status_code=400)
        self.assertIsNone(self.logged_in())
        self.assertFalse(Person.objects.filter(email="sam@acme.example").exists())

    def test_a_token_signed_with_another_key_is_refused(self) -> None:
        self.refused("bad_signature", "Signature verification failed")

    def test_a_token_for_another_audience_is_refused(self) -> None:
        self.refused("wrong_audience", "Audience doesn't match")

    def test_a_token_with_another_nonce_is_refused(self) -> None:
        self.refused("wrong_nonce", "nonce does not match")

    def test_an_expired_token_is_refused(self) -> None:
        self.refused("expired", "expired", "took too long")

    def test_a_token_from_another_issuer_is_refused(self) -> None:
        self.refused("wrong_issuer", "Invalid issuer")

    def test_the_same_provider_with_good_tokens_still_works(self) -> None:
        self.sign_in()

        self.assertIsNotNone(self.logged_in())


class EntraStyleTests(SsoTestCase):
    """Entra ID sends no email_verified: the tenant id is checked instead."""

    @override_settings(OIDC_REQUIRE_EMAIL_VERIFIED=False, OIDC_ALLOWED_TENANTS=["tenant-acme"])
    def test_a_token_from_the_allowed_tenant_is_accepted_without_email_verified(self) -> None:
        self.provider.user = {"email_verified": None, "tid": "tenant-acme"}

        self.sign_in()

        self.assertIsNotNone(self.logged_in())

    @override_settings(OIDC_REQUIRE_EMAIL_VERIFIED=False, OIDC_ALLOWED_TENANTS=["tenant-acme"])
    def test_a_token_from_another_tenant_is_refused(self) -> None:
        self.provider.user = {"email_verified": None, "tid": "tenant-other"}

        response = self.sign_in()

        self.assertContains(response, "belongs to another organisation", status_code=400)
        self.assertIsNone(self.logged_in())


class SsoOffTests(BaseTestCase):
    def test_without_a_provider_the_button_is_hidden_and_the_pages_are_404(self) -> None:
        self.assertNotContains(self.client.get(reverse("accounts:login")), "company account")
        self.assertEqual(self.client.get(reverse("accounts:sso_start")).status_code, 404)
        self.assertEqual(self.client.get(reverse("accounts:sso_callback")).status_code, 404)
        self.assertFalse(Invitation.objects.exists())
