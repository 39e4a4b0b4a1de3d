"""X: OAuth 2.0 Authorization Code with PKCE, POST /2/tweets, rotating refresh tokens."""

from passaparola.networks.x.transport import XProvider

__all__ = ["XProvider"]
