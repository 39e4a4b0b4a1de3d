"""Telling link-preview bots and crawlers from people by their user agent.

The corpus tests measure the classifier on public corpora it does not use (see
lib/bots_corpora.py); scripts/fetch-corpora.sh downloads the npm ones before the suite runs.
"""

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from passaparola.lib import bots_corpora
from passaparola.lib.bots import bot_reason, is_bot

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


@pytest.mark.parametrize("user_agent", UNLISTED_BOTS.values(), ids=UNLISTED_BOTS.keys())
def test_software_no_list_names_yet_is_a_bot(user_agent: str) -> None:
    assert is_bot(user_agent)


# Tools the public lists missed, each once counted as a person.
NAMED_MISSES = {
    "WebPageTest": (
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/98.0.4758.102 Safari/537.36 PTST/220216.200657"
    ),
    "WebPageTest on a phone": (
        "Mozilla/5.0 (Linux; Android 6.0.1; Moto G (4) Build/MPJ24.139-64) AppleWebKit/537.36 "
        "(KHTML, like Gecko) Chrome/65.0.3325.146 Mobile Safari/537.36 PTST/180829.190838"
    ),
    "Google PageSpeed": (
        "Mozilla/5.0 (iPhone; U; CPU iPhone OS 4_0_1 like Mac OS X; en-us) AppleWebKit/537.4 "
        "(KHTML, like Gecko; Google Page Speed Insights) Version/4.0.5 Mobile/8A306 Safari/6531"
    ),
    "Lighthouse": (
        "Mozilla/5.0 (Linux; Android 11; moto g power (2022)) AppleWebKit/537.36 (KHTML, like "
        "Gecko) Chrome/109.0.0.0 Mobile Safari/537.36 Chrome-Lighthouse"
    ),
    "Google Read Aloud": (
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko; "
        "Google-Read-Aloud; +https://support.google.com/webmasters/answer/1061943) "
        "Chrome/120.0.0.0 Safari/537.36"
    ),
    "Google Search Console": (
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko; Google Search "
        "Console) Chrome/41.0.2272.118 Safari/537.36"
    ),
    "Google Sites thumbnails": (
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko; "
        "Google-Sites-Thumbnails) Chrome/120.0.6099.71 Safari/537.36"
    ),
    "Google AMP": (
        "Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, "
        "like Gecko) Chrome/41.0.2272.96 Mobile Safari/537.36 (compatible; Google-AMPHTML)"
    ),
    "Neustar": (
        "Mozilla/5.0 (Windows NT 6.1; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/47.0.2526.106 Safari/537.36 Neustar WPM"
    ),
    "Yandex.Translate": "ru.yandex.translate/21.15.4.21402814 (Xiaomi Redmi K20 Pro; Android 11)",
    "WordPress screenshots": (
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "HeadlessChrome/124.0.6367.207 Safari/537.36 WordPress.com mShots"
    ),
    "Plesk screenshots": (
        "Plesk screenshot bot https://support.plesk.com/hc/en-us/articles/10301006946066"
    ),
    "Word": "Microsoft Office Word 2014",
    "PowerPoint": "Microsoft Office PowerPoint 2014",
    "Office link check": "Mozilla/4.0 (compatible; ms-office; MSOffice 16)",
    "Office on a Mac": (
        "Microsoft Office Excel/16.103.1109 (Mac OS/26.3.1; Desktop; en-US; AppStore; "
        "Apple/Mac16,10)"
    ),
}

# People once taken for bots: device models, browsers and apps with a list's word inside.
NAMED_FALSE_FLAGS = {
    "Panasonic ELUGA (sonic)": (
        "Mozilla/5.0 (Linux; Android 6.0; Panasonic ELUGA Tapp) AppleWebKit/537.36 (KHTML, like "
        "Gecko) Chrome/70.0.3538.80 Mobile Safari/537.36"
    ),
    "Panasonic_ELUGA": (
        "Mozilla/5.0 (Linux; Android 10; Panasonic_ELUGA_C) AppleWebKit/537.36 (KHTML, like "
        "Gecko) Chrome/89.0.4389.105 Mobile Safari/537.36"
    ),
    "HTC Butterfly": (
        "Mozilla/5.0 (Linux; Android 4.2.2; HTC Butterfly Build/JDQ39) AppleWebKit/537.36 "
        "(KHTML, like Gecko) Chrome/31.0.1650.59 Mobile Safari/537.36"
    ),
    "HTC_Butterfly": (
        "Mozilla/5.0 (Linux; U; Android 4.3; en-us; HTC_Butterfly Build/JSS15J) "
        "AppleWebKit/534.30 (KHTML, like Gecko) Version/4.0 Mobile Safari/534.30"
    ),
    "B BOT 550": (
        "Mozilla/5.0 (Linux; Android 6.0; B BOT 550 Build/MRA58K; wv) AppleWebKit/537.36 (KHTML,"
        " like Gecko) Version/4.0 Chrome/53.0.2785.124 Mobile Safari/537.36"
    ),
    "Thunderbird with Lightning (ning/)": (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:60.0) Gecko/20100101 Thunderbird/60.9.1 "
        "Lightning/6.2.9.1"
    ),
    "SeaMonkey with Lightning": (
        "Mozilla/5.0 (X11; Linux x86_64; rv:29.0) Gecko/20100101 Firefox/29.0 SeaMonkey/2.26a1 "
        "Lightning/3.1a1"
    ),
    "K-Meleon": (
        "Mozilla/5.0 (Windows; U; Windows NT 5.1; en-US; rv:1.8.1.24pre) Gecko/20100228 "
        "K-Meleon/1.5.4"
    ),
    "Sogou mobile browser": (
        "Mozilla/5.0 (Linux; Android 10; TLA001 Build/QP1A.190711.020; wv) AppleWebKit/537.36 "
        "(KHTML, like Gecko) Version/4.0 Chrome/80.0.3987.132 Safari/537.36 "
        "SogouMSE,SogouMobileBrowser/6.1.0"
    ),
    "Sogou search app": (
        "Mozilla/5.0 (Linux; Android 7.0; JMM-AL00 Build/HONORJMM-AL00; wv) AppleWebKit/537.36 "
        "(KHTML, like Gecko) Version/4.0 Chrome/62.0.3202.84 Mobile Safari/537.36 SogouSearch "
        "Android1.0 version3.0 AppVersion/5909"
    ),
    # The shape of an app's web view that names its app; "Blackboard" names a crawler too.
    "Blackboard app": (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, "
        "like Gecko) Mobile/15E148 Blackboard/7.3.0"
    ),
    "Viber's in-app browser": (
        "Mozilla/5.0 (Linux; Android 16; SM-F966N; BP2A.250605.031.A3; wv) AppleWebKit/537.36 "
        "(KHTML, like Gecko) Version/4.0 Chrome/145.0.7632.120 Mobile Safari/537.36 "
        "Viber/27.4.0.0"
    ),
    "Lynx": "Lynx/2.8.8pre.3 libwww-FM/2.14 SSL-MM/1.4.1 OpenSSL/1.0.1e",
    "a Japanese feature phone": "DoCoMo/2.0 MST_v_SH2101V",
}

# An app's own HTTP stack fetches the link to unfurl or prefetch it: software (module docstring).
APP_HTTP_CLIENTS = {
    "Android app": "Dalvik/2.1.0 (Linux; U; Android 13; SM-A536B Build/TP1A.220624.014)",
    "iOS app": "Aloha/4 CFNetwork/1399 Darwin/22.1.0",
    "macOS app": "Safari/8537.85.17.9.1 CFNetwork/596.6.4 Darwin/12.6.0 (x86_64) (iMac13%2C2)",
}


@pytest.mark.parametrize("user_agent", NAMED_MISSES.values(), ids=NAMED_MISSES.keys())
def test_tools_the_lists_missed_are_bots(user_agent: str) -> None:
    assert is_bot(user_agent)


@pytest.mark.parametrize("user_agent", NAMED_FALSE_FLAGS.values(), ids=NAMED_FALSE_FLAGS.keys())
def test_people_whose_user_agent_holds_a_bots_name_are_people(user_agent: str) -> None:
    assert bot_reason(user_agent) == ""


@pytest.mark.parametrize("user_agent", APP_HTTP_CLIENTS.values(), ids=APP_HTTP_CLIENTS.keys())
def test_app_http_clients_count_as_software(user_agent: str) -> None:
    assert is_bot(user_agent)


def corpora(load: Callable[[], dict[str, list[str]]]) -> dict[str, list[str]]:
    """Return the corpora; without them, fail on CI and skip elsewhere, saying why."""
    try:
        return load()
    except bots_corpora.CorporaMissing as missing:
        if os.environ.get("CI") == "true":
            pytest.fail(f"The user-agent corpora are missing on CI: {missing}")
        pytest.skip(f"The user-agent corpora are not fetched: {missing}")


def test_at_least_99_percent_of_real_crawlers_are_bots() -> None:
    found = corpora(bots_corpora.crawlers)
    agents = [agent for corpus in found.values() for agent in corpus]
    missed = [agent for agent in agents if not is_bot(agent)]

    assert len(agents) > 3000
    share = 1 - len(missed) / len(agents)
    assert share >= 0.99, f"{share:.2%} of crawlers flagged; missed for example {missed[:5]}"


def test_fewer_than_one_in_a_thousand_real_browsers_is_taken_for_a_bot() -> None:
    found = corpora(bots_corpora.browsers)
    ours = Path(__file__).parent / "data" / "browsers_extra.txt"
    found["ours"] = [
        line.strip()
        for line in ours.read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    agents = [agent for corpus in found.values() for agent in corpus]
    flagged = {agent: bot_reason(agent) for agent in agents if is_bot(agent)}

    assert len(agents) > 30000
    assert all(len(corpus) >= 50 for corpus in found.values())
    share = len(flagged) / len(agents)
    examples = list(flagged.items())[:5]
    assert share < 0.001, f"{share:.3%} of browsers flagged, for example {examples}"


def test_every_app_http_client_in_the_corpora_counts_as_software() -> None:
    agents = bots_corpora.app_http_clients()

    assert len(agents) > 500
    assert all(is_bot(agent) for agent in agents)
