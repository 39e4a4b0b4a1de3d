"""PKCE (RFC 7636): a one-time verifier kept in the session and its S256 challenge."""

import base64
import hashlib
import secrets


def new_verifier() -> str:
    """Return a fresh code verifier (43 to 128 unreserved characters)."""
    return secrets.token_urlsafe(48)


def challenge_for(verifier: str) -> str:
    """Return the S256 code challenge: BASE64URL(SHA256(verifier)) without padding."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")
