"""Typed helpers that read settings from environment variables."""

import os
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

TRUE_VALUES = {"1", "true", "yes", "on"}
FALSE_VALUES = {"0", "false", "no", "off"}


def envstr(name: str, default: str = "") -> str:
    """Return a string setting; NAME_FILE, when set, names a file that holds the secret."""
    file_path = os.environ.get(f"{name}_FILE")
    if file_path:
        return Path(file_path).read_text().strip()
    return os.environ.get(name, default)


def envbool(name: str, default: bool = False) -> bool:
    """Return a boolean setting: true/false, 1/0, yes/no or on/off; anything else is refused."""
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    word = value.strip().lower()
    if word in TRUE_VALUES:
        return True
    if word in FALSE_VALUES:
        return False
    # A typo such as "ture" must not quietly turn a protection off.
    raise ImproperlyConfigured(
        f"{name} must be true or false (or 1/0, yes/no, on/off), not {value!r}"
    )


def envint(name: str, default: int) -> int:
    """Return an integer setting."""
    value = os.environ.get(name, "")
    return int(value) if value else default


def envlist(name: str, default: str = "") -> list[str]:
    """Return a comma separated setting as a list without blanks."""
    return [item.strip() for item in envstr(name, default).split(",") if item.strip()]


def email_settings(url: str) -> dict[str, object]:
    """Translate an EMAIL_URL such as smtp+tls://user:pass@host:587 into Django settings."""
    parts = urlsplit(url)
    scheme = parts.scheme
    backends = {
        "console": "django.core.mail.backends.console.EmailBackend",
        "locmem": "django.core.mail.backends.locmem.EmailBackend",
        "dummy": "django.core.mail.backends.dummy.EmailBackend",
        "file": "django.core.mail.backends.filebased.EmailBackend",
    }
    if scheme in backends:
        result: dict[str, object] = {"EMAIL_BACKEND": backends[scheme]}
        if scheme == "file":
            result["EMAIL_FILE_PATH"] = unquote(parts.path)
        return result
    if scheme not in {"smtp", "smtp+tls", "smtps", "submission"}:
        raise ValueError(f"EMAIL_URL has an unknown scheme: {scheme!r}")
    query = parse_qs(parts.query)
    use_ssl = scheme == "smtps" or query.get("ssl") == ["true"]
    use_tls = scheme in {"smtp+tls", "submission"} or query.get("tls") == ["true"]
    default_port = 465 if use_ssl else (587 if use_tls else 25)
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": parts.hostname or "localhost",
        "EMAIL_PORT": parts.port or default_port,
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        "EMAIL_USE_TLS": use_tls,
        "EMAIL_USE_SSL": use_ssl,
    }


LOCAL_HOSTS = {"localhost", "testserver", "::1"}


def is_local_site(site_url: str) -> bool:
    """Return True when the platform's address can only be reached from this machine.

    That is the embedded mode (a laptop, a test run, a benchmark); any other address is a
    deployment that other people reach, where development shortcuts must not be used.
    """
    host = (urlsplit(site_url).hostname or "").lower()
    return host in LOCAL_HOSTS or host.endswith(".localhost") or host.startswith("127.")


def secret_key_check(secret_key: str, *, insecure_default: str, site_url: str) -> str:
    """Return the signing key, refusing to start a reachable deployment with a weak one."""
    if is_local_site(site_url):
        return secret_key
    if secret_key == insecure_default or secret_key.startswith("django-insecure-"):
        raise ImproperlyConfigured(
            f"SECRET_KEY is the built-in development key, but SITE_URL ({site_url}) is reached "
            "by other people. Set SECRET_KEY (or SECRET_KEY_FILE) to a long random value, "
            "for example from: python -c 'import secrets; print(secrets.token_urlsafe(50))'"
        )
    if len(secret_key) < 32:
        raise ImproperlyConfigured(
            "SECRET_KEY is too short for a deployment: use at least 32 random characters."
        )
    return secret_key
