"""Settings read from the environment: a typo is refused, never read as "off"."""

import os
import subprocess
import sys
from pathlib import Path
from unittest import mock

from django.core.exceptions import ImproperlyConfigured
from django.test import SimpleTestCase

from passaparola.lib.env import envbool

ROOT = Path(__file__).resolve().parents[3]


class EnvboolTests(SimpleTestCase):
    def read(self, value: str | None, default: bool = False) -> bool:
        environ = {} if value is None else {"SECURE_COOKIES": value}
        with mock.patch.dict(os.environ, environ, clear=True):
            return envbool("SECURE_COOKIES", default)

    def test_true_words_in_any_case_mean_true(self) -> None:
        for value in ["true", "TRUE", "True", "1", "yes", "Yes", "on", "ON", " true "]:
            with self.subTest(value=value):
                self.assertIs(self.read(value), True)

    def test_false_words_in_any_case_mean_false(self) -> None:
        for value in ["false", "FALSE", "False", "0", "no", "No", "off", "OFF", " false "]:
            with self.subTest(value=value):
                self.assertIs(self.read(value, default=True), False)

    def test_an_unset_or_empty_variable_gives_the_default(self) -> None:
        self.assertIs(self.read(None, default=True), True)
        self.assertIs(self.read("", default=True), True)
        self.assertIs(self.read("  ", default=False), False)

    def test_anything_else_is_refused_naming_the_variable(self) -> None:
        for value in ["ture", "flase", "2", "y", "enabled", "none", "-1"]:
            with (
                self.subTest(value=value),
                self.assertRaisesMessage(ImproperlyConfigured, "SECURE_COOKIES"),
            ):
                self.read(value, default=True)

    def test_a_misspelt_secure_cookies_stops_the_server_from_starting(self) -> None:
        env = {
            **os.environ,
            "SECURE_COOKIES": "ture",
            "DJANGO_SETTINGS_MODULE": "passaparola.settings",
        }

        result = subprocess.run(
            [sys.executable, "-c", "import django; django.setup()"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )

        self.assertNotEqual(result.returncode, 0)
        self.assertIn("ImproperlyConfigured: SECURE_COOKIES must be true or false", result.stderr)


def start_with(**variables: str) -> subprocess.CompletedProcess[str]:
    """Start the settings in a fresh process with these variables, as a server would."""
    env = {key: value for key, value in os.environ.items() if key not in {"SECRET_KEY"}}
    env.update(variables, DJANGO_SETTINGS_MODULE="passaparola.settings")
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


class SecretKeyTests(SimpleTestCase):
    def test_a_deployment_refuses_to_start_with_the_development_key(self) -> None:
        result = start_with(SITE_URL="https://advocacy.acme.example")

        self.assertNotEqual(result.returncode, 0)
        self.assertIn("SECRET_KEY is the built-in development key", result.stderr)

    def test_a_deployment_refuses_any_django_insecure_or_short_key(self) -> None:
        for key, message in [
            ("django-insecure-" + "x" * 40, "built-in development key"),
            ("hunter2", "too short"),
        ]:
            with self.subTest(key=key):
                result = start_with(SITE_URL="http://intranet.acme.example", SECRET_KEY=key)

                self.assertNotEqual(result.returncode, 0)
                self.assertIn(message, result.stderr)

    def test_a_deployment_with_a_real_key_starts(self) -> None:
        result = start_with(SITE_URL="https://advocacy.acme.example", SECRET_KEY="k" * 50)

        self.assertEqual(result.returncode, 0, result.stderr)

    def test_the_embedded_mode_on_this_machine_starts_without_a_key(self) -> None:
        for site in ["http://localhost:8000", "http://127.0.0.1:8765", "http://[::1]:8000"]:
            with self.subTest(site=site):
                self.assertEqual(start_with(SITE_URL=site).returncode, 0)
