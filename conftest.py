"""Test-wide fixtures. Environment defaults live in passaparola/lib/pytest_env.py (loaded first)."""

from collections.abc import Iterator

import pytest
from django.test import override_settings


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hashing() -> Iterator[None]:
    """The suite creates and checks many passwords and login codes."""
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield
