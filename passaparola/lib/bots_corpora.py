"""Public corpora of real user agents, to measure the bot classifier: for test_bots and
bench/bots only, never imported by the running app.

Crawlers: the examples ("instances") that the crawler-user-agents list gives for its patterns,
and the bot fixtures of Matomo's device-detector (shipped in its PyPI package). The classifier
uses the patterns of both lists, never these examples.

People: the browser fixtures of device-detector and its apps that show pages in a web view,
the npm packages `user-agents` (real traffic) and `top-user-agents` (the commonest browsers of
the month), which scripts/fetch-corpora.sh downloads into var/corpora (or $CORPORA_DIR), and
fake-useragent. The classifier uses none of
them. App HTTP clients (Dalvik, CFNetwork) that device-detector files among browsers are set
apart: Passaparola counts them as software (docs/tracking.md).
"""

import json
import os
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, cast

import yaml_rs
from crawleruseragents import CRAWLER_USER_AGENTS_DATA

from passaparola.lib.bots import is_app_http_client

ROOT = Path(__file__).resolve().parent.parent.parent
# The npm packages and the file in each that holds the user agents (kept in step with
# scripts/fetch-corpora.sh).
NPM_CORPORA = {
    "user-agents (npm)": ("user-agents-2.1.198", "dist/user-agents.json"),
    "top-user-agents (npm)": ("top-user-agents-2.1.138", "src/index.json"),
}
FETCH = "scripts/fetch-corpora.sh"


class CorporaMissing(Exception):
    """The corpora that scripts/fetch-corpora.sh downloads are not there."""


def corpora_dir() -> Path:
    return Path(os.environ.get("CORPORA_DIR") or ROOT / "var" / "corpora")


@lru_cache(maxsize=1)
def crawlers() -> dict[str, list[str]]:
    """Return each crawler corpus by name: distinct user agents, sorted."""
    instances = {i for entry in CRAWLER_USER_AGENTS_DATA for i in entry.get("instances", [])}
    return {
        "crawler-user-agents instances": sorted(instances),
        "device-detector bot fixtures": sorted(_device_detector()["bots"]),
    }


@lru_cache(maxsize=1)
def browsers() -> dict[str, list[str]]:
    """Return each corpus of people's browsers by name: distinct user agents, sorted, without
    app HTTP clients."""
    corpora = {
        "device-detector browser fixtures": _device_detector()["browsers"],
        # The apps that show a page in their own web view, which says "Mozilla/".
        "device-detector in-app browsers": {
            ua for ua in _device_detector()["apps"] if ua.startswith("Mozilla/")
        },
        **{name: _npm(folder, path) for name, (folder, path) in NPM_CORPORA.items()},
        "fake-useragent": _fake_useragent(),
    }
    return {
        name: sorted(ua for ua in agents if not is_app_http_client(ua))
        for name, agents in corpora.items()
    }


@lru_cache(maxsize=1)
def app_http_clients() -> list[str]:
    """Return the app HTTP clients that device-detector files among browsers and apps."""
    fixtures = _device_detector()
    return sorted(ua for ua in fixtures["browsers"] | fixtures["apps"] if is_app_http_client(ua))


@lru_cache(maxsize=1)
def _device_detector() -> dict[str, set[str]]:
    """Return device-detector's fixture user agents: bots, browsers and mobile apps."""
    folder = resources.files("device_detector") / "tests" / "fixtures" / "upstream"
    found: dict[str, set[str]] = {"bots": set(), "browsers": set(), "apps": set()}
    for fixture in folder.iterdir():
        if not fixture.name.endswith(".yml"):
            continue
        for entry in cast(list[dict[str, Any]], yaml_rs.loads(fixture.read_text()) or []):
            agent = entry.get("user_agent")
            client = entry.get("client") or {}
            kind = client.get("type") if isinstance(client, dict) else None
            if not agent:
                continue
            if fixture.name == "bots.yml":
                found["bots"].add(agent)
            elif kind == "browser":
                found["browsers"].add(agent)
            elif kind == "mobile app":
                found["apps"].add(agent)
    return found


def _npm(folder: str, path: str) -> set[str]:
    file = corpora_dir() / folder / "package" / path
    if not file.exists():
        raise CorporaMissing(f"{file} is missing: run {FETCH} first (it needs npm).")
    data = json.loads(file.read_text())
    return {item if isinstance(item, str) else item["userAgent"] for item in data}


def _fake_useragent() -> set[str]:
    corpus = resources.files("fake_useragent") / "data" / "browsers.jsonl"
    return {json.loads(line)["useragent"] for line in corpus.read_text().splitlines() if line}
