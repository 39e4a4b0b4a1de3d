"""Read a small JSON object sent by another system, refusing what would hurt the code after it."""

import json
from typing import Any


class JsonBodyError(ValueError):
    """The body is not a JSON object we accept; the message tells the sender why."""


def _too_deep(text: str, max_depth: int) -> bool:
    # Counted before parsing: the parser recurses once per level and gives up near 1,000.
    depth = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > max_depth:
                return True
        elif char in "]}":
            depth -= 1
    return False


def _refuse_constant(name: str) -> Any:
    raise JsonBodyError(f"{name} is not a number JSON allows")


def _check_text(value: object) -> None:
    """Refuse lone surrogates and NUL characters: valid JSON, but no PostgreSQL text holds them."""
    if isinstance(value, str):
        if "\x00" in value:
            raise JsonBodyError("the body holds a NUL character")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise JsonBodyError("the body holds a text that is not valid Unicode") from None
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_text(key)
            _check_text(item)
    elif isinstance(value, list):
        for item in value:
            _check_text(item)


def json_object_read(body: bytes, *, max_bytes: int, max_depth: int = 8) -> dict[str, Any]:
    """Return the JSON object in a request body, or raise JsonBodyError with a clear reason."""
    if len(body) > max_bytes:
        raise JsonBodyError(f"the body is too large (at most {max_bytes} bytes)")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise JsonBodyError("the body must be UTF-8") from None
    if _too_deep(text, max_depth):
        raise JsonBodyError(f"the body is nested too deeply (at most {max_depth} levels)")
    try:
        data = json.loads(text, parse_constant=_refuse_constant)
    except JsonBodyError:
        raise
    except (ValueError, RecursionError):
        raise JsonBodyError("the body must be a JSON object") from None
    if not isinstance(data, dict):
        raise JsonBodyError("the body must be a JSON object")
    _check_text(data)
    return data
