"""The visitor's country, from a MaxMind-format database when one is configured."""

import tempfile
from pathlib import Path

from django.test import override_settings
from django.urls import reverse

from passaparola.content.services import post_create
from passaparola.sharing.services import shortlink_get_or_create
from passaparola.testing import BaseTestCase
from passaparola.tracking.geo import country_of, geo_reset
from passaparola.tracking.models import Click
from passaparola.tracking.tests.mmdb import write_country_db

CHROME = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Safari/537.36"
)


class CountryTests(BaseTestCase):
    def setUp(self) -> None:
        folder = Path(tempfile.mkdtemp(prefix="geo-"))
        self.database = write_country_db(
            folder / "countries.mmdb", {"203.0.113.0/24": "IT", "198.51.100.0/25": "NL"}
        )
        post = post_create(created_by=self.erin, url="https://example.com/g", title="Geo")
        self.code = shortlink_get_or_create(person=self.alice, post=post, network="x").code

    def visit(self, address: str) -> Click:
        response = self.client.get(
            reverse("tracking:redirect", args=[self.code]),
            headers={"user-agent": CHROME},
            REMOTE_ADDR=address,
        )
        self.assertEqual(response.status_code, 302)
        return Click.objects.latest("pk")

    def test_the_country_is_recorded_when_a_database_is_configured(self) -> None:
        with override_settings(GEOIP_PATH=str(self.database)):
            geo_reset()
            italian = self.visit("203.0.113.77")
            dutch = self.visit("198.51.100.23")
            unknown = self.visit("198.51.100.200")
            ipv6 = self.visit("2001:db8::1")

        self.assertEqual(
            [italian.country, dutch.country, unknown.country, ipv6.country], ["IT", "NL", "", ""]
        )

    def test_without_a_database_no_country_is_recorded(self) -> None:
        self.assertEqual(self.visit("203.0.113.77").country, "")

    def test_an_unreadable_database_never_breaks_the_redirect(self) -> None:
        broken = self.database.with_name("broken.mmdb")
        broken.write_bytes(b"not a database")
        for path in [str(broken), "/no/such/file.mmdb"]:
            with self.subTest(path=path), override_settings(GEOIP_PATH=path):
                geo_reset()
                self.assertEqual(self.visit("203.0.113.77").country, "")

    def test_odd_addresses_have_no_country(self) -> None:
        with override_settings(GEOIP_PATH=str(self.database)):
            geo_reset()
            for address in ["", "not-an-ip", "999.1.1.1", "203.0.113.77, 10.0.0.1"]:
                with self.subTest(address=address):
                    self.assertEqual(country_of(address), "")
