"""A small OpenID Connect provider on loopback, for testing single sign-on for real.

It serves discovery, /authorize (which redirects straight back with a code), /token (which
checks the client, the redirect URI and the PKCE verifier, then returns an ID token signed
with an RSA key made for the test) and /jwks. `tamper` spoils the next tokens on purpose.
"""

import base64
import hashlib
import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlencode, urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

CLIENT_ID = "passaparola-test"
CLIENT_SECRET = "s3cret:with/odd chars"


def new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


class Provider:
    def __init__(self) -> None:
        self.key = new_key()
        self.kid = "key-1"
        self.stranger_key = new_key()
        self.user: dict[str, Any] = {}
        self.tamper: set[str] = set()
        self.codes: dict[str, dict[str, Any]] = {}
        self.token_requests = 0
        self.jwks_requests = 0
        self.pkce_checked = 0
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.issuer = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def rotate(self) -> None:
        """Sign with a new key under a new key id, as providers do from time to time."""
        self.key = new_key()
        self.kid = f"key-{secrets.token_hex(4)}"

    def metadata(self) -> dict[str, Any]:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "jwks_uri": f"{self.issuer}/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic"],
        }

    def jwks(self) -> dict[str, Any]:
        public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key()))
        public.update({"kid": self.kid, "use": "sig", "alg": "RS256"})
        return {"keys": [public]}

    def id_token(self, grant: dict[str, Any]) -> str:
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "sub": "user-1",
            "aud": CLIENT_ID,
            "iat": now,
            "exp": now + 300,
            "nonce": grant["nonce"],
            "email": "sam@acme.example",
            "email_verified": True,
            "name": "Sam Single",
        }
        claims.update(self.user)
        if "wrong_audience" in self.tamper:
            claims["aud"] = "someone-else"
        if "wrong_nonce" in self.tamper:
            claims["nonce"] = "not-the-nonce"
        if "expired" in self.tamper:
            claims["iat"], claims["exp"] = now - 7200, now - 3600
        if "wrong_issuer" in self.tamper:
            claims["iss"] = "https://evil.example"
        key = self.stranger_key if "bad_signature" in self.tamper else self.key
        return jwt.encode(
            {k: v for k, v in claims.items() if v is not None},
            key,
            algorithm="RS256",
            headers={"kid": self.kid},
        )

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:
                pass

            def send_json(self, status: int, body: dict[str, Any]) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                url = urlsplit(self.path)
                if url.path == "/.well-known/openid-configuration":
                    self.send_json(200, provider.metadata())
                elif url.path == "/jwks":
                    provider.jwks_requests += 1
                    self.send_json(200, provider.jwks())
                elif url.path == "/authorize":
                    query = {k: v[0] for k, v in parse_qs(url.query).items()}
                    if (
                        query.get("client_id") != CLIENT_ID
                        or query.get("response_type") != "code"
                        or query.get("code_challenge_method") != "S256"
                        or "openid" not in query.get("scope", "").split()
                    ):
                        self.send_json(400, {"error": "invalid_request"})
                        return
                    code = secrets.token_urlsafe(16)
                    provider.codes[code] = query
                    target = (
                        query["redirect_uri"]
                        + "?"
                        + urlencode({"code": code, "state": query["state"]})
                    )
                    self.send_response(302)
                    self.send_header("Location", target)
                    self.end_headers()
                else:
                    self.send_json(404, {"error": "not_found"})

            def do_POST(self) -> None:
                if urlsplit(self.path).path != "/token":
                    self.send_json(404, {"error": "not_found"})
                    return
                provider.token_requests += 1
                length = int(self.headers.get("Content-Length", "0"))
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                if not _basic_matches(self.headers.get("Authorization", "")):
                    self.send_json(401, {"error": "invalid_client"})
                    return
                grant = provider.codes.pop(form.get("code", ""), None)
                if grant is None or form.get("grant_type") != "authorization_code":
                    self.send_json(400, {"error": "invalid_grant"})
                    return
                if form.get("redirect_uri") != grant["redirect_uri"]:
                    self.send_json(400, {"error": "invalid_grant"})
                    return
                verifier = form.get("code_verifier", "")
                challenge = (
                    base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
                    .rstrip(b"=")
                    .decode()
                )
                if challenge != grant["code_challenge"]:
                    self.send_json(400, {"error": "invalid_grant", "detail": "PKCE"})
                    return
                provider.pkce_checked += 1
                self.send_json(
                    200,
                    {
                        "access_token": secrets.token_urlsafe(16),
                        "token_type": "Bearer",
                        "expires_in": 300,
                        "id_token": provider.id_token(grant),
                    },
                )

        return Handler


def _basic_matches(header: str) -> bool:
    """Check HTTP Basic client credentials, form-encoded as RFC 6749 2.3.1 asks."""
    if not header.startswith("Basic "):
        return False
    decoded = base64.b64decode(header[6:]).decode()
    client, _sep, secret = decoded.partition(":")
    return unquote(client) == CLIENT_ID and unquote(secret) == CLIENT_SECRET
