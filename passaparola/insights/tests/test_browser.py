"""The whole loop in a real Chromium: publish, share, click, count, and who may see what.

Nothing leaves the machine: every request that does not go to the live server is aborted and
recorded, and so is every redirect that would take the browser off the site, so the tests can
check the share intents and the short-link redirects without reaching LinkedIn or X.
"""

import re
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, urljoin, urlsplit

import pytest
from django.urls import reverse
from playwright.sync_api import (
    BrowserContext,
    ConsoleMessage,
    Page,
    Response,
    Route,
    expect,
)
from playwright.sync_api import Error as PlaywrightError

from passaparola.content.models import Post
from passaparola.content.services import post_create, post_publish
from passaparola.networks.catalogue import NETWORKS
from passaparola.people.models import Person, Role, Team
from passaparola.people.services import person_create
from passaparola.sharing.models import Share
from passaparola.sharing.services import policy_get, policy_update
from passaparola.testing import PASSWORD
from passaparola.testing.browser import BrowserTestCase
from passaparola.tracking.models import Click
from passaparola.tracking.services import clicks_ingest, clicks_process

# Screenshots to look at: /tmp/pp-dashboard.png, /tmp/pp-post-desktop.png, /tmp/pp-post-phone.png
# and /tmp/pp-phone-feed.png.
SCREENSHOTS = Path(tempfile.gettempdir())
LINKEDIN_BOT = (
    "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)"
)
POST_URL = "https://example.com/news/factory?ref=home"
POST_TITLE = "Our new factory opens in Turin"
CAPTION = "Proud of the team that built this!"
OTHER_CAPTION = "Turin, meet our newest factory."
MY_TEXT = "Visited the new plant today: 200 new jobs & solar roofs. #proud"
MY_HASHTAGS = "#solar energy"
DISCLOSURE = "#AcmeEmployee"
# What every network that takes text gets: her words, her hashtags, then the disclosure.
COMPOSED = f"{MY_TEXT}\n\n#solar #energy {DISCLOSURE}"


class Guard:
    """Keeps a browser context on the live server and records every attempt to leave it."""

    def __init__(self, base: str) -> None:
        self.base = base.rstrip("/") + "/"
        self.blocked: list[str] = []

    def _local(self, url: str) -> bool:
        return url.startswith(self.base) or url == self.base.rstrip("/")

    def handle(self, route: Route) -> None:
        request = route.request
        if not self._local(request.url):
            self.blocked.append(request.url)
            route.abort("blockedbyclient")
            return
        if not request.is_navigation_request():
            route.continue_()
            return
        # Chromium follows a redirect without asking the route again, so navigations are
        # fetched here and a redirect off the site is stopped before the browser sees it.
        response = route.fetch(max_redirects=0)
        location = response.headers.get("location")
        if 300 <= response.status < 400 and location:
            target = urljoin(request.url, location)
            if not self._local(target):
                self.blocked.append(target)
                route.abort("blockedbyclient")
                return
        route.fulfill(response=response)

    def blocked_starting(self, prefix: str) -> list[str]:
        return [url for url in self.blocked if url.startswith(prefix)]


@pytest.mark.browser
class BrowserJourneyTests(BrowserTestCase):
    """An editor publishes for Sales, Alice shares it, a person and a bot click, numbers add up."""

    def setUp(self) -> None:
        super().setUp()
        self.sales = Team.objects.create(name="Sales")
        self.support = Team.objects.create(name="Support")
        self.alice = person_create(
            email="alice@example.org", name="Alice Example", password=PASSWORD, teams=[self.sales]
        )
        self.charlie = person_create(
            email="charlie@example.org",
            name="Charlie Example",
            password=PASSWORD,
            teams=[self.support],
        )
        self.erin = person_create(
            email="erin@example.org", name="Erin Editor", password=PASSWORD, role=Role.EDITOR
        )
        self.adam = person_create(
            email="adam@example.org", name="Adam Admin", password=PASSWORD, role=Role.ADMIN
        )
        self.guard = Guard(self.live_server_url)
        self.console_errors: list[str] = []
        self.page_errors: list[str] = []
        self.failed_assets: list[str] = []

    # Helpers

    def url(self, name: str, *args: Any) -> str:
        return self.live_server_url + reverse(name, args=args)

    def new_page(self, **context_options: Any) -> Page:
        """Open a page in a fresh context (its own cookies), guarded and watched for errors."""
        context: BrowserContext = self.browser.new_context(**context_options)
        self.addCleanup(context.close)
        context.set_default_timeout(10_000)
        context.route("**/*", self.guard.handle)
        context.on("console", self._on_console)
        context.on("weberror", lambda error: self.page_errors.append(str(error.error)))
        context.on("response", self._on_response)
        return context.new_page()

    def _on_console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.console_errors.append(
                f"{message.page.url if message.page else '?'}: {message.text}"
            )

    def _on_response(self, response: Response) -> None:
        # Pages may answer 404 on purpose; what they load (styles, scripts) never should fail.
        if response.status >= 400 and response.request.resource_type != "document":
            self.failed_assets.append(f"{response.status} {response.url}")

    def log_in(self, page: Page, person: Person) -> None:
        """Log in through the password form, as a person would."""
        page.goto(self.url("accounts:login"))
        form = page.locator("form").filter(has=page.get_by_label("Password"))
        form.get_by_label("Email", exact=True).fill(person.email)
        form.get_by_label("Password", exact=True).fill(PASSWORD)
        form.get_by_role("button", name="Log in").click()
        page.wait_for_url(self.url("content:feed"))
        expect(page.get_by_role("button", name="Log out")).to_be_visible()
        expect(page.locator(".who-name")).to_contain_text(person.name)

    def wait_for_blocked(self, page: Page, prefix: str, count: int = 1) -> list[str]:
        """Let the browser work until `count` requests to `prefix` were stopped; return them."""
        for _attempt in range(100):
            found = self.guard.blocked_starting(prefix)
            if len(found) >= count:
                return found
            page.wait_for_timeout(50)
        self.fail(f"no request to {prefix} was made; blocked so far: {self.guard.blocked}")

    def share_on(self, page: Page, label: str, prefix: str) -> str:
        """Click a share button (it opens a popup) and return the network URL it went to."""
        already = len(self.guard.blocked_starting(prefix))
        with page.context.expect_page() as popup_info:
            page.get_by_role("button", name=label, exact=True).click()
        popup = popup_info.value
        found = self.wait_for_blocked(popup, prefix, count=already + 1)
        popup.close()
        return found[-1]

    def open_offsite(self, page: Page, url: str) -> None:
        """Go to a URL that redirects off the site: the guard stops the second leg."""
        with pytest.raises(PlaywrightError):
            page.goto(url)

    def assert_no_horizontal_scroll(self, page: Page) -> None:
        widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
        self.assertLessEqual(widths[0], widths[1], f"{page.url} scrolls sideways: {widths}")

    def assert_browser_was_clean(self) -> None:
        csp = [
            error
            for error in self.console_errors
            if "Content Security Policy" in error or "Content-Security-Policy" in error
        ]
        self.assertEqual(csp, [], "the content security policy blocked something")
        self.assertEqual(self.page_errors, [], "a script failed")
        self.assertEqual(self.failed_assets, [], "a style sheet, script or image did not load")
        # Pages answered with 404 on purpose, and requests stopped by the guard, log a
        # "Failed to load resource"; anything else in the console is a real error.
        others = [error for error in self.console_errors if "Failed to load resource" not in error]
        self.assertEqual(others, [])
        # The only places the browser tried to go are the share intents and the post's site.
        hosts = {urlsplit(url).hostname for url in self.guard.blocked}
        self.assertLessEqual(hosts, {"www.linkedin.com", "x.com", "example.com"})

    # The journey

    def test_publish_share_click_and_measure(self) -> None:
        # 1. Erin, an editor, publishes a post for the Sales team only.
        editor = self.new_page()
        self.log_in(editor, self.erin)
        editor.get_by_role("navigation", name="Main").get_by_role("link", name="Studio").click()
        expect(editor.get_by_role("heading", name="Studio")).to_be_visible()
        editor.get_by_role("link", name="New post").click()
        editor.get_by_label("Link", exact=True).fill(POST_URL)
        editor.get_by_label("Title", exact=True).fill(POST_TITLE)
        editor.get_by_label("Description").fill("Solar roofs, 200 new jobs and an open day.")
        # The first caption row is "the" suggested caption; the rows after it are extras.
        editor.get_by_label("Suggested caption", exact=True).fill(CAPTION)
        editor.get_by_label("Another caption", exact=True).first.fill(OTHER_CAPTION)
        editor.get_by_label("Audience").select_option(label="Only the chosen teams")
        editor.get_by_label("Sales", exact=True).check()
        editor.get_by_role("button", name="Publish").click()
        expect(editor.get_by_role("status")).to_contain_text("The post is published.")
        with self.server_idle():
            post = Post.objects.get(title=POST_TITLE)
            self.assertEqual(post.state, Post.State.PUBLISHED)
            self.assertEqual(post.audience, Post.Audience.TEAMS)
            self.assertEqual(list(post.teams.all()), [self.sales])
            self.assertEqual(post.url, POST_URL)
            self.assertEqual(
                [caption.text for caption in post.captions.order_by("pk")], [CAPTION, OTHER_CAPTION]
            )
        editor.goto(self.url("content:studio"))
        expect(editor.get_by_role("row", name=POST_TITLE)).to_contain_text("Sales")

        # 2. Alice, in Sales, finds it in her feed and shares it in her own words.
        # The programme asks employees to disclose who they work for (the admin's sharing policy).
        with self.server_idle():
            policy_update(policy=policy_get(), fields={"disclosure": DISCLOSURE})
        alice = self.new_page()
        alice.context.grant_permissions(
            ["clipboard-read", "clipboard-write"], origin=self.live_server_url
        )
        self.log_in(alice, self.alice)
        alice.get_by_role("link", name=POST_TITLE).first.click()
        alice.wait_for_url(self.url("content:post", post.pk), wait_until="load")
        expect(alice.get_by_role("heading", level=1)).to_have_text(POST_TITLE)
        # One of the captions is offered at random; she picks the first one herself.
        text = alice.get_by_role("textbox", name="Your text", exact=True)
        expect(text).to_have_value(
            re.compile(f"^({re.escape(CAPTION)}|{re.escape(OTHER_CAPTION)})$")
        )
        captions = alice.get_by_role("group", name="Suggested captions")
        captions.get_by_role("link", name="Caption 2").click()
        expect(text).to_have_value(OTHER_CAPTION)
        captions.get_by_role("link", name="Caption 1").click()
        expect(text).to_have_value(CAPTION)
        expect(captions.get_by_role("link", name="Caption 1")).to_have_attribute(
            "aria-current", "true"
        )
        ready = alice.get_by_role("textbox", name="Your text, ready to paste")
        expect(ready).to_have_value(f"{CAPTION}\n\n{DISCLOSURE}")
        expect(ready).not_to_be_editable()
        expect(alice.get_by_text(f"We add {DISCLOSURE} wherever the network takes")).to_be_visible()

        # She writes her own text and adds hashtags; the text to paste and the counts follow.
        x_link = alice.get_by_label("Your link for X", exact=True).input_value()
        linkedin_link = alice.get_by_label("Your link for LinkedIn", exact=True).input_value()
        self.assertTrue(linkedin_link.startswith(self.live_server_url + "/s/"), linkedin_link)
        self.assertNotEqual(linkedin_link, x_link)
        with alice.expect_response(self.url("sharing:check", post.pk)) as checked:
            text.fill(MY_TEXT)
            alice.get_by_label("Hashtags", exact=True).fill(MY_HASHTAGS)
        self.assertEqual(checked.value.status, 200)
        expect(ready).to_have_value(COMPOSED)
        x_option = alice.get_by_role("listitem").filter(
            has=alice.get_by_role("button", name="Share on X", exact=True)
        )
        x_length = NETWORKS["x"].length(text=COMPOSED, link=x_link)
        expect(x_option).to_contain_text(f"{x_length} / 280")
        expect(alice.get_by_role("alert")).to_have_count(0)  # no guardrail stands in the way
        alice.screenshot(path=SCREENSHOTS / "pp-post-desktop.png", full_page=True)

        # LinkedIn takes only the link, so she copies her text first and pastes it there.
        linkedin_option = alice.get_by_role("listitem").filter(
            has=alice.get_by_role("button", name="Share on LinkedIn", exact=True)
        )
        expect(linkedin_option).to_contain_text("LinkedIn only takes the link")
        copy_text = alice.get_by_role("button", name="Copy text", exact=True)
        copy_text.click()
        expect(alice.get_by_role("button", name="Copied", exact=True)).to_be_visible()
        self.assertEqual(alice.evaluate("() => navigator.clipboard.readText()"), COMPOSED)
        linkedin_intent = self.share_on(alice, "Share on LinkedIn", "https://www.linkedin.com/")
        self.assertEqual(
            linkedin_intent,
            "https://www.linkedin.com/sharing/share-offsite/?url=" + quote(linkedin_link, safe=""),
        )
        x_intent = self.share_on(alice, "Share on X", "https://x.com/")
        self.assertTrue(x_intent.startswith("https://x.com/intent/post?"), x_intent)
        self.assertEqual(parse_qs(urlsplit(x_intent).query), {"text": [COMPOSED], "url": [x_link]})
        with self.server_idle():
            shares = Share.objects.filter(person=self.alice, post=post).order_by("pk")
            self.assertEqual(
                [(share.network, share.text) for share in shares],
                [("linkedin", COMPOSED), ("x", COMPOSED)],
            )
            self.assertEqual(shares[0].link.code, linkedin_link.rsplit("/", 1)[1])
            self.assertEqual(shares[1].link.code, x_link.rsplit("/", 1)[1])

        # 3. Someone opens Alice's LinkedIn link, and LinkedIn's preview bot fetches it too.
        visitor = self.new_page(user_agent=self.human_agent)
        self.open_offsite(visitor, linkedin_link)
        code = linkedin_link.rsplit("/", 1)[1]
        landing = self.wait_for_blocked(visitor, "https://example.com/")
        self.assertEqual(len(landing), 1, landing)
        parts = urlsplit(landing[0])
        self.assertEqual(
            (parts.scheme, parts.netloc, parts.path), ("https", "example.com", "/news/factory")
        )
        query = parse_qs(parts.query)
        click_ref = query.pop("pp_click", [""])[0]
        self.assertEqual(
            query,
            {
                "ref": ["home"],
                "utm_source": ["linkedin"],
                "utm_medium": ["social"],
                "utm_campaign": ["advocacy"],
                "utm_content": [code],
            },
        )
        bot = self.new_page(user_agent=LINKEDIN_BOT)
        self.open_offsite(bot, linkedin_link)
        self.wait_for_blocked(bot, "https://example.com/", count=2)
        # The redirect leaves clicks in a spool that a background job ingests. With Huey in
        # immediate mode (the tests' default; the live server is a thread of this process)
        # they are already rows; otherwise this is the job's first step.
        with self.server_idle():
            clicks_ingest()
            clicks = Click.objects.filter(link__code=code)
            self.assertEqual(clicks.filter(is_bot=False).count(), 1)
            self.assertEqual(clicks.filter(is_bot=True).count(), 1)
            self.assertEqual(Click.objects.count(), 2)
            # The landing address names the click (for the lead snippet), never the person.
            human_click = clicks.get(is_bot=False)
        assert human_click.uuid is not None
        self.assertEqual(click_ref, f"{code}-{human_click.uuid.hex}")

        # 4. The background job turns the human click into points; Alice sees her impact.
        with self.server_idle():
            clicks_process()
        alice.get_by_role("link", name="My impact").click()
        expect(alice.get_by_role("heading", level=1)).to_have_text("My impact")
        expect(alice.locator('[data-figure="shares"]')).to_have_text("2")
        expect(alice.locator('[data-figure="human-clicks"]')).to_have_text("1")
        expect(alice.locator('[data-figure="bot-clicks"]')).to_have_text("1")
        expect(alice.locator('[data-figure="points"]')).to_have_text("23")  # 2 x 10 + 2 + 1 unique
        expect(alice.locator(".page-head")).to_contain_text("Points all time: 23.")
        alice.get_by_role("navigation", name="Main").get_by_role("link", name="Recognition").click()
        alice.get_by_role("navigation", name="Recognition").get_by_role(
            "link", name="Leaderboard"
        ).click()
        expect(alice.get_by_role("heading", name="Leaderboard")).to_be_visible()
        mine = alice.get_by_role("row").filter(has_text="Alice Example")
        expect(mine).to_have_count(1)
        expect(mine.get_by_role("cell")).to_have_text(["1", "Alice Example", "23"])
        expect(alice.locator(".you")).to_have_text("You are number 1 with 23 points.")

        # 5. Adam, who manages the programme, sees it all on the dashboard.
        manager = self.new_page(viewport={"width": 1280, "height": 800})
        self.log_in(manager, self.adam)
        manager.get_by_role("link", name="Dashboard").click()
        expect(manager.get_by_role("heading", name="Programme dashboard")).to_be_visible()
        expect(manager.locator('[data-figure="shares"]')).to_have_text("2")
        expect(manager.locator('[data-figure="human-clicks"]')).to_have_text("1")
        expect(manager.locator('[data-figure="unique-clicks"]')).to_have_text("1")
        expect(manager.locator('[data-figure="bot-clicks"]')).to_have_text("1")
        expect(manager.locator('[data-figure="points"]')).to_have_text("23")
        top_people = manager.locator("section").filter(
            has=manager.get_by_role("heading", name="Top people")
        )
        expect(top_people.get_by_role("link", name="Alice Example")).to_be_visible()
        manager.screenshot(path=SCREENSHOTS / "pp-dashboard.png", full_page=True)

        # ... and Charlie, in Support, sees none of it.
        outsider = self.new_page()
        self.log_in(outsider, self.charlie)
        expect(outsider.get_by_role("heading", name="Hello Charlie")).to_be_visible()
        expect(outsider.get_by_text(POST_TITLE)).to_have_count(0)
        expect(outsider.get_by_role("link", name="Dashboard")).to_have_count(0)
        for url in (
            self.url("content:post", post.pk),
            self.url("insights:impact", self.alice.pk),
            self.url("insights:dashboard"),
        ):
            response = outsider.goto(url)
            assert response is not None
            self.assertEqual(response.status, 404, url)
            expect(outsider.get_by_role("heading", level=1)).to_have_text("This page is not here")
            expect(outsider.get_by_text(POST_TITLE)).to_have_count(0)
            expect(outsider.get_by_text("Alice Example")).to_have_count(0)

        self.assert_browser_was_clean()

    def test_phone_pages_fit_the_screen(self) -> None:
        post = post_create(
            created_by=self.erin,
            url=POST_URL,
            title=POST_TITLE,
            description="Solar roofs, 200 new jobs and an open day for families. " * 4,
            audience=Post.Audience.TEAMS,
            teams=[self.sales],
            caption=CAPTION,
        )
        post_publish(post=post, by=self.erin)
        phone = self.new_page(
            viewport={"width": 390, "height": 844},
            device_scale_factor=2,
            is_mobile=True,
            has_touch=True,
            user_agent=self.human_agent,
        )
        self.log_in(phone, self.alice)
        expect(phone.get_by_role("link", name=POST_TITLE)).to_be_visible()
        self.assert_no_horizontal_scroll(phone)
        phone.screenshot(path=SCREENSHOTS / "pp-phone-feed.png", full_page=True)

        phone.get_by_role("link", name=POST_TITLE).first.click()
        # Until the page has loaded, its deferred scripts (htmx, app.js) do not listen yet.
        phone.wait_for_url(self.url("content:post", post.pk), wait_until="load")
        expect(phone.get_by_role("button", name="Share on LinkedIn")).to_be_visible()
        text = phone.get_by_role("textbox", name="Your text", exact=True)
        expect(text).to_have_value(CAPTION)
        # The composer asks the server to check the text; let that answer arrive before leaving.
        with phone.expect_response(self.url("sharing:check", post.pk)) as checked:
            text.fill(MY_TEXT)
        self.assertEqual(checked.value.status, 200)
        expect(phone.get_by_role("textbox", name="Your text, ready to paste")).to_have_value(
            MY_TEXT
        )
        self.assert_no_horizontal_scroll(phone)
        phone.screenshot(path=SCREENSHOTS / "pp-post-phone.png", full_page=True)

        # Her own figures and the leaderboard are read on phones too.
        for name in ("insights:my_impact", "recognition:leaderboard"):
            phone.goto(self.url(name))
            self.assert_no_horizontal_scroll(phone)

        self.assert_browser_was_clean()

    def test_login_labels_lead_to_their_own_fields(self) -> None:
        page = self.new_page()
        page.goto(self.url("accounts:login"))
        code_form = page.locator("form").filter(
            has=page.get_by_role("button", name="Email me a code")
        )
        code_form.locator("label", has_text="Email").click()
        focused_in_code_form = code_form.evaluate("form => form.contains(document.activeElement)")
        self.assertTrue(
            focused_in_code_form,
            "the code form's Email label focuses the password form's field (duplicate id)",
        )
        duplicates = page.evaluate(
            """() => {
                const ids = [...document.querySelectorAll("[id]")].map(element => element.id);
                return [...new Set(ids.filter((id, index) => ids.indexOf(id) !== index))];
            }"""
        )
        self.assertEqual(duplicates, [], "element ids must be unique on the login page")
