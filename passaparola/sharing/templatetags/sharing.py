"""The share panel, so any page showing a post can offer it with one tag."""

from typing import Any

from django import template

from passaparola.content.models import Post
from passaparola.sharing.selectors import composer_for, shortlinks_ready

register = template.Library()


@register.inclusion_tag("sharing/_share_panel.html", takes_context=True)
def share_panel(context: template.Context, post: Post) -> dict[str, Any]:
    """Render the composer and share buttons for the logged-in person."""
    request = context["request"]
    if not shortlinks_ready(person=request.user, post=post):
        # The page asks for the person's links with a POST once it has loaded.
        return {"composer": None, "post": post, "csrf_token": context.get("csrf_token")}
    composer = composer_for(person=request.user, post=post, caption_id=request.GET.get("caption"))
    return {
        "composer": composer,
        "post": post,
        "options": composer.options,
        "request": request,
        "csrf_token": context.get("csrf_token"),
    }
