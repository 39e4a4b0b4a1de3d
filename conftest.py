"""Test-wide set-up: some must happen before Django reads its settings."""

import os
import tempfile
from collections.abc import Iterator

import pytest
from django.test import override_settings

# Background jobs run inline, static files come from the finders, and every run gets its own
# data folder so the suite never touches a developer's embedded database.
os.environ.setdefault("HUEY_IMMEDIATE", "true")
os.environ.setdefault("STATIC_MANIFEST", "false")
os.environ.setdefault("DATA_DIR", tempfile.mkdtemp(prefix="passaparola-test-"))
os.environ.setdefault("SITE_URL", "http://testserver")


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hashing() -> Iterator[None]:
    """The suite creates and checks many passwords and login codes."""
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield
