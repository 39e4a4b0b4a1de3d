from typing import Any

from django import template

from passaparola.people.access import can_manage_programme, can_view_insights
from passaparola.recognition.selectors import can_send_kudos

register = template.Library()


@register.inclusion_tag("recognition/_tabs.html", takes_context=True)
def recognition_tabs(context: dict[str, Any]) -> dict[str, Any]:
    """The tabs between the recognition pages, with the manager's pages for managers."""
    request = context["request"]
    user = request.user
    return {
        "request": request,
        "current": request.resolver_match.url_name if request.resolver_match else "",
        "can_kudos": can_send_kudos(user),
        "can_manage": can_manage_programme(user),
        "can_view_overview": can_view_insights(user),
    }
