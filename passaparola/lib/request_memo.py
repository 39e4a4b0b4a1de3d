"""Reading a settings row once per request, however many parts of the page ask for it.

`RequestMemoMiddleware` opens a memo for each request; a function wrapped in
`once_per_request(key)` is run once in it and every caller gets its own shallow copy of the
answer (a form that changes its copy does not change what the page header reads). Outside a
request (the worker, a shell, most tests) it is simply run each time.
"""

import copy
import functools
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any, TypeVar

from django.http import HttpRequest, HttpResponse

T = TypeVar("T")

_MEMO: ContextVar[dict[str, Any] | None] = ContextVar("request_memo", default=None)


def once_per_request(key: str) -> Callable[[Callable[[], T]], Callable[[], T]]:
    def wrap(function: Callable[[], T]) -> Callable[[], T]:
        @functools.wraps(function)
        def memoised() -> T:
            memo = _MEMO.get()
            if memo is None:
                return function()
            if key not in memo:
                memo[key] = function()
            return copy.copy(memo[key])

        return memoised

    return wrap


def forget(key: str) -> None:
    """Drop a memoised answer (the row it read was changed)."""
    memo = _MEMO.get()
    if memo is not None:
        memo.pop(key, None)


class RequestMemoMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _MEMO.set({})
        try:
            return self.get_response(request)
        finally:
            _MEMO.reset(token)
