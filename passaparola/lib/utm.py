"""Add UTM parameters to a destination address without disturbing what it already has."""

from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit


def merge_utm(url: str, params: dict[str, str]) -> str:
    """Return `url` with the UTM `params` added; parameters already in the URL win."""
    try:
        parts = urlsplit(url)
    except ValueError:
        # An address Python cannot even split is left alone rather than made worse.
        return url
    existing = parse_qsl(parts.query, keep_blank_values=True)
    present = {name for name, _value in existing}
    added = [(name, value) for name, value in params.items() if name not in present and value]
    if not added:
        return url
    query = (parts.query + "&" if parts.query else "") + urlencode(added)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))


def add_param(url: str, name: str, value: str) -> str:
    """Return `url` with one more query parameter, placed before any fragment."""
    base, hash_mark, fragment = url.partition("#")
    separator = "&" if "?" in base else "?"
    pair = f"{quote(name, safe='')}={quote(value, safe='')}"
    return f"{base}{separator}{pair}{hash_mark}{fragment}"
