"""Telling link-preview bots and crawlers from people by their user agent."""

import json
from importlib import resources
from pathlib import Path

import pytest
from crawleruseragents import CRAWLER_USER_AGENTS_DATA

from passaparola.lib.bots import is_bot

PREVIEW_BOTS = {
    "LinkedIn": (
        "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)"
    ),
    "Facebook": "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
    "Facebook (Facebot)": (
        "Mozilla/5.0 (compatible; Facebot/1.0; "
        "+https://developers.facebook.com/docs/sharing/webmasters/crawler)"
    ),
    "X": "Twitterbot/1.0",
    "Slack": "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
    "WhatsApp": "WhatsApp/2.23.20.0 A",
    "Telegram": "TelegramBot (like TwitterBot)",
    "Discord": "Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)",
    "Mastodon": "http.rb/5.1.1 (Mastodon/4.2.1; +https://mastodon.social/)",
    "Microsoft Teams": "Mozilla/5.0 (Windows NT 6.1; WOW64) SkypeUriPreview Preview/0.5",
    "Google": "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "Bing": "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
    "iMessage": (
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_11_1) AppleWebKit/601.2.4 (KHTML, like Gecko) "
        "Version/9.0.1 Safari/601.2.4 facebookexternalhit/1.1 Facebot Twitterbot/1.0"
    ),
    "Meta": "meta-externalagent/1.1 (+https://developers.facebook.com/docs/sharing/webmasters/crawler)",
    "Slack images": "Slack-ImgProxy (+https://api.slack.com/robots)",
    "Bluesky": "Mozilla/5.0 (compatible; Bluesky Cardyb/1.1; +mailto:support@bsky.app)",
    "Iframely": "Iframely/1.3.1 (+https://iframely.com/docs/about) Atlassian",
    "Embedly": "Mozilla/5.0 (compatible; Embedly/0.2; +http://support.embed.ly/)",
    "Reddit": "Mozilla/5.0 (compatible; redditbot/1.0; +http://www.reddit.com/feedback)",
    "Outlook": "Mozilla/5.0 (compatible; MicrosoftPreview/2.0; +https://aka.ms/MicrosoftPreview)",
    "Apple": (
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_5) AppleWebKit/605.1.15 (KHTML, like "
        "Gecko) Version/13.1.1 Safari/605.1.15 (Applebot/0.1; +http://www.apple.com/go/applebot)"
    ),
    "Matrix": "Synapse (bot; +https://github.com/matrix-org/synapse)",
    "Snapchat": "Snap URL Preview Service; bot; snapchat; https://developers.snap.com/robots",
}

# Software that no public list names yet: caught by the generic signs.
UNLISTED_BOTS = {
    "a new crawler": "Mozilla/5.0 (compatible; AcmeNewsBot/0.9; +https://acme.example/bot)",
    "headless Chrome": (
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "HeadlessChrome/124.0.6367.60 Safari/537.36"
    ),
    "Pleroma": "Pleroma 2.6.1; https://pleroma.example <admin@pleroma.example>",
    "Misskey": "Misskey/2024.3.1 (https://misskey.example)",
    "GoToSocial": "gotosocial (+https://gts.example) gotosocial/0.15.0",
    "a script": "python-requests/2.31.0",
    "Go": "Go-http-client/2.0",
    "an app's HTTP stack": "okhttp/4.12.0",
    "Dalvik": "Dalvik/2.1.0 (Linux; U; Android 13; SM-A536B Build/TP1A.220624.014)",
    "an unknown tool": "LinkChecker-Thing/3",
}

BROWSERS = {
    "Chrome": (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/124.0.0.0 Safari/537.36"
    ),
    "Chrome on Android": (
        "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/124.0.0.0 Mobile Safari/537.36"
    ),
    "Firefox": "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0",
    "Safari on iOS": (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
        "(KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1"
    ),
    "Safari on macOS": (
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 "
        "(KHTML, like Gecko) Version/17.4 Safari/605.1.15"
    ),
    "Edge": (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.51"
    ),
    "Samsung Internet": (
        "Mozilla/5.0 (Linux; Android 14; SAMSUNG SM-S921B) AppleWebKit/537.36 "
        "(KHTML, like Gecko) SamsungBrowser/24.0 Chrome/117.0.0.0 Mobile Safari/537.36"
    ),
}

# People who tap a shared link inside a social app read it in that app's own browser.
IN_APP_BROWSERS = {
    "LinkedIn app on iOS": (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4_1 like Mac OS X) AppleWebKit/605.1.15 "
        "(KHTML, like Gecko) Mobile/15E148 [LinkedInApp]/9.29.6440"
    ),
    "Facebook app on Android": (
        "Mozilla/5.0 (Linux; Android 13; SM-G991B Build/TP1A.220624.014; wv) "
        "AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/120.0.6099.144 "
        "Mobile Safari/537.36 [FB_IAB/FB4A;FBAV/446.0.0.32.107;]"
    ),
    "Facebook app on iOS": (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
        "(KHTML, like Gecko) Mobile/15E148 [FBAN/FBIOS;FBAV/459.0.0.38.107;FBBV/585574207]"
    ),
    "Instagram app": (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
        "(KHTML, like Gecko) Mobile/15E148 Instagram 326.0.3.27.101 (iPhone15,2; iOS 17_4)"
    ),
    "Snapchat app": (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 16_0 like Mac OS X) AppleWebKit/605.1.15 "
        "(KHTML, like Gecko) Mobile/15E148 Snapchat/12.06.0.36 (like Safari/8614.1.25.0.31, panda)"
    ),
}


@pytest.mark.parametrize("user_agent", PREVIEW_BOTS.values(), ids=PREVIEW_BOTS.keys())
def test_link_preview_bots_are_bots(user_agent: str) -> None:
    assert is_bot(user_agent)


@pytest.mark.parametrize("user_agent", BROWSERS.values(), ids=BROWSERS.keys())
def test_real_browsers_are_people(user_agent: str) -> None:
    assert not is_bot(user_agent)


@pytest.mark.parametrize("user_agent", IN_APP_BROWSERS.values(), ids=IN_APP_BROWSERS.keys())
def test_social_apps_in_app_browsers_are_people(user_agent: str) -> None:
    assert not is_bot(user_agent)


@pytest.mark.parametrize("user_agent", ["", "   ", "\t"])
def test_a_missing_user_agent_is_a_bot(user_agent: str) -> None:
    assert is_bot(user_agent)


def test_case_does_not_hide_a_bot() -> None:
    assert is_bot("LINKEDINBOT/1.0")
    assert is_bot("twitterbot/1.0")


def test_the_public_crawler_list_is_recognised() -> None:
    instances = [
        instance for entry in CRAWLER_USER_AGENTS_DATA for instance in entry.get("instances", [])
    ]
    missed = [instance for instance in instances if not is_bot(instance)]

    assert len(instances) > 1000
    share = 1 - len(missed) / len(instances)
    assert share >= 0.99, f"{share:.2%} recognised; missed for example {missed[:5]}"


@pytest.mark.parametrize("user_agent", UNLISTED_BOTS.values(), ids=UNLISTED_BOTS.keys())
def test_software_no_list_names_yet_is_a_bot(user_agent: str) -> None:
    assert is_bot(user_agent)


def real_browser_user_agents() -> list[str]:
    """Return the distinct user agents of the fake-useragent corpus and of our own file."""
    corpus = resources.files("fake_useragent") / "data" / "browsers.jsonl"
    agents = {json.loads(line)["useragent"] for line in corpus.read_text().splitlines() if line}
    ours = Path(__file__).parent / "data" / "browsers_extra.txt"
    agents.update(
        line.strip()
        for line in ours.read_text().splitlines()
        if line.strip() and not line.startswith("#")
    )
    return sorted(agents)


def test_fewer_than_one_in_a_thousand_real_browsers_is_taken_for_a_bot() -> None:
    agents = real_browser_user_agents()
    flagged = [agent for agent in agents if is_bot(agent)]

    assert len(agents) > 800
    share = len(flagged) / len(agents)
    assert share < 0.001, f"{share:.3%} of real browsers flagged, for example {flagged[:5]}"
