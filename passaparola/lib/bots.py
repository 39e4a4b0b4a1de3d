"""Tell people from link-preview bots, crawlers and other software, by user agent.

Sources, all matched case-insensitively:
- the crawler-user-agents list (PyPI `crawler-user-agents`), about 1,500 crawler patterns;
- Matomo's device-detector lists, read from the data files that the PyPI `device-detector`
  package ships (its parser is never called): its bots (`regexes/upstream/bots.yml`, with
  its generic rule) and its HTTP libraries (`regexes/upstream/client/libraries.yml`);
- the preview fetchers that matter for sharing, named here even where the lists have them,
  so that a change in a list cannot make us count them as people, and a few tools the lists
  miss (WebPageTest, Google's page tools, screenshot services, Office link previews, ...);
- generic signs of software: a contact address or `+http` link in the user agent, and a user
  agent of neither browser nor phone shape.

Device names cannot match. A list pattern that starts with a letter or a digit must start a
word ("sonic" does not match "Panasonic", "ning/" not "Lightning/"), and a match is believed
only if it survives taking out the model part of an Android user agent ("Panasonic ELUGA",
"HTC Butterfly", "B BOT 550") and the browsers and apps of people that a list names as
crawlers (Sogou's mobile browser, Viber's and Blackboard's web views, Fluid).

App HTTP clients count as software. `Dalvik/...` (Android's built-in HTTP client) and
`CFNetwork/... Darwin/...` (the HTTP stack of iOS and macOS apps) are sent by an app that
fetches the link itself, to unfurl it in a chat, prefetch it or resolve a short link, not by a
person reading the page: a person who taps the link reads it in a browser or an app's web view,
which sends `Mozilla/5.0 ...`. Office apps checking a link before opening it (`ms-office`,
`Microsoft Office Word`) count as software for the same reason. In-app browsers of social apps
(LinkedIn, Facebook, Instagram, Snapchat, ...) are people.

Speed: each pattern is reduced to the literal strings that any of its matches must contain;
one Aho-Corasick pass over the lower-cased user agent picks the few patterns worth running.
A browser's user agent usually runs none of them. `bench/bots` measures it.
"""

import importlib.util
import re
from collections import defaultdict
from functools import cache, lru_cache
from pathlib import Path
from re import _parser as sre_parse  # type: ignore[attr-defined]
from typing import Any, cast

import ahocorasick_rs
import regex
import yaml_rs
from crawleruseragents import CRAWLER_USER_AGENTS_DATA

PREVIEW_FETCHERS = [
    "LinkedInBot",
    "facebookexternalhit",
    "facebookcatalog",
    "Facebot",
    "meta-externalagent",
    "meta-externalfetcher",
    "Twitterbot",
    "Slackbot",
    "Slack-ImgProxy",
    "Discordbot",
    "TelegramBot",
    "WhatsApp/",
    "SkypeUriPreview",
    "MicrosoftPreview",
    "Mastodon/",
    "Bluesky Cardyb",
    "Cardyb/",
    "Iframely",
    "Embedly",
    "redditbot",
    "Googlebot",
    "Google-InspectionTool",
    "bingbot",
    "BingPreview",
    "Applebot",
    "bitlybot",
    "Synapse (bot",
    "Pinterestbot",
    "Snap URL Preview",
    "vkShare",
    "Viber",
    "KakaoTalk-Scrap",
    "Yahoo Link Preview",
    "Pleroma",
    "Akkoma",
    "Misskey",
    "gotosocial",
]

# Tools seen on short links that neither list names (or names too narrowly).
UNLISTED_TOOLS = [
    "PTST/",  # WebPageTest
    "Google Page Speed",
    "Google-PageRenderer",
    "Google-Read-Aloud",
    "Google Web Preview",
    "Google Favicon",
    "Google-Safety",
    "Google-Structured-Data-Testing-Tool",
    "Google-Site-Verification",
    "Google-Apps-Script",
    "Google-Ads-",
    "Google-Adwords",
    "GoogleAdSense",
    "Google-Publisher-Plugin",
    "Google-AMPHTML",
    "Google-HotelAdsVerifier",
    "Google-Sites-Thumbnails",
    "Google-BusinessLinkVerification",
    "Google-Youtube-Links",
    "Google-Assess",
    "Google Search Console",
    "DuplexWeb-Google",
    "Chrome-Lighthouse",
    "Neustar WPM",
    "YandexTranslate",
    "Yandex.Translate",
    "ms-office",
    "MSOffice",
    "Microsoft Office",
    "CloudflareObservatory",
    "CloudflareDiagnostics",
    "screenshot",
    "HeadlessChrome",
    "PhantomJS",
    "Lighthouse",
    "pagespeed",
]

# Signs of software: "preview" and "headless" as parts of a name, a contact link or address
# (the habit of crawlers: "+http://...", "+mailto:", "bot@example.com"), HTTP libraries.
GENERIC = [
    r"preview",
    r"headless",
    r"\+\s*(?:https?:|mailto:|www\.)",
    r"(?<![a-z0-9])(?:http[ _-]?client|python|java/\d|okhttp|curl|wget|libwww-perl|aiohttp|httpx)",
    r"(?<!cu)bot(?:[\s/;:)(_+,.-]|$)",
]

# Browsers and apps of people that a list takes for crawlers ("Sogou", "Fluid", "Viber" name
# crawlers there): removed, like the device model, before a match is believed.
PEOPLE_APPS = re.compile(
    r"Sogou(?:MobileBrowser|MSE|Search)|\b(?:Fluid|Blackboard)/[\d.]+|\bViber/\d+\.\d+\.\d+",
    re.IGNORECASE,
)

# A contact address, written out or with "[at]"; looked for only when "@" or "[at]" is there.
CONTACT_ADDRESS = re.compile(
    r"[\w.+-](?:@|\[at\])[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}(?![\w-])", re.IGNORECASE
)

# The model part of an Android user agent: "Android 10; <model> Build/...;" or "...)".
DEVICE_MODEL = re.compile(
    r"(Android[ /]?[\d.]*[^;)]*;(?:\s*[a-z]{2}(?:[-_][a-z]{2,4})?;)?)[^;)]*", re.IGNORECASE
)

# Every browser, in-app browser and web view sends a user agent starting with Mozilla/; the
# people-driven exceptions (Opera, old and feature phones, TVs, text browsers) show one of
# these signs, which no HTTP library sends.
BROWSER_SHAPE = re.compile(
    r"^(?:Mozilla/|Opera|Lynx/|Links|ELinks|w3m/|Dillo/)"
    r"|Browser|Profile/MIDP|Configuration/CLDC|Obigo|NetFront|Opera|UCWEB|BlackBerry|Series ?60"
    r"|Symbian|AppleWebKit|Gecko|Presto|Android|Windows|Linux; U;|MAUI|Dolfin|Teleca|Openwave"
    r"|OpenHarmony|SmartTV|NETTV|HbbTV|Tizen|webOS|AmigaOS|iPhone|iPad|\biOS\b|Nokia|SAMSUNG"
    r"|SonyEricsson|PlayStation|Nintendo|Xbox|DoCoMo|KDDI|SoftBank|J-PHONE|Mosaic|OPR/|amaya/"
    r"|Xiino|Palmscape|HotJava",
    re.IGNORECASE,
)

APP_HTTP_CLIENT = "an app's HTTP client"

# Triggers shorter than this would pick a pattern on most user agents; such patterns run always.
MIN_TRIGGER = 3
MAX_TRIGGERS = 64


def _matomo_regexes(relative: str) -> list[str]:
    """Return the regexes of one of Matomo's lists shipped by the device-detector package."""
    spec = importlib.util.find_spec("device_detector")
    assert spec and spec.submodule_search_locations
    path = Path(next(iter(spec.submodule_search_locations))) / "regexes" / "upstream" / relative
    # Matomo's generic rule starts with "[a-z0-9_-]*" to capture a name: no use in a search.
    entries = cast(list[dict[str, Any]], yaml_rs.loads(path.read_text()))
    return [entry["regex"].removeprefix("[a-z0-9_-]*") for entry in entries]


def _bounded(pattern: str) -> list[str]:
    """Return the pattern's alternatives, each made to start a word when it starts with a
    letter or a digit."""
    return [rf"(?<![a-z0-9])(?:{part})" if part[:1].isalnum() else part for part in _split(pattern)]


def _split(pattern: str) -> list[str]:
    """Return the top-level alternatives of a regex ("a|b(c|d)" gives "a" and "b(c|d)")."""
    parts, depth, start, i = [], 0, 0, 0
    in_class = False
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            i += 1
        elif in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
            i += pattern.startswith("^", i + 1)
            i += pattern.startswith("]", i + 1)  # a "]" first in a class is a plain "]"
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|" and depth == 0:
            parts.append(pattern[start:i])
            start = i + 1
        i += 1
    parts.append(pattern[start:])
    if depth or in_class or not all(parts):
        return [pattern]
    return parts


def _triggers(items: Any) -> frozenset[str] | None:
    """Return literal strings one of which every match must contain, the longer the better."""
    best: frozenset[str] | None = None

    def consider(candidate: frozenset[str] | None) -> None:
        nonlocal best
        if candidate and (best is None or _strength(candidate) > _strength(best)):
            best = candidate

    runs = frozenset([""])
    for item in items:
        fixed = _literals([item])
        if fixed is not None and len(runs) * len(fixed) <= MAX_TRIGGERS:
            runs = frozenset(run + tail for run in runs for tail in fixed)
            continue
        consider(runs)
        runs = fixed if fixed is not None else frozenset([""])
        op, av = item
        if op is sre_parse.SUBPATTERN:
            consider(_triggers(av[3]))
        elif op is sre_parse.ATOMIC_GROUP:
            consider(_triggers(av))
        elif op is sre_parse.BRANCH:
            branches = [found for branch in av[1] if (found := _triggers(branch))]
            if len(branches) == len(av[1]):
                consider(frozenset().union(*branches))
        elif op in (sre_parse.MAX_REPEAT, sre_parse.MIN_REPEAT, sre_parse.POSSESSIVE_REPEAT) and (
            av[0] >= 1
        ):
            consider(_triggers(av[2]))
    consider(runs)
    return best


def _literals(items: Any) -> frozenset[str] | None:
    """Return every string the items can match, lower-cased, when that is a few fixed strings."""
    strings = frozenset([""])
    for op, av in items:
        if op is sre_parse.LITERAL:
            tails: frozenset[str] | None = frozenset([chr(av).lower()])
        elif op is sre_parse.IN and all(kind is sre_parse.LITERAL for kind, _ in av):
            tails = frozenset(chr(code).lower() for _, code in av)
        elif op is sre_parse.SUBPATTERN:
            tails = _literals(av[3])
        elif op is sre_parse.BRANCH:
            options = [found for branch in av[1] if (found := _literals(branch)) is not None]
            tails = frozenset().union(*options) if len(options) == len(av[1]) else None
        else:
            return None
        if tails is None or len(strings) * len(tails) > MAX_TRIGGERS:
            return None
        strings = frozenset(head + tail for head in strings for tail in tails)
    return strings


def _strength(triggers: frozenset[str]) -> tuple[int, int]:
    return min(len(t) for t in triggers), -len(triggers)


def _rule_sources() -> list[str]:
    """Return every pattern, one alternative a piece, without repeats."""
    sources = [
        *(part for entry in CRAWLER_USER_AGENTS_DATA for part in _bounded(entry["pattern"])),
        *(part for pattern in _matomo_regexes("bots.yml") for part in _bounded(pattern)),
        *(part for p in _matomo_regexes("client/libraries.yml") for part in _bounded(p)),
        *(re.escape(name) for name in PREVIEW_FETCHERS + UNLISTED_TOOLS),
        *GENERIC,
    ]
    return list(dict.fromkeys(sources))


def _plan(sources: list[str]) -> tuple[ahocorasick_rs.AhoCorasick, list[tuple[int, ...]]]:
    """Return an automaton of the triggers and, for each trigger, the rules it picks; the
    last entry lists the rules without a usable trigger, which run on every user agent."""
    always: list[int] = []
    by_trigger: dict[str, set[int]] = defaultdict(set)
    for index, source in enumerate(sources):
        try:
            triggers = _triggers(sre_parse.parse(source))
        except re.error:  # syntax only the regex package knows
            triggers = None
        if not triggers or min(len(t) for t in triggers) < MIN_TRIGGER:
            always.append(index)
            continue
        for trigger in triggers:
            by_trigger[trigger].add(index)
    words = sorted(by_trigger)
    plan = [tuple(sorted(by_trigger[word])) for word in words] + [tuple(always)]
    return ahocorasick_rs.AhoCorasick(words), plan


_SOURCES = _rule_sources()
_TRIGGERS, _PLAN = _plan(_SOURCES)


@cache
def _rule(index: int) -> regex.Pattern[str]:
    # Compiled on first use: most rules never run, and compiling them all costs a second.
    return regex.compile(_SOURCES[index], regex.IGNORECASE)


def bot_reason(user_agent: str) -> str:
    """Return why the user agent is taken for software (a pattern or a sign), or "" for a
    person."""
    # Some copies of real user agents come wrapped in quotes; no bot hides behind them.
    user_agent = user_agent.strip().strip("\"'").strip()
    if not user_agent:
        return "no user agent"
    lower = user_agent.lower()
    if is_app_http_client(user_agent):
        return APP_HTTP_CLIENT
    reason = _match(user_agent)
    # Rarely matched, so only then is a device model or a people's app taken out for a recheck.
    if reason and "android" in lower:
        reason = _match(DEVICE_MODEL.sub(r"\1", user_agent))
    if reason and PEOPLE_APPS.search(user_agent):
        reason = _match(PEOPLE_APPS.sub("", DEVICE_MODEL.sub(r"\1", user_agent)))
    if reason:
        return reason
    if ("@" in user_agent or "[at]" in lower) and CONTACT_ADDRESS.search(user_agent):
        return "a contact address"
    if not BROWSER_SHAPE.search(user_agent):
        return "neither a browser nor a phone"
    return ""


def is_app_http_client(user_agent: str) -> bool:
    """Return True for the HTTP stack of an Android app (Dalvik) or an Apple app (CFNetwork)."""
    lower = user_agent.lower()
    return lower.startswith("dalvik/") or "cfnetwork/" in lower


def _match(text: str) -> str:
    """Return the first list or generic pattern found in the text, or ""."""
    for hit, _start, _end in _TRIGGERS.find_matches_as_indexes(text.lower(), overlapping=True):
        for index in _PLAN[hit]:
            if _rule(index).search(text):
                return _SOURCES[index]
    for index in _PLAN[-1]:
        if _rule(index).search(text):
            return _SOURCES[index]
    return ""


@lru_cache(maxsize=8192)
def is_bot(user_agent: str) -> bool:
    """Return True when the user agent is a crawler, a preview fetcher or other software."""
    return bool(bot_reason(user_agent))
