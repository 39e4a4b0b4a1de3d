"""Single sign-on with OpenID Connect: authorization code flow with PKCE, state and nonce.

The provider is found through its discovery document; the ID token's signature is checked
against the provider's published keys (JWKS), with its issuer, audience, expiry and nonce.
Verification is PyJWT's; the HTTP calls are plain urllib3. docs/people.md tells how to set up
Microsoft Entra ID, Google Workspace and Okta.
"""

import hmac
import json
import logging
import secrets
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

import jwt
import urllib3
from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _

from passaparola.lib.pkce import challenge_for, new_verifier

logger = logging.getLogger(__name__)

# Asymmetric algorithms only: "none" and shared-secret HMAC never sign a token we accept.
ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384"]
CACHE_SECONDS = 3600
STATE_SECONDS = 600
MAX_PENDING = 5

_http = urllib3.PoolManager(retries=False)


class SsoError(Exception):
    """The sign-in failed; `message` can be shown to the person."""

    def __init__(self, message: object, detail: str = "") -> None:
        super().__init__(detail or str(message))
        self.message = message


@dataclass
class Identity:
    issuer: str
    subject: str
    email: str
    name: str
    claims: dict[str, Any]


def is_enabled() -> bool:
    """Return True when an identity provider is configured."""
    return bool(settings.OIDC_ISSUER and settings.OIDC_CLIENT_ID)


def _get_json(url: str) -> dict[str, Any]:
    try:
        response = _http.request("GET", url, timeout=settings.OIDC_HTTP_TIMEOUT)
    except urllib3.exceptions.HTTPError as error:
        raise SsoError(_("The sign-in service cannot be reached."), f"GET {url}: {error}") from None
    if response.status != 200:
        raise SsoError(_("The sign-in service cannot be reached."), f"GET {url}: {response.status}")
    return _json(response.data, url)


def _json(data: bytes, url: str) -> dict[str, Any]:
    try:
        value = json.loads(data)
    except ValueError:
        raise SsoError(_("The sign-in service answered strangely."), f"{url}: not JSON") from None
    if not isinstance(value, dict):
        raise SsoError(_("The sign-in service answered strangely."), f"{url}: not an object")
    return value


def metadata() -> dict[str, Any]:
    """Return the provider's discovery document (cached for an hour)."""
    key = "oidc:metadata:" + settings.OIDC_ISSUER
    found = cache.get(key)
    if found is None:
        found = _get_json(settings.OIDC_ISSUER + "/.well-known/openid-configuration")
        if found.get("issuer", "").rstrip("/") != settings.OIDC_ISSUER:
            raise SsoError(
                _("The sign-in service is not set up correctly."),
                f"discovery issuer {found.get('issuer')!r} is not {settings.OIDC_ISSUER!r}",
            )
        for name in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
            if not found.get(name):
                raise SsoError(_("The sign-in service is not set up correctly."), f"no {name}")
        cache.set(key, found, CACHE_SECONDS)
    return found


def _keys(*, refresh: bool = False) -> list[dict[str, Any]]:
    uri = metadata()["jwks_uri"]
    key = "oidc:jwks:" + uri
    found = None if refresh else cache.get(key)
    if found is None:
        found = _get_json(uri).get("keys", [])
        cache.set(key, found, CACHE_SECONDS)
    return list(found)


def _signing_key(kid: str | None, algorithm: str) -> Any:
    for refresh in (False, True):
        # An unknown key id may mean the provider rotated its keys: fetch them once more.
        candidates = [
            entry
            for entry in _keys(refresh=refresh)
            if entry.get("use", "sig") == "sig" and (kid is None or entry.get("kid") == kid)
        ]
        if candidates:
            try:
                return jwt.PyJWK(candidates[0], algorithm=algorithm).key
            except jwt.PyJWTError as error:
                raise SsoError(_("The sign-in could not be verified."), str(error)) from None
    raise SsoError(_("The sign-in could not be verified."), f"no key {kid!r} in the JWKS")


def start(*, redirect_uri: str, session: Any, next_url: str = "") -> str:
    """Remember a new state, nonce and PKCE verifier; return the provider's login address."""
    state = secrets.token_urlsafe(24)
    nonce = secrets.token_urlsafe(24)
    verifier = new_verifier()
    pending = {
        key: value
        for key, value in session.get("sso_pending", {}).items()
        if value.get("at", 0) > time.time() - STATE_SECONDS
    }
    pending[state] = {"nonce": nonce, "verifier": verifier, "next": next_url, "at": time.time()}
    # Keep the newest few, so several tabs can sign in at once without the session growing.
    session["sso_pending"] = dict(sorted(pending.items(), key=lambda i: i[1]["at"])[-MAX_PENDING:])
    query = {
        "response_type": "code",
        "client_id": settings.OIDC_CLIENT_ID,
        "redirect_uri": redirect_uri,
        "scope": settings.OIDC_SCOPES,
        "state": state,
        "nonce": nonce,
        "code_challenge": challenge_for(verifier),
        "code_challenge_method": "S256",
    }
    endpoint = metadata()["authorization_endpoint"]
    return endpoint + ("&" if "?" in endpoint else "?") + urlencode(query)


def pop_pending(session: Any, state: str) -> dict[str, Any] | None:
    """Return and forget what start() remembered for this state, if it is recent."""
    pending = dict(session.get("sso_pending", {}))
    found = pending.pop(state, None) if state else None
    session["sso_pending"] = pending
    if found is None or found.get("at", 0) < time.time() - STATE_SECONDS:
        return None
    return dict(found)


def _exchange(code: str, verifier: str, redirect_uri: str) -> dict[str, Any]:
    info = metadata()
    body = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": redirect_uri,
        "code_verifier": verifier,
    }
    headers = {"Accept": "application/json"}
    methods = info.get("token_endpoint_auth_methods_supported", ["client_secret_basic"])
    secret = settings.OIDC_CLIENT_SECRET
    if secret and "client_secret_basic" in methods:
        # RFC 6749 2.3.1: both parts are form-encoded before they are joined.
        pair = f"{quote(settings.OIDC_CLIENT_ID, safe='')}:{quote(secret, safe='')}"
        headers.update(urllib3.make_headers(basic_auth=pair))
    else:
        body["client_id"] = settings.OIDC_CLIENT_ID
        if secret:
            body["client_secret"] = secret
    try:
        response = _http.request(
            "POST",
            info["token_endpoint"],
            body=urlencode(body),
            headers={**headers, "Content-Type": "application/x-www-form-urlencoded"},
            timeout=settings.OIDC_HTTP_TIMEOUT,
        )
    except urllib3.exceptions.HTTPError as error:
        raise SsoError(_("The sign-in service cannot be reached."), str(error)) from None
    answer = _json(response.data, info["token_endpoint"])
    if response.status != 200 or "id_token" not in answer:
        raise SsoError(
            _("The sign-in was not accepted. Please try again."),
            f"token endpoint {response.status}: {answer.get('error')}",
        )
    return answer


def verify_id_token(id_token: str, *, nonce: str) -> dict[str, Any]:
    """Return the claims of a genuine ID token for us, or raise SsoError."""
    try:
        header = jwt.get_unverified_header(id_token)
    except jwt.PyJWTError as error:
        raise SsoError(_("The sign-in could not be verified."), str(error)) from None
    algorithm = header.get("alg", "")
    supported = metadata().get("id_token_signing_alg_values_supported", ["RS256"])
    if algorithm not in ALGORITHMS or algorithm not in supported:
        raise SsoError(_("The sign-in could not be verified."), f"algorithm {algorithm!r}")
    key = _signing_key(header.get("kid"), algorithm)
    try:
        claims = jwt.decode(
            id_token,
            key=key,
            algorithms=[algorithm],
            audience=settings.OIDC_CLIENT_ID,
            issuer=metadata()["issuer"],
            leeway=settings.OIDC_CLOCK_SKEW_SECONDS,
            options={"require": ["exp", "iat", "iss", "aud", "sub"]},
        )
    except jwt.ExpiredSignatureError:
        raise SsoError(_("The sign-in took too long. Please try again."), "expired") from None
    except jwt.PyJWTError as error:
        raise SsoError(_("The sign-in could not be verified."), str(error)) from None
    audience = claims["aud"]
    if (
        isinstance(audience, list)
        and len(audience) > 1
        and claims.get("azp") != settings.OIDC_CLIENT_ID
    ):
        raise SsoError(_("The sign-in could not be verified."), "azp is not our client")
    if not hmac.compare_digest(str(claims.get("nonce", "")), nonce):
        raise SsoError(_("The sign-in could not be verified."), "nonce does not match")
    return claims


def _identity(claims: dict[str, Any]) -> Identity:
    email = str(claims.get("email") or "").strip().lower()
    if (
        not email
        and settings.OIDC_ALLOWED_TENANTS
        and "@" in str(claims.get("preferred_username", ""))
    ):
        # Entra ID sends no email claim unless configured; within a pinned tenant the user
        # principal name is the work address.
        email = str(claims["preferred_username"]).strip().lower()
    if not email:
        raise SsoError(_("Your sign-in did not include an email address."), "no email claim")
    verified = claims.get("email_verified")
    if settings.OIDC_REQUIRE_EMAIL_VERIFIED and verified not in (True, "true"):
        raise SsoError(
            _("Your sign-in service has not confirmed this email address."), "email not verified"
        )
    if settings.OIDC_ALLOWED_TENANTS and claims.get("tid") not in settings.OIDC_ALLOWED_TENANTS:
        raise SsoError(_("This account belongs to another organisation."), "tenant not allowed")
    if settings.OIDC_HOSTED_DOMAINS and claims.get("hd") not in settings.OIDC_HOSTED_DOMAINS:
        raise SsoError(_("This account belongs to another organisation."), "hd not allowed")
    name = str(
        claims.get("name")
        or " ".join(str(claims.get(part, "")) for part in ("given_name", "family_name"))
    ).strip()
    return Identity(
        issuer=str(claims["iss"]), subject=str(claims["sub"]), email=email, name=name, claims=claims
    )


def complete(*, code: str, pending: dict[str, Any], redirect_uri: str) -> Identity:
    """Exchange the code for tokens, verify the ID token and return who signed in."""
    tokens = _exchange(code, pending["verifier"], redirect_uri)
    claims = verify_id_token(str(tokens["id_token"]), nonce=pending["nonce"])
    return _identity(claims)
