"""Content sources: real RSS and Atom files served over HTTP, imported once, within the cap."""

from datetime import timedelta
from http.server import BaseHTTPRequestHandler
from unittest import mock

from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from passaparola.content.models import Post, Source, SourceEntry, Topic
from passaparola.content.services import source_create, source_poll
from passaparola.content.tasks import poll_sources
from passaparola.content.tests.server import LocalServer
from passaparola.testing import BaseTestCase

RSS = "application/rss+xml"
ATOM = "application/atom+xml"


class SourceTestCase(BaseTestCase):
    def setUp(self) -> None:
        self.server = LocalServer().start()
        self.addCleanup(self.server.stop)

    def source(self, url: str, **options: object) -> Source:
        fields: dict[str, object] = {"name": "Feed", "url": url, "daily_cap": 20}
        fields.update(options)
        return source_create(created_by=self.erin, **fields)  # type: ignore[arg-type]

    def titles(self, source: Source) -> set[str]:
        return set(Post.objects.filter(source=source).values_list("title", flat=True))


@override_settings(FETCH_ALLOW_LOOPBACK=True)
class FeedFormatTests(SourceTestCase):
    def test_an_rss_091_feed_in_iso_8859_1_is_imported_with_its_accents(self) -> None:
        url = self.server.add_feed("/feed", "rss091-latin1.xml", "text/xml")
        source = self.source(url)

        result = source_poll(source_id=source.pk)

        self.assertEqual(result.imported, 2)
        self.assertEqual(
            self.titles(source),
            {"Économie circulaire : les usines changent", "Résumé de la semaine"},
        )
        post = Post.objects.get(title="Économie circulaire : les usines changent")
        self.assertEqual(post.description, "Les usines françaises réduisent leurs déchets de 30 %.")
        self.assertEqual(post.content_type, Post.Type.INDUSTRY)

    def test_an_rss_10_rdf_feed_is_imported_with_html_removed(self) -> None:
        source = self.source(self.server.add_feed("/rdf", "rss10.rdf", "application/rdf+xml"))

        source_poll(source_id=source.pk)

        self.assertEqual(
            self.titles(source),
            {"Battery chemistry, explained", "Grid storage at scale", "Recycling lithium"},
        )
        self.assertEqual(
            Post.objects.get(title="Grid storage at scale").description, "From pilots to plants."
        )

    def test_an_rss_20_feed_with_cdata_scripts_and_missing_fields_is_imported_sanely(self) -> None:
        source = self.source(self.server.add_feed("/rss", "rss20.xml", RSS))

        result = source_poll(source_id=source.pk)

        self.assertEqual(result.imported, 4)
        self.assertEqual(result.unusable, 1)  # no link, and a guid that is not one
        factory = Post.objects.get(url="https://news.acme.example/factory")
        self.assertEqual(factory.title, "We open a new factory in Torino & Milano")
        self.assertEqual(factory.description, "Our biggest investment yet.")
        self.assertNotIn("alert", factory.description)
        self.assertEqual(factory.image_url, "https://news.acme.example/img/factory.jpg")
        untitled = Post.objects.get(url="https://news.acme.example/no-title")
        self.assertTrue(untitled.title.startswith("A post without a title"))
        self.assertTrue(Post.objects.filter(url="https://news.acme.example/guid-only").exists())
        self.assertTrue(Post.objects.filter(url="https://news.acme.example/undated").exists())
        self.assertEqual(
            SourceEntry.objects.get(outcome=SourceEntry.Outcome.UNUSABLE).title,
            "No link anywhere",
        )

    def test_an_atom_feed_with_relative_links_and_html_titles_is_imported(self) -> None:
        source = self.source(self.server.add_feed("/atom", "atom.xml", ATOM))

        source_poll(source_id=source.pk)

        post = Post.objects.get(title="Scaling Postgres")
        self.assertEqual(post.url, "https://blog.example.com/posts/scaling-postgres")
        self.assertEqual(post.description, "Lessons from a year of growth.")
        self.assertEqual(
            Post.objects.get(title="Our on-call handbook").description, "How we sleep at night."
        )

    def test_a_windows_1252_feed_keeps_its_curly_quotes_and_euro_sign(self) -> None:
        source = self.source(self.server.add_feed("/cp", "rss20-cp1252.xml", "text/xml"))

        source_poll(source_id=source.pk)

        post = Post.objects.get(source=source)
        self.assertEqual(post.title, "Prices up 5 € \u2013 \u201cfinally\u201d")
        self.assertEqual(post.description, "Analysts\u2019 view\u2026")


@override_settings(FETCH_ALLOW_LOOPBACK=True)
class ImportRuleTests(SourceTestCase):
    def test_polling_twice_imports_each_entry_once(self) -> None:
        source = self.source(self.server.add_feed("/rss", "rss20.xml", RSS))

        first = source_poll(source_id=source.pk)
        second = source_poll(source_id=source.pk)

        self.assertEqual(first.imported, 4)
        self.assertEqual(second.imported, 0)
        self.assertEqual(Post.objects.filter(source=source).count(), 4)

    def test_the_second_poll_is_conditional_and_a_304_changes_nothing(self) -> None:
        url = self.server.add_feed(
            "/rss",
            "rss20.xml",
            RSS,
            etag='"feed-v1"',
            last_modified="Mon, 23 Nov 2026 08:00:00 GMT",
        )
        source = self.source(url)

        source_poll(source_id=source.pk)
        result = source_poll(source_id=source.pk)

        self.assertTrue(result.not_modified)
        headers = self.server.requests[-1][1]
        self.assertEqual(headers["if-none-match"], '"feed-v1"')
        self.assertEqual(headers["if-modified-since"], "Mon, 23 Nov 2026 08:00:00 GMT")
        source.refresh_from_db()
        self.assertEqual(source.etag, '"feed-v1"')
        self.assertEqual(source.failure_count, 0)

    def test_the_daily_cap_takes_the_newest_entries_and_skips_the_rest(self) -> None:
        source = self.source(self.server.add_feed("/busy", "rss20-busy.xml", RSS), daily_cap=3)

        result = source_poll(source_id=source.pk)
        again = source_poll(source_id=source.pk)

        self.assertEqual((result.imported, result.over_cap), (3, 5))
        self.assertEqual(again.imported, 0)
        self.assertEqual(self.titles(source), {"Busy story 8", "Busy story 7", "Busy story 6"})

    def test_the_cap_counts_per_day(self) -> None:
        path = "/busy"
        source = self.source(self.server.add_feed(path, "rss20-busy.xml", RSS), daily_cap=2)
        source_poll(source_id=source.pk)
        body = self.server.routes[path].body.replace(
            b"</channel>",
            b"<item><title>Tomorrow's story</title><link>https://busy.example.com/new</link>"
            b"<guid>busy-new</guid><pubDate>Mon, 30 Nov 2026 08:00:00 +0000</pubDate></item>"
            b"</channel>",
        )
        self.server.add(path, body=body, content_type=RSS)

        same_day = source_poll(source_id=source.pk)
        next_day = source_poll(source_id=source.pk, now=timezone.now() + timedelta(days=1))

        self.assertEqual((same_day.imported, same_day.over_cap), (0, 1))
        # The entry that arrived after the cap waited; the first poll's backlog did not.
        self.assertEqual(next_day.imported, 1)
        self.assertEqual(self.titles(source), {"Busy story 8", "Busy story 7", "Tomorrow's story"})

    def test_the_same_article_from_two_feeds_becomes_one_post(self) -> None:
        first = self.source(self.server.add_feed("/a", "rss091-latin1.xml", "text/xml"))
        body = (
            b'<?xml version="1.0"?><rss version="2.0"><channel><title>Other</title>'
            b"<item><title>Same story, tracked</title>"
            b"<link>http://www.industriel.example.org/2026/resume/?utm_campaign=x</link>"
            b"</item></channel></rss>"
        )
        second = self.source(self.server.add("/b", body=body, content_type=RSS))

        source_poll(source_id=first.pk)
        result = source_poll(source_id=second.pk)

        self.assertEqual(result.duplicates, 1)
        self.assertFalse(Post.objects.filter(source=second).exists())

    def test_an_entry_whose_link_changes_keeps_its_id_and_is_not_imported_again(self) -> None:
        path = "/rss"
        source = self.source(self.server.add_feed(path, "rss20.xml", RSS))
        source_poll(source_id=source.pk)
        body = self.server.routes[path].body.replace(
            b"https://news.acme.example/factory<", b"https://news.acme.example/factory-v2<"
        )
        self.server.add(path, body=body, content_type=RSS)

        result = source_poll(source_id=source.pk)

        self.assertEqual(result.imported, 0)

    def test_a_source_without_auto_publish_queues_its_posts_for_review(self) -> None:
        source = self.source(self.server.add_feed("/rdf", "rss10.rdf", "application/rdf+xml"))

        source_poll(source_id=source.pk)

        self.assertEqual(
            set(Post.objects.filter(source=source).values_list("state", flat=True)),
            {Post.State.REVIEW},
        )
        self.login(self.alice)
        self.assertNotContains(self.client.get(reverse("content:feed")), "Recycling lithium")
        self.login(self.erin)
        self.assertContains(self.client.get(reverse("content:review")), "Recycling lithium")

    def test_an_auto_publishing_source_applies_its_topics_and_teams(self) -> None:
        energy = Topic.objects.create(name="Energy")
        url = self.server.add_feed("/rdf", "rss10.rdf", "application/rdf+xml")
        source = self.source(
            url,
            auto_publish=True,
            topics=[energy],
            audience=Post.Audience.TEAMS,
            teams=[self.sales],
        )

        source_poll(source_id=source.pk)

        post = Post.objects.get(title="Recycling lithium")
        self.assertEqual(post.state, Post.State.PUBLISHED)
        self.assertEqual(list(post.topics.all()), [energy])
        self.assertEqual(list(post.teams.all()), [self.sales])
        self.login(self.alice)
        self.assertContains(self.client.get(reverse("content:feed")), "Recycling lithium")
        self.login(self.charlie)
        self.assertNotContains(self.client.get(reverse("content:feed")), "Recycling lithium")

    def test_the_scheduler_polls_due_sources_and_leaves_the_others(self) -> None:
        due = self.source(self.server.add_feed("/due", "rss10.rdf", "application/rdf+xml"))
        later = self.source(self.server.add_feed("/later", "atom.xml", ATOM))
        Source.objects.filter(pk=later.pk).update(next_poll_at=timezone.now() + timedelta(hours=1))

        poll_sources.call_local()

        self.assertEqual(Post.objects.filter(source=due).count(), 3)
        self.assertFalse(Post.objects.filter(source=later).exists())
        due.refresh_from_db()
        self.assertGreater(due.next_poll_at, timezone.now() + timedelta(minutes=50))


@override_settings(FETCH_ALLOW_LOOPBACK=True)
class BrokenFeedTests(SourceTestCase):
    def assert_failed(self, source: Source, message: str) -> None:
        result = source_poll(source_id=source.pk)
        source.refresh_from_db()
        self.assertIn(message, result.error)
        self.assertEqual(source.failure_count, 1)
        self.assertIn(message, source.last_error)
        self.assertGreater(source.next_poll_at, timezone.now())
        self.assertFalse(Post.objects.exists())

    def test_a_page_that_is_not_a_feed_is_an_error(self) -> None:
        self.assert_failed(
            self.source(self.server.add_feed("/x", "broken.xml", "application/xml")),
            "does not hold an RSS or Atom feed",
        )

    def test_truncated_xml_is_an_error_or_imports_what_it_can(self) -> None:
        body = self.server.add_feed("/t", "rss20.xml", RSS)
        route = self.server.routes["/t"]
        route.body = route.body[: len(route.body) // 2]
        source = self.source(body)

        result = source_poll(source_id=source.pk)

        # feedparser salvages the entries before the cut; nothing raises either way.
        source.refresh_from_db()
        self.assertEqual(result.imported, Post.objects.filter(source=source).count())

    def test_a_feed_that_vanished_is_an_error(self) -> None:
        self.assert_failed(self.source(self.server.url("/gone")), "HTTP 404")

    def test_a_huge_feed_is_abandoned(self) -> None:
        huge = b"<rss version='2.0'><channel>" + b"<item><title>x</title></item>" * 80_000
        self.assert_failed(
            self.source(self.server.add("/huge", body=huge, content_type=RSS, send_length=False)),
            "too large",
        )

    @override_settings(FETCH_READ_TIMEOUT=0.2)
    def test_a_slow_feed_times_out(self) -> None:
        url = self.server.add_feed("/slow", "rss20.xml", RSS, delay=1)
        self.assert_failed(self.source(url), "too long")

    def test_a_feed_served_as_html_is_refused(self) -> None:
        url = self.server.add_feed("/html", "rss20.xml", "text/html")
        self.assert_failed(self.source(url), "text/html")

    def test_a_server_that_closes_the_connection_is_an_error(self) -> None:
        def hang_up(handler: BaseHTTPRequestHandler) -> None:
            handler.close_connection = True
            handler.connection.close()

        self.server.add("/hangup", handler=hang_up)
        self.assert_failed(self.source(self.server.url("/hangup")), "could not be reached")

    def test_an_unexpected_exception_while_parsing_is_recorded_not_raised(self) -> None:
        source = self.source(self.server.add_feed("/rss", "rss20.xml", RSS))

        with mock.patch("feedparser.parse", side_effect=RecursionError("deep")):
            result = source_poll(source_id=source.pk)

        self.assertEqual(result.error, "The feed could not be read.")

    def test_after_three_failures_in_a_row_the_source_shows_an_error_to_the_admin(self) -> None:
        source = self.source(self.server.url("/gone"))
        for _attempt in range(3):
            source_poll(source_id=source.pk)
        source.refresh_from_db()
        self.login(self.adam)

        listing = self.client.get(reverse("content:sources"))
        page = self.client.get(reverse("content:source_edit", args=[source.pk]))

        self.assertTrue(source.has_error)
        self.assertContains(listing, "Failing")
        self.assertContains(page, "The feed failed 3 times in a row.")
        self.assertContains(page, "HTTP 404")

    def test_a_working_poll_clears_the_error(self) -> None:
        path = "/flaky"
        source = self.source(self.server.url(path))
        source_poll(source_id=source.pk)
        self.server.add_feed(path, "rss10.rdf", "application/rdf+xml")

        source_poll(source_id=source.pk)

        source.refresh_from_db()
        self.assertEqual((source.failure_count, source.last_error), (0, ""))


@override_settings(FETCH_ALLOW_LOOPBACK=True)
class HostileFeedTests(SourceTestCase):
    def test_an_external_entity_is_never_resolved(self) -> None:
        body = (
            b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
            b'<rss version="2.0"><channel><title>x</title><item><title>Leak &xxe;</title>'
            b"<link>https://evil.example/1</link></item></channel></rss>"
        )
        source = self.source(self.server.add("/xxe", body=body, content_type=RSS))

        source_poll(source_id=source.pk)

        titles = " ".join(Post.objects.values_list("title", flat=True))
        self.assertNotIn("root:", titles)

    def test_nested_entities_do_not_blow_up(self) -> None:
        laughs = b"".join(
            b'<!ENTITY l%d "&l%d;&l%d;&l%d;&l%d;&l%d;&l%d;&l%d;&l%d;&l%d;&l%d;">'
            % ((n,) + (n - 1,) * 10)
            for n in range(1, 10)
        )
        body = (
            b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY l0 "lol">' + laughs + b"]>"
            b'<rss version="2.0"><channel><title>x</title><item><title>&l9;</title>'
            b"<link>https://evil.example/2</link></item></channel></rss>"
        )
        source = self.source(self.server.add("/laughs", body=body, content_type=RSS))

        source_poll(source_id=source.pk)

        self.assertLess(sum(len(t) for t in Post.objects.values_list("title", flat=True)), 1000)


class SourceSafetyTests(SourceTestCase):
    def test_the_default_configuration_refuses_a_feed_on_loopback(self) -> None:
        source = self.source(self.server.add_feed("/rss", "rss20.xml", RSS))

        result = source_poll(source_id=source.pk)

        self.assertIn("private or reserved", result.error)
        self.assertEqual(self.server.requests, [])
        self.assertFalse(Post.objects.exists())

    def test_adding_a_feed_on_the_metadata_address_is_refused(self) -> None:
        self.login(self.erin)

        response = self.client.post(
            reverse("content:source_new"),
            {
                "url": "http://169.254.169.254/latest/meta-data/",
                "interval_minutes": 60,
                "daily_cap": 5,
                "content_type": Post.Type.INDUSTRY,
                "audience": Post.Audience.EVERYONE,
                "confirm": "",
            },
        )

        self.assertContains(response, "private or reserved network")
        self.assertFalse(Source.objects.exists())


class SourcePageTests(SourceTestCase):
    def form(self, url: str, **changes: object) -> dict[str, object]:
        data: dict[str, object] = {
            "name": "",
            "url": url,
            "interval_minutes": 30,
            "daily_cap": 2,
            "content_type": Post.Type.INDUSTRY,
            "audience": Post.Audience.EVERYONE,
        }
        data.update(changes)
        return data

    @override_settings(FETCH_ALLOW_LOOPBACK=True)
    def test_checking_a_feed_shows_what_it_would_import_and_adds_nothing(self) -> None:
        url = self.server.add_feed("/busy", "rss20-busy.xml", RSS)
        self.login(self.erin)

        response = self.client.post(reverse("content:source_new"), self.form(url, check=""))

        self.assertContains(response, "Busy story 8")
        self.assertContains(response, "new post", count=2)
        self.assertContains(response, "over the daily cap", count=6)
        self.assertContains(response, 'value="Busy"')  # the name comes from the feed
        self.assertContains(response, "Add this source")
        self.assertFalse(Source.objects.exists())
        self.assertFalse(Post.objects.exists())

    @override_settings(FETCH_ALLOW_LOOPBACK=True)
    def test_confirming_adds_the_source_and_its_first_poll_imports_entries(self) -> None:
        url = self.server.add_feed("/rdf", "rss10.rdf", "application/rdf+xml")
        self.login(self.erin)

        response = self.client.post(
            reverse("content:source_new"), self.form(url, name="Lab", confirm="")
        )

        source = Source.objects.get()
        self.assertRedirects(response, reverse("content:source_edit", args=[source.pk]))
        self.assertEqual((source.name, source.daily_cap, source.created_by), ("Lab", 2, self.erin))
        poll_sources.call_local()
        self.assertEqual(Post.objects.filter(source=source).count(), 2)

    @override_settings(FETCH_ALLOW_LOOPBACK=True)
    def test_an_address_that_is_not_a_feed_is_refused_with_a_message(self) -> None:
        url = self.server.add_feed("/x", "broken.xml", "application/xml")
        self.login(self.erin)

        response = self.client.post(reverse("content:source_new"), self.form(url, confirm=""))

        self.assertContains(response, "This address does not hold an RSS or Atom feed.")
        self.assertFalse(Source.objects.exists())

    @override_settings(FETCH_ALLOW_LOOPBACK=True)
    def test_check_now_polls_the_source_and_reports(self) -> None:
        source = self.source(self.server.add_feed("/rdf", "rss10.rdf", "application/rdf+xml"))
        self.login(self.erin)

        response = self.client.post(reverse("content:source_poll", args=[source.pk]), follow=True)

        self.assertContains(response, "3 new posts")
        self.assertContains(response, "Recycling lithium")

    def test_an_editor_changes_a_source(self) -> None:
        source = self.source("https://feeds.example.com/rss")
        self.login(self.erin)

        response = self.client.post(
            reverse("content:source_edit", args=[source.pk]),
            self.form("https://feeds.example.com/rss", name="Renamed", is_active="", daily_cap=9),
        )

        self.assertRedirects(response, reverse("content:source_edit", args=[source.pk]))
        source.refresh_from_db()
        self.assertEqual((source.name, source.daily_cap, source.is_active), ("Renamed", 9, False))

    def test_people_who_do_not_edit_content_get_404_on_every_source_page(self) -> None:
        source = self.source("https://feeds.example.com/rss")
        pages = [
            ("get", reverse("content:sources")),
            ("get", reverse("content:source_new")),
            ("post", reverse("content:source_new")),
            ("get", reverse("content:source_edit", args=[source.pk])),
            ("post", reverse("content:source_edit", args=[source.pk])),
            ("post", reverse("content:source_poll", args=[source.pk])),
        ]
        for person in (self.alice, self.lena, self.vera):
            self.login(person)
            for method, url in pages:
                with self.subTest(person=person.name, url=url, method=method):
                    response = getattr(self.client, method)(url, self.form("https://x.example/"))
                    self.assertEqual(response.status_code, 404)
        source.refresh_from_db()
        self.assertEqual(source.name, "Feed")
        self.assertEqual(Source.objects.count(), 1)
