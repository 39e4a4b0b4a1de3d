"""LinkedIn: OAuth with w_member_social, the member's id from /v2/userinfo, the Posts API."""

from passaparola.networks.linkedin.transport import LinkedInProvider, little_text

__all__ = ["LinkedInProvider", "little_text"]
