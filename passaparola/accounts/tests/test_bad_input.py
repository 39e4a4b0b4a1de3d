"""Bad input never answers 500: every URL pattern, as every role, with nonsense in every place.

The walk: for each role, open every URL pattern of the project with real ids and collect the
forms its pages offer; then send each pattern malformed query strings, malformed path ids
(huge, zero, negative) and form bodies built from the real forms with some fields replaced by
nonsense (huge integers, days out of range or that do not exist, NUL bytes, invalid UTF-8,
100,000 characters, deep JSON). No answer may be a server error, and a refusal (an answer of
400 or more, or a form shown again with its errors) must leave every table as it was.
"""

import hashlib
import itertools
import json
import logging
import random
import re
import socket
import time
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from html.parser import HTMLParser
from typing import Any
from unittest import mock
from urllib.parse import quote, urlsplit

from django.db import connection
from django.forms import BaseForm, BaseFormSet
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404
from django.utils import timezone

from passaparola.content.models import ApprovalStep, Comment, Source, Suggestion, Topic
from passaparola.invitations.models import ImportJob, Invitation, SignupRequest, Wave
from passaparola.invitations.selectors import invitation_settings_get
from passaparola.invitations.services import invitation_token, signup_token
from passaparola.notifications.emails import unsubscribe_token
from passaparola.notifications.models import Notification, WebhookEndpoint
from passaparola.people.models import Person
from passaparola.programme.selectors import programme_get
from passaparola.recognition.models import Badge, Challenge, Reward, RewardClaim
from passaparola.sharing.models import BlockedTerm, ConnectedAccount, ScheduledShare
from passaparola.sharing.services import shortlink_get_or_create
from passaparola.testing import BaseTestCase
from passaparola.tracking.services import api_token_create, tracking_settings_update

HUGE = "99999999999999999999999"
AHEAD, BEHIND = "Pacific/Kiritimati", "Pacific/Pago_Pago"  # UTC+14 and UTC-11
LONG = "a" * 100_000
SITE = "https://www.acme.example"

# Already percent-encoded, so that bytes no browser would send (invalid UTF-8, the UTF-8 form
# of a lone surrogate) reach the server as they are. Grouped: each request carries one kind.
NUMBERS = [HUGE, "0", "-1", "1e999"]
DAYS = ["0001-01-01", "9999-12-31", "2026-02-30"]
MOMENTS = [*DAYS, "0001-01-01T00%3A00", "9999-12-31T23%3A59", "2026-02-30T10%3A00"]
BYTES = ["x%00y", "%FF%FE", "%ED%A0%80", LONG]
GARBAGE = [*NUMBERS, *MOMENTS, *BYTES]
JUST_HUGE = [HUGE]
# Query-string names the views read (grep request.GET), with a valid value of each where one
# exists: nonsense in one parameter must not hide behind nonsense in another.
PARAMS: dict[str, list[str]] = {
    "topic": [],
    "type": ["news", "industry"],
    "page": ["1", "2"],
    "period": ["week", "month", "quarter", "all", "last_quarter", "custom"],
    "start": [],
    "end": [],
    "compare": ["on"],
    "excel": ["1"],
    "weeks": ["1", "4"],
    "team": [],
    "view": ["teams"],
    "state": ["draft", "published", "pending", "archived"],
    "q": [],
    "wave": ["none"],
    "status": [],
    "role": [],
    "actor": [],
    "action": [],
    "since": [],
    "until": [],
    "target_type": ["post", "person"],
    "target_id": [],
    "caption": [],
    "network": ["linkedin", "mastodon"],
    "text": [],
    "code": [],
    "error": [],
    "post": [],
    "person": [],
    "next": ["/", "/leaderboard/"],
}
WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)
# Rows a refusal may write: the session (a message for the next page, a login state), and an
# API token's last-used time (the token was right; the body it sent was refused).
# Tables a refused request may still write to: the session, an API token's last use (the token
# was right, only its body was refused), and the counters of failed logins and guarded requests
# (a refused login is exactly what they count).
QUIET_TABLES = (
    "django_session",
    "tracking_apitoken",
    "people_throttlewindow",
    "axes_accessattempt",
    "axes_accessattemptexpiration",
    "axes_accessfailurelog",
)
DEEP_JSON = b"[" * 2000 + b"]" * 2000
PATH_NONSENSE = [HUGE, "0", "-1", "%00", "%FF", "a" * 300]


def _deep_object(levels: int) -> bytes:
    return b'{"a":' * levels + b"1" + b"}" * levels


# Excluded, with the reason: none so far. Streaming answers (exports, static files) are read
# in full by the test client and need no exclusion; demo's bench/s/<code> is mounted only with
# BENCH_BASELINE=true (bench/redirect), so the resolver of a test run does not list it.
EXCLUDED: dict[str, str] = {}


@dataclass
class FormSeen:
    """A form a page offers: its fields with a valid value each, and their choices."""

    values: dict[str, list[str]] = field(default_factory=dict)
    choices: dict[str, list[str]] = field(default_factory=dict)
    multiple: set[str] = field(default_factory=set)
    submits: list[tuple[str, str]] = field(default_factory=list)


class FormParser(HTMLParser):
    """Collect the forms of a page: action, method and fields with their current values."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[tuple[str, str, FormSeen]] = []
        self.form: FormSeen | None = None
        self.select: tuple[str, bool] | None = None
        self.selected: list[str] = []
        self.textarea: str | None = None

    def _add(self, name: str, value: str) -> None:
        assert self.form is not None
        self.form.values.setdefault(name, []).append(value)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {key: value or "" for key, value in attrs}
        if tag == "form":
            self.form = FormSeen()
            self.forms.append((a.get("action", ""), a.get("method", "get").lower(), self.form))
        if self.form is None:
            return
        name = a.get("name", "")
        if tag == "input" and name:
            kind = a.get("type", "text").lower()
            if kind in ("submit", "button", "image"):
                self.form.submits.append((name, a.get("value", "")))
            elif kind in ("checkbox", "radio"):
                self.form.choices.setdefault(name, []).append(a.get("value", "on"))
                if kind == "checkbox":
                    self.form.multiple.add(name)
                if "checked" in a:
                    self._add(name, a.get("value", "on"))
            elif kind != "file":
                self._add(name, a.get("value", ""))
        elif tag == "button" and name:
            self.form.submits.append((name, a.get("value", "")))
        elif tag == "select" and name:
            self.select = (name, "multiple" in a)
            self.selected = []
            if "multiple" in a:
                self.form.multiple.add(name)
        elif tag == "option" and self.select:
            value = a.get("value", "")
            self.form.choices.setdefault(self.select[0], []).append(value)
            if "selected" in a:
                self.selected.append(value)
        elif tag == "textarea" and name:
            self.textarea = name
            self._add(name, "")

    def handle_data(self, data: str) -> None:
        if self.form is not None and self.textarea:
            self.form.values[self.textarea][-1] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.form = None
        elif tag == "textarea":
            self.textarea = None
        elif tag == "select" and self.select and self.form is not None:
            name, multiple = self.select
            options = self.form.choices.get(name, [""])
            for value in self.selected or ([] if multiple else options[:1]):
                self._add(name, value)
            self.select = None


def url_patterns() -> Iterator[tuple[str, URLPattern]]:
    """Every URL pattern of the project, with the route that leads to it."""

    def walk(patterns: list[Any], prefix: str) -> Iterator[tuple[str, URLPattern]]:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, route)
            else:
                yield route, pattern

    yield from walk(get_resolver().url_patterns, "")


CONVERTER = re.compile(r"<(?:(?P<kind>\w+):)?(?P<name>\w+)>")
REGEX_GROUP = re.compile(r"\(\?P<(?P<name>\w+)>[^)]*\)")


def fill(route: str, values: Callable[[str, str], str]) -> str:
    """The path of a route with each parameter filled in by values(kind, name)."""
    if route.startswith("^") or "(?P<" in route:
        route = REGEX_GROUP.sub(lambda m: values("path", m["name"]), route.strip("^$"))
    return "/" + CONVERTER.sub(lambda m: values(m["kind"] or "str", m["name"]), route)


def encode(value: str) -> str:
    """A value for a query string or form body; nonsense from GARBAGE is sent as it is."""
    return value if value in GARBAGE else quote(value, safe="")


def body_of(pairs: list[tuple[str, str]]) -> bytes:
    return "&".join(f"{quote(name, safe='')}={encode(value)}" for name, value in pairs).encode()


def forms_with_errors(response: Any) -> bool:
    """Whether the answer shows a bound form again with its errors."""
    contexts = getattr(response, "context", None)
    if not contexts:
        return False
    dicts = contexts if isinstance(contexts, list) else [contexts]
    for context in dicts:
        for layer in getattr(context, "dicts", [context]):
            for value in layer.values() if isinstance(layer, dict) else []:
                if isinstance(value, BaseForm) and value.is_bound and value.errors:
                    return True
                if isinstance(value, BaseFormSet) and value.is_bound and not value.is_valid():
                    return True
    return False


def _refuse_internet(host: Any, *args: Any, **kwargs: Any) -> Any:
    if host in ("localhost", "127.0.0.1", "::1", "testserver"):
        return REAL_GETADDRINFO(host, *args, **kwargs)
    raise socket.gaierror(socket.EAI_NONAME, "the bad-input walk reaches no other host")


REAL_GETADDRINFO = socket.getaddrinfo


class BadInputWalk(BaseTestCase):
    """One test per role; each walks the whole project."""

    ids: dict[str, int]
    words: dict[str, str]
    tokens: dict[str, str]
    secret: str
    state: str
    original: dict[str, Any]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        now = timezone.now()
        post = cls.make_scene_post(cls.erin)
        link = shortlink_get_or_create(person=cls.alice, post=post, network="linkedin")
        topic = Topic.objects.create(name="Factories")
        comment = Comment.objects.create(post=post, person=cls.bob, text="Great news")
        suggestion = Suggestion.objects.create(person=cls.alice, url="https://example.com/idea")
        source = Source.objects.create(
            created_by=cls.erin, name="Feed", url="https://feed.example.invalid/rss"
        )
        step = ApprovalStep.objects.create(
            position=1, name="Legal", approver=ApprovalStep.Approver.ADMIN
        )
        wave = Wave.objects.create(name="Pilot")
        invitation = Invitation.objects.create(
            email="new@example.org", wave=wave, invited_by=cls.adam
        )
        job = ImportJob.objects.create(
            created_by=cls.adam, filename="people.csv", content="email\nx@example.org\n"
        )
        signup = SignupRequest.objects.create(
            email="join@example.org", name="Joiner", expires_at=now + timedelta(hours=1)
        )
        settings_row = invitation_settings_get()
        settings_row.open_link_enabled = True
        settings_row.save()
        programme = programme_get()
        programme.allowed_email_domains = "example.org"
        programme.save()
        notification = Notification.objects.create(person=cls.alice, title="Hello", url="/")
        endpoint = WebhookEndpoint.objects.create(
            name="Chat", kind="slack", url="https://hooks.example.invalid/x", is_active=False
        )
        badge = Badge.objects.create(slug="walker", name="Walker", rule="shares", threshold=1)
        challenge = Challenge.objects.create(
            title="Share more",
            metric="shares",
            goal=3,
            starts_at=now - timedelta(days=1),
            ends_at=now + timedelta(days=7),
            created_by=cls.adam,
        )
        reward = Reward.objects.create(name="Mug", price=1)
        claim = RewardClaim.objects.create(person=cls.alice, reward=reward, price=1)
        account = ConnectedAccount.objects.create(
            person=cls.alice, network="mastodon", remote_id="1", server="social.example.invalid"
        )
        scheduled = ScheduledShare.objects.create(
            person=cls.alice, post=post, network="mastodon", scheduled_for=now + timedelta(days=1)
        )
        term = BlockedTerm.objects.create(pattern="guaranteed", created_by=cls.adam)
        token, cls.secret = api_token_create(name="CRM", by=cls.adam)
        tracking_settings_update(fields={"allowed_origins": SITE})
        cls.ids = {
            "person_id": cls.bob.pk,
            "post_id": post.pk,
            "comment_id": comment.pk,
            "suggestion_id": suggestion.pk,
            "topic_id": topic.pk,
            "source_id": source.pk,
            "step_id": step.pk,
            "wave_id": wave.pk,
            "invitation_id": invitation.pk,
            "job_id": job.pk,
            "notification_id": notification.pk,
            "endpoint_id": endpoint.pk,
            "badge_id": badge.pk,
            "challenge_id": challenge.pk,
            "reward_id": reward.pk,
            "claim_id": claim.pk,
            "account_id": account.pk,
            "scheduled_id": scheduled.pk,
            "term_id": term.pk,
            "pk": token.pk,
            "object_id": post.pk,
            "content_type_id": 1,
            "id": cls.bob.pk,
        }
        cls.words = {
            "network": "linkedin",
            "code": link.code,
            "key": settings_row.open_link_key,
            "path": "nothing.png",
        }
        cls.tokens = {
            "invitations:accept": invitation_token(invitation),
            "invitations:pixel": invitation_token(invitation),
            "invitations:signup_link": signup_token(signup),
            "notifications:unsubscribe": unsubscribe_token(cls.alice, "digest"),
        }

    @classmethod
    def make_scene_post(cls, by: Person) -> Any:
        from passaparola.content.services import post_create, post_publish

        post = post_create(
            created_by=by,
            url="https://example.com/news/factory",
            title="Our new factory opens",
            description="A short description.",
            caption="Proud of this!",
        )
        return post_publish(post=post, by=by)

    # The walk -----------------------------------------------------------------------------

    def setUp(self) -> None:
        super().setUp()
        self.client = Client(raise_request_exception=False)
        self.failures: list[str] = []
        self.requests = self.snapshots = 0
        internet = mock.patch("socket.getaddrinfo", _refuse_internet)
        internet.start()
        self.addCleanup(internet.stop)
        # Each refusal and server error would be logged: the failures list says what matters.
        for name in ("django.request", "django.security"):
            log = logging.getLogger(name)
            self.addCleanup(log.setLevel, log.level)
            log.setLevel(logging.CRITICAL + 1)

    def valid(self, view: str) -> Callable[[str, str], str]:
        def value(kind: str, name: str) -> str:
            if name == "token":
                return self.tokens.get(view, "unknown")
            if kind == "int" or name in self.ids:
                return str(self.ids.get(name, 1))
            return self.words.get(name, "x")

        return value

    @staticmethod
    def broken(nonsense: str) -> Callable[[str, str], str]:
        def value(kind: str, name: str) -> str:
            if kind == "int":
                return nonsense if nonsense.lstrip("-").isdigit() else HUGE
            return nonsense

        return value

    def snapshot(self) -> str:
        """A fingerprint of every row of every table but the session's."""
        digest = hashlib.sha256()
        with connection.cursor() as cursor:
            for table in sorted(connection.introspection.table_names(cursor)):
                if table in QUIET_TABLES:
                    continue
                cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
                rows = sorted(repr(row) for row in cursor.fetchall())
                digest.update(table.encode())
                digest.update(repr(rows).encode())
        return digest.hexdigest()

    def send(
        self,
        method: str,
        path: str,
        *,
        query: str = "",
        body: bytes | None = None,
        content_type: str = "application/x-www-form-urlencoded",
        headers: dict[str, str] | None = None,
        role: Person | None = None,
    ) -> Any:
        """Send one request; note a server error, and a refusal that changed a row."""
        wrote: list[str] = []

        def watch(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
            if WRITE.match(sql) and not any(table in sql for table in QUIET_TABLES):
                wrote.append(sql)
            return execute(sql, params, many, context)

        address = path + (f"?{query}" if query else "")
        self.requests += 1
        with connection.execute_wrapper(watch):
            try:
                if method == "GET":
                    response = self.client.get(address, headers=headers)
                else:
                    response = self.client.generic(
                        method, address, body or b"", content_type=content_type, headers=headers
                    )
            except Exception as error:  # any escape is a finding
                self.failures.append(f"{method} {address[:200]} raised {error!r}"[:400])
                return None
        what = f"{method} {address[:160]} {(body or b'')[:120]!r}"
        if response.status_code >= 500:
            exc_info = getattr(response, "exc_info", None)
            cause = repr(exc_info[1]) if exc_info else ""
            self.failures.append(f"{what} answered {response.status_code} {cause}"[:500])
        refused = response.status_code >= 400 or (
            method == "POST" and response.status_code == 200 and forms_with_errors(response)
        )
        if wrote:
            self.snapshots += 1
            state = self.snapshot()
            if refused and state != self.state:
                self.failures.append(f"{what} refused ({response.status_code}) but wrote rows")
            self.state = state
        if role is not None:
            self.keep(role, response, wrote=bool(wrote))
        return response

    def keep(self, role: Person, response: Any, *, wrote: bool) -> None:
        """Keep walking as the role: undo leaving, pausing or a new role; log in again."""
        restored = False
        if wrote:
            row = Person.objects.filter(pk=role.pk).values(*self.original).get()
            if row != self.original:
                Person.objects.filter(pk=role.pk).update(**self.original)
                self.state = self.snapshot()
                restored = True
        user = getattr(response, "wsgi_request", None) and response.wsgi_request.user
        if restored or getattr(user, "pk", None) != role.pk:
            role.refresh_from_db()
            self.client.force_login(role)

    def walk(self, role: Person | None) -> None:
        if role is not None:
            self.client.force_login(role)
            fields = ["is_active", "is_paused", "role", "is_superuser", "email", "password"]
            self.original = Person.objects.filter(pk=role.pk).values(*fields).get()
        started = time.monotonic()
        self.state = self.snapshot()
        patterns = list(url_patterns())
        rng = random.Random(f"{role}")  # the same walk each run
        forms: dict[str, list[FormSeen]] = {}
        reached: dict[str, int] = {}

        # 1. Every page as it should be opened, gathering its forms. A piece of page that htmx
        # loads with a POST (the share panel) is asked for the same way.
        for route, pattern in patterns:
            view = self.view_name(route, pattern)
            if view in EXCLUDED:
                continue
            path = fill(route, self.valid(view))
            response = self.send("GET", path, role=role)
            reached[route] = response.status_code if response is not None else 500
            if response is not None and response.status_code == 405:
                response = self.send("POST", path, headers={"hx-request": "true"}, role=role)
            if response is None or response.status_code != 200:
                continue
            if "html" not in response.get("Content-Type", ""):
                continue
            parser = FormParser()
            parser.feed(response.content.decode(errors="replace"))
            for action, method, form in parser.forms:
                target = urlsplit(action).path or path
                try:
                    match = resolve(target)
                except Resolver404:
                    continue
                key = f"{method}:{match.route}"
                forms.setdefault(key, []).append(form)

        # 2. Nonsense everywhere. Pages this role cannot open (a login redirect, a 404) get a
        # lighter round: their answer does not vary. The admin is walked by a staff member
        # below; to everyone else its every address is the same redirect, already checked.
        for route, pattern in patterns:
            view = self.view_name(route, pattern)
            if view in EXCLUDED or route.startswith("admin/"):
                continue
            path = fill(route, self.valid(view))
            light = reached[route] in (301, 302, 404)
            for query in itertools.islice(self.query(view, route, forms, rng), 1 if light else 4):
                self.send("GET", path, query=query, role=role)
            for body in self.bodies(view, route, forms, rng, light=light):
                self.send("POST", path, body=body, role=role)
            if not light:
                self.send("POST", path, body=DEEP_JSON, content_type="application/json", role=role)
            if "<" in route:
                for nonsense in [HUGE, "0"] if light else PATH_NONSENSE:
                    broken = fill(route, self.broken(nonsense))
                    self.send("GET", broken, role=role)
                    if nonsense in (HUGE, "0"):
                        self.send("POST", broken, body=body_of([("id", nonsense)]), role=role)
        self.send_json(role)

        elapsed = time.monotonic() - started
        print(
            f"\n{role or 'anonymous'}: {self.requests} requests, {self.snapshots} snapshots"
            f" in {elapsed:.1f} s"
        )
        self.assertFalse(
            self.failures, "\n".join([f"{len(self.failures)} bad answers:", *self.failures])
        )

    @staticmethod
    def view_name(route: str, pattern: URLPattern) -> str:
        try:
            return resolve(fill(route, lambda kind, name: "1")).view_name
        except Resolver404:
            return pattern.name or route

    def query(
        self, view: str, route: str, forms: dict[str, list[FormSeen]], rng: random.Random
    ) -> Iterator[str]:
        """Query strings: a huge number, two bad days, bad bytes; for every name a view reads.

        A name with valid values (period=month, page=1) keeps one on the number and day rounds,
        so that the bad value in another name (start=0001-01-01) is the one the view meets.
        """
        names = {name: list(valid) for name, valid in PARAMS.items()}
        for form in forms.get(f"get:{route}", []):
            for name, values in {**form.values, **form.choices}.items():
                names.setdefault(name, []).extend(value for value in values if value)
        for group in [JUST_HUGE, DAYS, DAYS, BYTES]:
            nonsense = rng.choice(group)
            pairs = [
                (name, rng.choice(valid) if valid and group is not BYTES else nonsense)
                for name, valid in names.items()
            ]
            yield "&".join(f"{quote(n, safe='')}={encode(v)}" for n, v in pairs)

    def bodies(
        self,
        view: str,
        route: str,
        forms: dict[str, list[FormSeen]],
        rng: random.Random,
        *,
        light: bool,
    ) -> Iterator[bytes]:
        seen = forms.get(f"post:{route}", [])
        pairs: list[tuple[str, str]]
        if light or not seen:
            # No form of this role's pages leads here: the common names, with nonsense.
            for group in [JUST_HUGE] if light else [JUST_HUGE, MOMENTS, BYTES]:
                nonsense = rng.choice(group)
                pairs = [(name, nonsense) for name in PARAMS]
                yield body_of(pairs)
            return
        # The real form with about half its fields replaced by one kind of nonsense; a multiple
        # choice keeps a real choice and gets a bad one added.
        for form in seen[:2]:
            for group in [JUST_HUGE, NUMBERS, MOMENTS, MOMENTS, BYTES, GARBAGE]:
                nonsense = rng.choice(group)
                pairs = []
                # In page order (a set's order would change the walk from run to run).
                for name in dict.fromkeys([*form.values, *form.multiple]):
                    values = form.values.get(name, [])
                    if name in form.multiple and (group is JUST_HUGE or rng.random() < 0.5):
                        chosen = values or form.choices.get(name, [])[:1]
                        pairs.extend((name, value) for value in chosen)
                        pairs.append((name, nonsense))
                    elif name not in form.multiple and rng.random() < 0.5:
                        pairs.append((name, nonsense))
                    else:
                        pairs.extend((name, value) for value in values)
                if form.submits:
                    pairs.append(rng.choice(form.submits))
                yield body_of(pairs)

    def send_json(self, role: Person | None) -> None:
        """The two endpoints that read JSON, with bodies a careless parser chokes on."""
        code = self.words["code"]
        bodies = [
            DEEP_JSON,
            _deep_object(2000),
            _deep_object(30),
            b'{"external_id": "\\ud800", "link": "%s"}' % code.encode(),
            b'{"external_id": "x", "link": "%s", "value": -5}' % code.encode(),
            b'{"external_id": "x", "link": "%s", "value": NaN}' % code.encode(),
            b'{"external_id": "x", "link": "%s", "value": 1e400}' % code.encode(),
            b'{"external_id": "x", "link": "%s", "occurred_at": "2026-02-30T10:00:00Z"}'
            % code.encode(),
            b'{"external_id": "x", "link": "%s", "occurred_at": "0001-01-01T00:00:00+05:00"}'
            % code.encode(),
            b'{"external_id": "x", "click": "%s-%s"}' % (code.encode(), b"f" * 32),
            b'{"external_id": "x\\u0000y", "link": "%s"}' % code.encode(),
            b'{"click": ["x"], "external_id": {"a": 1}}',
            b'{"click": "' + b"a" * 3000 + b'"}',
            json.dumps({"external_id": HUGE, "link": HUGE}).encode(),
            b"\xff\xfe{}",
            b"\xed\xa0\x80",
        ]
        for body in bodies:
            self.send(
                "POST",
                "/tracking/postback",
                body=body,
                content_type="application/json",
                headers={"authorization": f"Bearer {self.secret}"},
                role=role,
            )
            self.send(
                "POST",
                "/tracking/lead",
                body=body,
                content_type="text/plain",
                headers={"origin": SITE},
                role=role,
            )

    @override_settings(TIME_ZONE=AHEAD)
    def test_a_staff_superuser_in_the_admin(self) -> None:
        """The Django admin, as the programme manager of a real install (staff and superuser)."""
        Person.objects.filter(pk=self.adam.pk).update(is_staff=True, is_superuser=True)
        self.adam.refresh_from_db()
        self.client.force_login(self.adam)
        self.original = {"is_active": True, "is_staff": True, "is_superuser": True}
        self.state = self.snapshot()
        query = "&".join(
            f"{name}={value}"
            for name, value in [
                ("q", "x%00y"),
                ("o", HUGE),
                ("p", HUGE),
                ("id__exact", HUGE),
                ("created_at__gte", "0001-01-01"),
                ("date_joined__lte", "9999-12-31"),
                ("_changelist_filters", "%FF%FE"),
            ]
        )
        with warnings.catch_warnings():
            # The admin's own date filters hand the ORM a naive day, and its change forms build
            # URLFields without assume_scheme: Django's warnings, not findings of this walk.
            warnings.filterwarnings("ignore", "DateTimeField .* naive datetime", RuntimeWarning)
            warnings.filterwarnings("ignore", "The default scheme will be changed")
            for route, pattern in url_patterns():
                if not route.startswith("admin/"):
                    continue
                path = fill(route, self.valid(self.view_name(route, pattern)))
                self.send("GET", path, role=self.adam)
                self.send("GET", path, query=query, role=self.adam)
                for nonsense in [HUGE, "0", "%FF", "x%00y"] if "<" in route else []:
                    self.send("GET", fill(route, self.broken(nonsense)), role=self.adam)
        self.assertFalse(
            self.failures, "\n".join([f"{len(self.failures)} bad answers:", *self.failures])
        )

    # Some roles walk in the time zones furthest from UTC, where the first and the last
    # minute of the calendar overflow once turned into UTC.
    def test_anonymous_visitors(self) -> None:
        self.walk(None)

    @override_settings(TIME_ZONE=AHEAD)
    def test_a_member(self) -> None:
        self.walk(self.alice)

    @override_settings(TIME_ZONE=BEHIND)
    def test_a_team_lead(self) -> None:
        self.walk(self.lena)

    @override_settings(TIME_ZONE=AHEAD)
    def test_an_editor(self) -> None:
        self.walk(self.erin)

    def test_a_viewer(self) -> None:
        self.walk(self.vera)

    @override_settings(TIME_ZONE=BEHIND)
    def test_the_programme_manager(self) -> None:
        self.walk(self.adam)


class OversizedIdTests(BaseTestCase):
    """An id no database column can hold, in a form's multiple choice, is a form error."""

    def test_every_multiple_choice_form_refuses_an_oversized_id_and_changes_nothing(self) -> None:
        post = self.make_post()
        source = Source.objects.create(
            created_by=self.erin, name="Feed", url="https://feed.example.invalid/rss"
        )
        challenge = Challenge.objects.create(
            title="Share more",
            metric="shares",
            goal=3,
            starts_at=timezone.now(),
            ends_at=timezone.now() + timedelta(days=7),
            created_by=self.adam,
        )
        forms = [
            (self.alice, "/interests/", "topics"),
            (self.alice, "/welcome/interests/", "topics"),
            (self.erin, "/studio/new/", "topics"),
            (self.erin, "/studio/new/", "teams"),
            (self.erin, "/studio/new/", "required_teams"),
            (self.erin, f"/studio/{post.pk}/", "teams"),
            (self.erin, "/studio/sources/new/", "topics"),
            (self.erin, f"/studio/sources/{source.pk}/", "teams"),
            (self.adam, "/challenges/new/", "posts"),
            (self.adam, f"/challenges/{challenge.pk}/edit/", "posts"),
            (self.adam, "/invitations/new/", "teams"),
        ]
        topic = Topic.objects.create(name="Factories")
        snapshot = BadInputWalk().snapshot
        for person, path, name in forms:
            for value in [HUGE, str(2**63)]:
                with self.subTest(path=path, field=name, value=value):
                    self.login(person)
                    before = snapshot()

                    response = self.client.post(path, {name: [str(topic.pk), value]})

                    self.assertContains(
                        response, "is not one of the available choices", status_code=200
                    )
                    self.assertEqual(snapshot(), before)


class MediaTests(BaseTestCase):
    def test_a_file_name_the_file_system_refuses_is_not_found(self) -> None:
        response = self.client.get("/media/" + "a" * 5000)

        self.assertEqual(response.status_code, 404)
