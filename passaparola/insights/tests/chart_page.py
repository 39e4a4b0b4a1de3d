"""A page with every kind of chart, for the browser test: the real site plus one address."""

from datetime import timedelta

from django.http import HttpRequest, HttpResponse
from django.template import engines
from django.urls import path
from django.utils import timezone

from passaparola.lib.charts import Series, split, timeseries
from passaparola.urls import urlpatterns as site

PAGE = """{% extends "base.html" %}{% block title %}Charts{% endblock %}{% block content %}
<div class="grid-2">
<section class="card" id="month">{% include "_timeseries.html" with chart=month %}</section>
<section class="card" id="year">{% include "_timeseries.html" with chart=year %}</section>
<section class="card" id="empty">{% include "_timeseries.html" with chart=empty %}</section>
<section class="card" id="networks">{% include "_split.html" with chart=networks %}</section>
</div>
{% endblock %}"""

SHARES = Series("shares", "Shares", "series-a")
CLICKS = Series("human_clicks", "Human clicks", "series-b")
BOTS = Series("bot_visits", "Bot visits", "series-bots", apart=True)


def figures(n: int) -> dict[str, int]:
    """Figures that vary from day to day, with a big day now and then."""
    return {"shares": n % 4, "human_clicks": (n * 37) % 120 + (n % 9) * 900, "bot_visits": n % 6}


def charts_page(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    rows = [(today - timedelta(days=n), figures(n)) for n in range(366)]
    context = {
        "month": timeseries(
            rows,
            series=[SHARES, CLICKS, BOTS],
            title="Activity",
            start=today - timedelta(days=29),
            end=today,
        ),
        "year": timeseries(
            rows, series=[CLICKS], title="Human clicks", start=today - timedelta(days=365)
        ),
        "empty": timeseries([], series=[CLICKS], title="Leads", start=today, end=today),
        "networks": split(
            [("linkedin", "LinkedIn", 12_345), ("x", "X", 321), ("mastodon", "Mastodon", 45)],
            title="Human clicks by network",
        ),
    }
    return HttpResponse(engines["django"].from_string(PAGE).render(context, request))


urlpatterns = [path("charts-test/", charts_page, name="charts_test"), *site]
