from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.http import require_safe

from passaparola.lib.utm import merge_utm
from passaparola.programme.services import programme_get
from passaparola.sharing.models import ShortLink
from passaparola.tracking.services import click_record


@require_safe
def redirect(request: HttpRequest, code: str) -> HttpResponse:
    """Send the visitor on to the post, recording the click first; HEAD is not counted."""
    link = ShortLink.objects.select_related("post").filter(code=code).first()
    if link is None:
        return render(request, "tracking/unknown_link.html", status=404)
    target = merge_utm(
        link.post.url,
        {
            "utm_source": link.network,
            "utm_medium": "social",
            "utm_campaign": programme_get().utm_campaign,
            "utm_content": link.code,
        },
    )
    if request.method == "GET":
        click_record(link=link, request=request)
    response = HttpResponseRedirect(target)
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer-when-downgrade"
    return response
