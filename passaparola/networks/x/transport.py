"""X API v2 (docs.x.com: "OAuth 2.0 Authorization Code Flow with PKCE", POST /2/oauth2/token,
GET /2/users/me, POST /2/tweets; rate limits in x-rate-limit-* headers).

Access tokens last two hours; with offline.access X gives a refresh token that changes on
every use, so the services store the new one before anything else. X bills each post
(pay-per-use), and has no idempotency key: a retry after an unanswered attempt is caught by
X's own duplicate-content refusal.
"""

import base64
from datetime import timedelta
from urllib.parse import quote, urlencode

from django.conf import settings
from django.utils import timezone

from passaparola.lib.pkce import challenge_for
from passaparola.networks import http
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

SCOPES = ["tweet.read", "tweet.write", "users.read", "offline.access"]


class XProvider(Provider):
    """Posting to a person's X account."""

    def __init__(self) -> None:
        super().__init__(network="x", label="X", scopes=SCOPES)

    def is_available(self) -> bool:
        return bool(settings.SHARING_X_CLIENT_ID)

    def client(self) -> OAuthClient:
        return OAuthClient(settings.SHARING_X_CLIENT_ID, settings.SHARING_X_CLIENT_SECRET)

    def authorization_url(
        self, *, client: OAuthClient, state: str, redirect_uri: str, verifier: str
    ) -> str:
        query = urlencode(
            {
                "response_type": "code",
                "client_id": client.client_id,
                "redirect_uri": redirect_uri,
                "scope": " ".join(SCOPES),
                "state": state,
                "code_challenge": challenge_for(verifier),
                "code_challenge_method": "S256",
            },
            quote_via=quote,
        )
        return f"{settings.SHARING_X_AUTH_URL}/i/oauth2/authorize?{query}"

    def _token(self, client: OAuthClient, form: dict[str, str]) -> Credentials:
        headers = {}
        if client.client_secret:
            # Confidential clients authenticate with HTTP Basic (client id and secret).
            pair = f"{client.client_id}:{client.client_secret}".encode()
            headers["Authorization"] = "Basic " + base64.b64encode(pair).decode()
        response = http.request(
            "POST",
            f"{settings.SHARING_X_API_URL}/2/oauth2/token",
            headers=headers,
            form={**form, "client_id": client.client_id},
        )
        if response.status in {400, 401}:
            raise AuthExpired(http.describe(response), status=response.status)
        http.raise_for_status(response, "x-rate-limit-reset")
        data = response.json()
        if not data.get("access_token"):
            raise Rejected("X gave no access token")
        expires_in = int(data.get("expires_in") or 0)
        return Credentials(
            remote_id="",
            handle="",
            access_token=data["access_token"],
            refresh_token=data.get("refresh_token", ""),
            expires_at=timezone.now() + timedelta(seconds=expires_in) if expires_in else None,
        )

    def exchange(
        self, *, client: OAuthClient, code: str, redirect_uri: str, verifier: str
    ) -> Credentials:
        credentials = self._token(
            client,
            {
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": redirect_uri,
                "code_verifier": verifier,
            },
        )
        me = http.request(
            "GET",
            f"{settings.SHARING_X_API_URL}/2/users/me",
            headers={"Authorization": f"Bearer {credentials.access_token}"},
        )
        http.raise_for_status(me, "x-rate-limit-reset")
        user = me.json().get("data") or {}
        if not user.get("id"):
            raise Rejected("X did not say who you are")
        credentials.remote_id = str(user["id"])
        credentials.handle = f"@{user.get('username', '')}"
        return credentials

    def refresh(self, *, session: Session) -> Credentials:
        if not session.refresh_token:
            raise AuthExpired("the X token expired")
        credentials = self._token(
            self.client(),
            {"grant_type": "refresh_token", "refresh_token": session.refresh_token},
        )
        credentials.remote_id = session.remote_id
        credentials.handle = session.handle
        return credentials

    def publish(self, *, session: Session, draft: Draft) -> Published:
        text = " ".join(part for part in (draft.text, draft.link) if part)
        response = http.request(
            "POST",
            f"{settings.SHARING_X_API_URL}/2/tweets",
            headers={"Authorization": f"Bearer {session.access_token}"},
            json_body={"text": text},
        )
        if response.status == 403 and "duplicate" in http.describe(response).lower():
            raise Duplicate(http.describe(response), status=403)
        http.raise_for_status(response, "x-rate-limit-reset")
        data = response.json().get("data") or {}
        if not data.get("id"):
            raise Rejected("X did not return the post")
        username = session.handle.lstrip("@") or "i"
        return Published(
            remote_id=str(data["id"]), url=f"https://x.com/{quote(username)}/status/{data['id']}"
        )
