"""Test-only settings: pages render without running collectstatic first."""

import pytest
from django.conf import settings


@pytest.fixture(autouse=True, scope="session")
def _plain_static_storage() -> None:
    """Serve {% static %} names as they are; the manifest only exists after collectstatic."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
