"""OAuth 2.0 for the networks, written once: the authorisation address and the token request.

LinkedIn, X and Mastodon differ only in their endpoints, their scopes, whether they take PKCE
(RFC 7636) and how a confidential client proves itself at the token endpoint.
"""

import base64
from collections.abc import Sequence
from datetime import datetime, timedelta
from urllib.parse import quote, urlencode

from django.utils import timezone

from passaparola.lib.pkce import challenge_for
from passaparola.networks import http
from passaparola.networks.base import AuthExpired, OAuthClient, Rejected


def authorization_url(
    endpoint: str,
    *,
    client: OAuthClient,
    redirect_uri: str,
    state: str,
    scopes: Sequence[str],
    verifier: str = "",
) -> str:
    """Return the address that asks the person to let us post; with a verifier, PKCE S256."""
    query = {
        "response_type": "code",
        "client_id": client.client_id,
        "redirect_uri": redirect_uri,
        "scope": " ".join(scopes),
        "state": state,
    }
    if verifier:
        query |= {"code_challenge": challenge_for(verifier), "code_challenge_method": "S256"}
    # RFC 3986 percent-encoding (a space is %20): X refuses the form encoding's "+".
    return f"{endpoint}?{urlencode(query, quote_via=quote)}"


def token_request(
    endpoint: str,
    *,
    client: OAuthClient,
    form: dict[str, str],
    basic_auth: bool = False,
    refused_means_expired: bool = True,
    reset_headers: Sequence[str] = (),
) -> dict[str, object]:
    """Ask the token endpoint for tokens and return its answer, which holds an access token.

    The client proves itself with HTTP Basic (`basic_auth`) or with its id and secret in the
    form. A refused code or refresh token (400, 401) means the person must connect again.
    """
    headers = {}
    form = {**form, "client_id": client.client_id}
    if basic_auth:
        if client.client_secret:
            pair = f"{client.client_id}:{client.client_secret}".encode()
            headers["Authorization"] = "Basic " + base64.b64encode(pair).decode()
    elif client.client_secret:
        form["client_secret"] = client.client_secret
    response = http.request("POST", endpoint, headers=headers, form=form)
    if refused_means_expired and response.status in {400, 401}:
        raise AuthExpired(http.describe(response), status=response.status)
    http.raise_for_status(response, *reset_headers)
    data = response.json()
    if not isinstance(data, dict) or not data.get("access_token"):
        raise Rejected("the network gave no access token")
    return data


def expiry(seconds: object) -> datetime | None:
    """Return when a token given `expires_in` seconds now runs out (None: it does not say)."""
    return timezone.now() + timedelta(seconds=int(str(seconds))) if seconds else None
