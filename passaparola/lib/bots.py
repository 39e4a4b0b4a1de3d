"""Tell link-preview bots and crawlers from people, by user agent."""

import re
from functools import lru_cache

from crawleruseragents import CRAWLER_USER_AGENTS_DATA

# Preview fetchers that matter for sharing, named here even where the public list has them,
# so that a change in that list cannot make us count them as people.
PREVIEW_FETCHERS = [
    r"LinkedInBot",
    r"facebookexternalhit",
    r"Facebot",
    r"meta-externalagent",
    r"Twitterbot",
    r"Slackbot",
    r"Slack-ImgProxy",
    r"Discordbot",
    r"TelegramBot",
    r"WhatsApp",
    r"SkypeUriPreview",
    r"MicrosoftPreview",
    r"Mastodon/",
    r"Bluesky Cardyb",
    r"Cardyb",
    r"Iframely",
    r"Embedly",
    r"redditbot",
    r"Googlebot",
    r"bingbot",
    r"Applebot",
    r"bitlybot",
    r"Synapse",
    r"Pinterestbot",
    r"Snapchat",
    r"vkShare",
    r"Teams/",
]

_PATTERN = re.compile(
    "|".join([*PREVIEW_FETCHERS, *(entry["pattern"] for entry in CRAWLER_USER_AGENTS_DATA)]),
    re.IGNORECASE,
)


@lru_cache(maxsize=4096)
def is_bot(user_agent: str) -> bool:
    """Return True when the user agent is a crawler or a link-preview fetcher (or missing)."""
    if not user_agent.strip():
        return True
    return _PATTERN.search(user_agent) is not None
