"""The JSON body reader: an object, or a clear reason for the sender."""

from django.test import SimpleTestCase

from passaparola.lib.jsonbody import JsonBodyError, json_object_read


class JsonBodyTests(SimpleTestCase):
    def read(self, body: bytes, **limits: int) -> dict:
        return json_object_read(body, max_bytes=limits.pop("max_bytes", 4096), **limits)

    def test_an_object_is_returned(self) -> None:
        self.assertEqual(self.read(b'{"a": [1, {"b": "\\u00e8"}]}'), {"a": [1, {"b": "è"}]})

    def test_brackets_inside_strings_do_not_count_as_nesting(self) -> None:
        self.assertEqual(
            self.read(b'{"a": "[[[[[[[[[[{{{{{{{{{{\\"[["}'), {"a": '[[[[[[[[[[{{{{{{{{{{"[['}
        )

    def test_each_bad_body_says_why(self) -> None:
        cases = {
            b"[" * 2000 + b"]" * 2000: "nested too deeply",
            b'{"a":' * 9 + b"1" + b"}" * 9: "nested too deeply",
            b"x" * 5000: "too large",
            b"\xff\xfe{}": "UTF-8",
            b"\xed\xa0\x80": "UTF-8",
            b'{"a": "\\ud800"}': "not valid Unicode",
            b'{"\\udfff": 1}': "not valid Unicode",
            b'{"a": "x\\u0000"}': "NUL",
            b'{"a": NaN}': "not a number",
            b'{"a": -Infinity}': "not a number",
            b"[1, 2]": "JSON object",
            b"{": "JSON object",
            b"": "JSON object",
        }
        for body, reason in cases.items():
            with self.subTest(body=body[:20]), self.assertRaisesMessage(JsonBodyError, reason):
                self.read(body)

    def test_the_depth_limit_is_inclusive(self) -> None:
        self.assertEqual(
            self.read(b'{"a":' * 7 + b"1" + b"}" * 7, max_depth=8)["a"]["a"]["a"]["a"]["a"]["a"][
                "a"
            ],
            1,
        )
