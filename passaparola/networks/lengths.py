"""How each network counts the length of a post; the server's count is the one that decides.

Graphemes are extended grapheme clusters (Unicode UAX #29) as the `regex` module's \\X finds
them, so a family emoji joined with ZWJ, a flag (two regional indicators) or a letter with
combining accents each count once, as Bluesky and Mastodon count them.
"""

import unicodedata

import regex

# Links as the networks detect them: http(s) and www. addresses, up to whitespace.
URL_RE = regex.compile(r"(?i)\b(?:https?://|www\.)[^\s<>\"]+")
_GRAPHEME_RE = regex.compile(r"\X")
_EMOJI_RE = regex.compile(r"[\p{Extended_Pictographic}\p{Regional_Indicator}]")

# X (twitter-text v3 configuration): https://github.com/twitter/twitter-text/blob/master/config/v3.json
# Weight 100 counts as one character and 200 as two; every link counts as 23 (t.co);
# an emoji sequence counts as two whatever its length.
X_TRANSFORMED_URL_LENGTH = 23
_X_LIGHT_RANGES = ((0, 4351), (8192, 8205), (8208, 8223), (8242, 8247))

# Mastodon counts every link as 23 characters (configuration.statuses.characters_reserved_per_url)
# and the rest in grapheme clusters (app/validators/status_length_validator.rb).
MASTODON_URL_LENGTH = 23


def graphemes(text: str) -> list[str]:
    """Return the extended grapheme clusters of the text."""
    return _GRAPHEME_RE.findall(text)


def grapheme_count(text: str) -> int:
    """Return the number of user-perceived characters."""
    return len(graphemes(text))


def _x_weight(cluster: str) -> int:
    if _EMOJI_RE.search(cluster):
        return 200
    weight = 0
    for char in cluster:
        code = ord(char)
        light = any(low <= code <= high for low, high in _X_LIGHT_RANGES)
        weight += 100 if light else 200
    return weight


def x_length(text: str) -> int:
    """Return the weighted length X gives the text: links 23, wide scripts and emoji 2."""
    text = unicodedata.normalize("NFC", text)
    urls = URL_RE.findall(text)
    rest = URL_RE.sub("", text)
    weight = sum(_x_weight(cluster) for cluster in graphemes(rest))
    return weight // 100 + len(urls) * X_TRANSFORMED_URL_LENGTH


def mastodon_length(text: str, url_length: int = MASTODON_URL_LENGTH) -> int:
    """Return the length Mastodon gives the text: graphemes, every link counting as 23."""
    urls = URL_RE.findall(text)
    return grapheme_count(URL_RE.sub("", text)) + len(urls) * url_length


def char_length(text: str) -> int:
    """Return the number of Unicode code points, the count most networks document."""
    return len(text)


def utf8_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Return the UTF-8 byte offsets of text[start:end], as Bluesky facets index text."""
    before = len(text[:start].encode())
    return before, before + len(text[start:end].encode())
