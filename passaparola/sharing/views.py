from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.views.decorators.http import require_POST

from passaparola.content.models import Post
from passaparola.content.selectors import access_post_by_person
from passaparola.lib.http import AuthedRequest
from passaparola.sharing.networks import NETWORKS
from passaparola.sharing.services import share_create, short_url


class NetworkRedirect(HttpResponseRedirect):
    """A redirect that may also open the mail client (mailto:)."""

    allowed_schemes = ["https", "mailto"]


@login_required
@require_POST
def share(request: AuthedRequest, post_id: int, network: str) -> HttpResponse:
    """Record the share, then open the network's composer with the person's own short link."""
    if network not in NETWORKS:
        raise Http404
    post = access_post_by_person(request.user, post_id)
    if post.state != Post.State.PUBLISHED:
        raise Http404
    text = request.POST.get("text", "").strip()[:3000]
    record = share_create(person=request.user, post=post, network=network, text=text)
    target = NETWORKS[network].share_url(link=short_url(record.link), text=text, title=post.title)
    return NetworkRedirect(target)
