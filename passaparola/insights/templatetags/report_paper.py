"""Colours for the charts of the report's PDF, as SVG attributes.

WeasyPrint draws an SVG without the page's stylesheet, so the paper charts carry their colours
as presentation attributes (never style attributes: the CSP forbids those). They are the
colours of static/css/app.css.
"""

from django import template

register = template.Library()

FILLS = {
    "series-a": "#0969da",
    "series-b": "#1a7f37",
    "series-c": "#9a6700",
    "series-d": "#8250df",
    "series-bots": "#6e7781",
}
INK, MUTED, LINE, TRACK = "#1b1f24", "#57606a", "#d8dee4", "#f6f8fa"


@register.filter
def paper_fill(css: str) -> str:
    """Return the colour of a series' CSS class (lib/charts.Series.css)."""
    return FILLS.get(css, INK)


@register.simple_tag
def paper_colour(name: str) -> str:
    """Return one of the charts' neutral colours: ink, muted, line or track."""
    return {"ink": INK, "muted": MUTED, "line": LINE, "track": TRACK}[name]
