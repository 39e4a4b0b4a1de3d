"""X API v2 (docs.x.com: "OAuth 2.0 Authorization Code Flow with PKCE", POST /2/oauth2/token,
GET /2/users/me, POST /2/tweets; rate limits in x-rate-limit-* headers).

Access tokens last two hours; with offline.access X gives a refresh token that changes on
every use, so the services store the new one before anything else. X bills each post
(pay-per-use), and has no idempotency key: a retry after an unanswered attempt is caught by
X's own duplicate-content refusal.
"""

from urllib.parse import quote

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
        return oauth.authorization_url(
            f"{settings.SHARING_X_AUTH_URL}/i/oauth2/authorize",
            client=client,
            redirect_uri=redirect_uri,
            state=state,
            scopes=SCOPES,
            verifier=verifier,
        )

    def _token(self, client: OAuthClient, form: dict[str, str]) -> Credentials:
        # Confidential clients authenticate with HTTP Basic; public ones send only their id.
        data = oauth.token_request(
            f"{settings.SHARING_X_API_URL}/2/oauth2/token",
            client=client,
            form=form,
            basic_auth=True,
            reset_headers=["x-rate-limit-reset"],
        )
        return Credentials(
            remote_id="",
            handle="",
            access_token=str(data["access_token"]),
            refresh_token=str(data.get("refresh_token") or ""),
            expires_at=oauth.expiry(data.get("expires_in")),
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
