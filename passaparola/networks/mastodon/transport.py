"""Mastodon's REST API (docs.joinmastodon.org/methods/apps, /methods/oauth, /methods/statuses,
/api/rate-limits).

Each Mastodon server is its own authorization server, so our app registers itself once per
server (POST /api/v1/apps) and the services keep the client id and secret in MastodonServer.
Access tokens do not expire; a 401 means the person revoked us.
"""

import re
from dataclasses import dataclass
from urllib.parse import quote

from django.conf import settings

from passaparola.networks import http, oauth
from passaparola.networks.base import (
    AuthExpired,
    Counts,
    Credentials,
    Draft,
    OAuthClient,
    Provider,
    Published,
    Reading,
    Rejected,
    Session,
    as_count,
)

SCOPES = ["read:accounts", "write:statuses"]

# A server name as people type it: "mastodon.social", "https://mastodon.social/",
# "@ada@mastodon.social"; the port is for tests against a loopback server only.
_HOST_RE = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9-]{1,63})+$")


def normalise_domain(value: str) -> str:
    """Return the bare server name from what a person typed, or "" when it is not one."""
    value = value.strip().lower()
    if value.count("@") >= 1 and not value.startswith(("http://", "https://")):
        value = value.rsplit("@", 1)[-1]
    value = re.sub(r"^https?://", "", value).split("/", 1)[0].strip(".")
    host, _colon, port = value.partition(":")
    if port and not (settings.SHARING_ALLOW_PRIVATE_HOSTS and port.isdigit()):
        return ""
    if not _HOST_RE.match(host) and not (settings.SHARING_ALLOW_PRIVATE_HOSTS and host):
        return ""
    return value


def server_url(domain: str) -> str:
    """Return the base URL of a Mastodon server (https in production, loopback in tests)."""
    return settings.SHARING_MASTODON_URL_TEMPLATE.format(domain=domain).rstrip("/")


@dataclass(frozen=True)
class ServerLimits:
    max_characters: int = 500
    characters_reserved_per_url: int = 23


class MastodonProvider(Provider):
    """Posting to the person's own Mastodon server."""

    def __init__(self) -> None:
        super().__init__(network="mastodon", label="Mastodon", scopes=SCOPES)

    def is_available(self) -> bool:
        # Every server registers us on the fly: nothing to configure.
        return True

    def register_app(self, *, domain: str, redirect_uri: str) -> OAuthClient:
        """Register our app on the server: POST /api/v1/apps."""
        http.check_public_host(domain)
        response = http.request(
            "POST",
            f"{server_url(domain)}/api/v1/apps",
            form={
                "client_name": settings.SHARING_APP_NAME,
                "redirect_uris": redirect_uri,
                "scopes": " ".join(SCOPES),
                "website": settings.SITE_URL,
            },
        )
        http.raise_for_status(response)
        data = response.json()
        if not data.get("client_id") or not data.get("client_secret"):
            raise Rejected("the server did not register the app")
        return OAuthClient(data["client_id"], data["client_secret"], server=domain)

    def server_limits(self, *, domain: str) -> ServerLimits:
        """Read the server's status limits from GET /api/v2/instance; defaults when unknown."""
        response = http.request("GET", f"{server_url(domain)}/api/v2/instance")
        if response.status != 200:
            return ServerLimits()
        statuses = (response.json().get("configuration") or {}).get("statuses") or {}
        return ServerLimits(
            max_characters=int(statuses.get("max_characters") or 500),
            characters_reserved_per_url=int(statuses.get("characters_reserved_per_url") or 23),
        )

    def authorization_url(
        self, *, client: OAuthClient, state: str, redirect_uri: str, verifier: str
    ) -> str:
        # PKCE since Mastodon 4.3; older servers ignore it and rely on the secret.
        return oauth.authorization_url(
            f"{server_url(client.server)}/oauth/authorize",
            client=client,
            redirect_uri=redirect_uri,
            state=state,
            scopes=SCOPES,
            verifier=verifier,
        )

    def exchange(
        self, *, client: OAuthClient, code: str, redirect_uri: str, verifier: str
    ) -> Credentials:
        base = server_url(client.server)
        data = oauth.token_request(
            f"{base}/oauth/token",
            client=client,
            form={
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": redirect_uri,
                "code_verifier": verifier,
                "scope": " ".join(SCOPES),
            },
            refused_means_expired=False,
        )
        token = str(data["access_token"])
        me = http.request(
            "GET",
            f"{base}/api/v1/accounts/verify_credentials",
            headers={"Authorization": f"Bearer {token}"},
        )
        http.raise_for_status(me)
        account = me.json()
        return Credentials(
            remote_id=str(account.get("id", "")),
            handle=f"@{account.get('acct') or account.get('username', '')}@{client.server}",
            access_token=token,
            server=client.server,
        )

    def publish(self, *, session: Session, draft: Draft) -> Published:
        text = " ".join(part for part in (draft.text, draft.link) if part)
        response = http.request(
            "POST",
            f"{server_url(session.server)}/api/v1/statuses",
            headers={
                "Authorization": f"Bearer {session.access_token}",
                # The server keeps the key for an hour and answers a repeat with the first status.
                "Idempotency-Key": draft.idempotency_key,
            },
            json_body={"status": text, "visibility": "public"},
        )
        http.raise_for_status(response, "x-ratelimit-reset")
        status = response.json()
        if not status.get("id"):
            raise Rejected("the server did not return the status")
        return Published(
            remote_id=str(status["id"]), url=status.get("url") or status.get("uri", "")
        )

    # GET /api/v1/statuses/:id reads one status at a time (the batch endpoint is 4.3+ only).
    engagement_batch = 1
    engagement_per_server = True

    def engagement(self, *, remote_ids: list[str], server: str, access_token: str = "") -> Reading:
        """Read one status's counts: GET /api/v1/statuses/:id, public for public statuses.

        We ask without the token first: the scopes people gave us (read:accounts,
        write:statuses) do not include read:statuses, and Mastodon answers a token outside its
        scopes with 403 even where no token is needed. Only a server that shows nothing to
        anonymous callers (401) is asked again with the token.
        """
        (status_id,) = remote_ids
        url = f"{server_url(server)}/api/v1/statuses/{quote(status_id, safe='')}"
        response = http.request("GET", url)
        if response.status == 401 and access_token:
            response = http.request("GET", url, headers={"Authorization": f"Bearer {access_token}"})
            if response.status == 403:  # the token is good but may not read statuses
                raise AuthExpired(http.describe(response), status=403)
        pause_for = http.exhausted_for(response, "x-ratelimit-remaining", "x-ratelimit-reset")
        if response.status in (404, 410):  # deleted, or its account suspended
            return Reading(counts={}, pause_for=pause_for)
        http.raise_for_status(response, "x-ratelimit-reset")
        status = response.json()
        if not isinstance(status, dict) or str(status.get("id", "")) != status_id:
            raise Rejected("the server did not return the status")
        counts = Counts(
            reposts=as_count(status.get("reblogs_count")),
            likes=as_count(status.get("favourites_count")),
            replies=as_count(status.get("replies_count")),
            quotes=as_count(status.get("quotes_count")),  # Mastodon 4.5 and later
        )
        return Reading(counts={status_id: counts}, pause_for=pause_for)
