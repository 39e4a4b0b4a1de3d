"""LinkedIn's "Share on LinkedIn" and "Sign In with LinkedIn using OpenID Connect" products
(learn.microsoft.com/linkedin: Authorization Code Flow, Sign In with LinkedIn v2 /v2/userinfo,
Posts API POST /rest/posts with LinkedIn-Version and X-Restli-Protocol-Version headers,
little Text Format for the commentary).

Access tokens last 60 days and only Marketing Developer Platform partners get refresh tokens,
so people reconnect every 60 days; the accounts page nudges them a week before.
"""

import re
from urllib.parse import quote

import regex
from django.conf import settings

from passaparola.networks import http, oauth
from passaparola.networks.base import (
    AuthExpired,
    Credentials,
    Draft,
    Duplicate,
    OAuthClient,
    Provider,
    Published,
    Rejected,
    Session,
)

SCOPES = ["openid", "profile", "w_member_social"]
# Characters the little Text Format reserves; as plain text they need a backslash.
_RESERVED_RE = re.compile(r"([\\|{}@\[\]()<>#*_~])")
_HASHTAG_RE = regex.compile(r"(?<![\p{L}\p{N}_&])#([\p{L}\p{N}_]*\p{L}[\p{L}\p{N}_]*)")
_DUPLICATE_RE = re.compile(r"duplicate of (urn:li:(?:share|ugcPost):\d+)")


def little_text(text: str) -> str:
    """Return the text in little Text Format: hashtags as templates, reserved chars escaped."""
    parts: list[str] = []
    last = 0
    for match in _HASHTAG_RE.finditer(text):
        parts.append(_RESERVED_RE.sub(r"\\\1", text[last : match.start()]))
        parts.append("{hashtag|#|" + _RESERVED_RE.sub(r"\\\1", match.group(1)) + "}")
        last = match.end()
    parts.append(_RESERVED_RE.sub(r"\\\1", text[last:]))
    return "".join(parts)


class LinkedInProvider(Provider):
    """Posting to a member's own LinkedIn feed."""

    def __init__(self) -> None:
        super().__init__(network="linkedin", label="LinkedIn", scopes=SCOPES)

    def is_available(self) -> bool:
        return bool(settings.SHARING_LINKEDIN_CLIENT_ID and settings.SHARING_LINKEDIN_CLIENT_SECRET)

    def client(self) -> OAuthClient:
        return OAuthClient(
            settings.SHARING_LINKEDIN_CLIENT_ID, settings.SHARING_LINKEDIN_CLIENT_SECRET
        )

    def authorization_url(
        self, *, client: OAuthClient, state: str, redirect_uri: str, verifier: str
    ) -> str:
        # LinkedIn's three-legged flow for web apps takes no PKCE: the secret stays on our side.
        return oauth.authorization_url(
            f"{settings.SHARING_LINKEDIN_AUTH_URL}/oauth/v2/authorization",
            client=client,
            redirect_uri=redirect_uri,
            state=state,
            scopes=SCOPES,
        )

    def _token(self, client: OAuthClient, form: dict[str, str]) -> dict[str, object]:
        return oauth.token_request(
            f"{settings.SHARING_LINKEDIN_AUTH_URL}/oauth/v2/accessToken", client=client, form=form
        )

    def exchange(
        self, *, client: OAuthClient, code: str, redirect_uri: str, verifier: str
    ) -> Credentials:
        data = self._token(
            client,
            {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri},
        )
        token = str(data["access_token"])
        me = http.request(
            "GET",
            f"{settings.SHARING_LINKEDIN_API_URL}/v2/userinfo",
            headers={"Authorization": f"Bearer {token}"},
        )
        http.raise_for_status(me)
        info = me.json()
        if not info.get("sub"):
            raise Rejected("LinkedIn did not say who you are")
        return Credentials(
            remote_id=str(info["sub"]),
            handle=str(info.get("name") or info.get("given_name") or ""),
            access_token=token,
            refresh_token=str(data.get("refresh_token") or ""),
            expires_at=oauth.expiry(data.get("expires_in")),
        )

    def refresh(self, *, session: Session) -> Credentials:
        if not session.refresh_token:
            raise AuthExpired("LinkedIn tokens last 60 days; reconnect to keep posting")
        data = self._token(
            self.client(), {"grant_type": "refresh_token", "refresh_token": session.refresh_token}
        )
        return Credentials(
            remote_id=session.remote_id,
            handle=session.handle,
            access_token=str(data["access_token"]),
            refresh_token=str(data.get("refresh_token") or session.refresh_token),
            expires_at=oauth.expiry(data.get("expires_in")),
        )

    def publish(self, *, session: Session, draft: Draft) -> Published:
        body: dict[str, object] = {
            "author": f"urn:li:person:{session.remote_id}",
            "commentary": little_text(draft.text),
            "visibility": "PUBLIC",
            "distribution": {
                "feedDistribution": "MAIN_FEED",
                "targetEntities": [],
                "thirdPartyDistributionChannels": [],
            },
            "lifecycleState": "PUBLISHED",
            "isReshareDisabledByAuthor": False,
        }
        if draft.link:
            article = {"source": draft.link, "title": draft.title or draft.link}
            if draft.description:
                article["description"] = draft.description
            body["content"] = {"article": article}
        response = http.request(
            "POST",
            f"{settings.SHARING_LINKEDIN_API_URL}/rest/posts",
            headers={
                "Authorization": f"Bearer {session.access_token}",
                "LinkedIn-Version": settings.SHARING_LINKEDIN_VERSION,
                "X-Restli-Protocol-Version": "2.0.0",
            },
            json_body=body,
        )
        if response.status == 422:
            found = _DUPLICATE_RE.search(http.describe(response))
            if found:
                raise Duplicate(http.describe(response), remote_id=found.group(1), status=422)
        http.raise_for_status(response)
        urn = response.header("x-restli-id")
        if not urn:
            raise Rejected("LinkedIn did not return the post's id")
        return Published(remote_id=urn, url=post_url(urn))


def post_url(urn: str) -> str:
    """Return the public address of a LinkedIn post from its URN."""
    return f"https://www.linkedin.com/feed/update/{quote(urn, safe=':')}/"
