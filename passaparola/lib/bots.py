"""Tell link-preview bots and crawlers from people, by user agent.

Three sources, all case-insensitive: the public crawler-user-agents list, the preview fetchers
that matter for sharing (named here even where the list has them, so that a change in that
list cannot make us count them as people), and a few generic signs of software (an HTTP
library, "crawler", "preview", a user agent that no browser would send). In-app browsers of
social apps (LinkedIn, Facebook, Instagram, Snapchat, ...) are people: they are browsers.
"""

import re
from functools import lru_cache

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
]

# Signs of software rather than a person at a browser, seen in no real browser's user agent.
GENERIC_WORDS = [
    "crawl",
    "spider",
    "scraper",
    "scraping",
    "scrapy",
    "preview",
    "headless",
    "phantomjs",
    "lighthouse",
    "pagespeed",
    "monitor",
    "uptime",
    "validator",
    "checker",
    "scanner",
    "fetcher",
    "archiver",
    "httpclient",
    "http-client",
    "http_client",
    "http client",
    "python",
    "java/",
    "okhttp",
    "go-http",
    "wget",
    "libwww",
    "axios",
    "node-fetch",
    "undici",
    "aiohttp",
    "httpx",
    "guzzle",
    "dalvik/",
    "cfnetwork",
    "http://",
    "https://",
]
GENERIC = re.compile(
    r"(?<!cu)bot(?:[\s/;:)(_+,.-]|$)|\b(?:fetch/|java\b|curl|ruby|perl|php)|@[a-z0-9-]+\.[a-z]{2,}"
)
# Every browser, in-app browser and web view sends a user agent starting with Mozilla/5.0;
# these are the few people-driven exceptions (Opera Mini, old phones, text browsers).
OTHER_BROWSERS = re.compile(
    r"^(?:opera/|lynx/|links|elinks|w3m/|dillo/|ucweb|ucbrowser|nokia|sonyericsson|samsung-"
    r"|sec-|lg-|blackberry|mot-|htc|iphone|ipad)",
    re.IGNORECASE,
)
_LITERAL = re.compile(r"^(?:[^\\.^$*+?{}\[\]|()]|\\[^A-Za-z0-9])*$")


def _trie_pattern(words: list[str]) -> str:
    """Return one regex matching any of the words, shaped as a trie so it runs fast."""
    trie: dict[str, dict] = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def build(node: dict[str, dict]) -> str:
        branches = [re.escape(char) + build(node[char]) for char in sorted(node) if char]
        if not branches:
            return ""
        pattern = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{pattern})?" if "" in node else pattern

    return build(trie)


def _compile() -> tuple[re.Pattern[str], re.Pattern[str], list[re.Pattern[str]]]:
    patterns = [entry["pattern"] for entry in CRAWLER_USER_AGENTS_DATA]
    literals = {re.sub(r"\\(.)", r"\1", p).lower() for p in patterns if _LITERAL.match(p)}
    literals.update(name.lower() for name in PREVIEW_FETCHERS)
    literals.update(GENERIC_WORDS)
    others = [_lower_pattern(p) for p in patterns if not _LITERAL.match(p)]
    anchored = re.compile("|".join(p for p in others if p.startswith("^")))
    loose = [re.compile(p) for p in others if not p.startswith("^")]
    return re.compile(_trie_pattern(sorted(literals))), anchored, loose


def _lower_pattern(pattern: str) -> str:
    """Return a regex lower-cased outside its escapes, to match a lower-cased user agent."""
    return re.sub(r"\\.|[^\\]+", lambda m: m[0] if m[0][0] == "\\" else m[0].lower(), pattern)


_KNOWN, _ANCHORED, _LOOSE = _compile()


@lru_cache(maxsize=8192)
def is_bot(user_agent: str) -> bool:
    """Return True when the user agent is a crawler or a link-preview fetcher (or missing)."""
    # Some copies of real user agents come wrapped in quotes; no bot hides behind them.
    user_agent = user_agent.strip().strip("\"'").strip()
    if not user_agent:
        return True
    lower = user_agent.lower()
    if _KNOWN.search(lower) or _ANCHORED.match(lower) or GENERIC.search(lower):
        return True
    if any(pattern.search(lower) for pattern in _LOOSE):
        return True
    return not user_agent.startswith("Mozilla/") and not OTHER_BROWSERS.match(user_agent)
