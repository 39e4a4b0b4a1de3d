from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from passaparola.activity.models import Verb
from passaparola.activity.services import activity_record
from passaparola.content.forms import PostForm
from passaparola.content.models import Post
from passaparola.content.selectors import (
    access_post_by_person,
    access_post_for_editing,
    feed_for,
)
from passaparola.content.services import post_archive, post_create, post_publish, post_update
from passaparola.lib.http import AuthedRequest
from passaparola.people.access import can_edit_content
from passaparola.sharing.selectors import share_options

FEED_PAGE_SIZE = 20


@login_required
def feed(request: AuthedRequest) -> HttpResponse:
    """The posts picked for this person, newest first."""
    page = Paginator(feed_for(request.user), FEED_PAGE_SIZE).get_page(request.GET.get("page"))
    template = (
        "content/_feed_page.html" if request.headers.get("HX-Request") else "content/feed.html"
    )
    return render(request, template, {"page": page})


@login_required
def post_detail(request: AuthedRequest, post_id: int) -> HttpResponse:
    """One post with this person's share buttons, each carrying their own short link."""
    post = access_post_by_person(request.user, post_id)
    if post.state != Post.State.PUBLISHED and not can_edit_content(request.user):
        raise Http404
    if post.state == Post.State.PUBLISHED:
        activity_record(person=request.user, verb=Verb.POST_VIEWED, post=post)
    options = share_options(person=request.user, post=post)
    return render(request, "content/post_detail.html", {"post": post, "options": options})


def _require_editor(request: AuthedRequest) -> None:
    if not can_edit_content(request.user):
        raise Http404


@login_required
def studio(request: AuthedRequest) -> HttpResponse:
    """Every post, for the people who curate them."""
    _require_editor(request)
    posts = Post.objects.select_related("created_by").prefetch_related("teams")
    state = request.GET.get("state")
    if state in Post.State.values:
        posts = posts.filter(state=state)
    page = Paginator(posts.order_by("-created_at"), 50).get_page(request.GET.get("page"))
    return render(
        request, "content/studio.html", {"page": page, "state": state, "states": Post.State}
    )


@login_required
def post_new(request: AuthedRequest) -> HttpResponse:
    _require_editor(request)
    form = PostForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        post = post_create(
            created_by=request.user,
            url=data["url"],
            title=data["title"],
            description=data["description"],
            image_url=data["image_url"],
            content_type=data["content_type"],
            audience=data["audience"],
            teams=list(data["teams"]),
            caption=data["caption"],
        )
        if "publish" in request.POST:
            post_publish(post=post, by=request.user)
            messages.success(request, _("The post is published."))
        else:
            messages.success(request, _("The draft is saved."))
        return redirect("content:post_edit", post_id=post.pk)
    return render(request, "content/post_form.html", {"form": form, "post": None})


@login_required
def post_edit(request: AuthedRequest, post_id: int) -> HttpResponse:
    post = access_post_for_editing(request.user, post_id)
    first = post.captions.order_by("pk").first()
    form = PostForm(
        request.POST or None, instance=post, initial={"caption": first.text if first else ""}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        post_update(
            post=post,
            url=data["url"],
            title=data["title"],
            description=data["description"],
            image_url=data["image_url"],
            content_type=data["content_type"],
            audience=data["audience"],
            teams=list(data["teams"]),
            caption=data["caption"],
        )
        if "publish" in request.POST:
            post_publish(post=post, by=request.user)
            messages.success(request, _("The post is published."))
        else:
            messages.success(request, _("The post is saved."))
        return redirect("content:post_edit", post_id=post.pk)
    return render(request, "content/post_form.html", {"form": form, "post": post})


@login_required
@require_POST
def post_archive_view(request: AuthedRequest, post_id: int) -> HttpResponse:
    post = access_post_for_editing(request.user, post_id)
    post_archive(post=post)
    messages.success(request, _("The post is archived. Its links keep working."))
    return redirect("content:studio")
