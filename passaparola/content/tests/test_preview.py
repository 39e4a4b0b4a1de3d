"""Link previews read from Open Graph, Twitter card and plain HTML tags, in the page's charset."""

import codecs

from django.test import SimpleTestCase, override_settings

from passaparola.content.tests.server import LocalServer
from passaparola.lib.fetch import UnsafeURL
from passaparola.lib.preview import preview_fetch, preview_parse

URL = "https://news.example.com/2026/launch?ref=home"


class PreviewParseTests(SimpleTestCase):
    def test_it_reads_open_graph_tags_and_resolves_a_relative_image(self) -> None:
        html = b"""<html><head>
        <title>Fallback title</title>
        <meta property="og:title" content="We opened the &amp; new factory">
        <meta property="og:description" content="  Three years
          of work.  ">
        <meta property="og:image" content="/img/factory.jpg">
        <meta property="og:url" content="https://news.example.com/2026/launch">
        <meta property="og:site_name" content="Acme News">
        </head><body></body></html>"""

        preview = preview_parse(html, url=URL)

        self.assertEqual(preview.title, "We opened the & new factory")
        self.assertEqual(preview.description, "Three years of work.")
        self.assertEqual(preview.image, "https://news.example.com/img/factory.jpg")
        self.assertEqual(preview.canonical_url, "https://news.example.com/2026/launch")
        self.assertEqual(preview.site_name, "Acme News")

    def test_it_falls_back_to_twitter_card_tags(self) -> None:
        html = b"""<head><title>Plain</title>
        <meta name="twitter:title" content="Card title">
        <meta name="twitter:description" content="Card description">
        <meta name="twitter:image" content="https://cdn.example.com/card.png"></head>"""

        preview = preview_parse(html, url=URL)

        self.assertEqual(preview.title, "Card title")
        self.assertEqual(preview.description, "Card description")
        self.assertEqual(preview.image, "https://cdn.example.com/card.png")

    def test_it_falls_back_to_the_title_meta_description_and_canonical_link(self) -> None:
        html = b"""<head><title>
          Just a   page </title>
        <meta name="description" content="Described plainly.">
        <link rel="canonical" href="/2026/launch"></head>"""

        preview = preview_parse(html, url=URL)

        self.assertEqual(preview.title, "Just a page")
        self.assertEqual(preview.description, "Described plainly.")
        self.assertEqual(preview.canonical_url, "https://news.example.com/2026/launch")
        self.assertEqual(preview.site_name, "news.example.com")
        self.assertEqual(preview.image, "")

    def test_a_page_without_any_tags_gives_its_own_address(self) -> None:
        preview = preview_parse(b"<p>nothing here", url=URL)

        self.assertEqual(preview.title, "")
        self.assertEqual(preview.canonical_url, URL)

    def test_a_base_element_moves_relative_images(self) -> None:
        html = (
            b'<head><base href="https://static.example.com/a/">'
            b'<meta property="og:image" content="b.png"></head>'
        )

        self.assertEqual(preview_parse(html, url=URL).image, "https://static.example.com/a/b.png")

    def test_images_that_are_not_web_addresses_are_dropped(self) -> None:
        html = b'<meta property="og:image" content="javascript:alert(1)">'

        self.assertEqual(preview_parse(html, url=URL).image, "")

    def test_the_http_charset_is_honoured(self) -> None:
        html = "<title>Caffè e crème brûlée</title>".encode("iso-8859-1")

        self.assertEqual(
            preview_parse(html, url=URL, charset="ISO-8859-1").title, "Caffè e crème brûlée"
        )

    def test_a_meta_charset_is_honoured(self) -> None:
        html = (
            '<meta charset="windows-1252"><title>\u201cQuoted\u201d \u2013 5 \u20ac</title>'.encode(
                "cp1252"
            )
        )

        self.assertEqual(preview_parse(html, url=URL).title, "\u201cQuoted\u201d \u2013 5 \u20ac")

    def test_an_http_equiv_charset_is_honoured(self) -> None:
        html = (
            '<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-15">'
            "<title>Prix: 10 €</title>"
        ).encode("iso-8859-15")

        self.assertEqual(preview_parse(html, url=URL).title, "Prix: 10 €")

    def test_a_byte_order_mark_wins_over_everything_else(self) -> None:
        utf8 = (
            codecs.BOM_UTF8
            + '<meta charset="iso-8859-1"><title>\u039d\u03b1\u03b9</title>'.encode()
        )
        utf16 = codecs.BOM_UTF16_LE + "<title>Zoë</title>".encode("utf-16-le")

        self.assertEqual(
            preview_parse(utf8, url=URL, charset="iso-8859-1").title, "\u039d\u03b1\u03b9"
        )
        self.assertEqual(preview_parse(utf16, url=URL).title, "Zoë")

    def test_without_any_declaration_utf8_is_tried_then_windows_1252(self) -> None:
        self.assertEqual(preview_parse("<title>Città</title>".encode(), url=URL).title, "Città")
        self.assertEqual(
            preview_parse("<title>Città</title>".encode("cp1252"), url=URL).title, "Città"
        )

    def test_long_titles_are_shortened(self) -> None:
        html = b"<title>" + b"word " * 200 + b"</title>"

        self.assertLessEqual(len(preview_parse(html, url=URL).title), 300)


class PreviewFetchTests(SimpleTestCase):
    def setUp(self) -> None:
        self.server = LocalServer().start()
        self.addCleanup(self.server.stop)

    @override_settings(FETCH_ALLOW_LOOPBACK=True)
    def test_it_fetches_a_page_and_resolves_images_against_the_final_address(self) -> None:
        self.server.add(
            "/articles/final",
            body=b'<meta property="og:title" content="Moved">'
            b'<meta property="og:image" content="pic.png">',
        )
        self.server.add("/old", status=301, headers={"Location": "/articles/final"})

        preview = preview_fetch(self.server.url("/old"))

        self.assertEqual(preview.title, "Moved")
        self.assertEqual(preview.image, self.server.url("/articles/pic.png"))
        self.assertEqual(preview.url, self.server.url("/articles/final"))

    def test_the_default_configuration_refuses_to_preview_loopback(self) -> None:
        url = self.server.add("/", body=b"<title>Inside</title>")

        with self.assertRaises(UnsafeURL):
            preview_fetch(url)
