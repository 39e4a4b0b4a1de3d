"""A bare redirect view that bench/redirect measures the tracked redirect against."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect


def bench_baseline(request: HttpRequest, code: str) -> HttpResponse:
    """Return a fixed redirect and nothing else, for bench/redirect's comparison only."""
    response = HttpResponseRedirect(settings.BENCH_BASELINE_TARGET)
    response["Cache-Control"] = "private, no-store"
    return response
