"""Encryption of secrets at rest (network tokens, app passwords) with Fernet.

Keys come from TOKEN_ENCRYPTION_KEY: one or more Fernet keys separated by commas, the first
one encrypting and all of them decrypting, so a key can be rotated without losing tokens.
When it is empty, one key is derived from SECRET_KEY with HKDF, so the embedded mode works
out of the box; rotating SECRET_KEY then means people reconnect their networks.
"""

import base64
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

__all__ = ["DecryptionError", "decrypt", "encrypt", "new_key"]

# Fixed and public on purpose: HKDF's salt separates uses, the secret is SECRET_KEY.
_HKDF_SALT = b"passaparola.token-encryption"
_HKDF_INFO = b"fernet key v1"


class DecryptionError(Exception):
    """The stored value was not encrypted with any of the configured keys."""


def new_key() -> str:
    """Return a fresh Fernet key, for TOKEN_ENCRYPTION_KEY."""
    return Fernet.generate_key().decode()


def _derived_key(secret: str) -> bytes:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=_HKDF_SALT, info=_HKDF_INFO)
    return base64.urlsafe_b64encode(hkdf.derive(secret.encode()))


@lru_cache(maxsize=4)
def _fernet(keys: str, secret: str) -> MultiFernet:
    listed = [key.strip() for key in keys.split(",") if key.strip()]
    fernets = [Fernet(key.encode()) for key in listed] or [Fernet(_derived_key(secret))]
    return MultiFernet(fernets)


def _current() -> MultiFernet:
    return _fernet(getattr(settings, "TOKEN_ENCRYPTION_KEY", ""), settings.SECRET_KEY)


def encrypt(value: str) -> str:
    """Return the value encrypted with the current key; the empty string stays empty."""
    if not value:
        return ""
    return _current().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    """Return the plain value of an encrypted token; the empty string stays empty."""
    if not token:
        return ""
    try:
        return _current().decrypt(token.encode()).decode()
    except InvalidToken as error:
        raise DecryptionError(
            "the value was encrypted with a key that is not configured"
        ) from error
