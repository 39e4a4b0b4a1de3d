"""The one small interface every network we post to implements, and the errors it raises.

Providers speak HTTP and nothing else: they never touch the database. The services decrypt
tokens into a `Session`, hand a `Draft` to `publish`, and store what comes back.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.utils.functional import Promise


@dataclass(frozen=True)
class OAuthClient:
    """Our app's credentials at a network (or, for Mastodon, at one server)."""

    client_id: str
    client_secret: str
    server: str = ""


@dataclass
class Credentials:
    """What a network gave us when a person connected: who they are and the tokens."""

    remote_id: str
    handle: str
    access_token: str
    refresh_token: str = ""
    secret: str = ""
    expires_at: datetime | None = None
    server: str = ""


@dataclass(frozen=True)
class Session:
    """A connected account with its tokens decrypted, for the length of one call."""

    remote_id: str
    handle: str
    access_token: str
    refresh_token: str = ""
    secret: str = ""
    server: str = ""


@dataclass(frozen=True)
class Draft:
    """What to post: the person's text (without the link), their short link and the card."""

    text: str
    link: str
    title: str = ""
    description: str = ""
    image_url: str = ""
    idempotency_key: str = ""
    remote_key: str = ""


@dataclass(frozen=True)
class Published:
    """Where the post now lives on the network."""

    remote_id: str
    url: str = ""


@dataclass(frozen=True)
class Counts:
    """What a network counted on one post: reposts (boosts), likes (favourites), replies, quotes."""

    reposts: int = 0
    likes: int = 0
    replies: int = 0
    quotes: int = 0


@dataclass(frozen=True)
class Reading:
    """A network's answer about some posts: the counts of those it still has.

    A post left out of `counts` is gone (deleted, or its account removed). `pause_for` is set
    when the network said, in its rate-limit headers, that no request is left for that many
    seconds: the answer is good, but the next call must wait.
    """

    counts: dict[str, Counts]
    pause_for: int = 0


def as_count(value: object) -> int:
    """Return a count from a network's JSON: a whole number of zero or more, else 0."""
    if isinstance(value, bool) or not isinstance(value, int):
        return 0
    return max(0, value)


class ProviderError(Exception):
    """A call to a network did not give us what we asked for."""

    code = "error"
    retry = False

    def __init__(self, message: str = "", *, status: int | None = None) -> None:
        super().__init__(message or self.code)
        self.message = message or self.code
        self.status = status


class AuthExpired(ProviderError):
    """The token is expired or revoked: the person must reconnect."""

    code = "auth"


class Rejected(ProviderError):
    """The network refused the post for good (validation, policy): retrying will not help."""

    code = "rejected"


class Duplicate(ProviderError):
    """The network says this post already exists; it may tell us which one."""

    code = "duplicate"

    def __init__(self, message: str = "", *, remote_id: str = "", status: int | None = None):
        super().__init__(message, status=status)
        self.remote_id = remote_id


class Transient(ProviderError):
    """The network is unavailable for now (5xx, no connection): try again later."""

    code = "unavailable"
    retry = True


class RateLimited(Transient):
    """Too many requests: try again after `retry_after` seconds."""

    code = "rate_limited"

    def __init__(self, message: str = "", *, retry_after: int = 60, status: int | None = 429):
        super().__init__(message, status=status)
        self.retry_after = retry_after


class Uncertain(Transient):
    """The request went out but no answer came back: it may have been posted."""

    code = "timeout"


@dataclass
class Provider:
    """A network we post to for people: how they connect and how we publish."""

    network: str
    label: str | Promise
    # "oauth": the person is sent to the network and back; "password": an app password.
    connect_kind: str = "oauth"
    scopes: list[str] = field(default_factory=list)

    def is_available(self) -> bool:
        """Return True when the installation has what this network needs (client ids...)."""
        raise NotImplementedError

    def client(self) -> OAuthClient:
        """Return our app's credentials at the network, from the settings."""
        raise NotImplementedError

    def authorization_url(
        self, *, client: OAuthClient, state: str, redirect_uri: str, verifier: str
    ) -> str:
        """Return the network's page where the person allows us to post for them."""
        raise NotImplementedError

    def exchange(
        self, *, client: OAuthClient, code: str, redirect_uri: str, verifier: str
    ) -> Credentials:
        """Trade the code from the callback for tokens and the person's identity."""
        raise NotImplementedError

    def login(self, *, identifier: str, password: str, server: str) -> Credentials:
        """Sign in with an app password (Bluesky)."""
        raise NotImplementedError

    def refresh(self, *, session: Session) -> Credentials:
        """Return fresh tokens, or raise AuthExpired when the person must reconnect."""
        raise AuthExpired("this network gives no refresh tokens")

    def new_remote_key(self) -> str:
        """Return a key for the post we may choose ourselves, or "" when the network picks."""
        return ""

    def publish(self, *, session: Session, draft: Draft) -> Published:
        """Post the draft; raise a ProviderError subclass when that did not happen."""
        raise NotImplementedError

    def find_existing(self, *, session: Session, draft: Draft) -> Published | None:
        """Return the post an earlier, unanswered attempt made, when the network lets us look."""
        return None

    # How many posts one engagement call reads; 0 when the network gives no counts.
    engagement_batch = 0
    # True when each person's server answers (and rate-limits) for itself, as on Mastodon.
    engagement_per_server = False

    def engagement(self, *, remote_ids: list[str], server: str, access_token: str = "") -> Reading:
        """Read the public counts of our posts; raise RateLimited, AuthExpired and the like."""
        raise NotImplementedError
