"""Leads: the server postback API and the website snippet, each attributed to its share."""

import json
from datetime import timedelta
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from passaparola.activity.models import Activity, Verb
from passaparola.content.models import Post
from passaparola.content.services import post_create
from passaparola.people.models import ThrottleWindow
from passaparola.recognition.models import PointsEntry
from passaparola.sharing.models import ShortLink
from passaparola.sharing.services import shortlink_get_or_create
from passaparola.testing import BaseTestCase
from passaparola.tracking.models import ApiToken, Click, Conversion
from passaparola.tracking.services import (
    api_token_create,
    conversions_confirm,
    lead_reject,
    tracking_settings_update,
)

CHROME = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Safari/537.36"
)
SITE = "https://www.acme.example"
JAVASCRIPT_TYPES = ("text/javascript", "application/javascript")


class LeadTestCase(BaseTestCase):
    post: Post
    link: ShortLink
    token: ApiToken
    secret: str

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.post = post_create(created_by=cls.erin, url="https://acme.example/offer", title="Offer")
        cls.link = shortlink_get_or_create(person=cls.alice, post=cls.post, network="linkedin")
        cls.token, cls.secret = api_token_create(name="CRM", by=cls.adam)
        tracking_settings_update(fields={"allowed_origins": SITE})

    def click(self, user_agent: str = CHROME) -> str:
        """Follow the short link; return the click id the landing address carries."""
        response = self.client.get(
            reverse("tracking:redirect", args=[self.link.code]), headers={"user-agent": user_agent}
        )
        return parse_qs(urlsplit(response["Location"]).query)["pp_click"][0]

    def lead_points(self) -> list[int]:
        entries = PointsEntry.objects.filter(action=PointsEntry.Action.LEAD, person=self.alice)
        return list(entries.values_list("points", flat=True))


class PostbackTests(LeadTestCase):
    def postback(self, body: object, secret: str | None = None) -> dict:
        # Recognition gives the points once the request's transaction commits.
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(
                reverse("tracking:postback"),
                data=json.dumps(body),
                content_type="application/json",
                headers={"authorization": f"Bearer {secret or self.secret}"},
            )
        return {"status": response.status_code, **response.json()}

    def test_a_lead_with_a_click_id_is_attributed_to_the_share_and_earns_points(self) -> None:
        answer = self.postback({"external_id": "order-1", "click": self.click(), "value": "49.9"})

        self.assertEqual((answer["status"], answer["state"]), (201, "confirmed"))
        lead = Conversion.objects.get()
        self.assertEqual(
            (lead.link, lead.value, lead.token), (self.link, Decimal("49.90"), self.token)
        )
        self.assertEqual(len(self.lead_points()), 1)
        activity = Activity.objects.get(verb=Verb.CONVERSION)
        self.assertEqual(
            (activity.person, activity.post, activity.network), (self.alice, self.post, "linkedin")
        )

    def test_the_same_external_id_counts_once(self) -> None:
        first = self.postback({"external_id": "order-1", "link": self.link.code})
        second = self.postback({"external_id": "order-1", "link": self.link.code})

        self.assertEqual((first["status"], second["status"]), (201, 200))
        self.assertEqual(first["id"], second["id"])
        self.assertEqual(Conversion.objects.count(), 1)
        self.assertEqual(len(self.lead_points()), 1)

    def test_a_confirmed_lead_can_be_rejected_once_and_says_so_in_an_activity(self) -> None:
        answer = self.postback({"external_id": "order-1", "link": self.link.code})
        lead = Conversion.objects.get(pk=answer["id"])

        with self.captureOnCommitCallbacks(execute=True):
            self.assertTrue(lead_reject(conversion=lead))
        self.assertFalse(lead_reject(conversion=lead))

        lead.refresh_from_db()
        self.assertEqual(lead.state, Conversion.State.REJECTED)
        rejected = Activity.objects.get(verb=Verb.CONVERSION_REJECTED)
        self.assertEqual((rejected.person, rejected.source_id), (self.alice, lead.pk))
        # Recognition took the lead's points back.
        self.assertEqual(
            sum(PointsEntry.objects.filter(person=self.alice).values_list("points", flat=True)), 0
        )

    def test_a_missing_or_revoked_or_wrong_token_is_refused(self) -> None:
        for secret in ["pp_wrong", "nonsense", ""]:
            with self.subTest(secret=secret):
                response = self.client.post(
                    reverse("tracking:postback"),
                    data=json.dumps({"external_id": "x", "link": self.link.code}),
                    content_type="application/json",
                    headers={"authorization": f"Bearer {secret}"} if secret else {},
                )
                self.assertEqual(response.status_code, 401)
        ApiToken.objects.filter(pk=self.token.pk).update(revoked_at=timezone.now())
        self.assertEqual(self.postback({"external_id": "x", "link": self.link.code})["status"], 401)
        self.assertFalse(Conversion.objects.exists())

    def test_bad_bodies_get_a_clear_error_and_change_nothing(self) -> None:
        cases = [
            {},
            {"external_id": "x"},
            {"external_id": "x", "link": "NoSuchCode"},
            {"external_id": "x", "click": "garbage"},
            {"external_id": "x" * 200, "link": self.link.code},
            {"external_id": ["x"], "link": self.link.code},
            {"external_id": "x", "link": self.link.code, "value": "lots"},
            {"external_id": "x", "link": self.link.code, "value": "1e99"},
            {"external_id": "x", "link": self.link.code, "occurred_at": "yesterday"},
            {"external_id": "x", "link": self.link.code, "occurred_at": "2999-01-01T00:00:00Z"},
            [1, 2],
        ]
        for body in cases:
            with self.subTest(body=str(body)[:60]):
                answer = self.postback(body)
                self.assertEqual(answer["status"], 400)
                self.assertTrue(answer["error"])
        response = self.client.post(
            reverse("tracking:postback"),
            data=b"\xff\xfe{",
            content_type="application/json",
            headers={"authorization": f"Bearer {self.secret}"},
        )
        self.assertEqual(response.status_code, 400)
        self.assertFalse(Conversion.objects.exists())

    def test_only_post_is_accepted(self) -> None:
        response = self.client.get(reverse("tracking:postback"))

        self.assertEqual(response.status_code, 405)

    def test_the_token_is_stored_only_as_a_hash(self) -> None:
        token = ApiToken.objects.get()

        self.assertNotIn(self.secret, token.digest)
        self.assertEqual(token.prefix, self.secret[:8])


class SnippetTests(LeadTestCase):
    def report(self, body: object, origin: str = SITE) -> tuple[int, dict]:
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(
                reverse("tracking:lead"),
                data=json.dumps(body),
                content_type="text/plain",
                headers={"origin": origin},
            )
        return response.status_code, response.json()

    def test_a_lead_after_a_human_click_is_confirmed_and_earns_points(self) -> None:
        status, answer = self.report({"click": self.click(), "external_id": "form-7"})

        self.assertEqual((status, answer["state"]), (202, "confirmed"))
        lead = Conversion.objects.get()
        self.assertEqual((lead.link, lead.source, lead.external_id), (self.link, "web", "form-7"))
        self.assertEqual(len(self.lead_points()), 1)

    def test_a_beacon_from_a_page_that_goes_away_is_read_as_json(self) -> None:
        # navigator.sendBeacon with a string: text/plain with a charset, the platform's cookies
        # if the browser has any, and the website's origin; only the origin counts.
        self.client.force_login(self.bob)
        click = self.click()
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(
                reverse("tracking:lead"),
                data=json.dumps({"click": click, "external_id": "form-9"}),
                content_type="text/plain;charset=UTF-8",
                headers={"origin": SITE},
            )

        self.assertEqual(response.status_code, 202)
        self.assertEqual(Conversion.objects.get().link.person, self.alice)
        self.assertEqual(len(self.lead_points()), 1)

    def test_one_click_brings_at_most_one_lead(self) -> None:
        click = self.click()
        self.report({"click": click, "external_id": "a"})
        status, _answer = self.report({"click": click, "external_id": "b"})

        self.assertEqual(status, 200)
        self.assertEqual(Conversion.objects.count(), 1)
        self.assertEqual(len(self.lead_points()), 1)

    def test_the_answer_allows_only_the_configured_origin(self) -> None:
        response = self.client.post(
            reverse("tracking:lead"),
            data=json.dumps({"click": self.click()}),
            content_type="text/plain",
            headers={"origin": SITE},
        )

        self.assertEqual(response["Access-Control-Allow-Origin"], SITE)
        preflight = self.client.options(reverse("tracking:lead"), headers={"origin": SITE})
        self.assertEqual(preflight.status_code, 204)
        self.assertIn("POST", preflight["Access-Control-Allow-Methods"])

    def test_other_origins_are_refused(self) -> None:
        for origin in ["https://evil.example", "", "null", SITE + ".evil.example"]:
            with self.subTest(origin=origin):
                status, _answer = self.report({"click": self.click()}, origin=origin)
                self.assertEqual(status, 403)
        self.assertFalse(Conversion.objects.exists())

    def test_a_made_up_click_id_never_becomes_a_lead(self) -> None:
        forged = f"{self.link.code}-{'0' * 32}"
        status, answer = self.report({"click": forged})

        self.assertEqual((status, answer["state"]), (202, "pending"))
        Conversion.objects.update(created_at=timezone.now() - timedelta(days=2))
        conversions_confirm()
        self.assertEqual(Conversion.objects.get().state, "rejected")
        self.assertEqual(self.lead_points(), [])

    def test_a_bot_click_never_becomes_a_lead(self) -> None:
        status, answer = self.report({"click": self.click(user_agent="Twitterbot/1.0")})

        self.assertEqual((status, answer["state"]), (202, "rejected"))
        self.assertEqual(self.lead_points(), [])

    def test_a_lead_waits_for_its_click_to_be_ingested(self) -> None:
        click = self.click()
        Click.objects.all().delete()  # as if the click were still in the spool
        _status, answer = self.report({"click": click})
        self.assertEqual(answer["state"], "pending")
        self.click()  # the worker ingests: here, another click comes in (immediate mode)
        Click.objects.update(uuid=click.split("-")[1])

        with self.captureOnCommitCallbacks(execute=True):
            conversions_confirm()

        self.assertEqual(Conversion.objects.get().state, "confirmed")
        self.assertEqual(len(self.lead_points()), 1)

    def test_bad_bodies_are_refused_without_a_server_error(self) -> None:
        for body in [{}, {"click": ""}, {"click": "x-y"}, {"click": 5}, "text", [1]]:
            with self.subTest(body=body):
                status, _answer = self.report(body)
                self.assertEqual(status, 400)
        response = self.client.post(
            reverse("tracking:lead"),
            data=b"x" * 10_000,
            content_type="text/plain",
            headers={"origin": SITE},
        )
        self.assertEqual(response.status_code, 400)
        self.assertFalse(Conversion.objects.exists())

    def test_a_flood_from_one_address_is_slowed_down(self) -> None:
        statuses = [self.report({"click": f"{self.link.code}-{n:032x}"})[0] for n in range(40)]

        self.assertIn(429, statuses)
        self.assertLessEqual(Conversion.objects.count(), 30)
        # Counted in the database every web process shares, with how long to wait.
        self.assertTrue(ThrottleWindow.objects.exists())
        refused = self.client.post(
            reverse("tracking:lead"),
            data=json.dumps({"click": "x"}),
            content_type="text/plain",
            headers={"origin": SITE},
        )
        self.assertEqual(refused.status_code, 429)
        self.assertLessEqual(int(refused["Retry-After"]), 60)

    @override_settings(WHITENOISE_USE_FINDERS=True)
    def test_the_snippet_is_served_by_the_platform(self) -> None:
        # The company website loads it cross-site, with no cookie of ours.
        response = self.client.get("/static/tracking/passaparola.js", headers={"origin": SITE})

        self.assertEqual(response.status_code, 200)
        self.assertIn(response["Content-Type"].split(";")[0], JAVASCRIPT_TYPES)
        self.assertEqual(response["X-Content-Type-Options"], "nosniff")
        self.assertEqual(response["Access-Control-Allow-Origin"], "*")
        # A same-origin resource policy would stop the company's pages from loading it.
        self.assertNotIn(
            response.get("Cross-Origin-Resource-Policy", ""), ("same-origin", "same-site")
        )
        self.assertNotIn("Set-Cookie", response)
        source = b"".join(response.streaming_content).decode()  # type: ignore[attr-defined]
        self.assertIn("localStorage", source)
        self.assertIn('"pp_click"', source)
        self.assertIn("/tracking/lead", source)
        # It runs under the website's own strict policy: no eval, no inline code or styles.
        for forbidden in ("eval(", "new Function", ".innerHTML", "document.write", ".style."):
            self.assertNotIn(forbidden, source)


class LeadBodyTests(LeadTestCase):
    """Bodies a careless JSON reader chokes on: each a clear 400, and no lead."""

    def send(self, name: str, body: bytes) -> tuple[int, dict]:
        headers = (
            {"authorization": f"Bearer {self.secret}"} if name == "postback" else {"origin": SITE}
        )
        response = self.client.post(
            reverse(f"tracking:{name}"), data=body, content_type="text/plain", headers=headers
        )
        return response.status_code, response.json()

    def test_deep_nesting_is_refused_by_both_endpoints(self) -> None:
        for name in ["postback", "lead"]:
            for body in [b"[" * 2000 + b"]" * 2000, b'{"a":' * 600 + b"1" + b"}" * 600]:
                with self.subTest(name=name, body=body[:10]):
                    status, answer = self.send(name, body)

                    self.assertEqual(status, 400)
                    self.assertIn("nested too deeply", answer["error"])
        self.assertFalse(Conversion.objects.exists())

    def test_a_lone_surrogate_or_a_nul_character_is_refused(self) -> None:
        click = self.click()
        # JSON escapes, as the sender writes them: valid JSON, but no text a database keeps.
        for text in ["\\ud800", "x\\u0000y"]:
            for name, body in [
                ("postback", f'{{"external_id": "{text}", "link": "{self.link.code}"}}'),
                ("lead", f'{{"click": "{click}", "external_id": "{text}"}}'),
            ]:
                with self.subTest(name=name, text=text):
                    status, answer = self.send(name, body.encode())

                    self.assertEqual(status, 400)
                    self.assertTrue(answer["error"])
        self.assertFalse(Conversion.objects.exists())

    def test_a_day_that_does_not_exist_or_is_out_of_range_is_refused(self) -> None:
        for when in ["2026-02-30T10:00:00Z", "0001-01-01T00:00:00+05:00", "9999-12-31T23:59Z"]:
            with self.subTest(when=when):
                body = {"external_id": "order-1", "link": self.link.code, "occurred_at": when}
                status, answer = self.send("postback", json.dumps(body).encode())

                self.assertEqual(status, 400)
                self.assertIn("occurred_at", answer["error"])
        self.assertFalse(Conversion.objects.exists())

    def test_a_negative_value_is_refused(self) -> None:
        for value in [-5, "-0.01", "-1e3"]:
            with self.subTest(value=value):
                body = {"external_id": "order-1", "link": self.link.code, "value": value}
                status, answer = self.send("postback", json.dumps(body).encode())

                self.assertEqual(status, 400)
                self.assertIn("negative", answer["error"])
        self.assertFalse(Conversion.objects.exists())

    def test_the_postback_refuses_a_lead_on_a_bot_click(self) -> None:
        click = self.click(user_agent="Twitterbot/1.0")

        status, answer = self.send(
            "postback", json.dumps({"external_id": "order-1", "click": click}).encode()
        )

        self.assertEqual(status, 400)
        self.assertIn("bot", answer["error"])
        self.assertFalse(Conversion.objects.exists())
        self.assertEqual(self.lead_points(), [])
