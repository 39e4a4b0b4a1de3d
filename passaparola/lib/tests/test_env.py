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
