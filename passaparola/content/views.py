from datetime import timedelta
from typing import Any, cast
from urllib.parse import urlencode, urlsplit

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.forms.models import model_to_dict
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from passaparola.content.feeds import feed_read
from passaparola.content.forms import (
    ApprovalStepForm,
    BaseCaptionFormSet,
    CalendarForm,
    CaptionFormSet,
    CommentForm,
    FeedFilterForm,
    InterestsForm,
    NoteForm,
    PostForm,
    ReactionForm,
    ReasonForm,
    SourceEditForm,
    SourceForm,
    SuggestionForm,
    TopicForm,
)
from passaparola.content.models import ApprovalStep, Post, SourceEntry, Suggestion, Topic
from passaparola.content.selectors import (
    access_comment_for_removal,
    access_live_post_by_person,
    access_post_by_person,
    access_post_for_editing,
    access_source_for_editing,
    access_suggestion_for_deciding,
    attach_engagement,
    calendar_weeks,
    comments_for,
    entries_plan,
    feed_page,
    pending_suggestions,
    posts_visible_to,
    review_queue,
    review_state,
    sources_overview,
    suggestions_decided,
    topics_overview,
    topics_with_interest,
)
from passaparola.content.services import (
    NotAllowed,
    approval_required,
    approval_step_add,
    approval_step_remove,
    comment_create,
    comment_delete,
    interests_set,
    post_approve,
    post_archive,
    post_create,
    post_publish,
    post_return,
    post_submit,
    post_update,
    post_view_record,
    reaction_toggle,
    source_create,
    source_poll,
    source_update,
    suggestion_accept,
    suggestion_create,
    suggestion_decline,
    topic_create,
    topic_delete,
)
from passaparola.lib.fetch import FetchError
from passaparola.lib.preview import preview_fetch
from passaparola.people.access import can_edit_content, can_manage_programme
from passaparola.people.http import AuthedRequest

# What an edit history entry names when a field changed.
REVISION_FIELDS = {
    "url": gettext_lazy("link"),
    "title": gettext_lazy("title"),
    "description": gettext_lazy("description"),
    "content_type": gettext_lazy("content type"),
    "topics": gettext_lazy("topics"),
    "audience": gettext_lazy("audience"),
    "teams": gettext_lazy("teams"),
    "required_teams": gettext_lazy("required for"),
    "captions": gettext_lazy("captions"),
    "is_pinned": gettext_lazy("pinned"),
    "published_at": gettext_lazy("publishing time"),
    "expires_at": gettext_lazy("expiry"),
    "image": gettext_lazy("image"),
}


POST_FORM_FIELDS = list(PostForm.Meta.fields)


def _htmx(request: AuthedRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _require_editor(request: AuthedRequest) -> None:
    if not can_edit_content(request.user):
        raise Http404


# The feed and posts -------------------------------------------------------------------------


@login_required
def feed(request: AuthedRequest) -> HttpResponse:
    """The posts picked for this person, most relevant first, filterable by topic and type."""
    filters = FeedFilterForm(request.GET)
    wanted: dict[str, Any] = filters.cleaned_data if filters.is_valid() else {}
    topic, content_type = wanted.get("topic"), wanted.get("type") or ""
    page = feed_page(
        request.user, page=wanted.get("page") or 1, topic=topic, content_type=content_type
    )
    query = urlencode({k: v for k, v in (("topic", topic or ""), ("type", content_type)) if v})
    context = {"page": page, "query": query, "topic": topic, "type": content_type}
    if _htmx(request) and request.GET.get("page"):
        return render(request, "content/_feed_page.html", context)
    topics = list(topics_with_interest(request.user))
    context.update(
        topics=topics,
        types=Post.Type.choices,
        follows_nothing=bool(topics) and not any(t.followed for t in topics),  # type: ignore[attr-defined]
    )
    return render(request, "content/feed.html", context)


@login_required
def post_detail(request: AuthedRequest, post_id: int) -> HttpResponse:
    """One post with its share panel, reactions and colleagues' comments."""
    post = access_post_by_person(request.user, post_id)
    if post.state != Post.State.PUBLISHED and not can_edit_content(request.user):
        raise Http404
    attach_engagement(request.user, [post])
    context = {
        "post": post,
        "comments": comments_for(post),
        "comment_form": CommentForm(),
        "engage": post.is_live,
    }
    return render(request, "content/post_detail.html", context)


@login_required
@require_POST
def post_viewed(request: AuthedRequest, post_id: int) -> HttpResponse:
    """Note that the person read the post; the page sends this once it has loaded."""
    post = access_live_post_by_person(request.user, post_id)
    post_view_record(person=request.user, post=post)
    return HttpResponse(status=204)


@login_required
@require_POST
def post_react(request: AuthedRequest, post_id: int) -> HttpResponse:
    """Add or take back a reaction; htmx swaps the reaction bar."""
    post = access_live_post_by_person(request.user, post_id)
    form = ReactionForm(request.POST)
    if form.is_valid():
        reaction_toggle(post=post, person=request.user, kind=form.cleaned_data["kind"])
    if _htmx(request):
        attach_engagement(request.user, [post])
        return render(request, "content/_reactions.html", {"post": post})
    return redirect("content:post", post_id=post.pk)


@login_required
@require_POST
def post_comment(request: AuthedRequest, post_id: int) -> HttpResponse:
    """Add a comment; htmx swaps the comment list and gives back an empty form."""
    post = access_live_post_by_person(request.user, post_id)
    form = CommentForm(request.POST)
    if form.is_valid():
        comment = comment_create(post=post, person=request.user, text=form.cleaned_data["text"])
        if not comment.text:
            comment.delete()  # only markup: nothing a colleague could read
            form.add_error("text", _("Write a few words."))
        else:
            form = CommentForm()
    if not _htmx(request):
        if form.errors:
            messages.error(request, _("The comment was not added: write a few words."))
        return redirect("content:post", post_id=post.pk)
    context = {"post": post, "comments": comments_for(post), "comment_form": form, "engage": True}
    return render(request, "content/_comments.html", context)


@login_required
@require_POST
def comment_remove(request: AuthedRequest, comment_id: int) -> HttpResponse:
    """Remove a comment: one's own, or any for editors."""
    comment = access_comment_for_removal(request.user, comment_id)
    post = comment.post
    comment_delete(comment=comment)
    still_visible = can_edit_content(request.user) or (
        posts_visible_to(request.user).filter(pk=post.pk).exists()
    )
    if not still_visible:
        # Their own comment on a post no longer meant for them: gone, and nothing else shown.
        return HttpResponse("") if _htmx(request) else redirect("content:feed")
    if not _htmx(request):
        return redirect("content:post", post_id=post.pk)
    context = {
        "post": post,
        "comments": comments_for(post),
        "comment_form": CommentForm(),
        "engage": post.is_live,
    }
    return render(request, "content/_comments.html", context)


@login_required
def interests(request: AuthedRequest) -> HttpResponse:
    """The topics this person follows; their feed ranks those posts higher."""
    current = list(request.user.interests.values_list("topic_id", flat=True))
    form = InterestsForm(request.POST or None, initial={"topics": current})
    if request.method == "POST" and form.is_valid():
        interests_set(person=request.user, topics=list(form.cleaned_data["topics"]))
        messages.success(request, _("Your interests are saved. Your feed follows them."))
        return redirect("content:feed")
    return render(request, "content/interests.html", {"form": form})


@login_required
def suggest(request: AuthedRequest) -> HttpResponse:
    """Propose a link or a text for the feed, and see what became of earlier proposals."""
    form = SuggestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        suggestion_create(
            person=request.user, url=form.cleaned_data["url"], text=form.cleaned_data["text"]
        )
        messages.success(request, _("Thank you! An editor will look at your suggestion."))
        return redirect("content:suggest")
    mine = Suggestion.objects.filter(person=request.user).select_related("post")[:50]
    return render(request, "content/suggest.html", {"form": form, "suggestions": mine})


# The studio: posts --------------------------------------------------------------------------


@login_required
def studio(request: AuthedRequest) -> HttpResponse:
    """Every post, for the people who curate them."""
    _require_editor(request)
    posts = Post.objects.select_related("created_by", "source").prefetch_related("teams")
    state = request.GET.get("state")
    if state in Post.State.values:
        posts = posts.filter(state=state)
    page = Paginator(posts.order_by("-created_at", "-pk"), 50).get_page(request.GET.get("page"))
    return render(
        request, "content/studio.html", {"page": page, "state": state, "states": Post.State}
    )


def _caption_initial(post: Post | None) -> list[dict[str, str]]:
    if post is None:
        return []
    return [{"network": c.network, "text": c.text} for c in post.captions.order_by("pk")]


def _with_preview(data: Any) -> tuple[Any, str, bool]:
    """Fill the form's data from the link's preview; return it with a note on how it went."""
    url = data.get("url", "").strip()
    if not url:
        return data, _("Enter a link first."), False
    try:
        preview = preview_fetch(url)
    except FetchError as error:
        return data, _("No preview: %(reason)s") % {"reason": error}, False
    data = data.copy()
    data["canonical_url"] = preview.canonical_url
    for field, value in (
        ("title", preview.title),
        ("description", preview.description),
        ("site_name", preview.site_name),
        ("image_url", preview.image),
    ):
        if value:
            data[field] = value
    return data, _("The preview filled in the form. Check it, then save."), True


def _post_form_page(request: AuthedRequest, post: Post | None) -> HttpResponse:
    data = request.POST if request.method == "POST" else None
    note, previewed = "", False
    if data is not None and "preview" in data:
        data, note, previewed = _with_preview(data)
    # No instance=: a ModelForm would write the submitted values onto the post in memory,
    # and post_update compares the old values with the new ones.
    initial = model_to_dict(post, fields=POST_FORM_FIELDS) if post else {}
    form = PostForm(data, request.FILES or None, initial=initial)
    captions = cast(
        BaseCaptionFormSet,
        CaptionFormSet(data, initial=_caption_initial(post), prefix="captions"),
    )
    saving = data is not None and "preview" not in data
    if saving and form.is_valid() and captions.is_valid():
        cleaned = form.cleaned_data
        fields = {
            "url": cleaned["url"],
            "title": cleaned["title"],
            "description": cleaned["description"],
            "site_name": cleaned["site_name"],
            "canonical": cleaned["canonical_url"],
            "image_url": cleaned["image_url"],
            "image": cleaned["image"],
            "content_type": cleaned["content_type"],
            "topics": list(cleaned["topics"]),
            "audience": cleaned["audience"],
            "teams": list(cleaned["teams"]),
            "required_teams": list(cleaned["required_teams"]),
            "is_pinned": cleaned["is_pinned"],
            "published_at": cleaned["published_at"],
            "expires_at": cleaned["expires_at"],
            "captions": captions.captions(),
        }
        if post is None:
            post = post_create(created_by=request.user, **fields)
        else:
            post = post_update(
                post=post, by=request.user, clear_image=cleaned["clear_image"], **fields
            )
        if "publish" in request.POST:
            post = post_publish(post=post, by=request.user)
            messages.success(request, _publish_message(post))
        else:
            messages.success(request, _("The post is saved."))
        return redirect("content:post_edit", post_id=post.pk)
    context = {
        "form": form,
        "captions": captions,
        "post": post,
        "preview_note": note,
        "previewed": previewed,
        "approval": approval_required(),
        "review": review_state(request.user, post) if post else None,
        "history": _history(post) if post else [],
        "note_form": NoteForm(),
        "reason_form": ReasonForm(),
    }
    return render(request, "content/post_form.html", context)


def _publish_message(post: Post) -> str:
    if post.state == Post.State.REVIEW:
        return _("The post is waiting for approval.")
    if post.published_at and post.published_at > timezone.now():
        return _("The post is scheduled.")
    return _("The post is published.")


def _history(post: Post) -> list[dict[str, Any]]:
    """Return the post's revisions, newest first, each with the fields it changed."""
    revisions = list(post.revisions.select_related("person").order_by("created_at", "pk"))
    rows: list[dict[str, Any]] = []
    previous: dict[str, Any] = {}
    for revision in revisions:
        changed = [
            str(label)
            for key, label in REVISION_FIELDS.items()
            if previous and previous.get(key) != revision.snapshot.get(key)
        ]
        rows.append({"revision": revision, "changed": changed})
        previous = revision.snapshot
    return rows[::-1][:50]


@login_required
def post_new(request: AuthedRequest) -> HttpResponse:
    _require_editor(request)
    return _post_form_page(request, None)


@login_required
def post_edit(request: AuthedRequest, post_id: int) -> HttpResponse:
    post = access_post_for_editing(request.user, post_id)
    return _post_form_page(request, post)


@login_required
@require_POST
def post_archive_view(request: AuthedRequest, post_id: int) -> HttpResponse:
    post = access_post_for_editing(request.user, post_id)
    post_archive(post=post, by=request.user)
    messages.success(request, _("The post is archived. Its links keep working."))
    return redirect("content:studio")


@login_required
@require_POST
def post_submit_view(request: AuthedRequest, post_id: int) -> HttpResponse:
    """Send a draft to the review queue without publishing it."""
    post = access_post_for_editing(request.user, post_id)
    if post.state == Post.State.DRAFT:
        post_submit(post=post, by=request.user)
        messages.success(request, _("The post is waiting for approval."))
    return redirect("content:post_edit", post_id=post.pk)


@login_required
@require_POST
def post_approve_view(request: AuthedRequest, post_id: int) -> HttpResponse:
    """Approve the step a post waits for; the last one publishes it."""
    post = access_post_for_editing(request.user, post_id)
    form = NoteForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        post = post_approve(post=post, by=request.user, note=note)
    except NotAllowed as error:
        messages.error(request, str(error))
        return redirect("content:post_edit", post_id=post.pk)
    if post.state == Post.State.PUBLISHED:
        messages.success(request, _publish_message(post))
    else:
        messages.success(request, _("Approved. The post waits for the next step."))
    return redirect("content:review")


@login_required
@require_POST
def post_return_view(request: AuthedRequest, post_id: int) -> HttpResponse:
    """Send a post in review back to its author as a draft, with a reason."""
    post = access_post_for_editing(request.user, post_id)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say what should change before sending the post back."))
        return redirect("content:post_edit", post_id=post.pk)
    try:
        post_return(post=post, by=request.user, note=form.cleaned_data["reason"])
    except NotAllowed as error:
        messages.error(request, str(error))
        return redirect("content:post_edit", post_id=post.pk)
    messages.success(request, _("The post is back in drafts."))
    return redirect("content:review")


@login_required
def review(request: AuthedRequest) -> HttpResponse:
    """The posts waiting for approval: from editors, from sources, from suggestions."""
    _require_editor(request)
    context = {
        "items": review_queue(request.user),
        "steps": ApprovalStep.objects.order_by("position"),
        "suggestions": pending_suggestions().count(),
        "note_form": NoteForm(),
    }
    return render(request, "content/review.html", context)


# The studio: suggestions --------------------------------------------------------------------


@login_required
def suggestions(request: AuthedRequest) -> HttpResponse:
    """Suggestions waiting for an editor, and the latest decisions."""
    _require_editor(request)
    context = {
        "pending": pending_suggestions(),
        "decided": suggestions_decided()[:20],
        "reason_form": ReasonForm(),
    }
    return render(request, "content/suggestions.html", context)


@login_required
@require_POST
def suggestion_accept_view(request: AuthedRequest, suggestion_id: int) -> HttpResponse:
    suggestion = access_suggestion_for_deciding(request.user, suggestion_id)
    try:
        post = suggestion_accept(suggestion=suggestion, by=request.user)
    except NotAllowed as error:
        messages.error(request, str(error))
        return redirect("content:suggestions")
    messages.success(
        request,
        _("Accepted: here is the draft. %(name)s will be told.") % {"name": suggestion.person.name},
    )
    return redirect("content:post_edit", post_id=post.pk)


@login_required
@require_POST
def suggestion_decline_view(request: AuthedRequest, suggestion_id: int) -> HttpResponse:
    suggestion = access_suggestion_for_deciding(request.user, suggestion_id)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a reason: the person who suggested it will read it."))
        return redirect("content:suggestions")
    try:
        suggestion_decline(
            suggestion=suggestion, by=request.user, reason=form.cleaned_data["reason"]
        )
    except NotAllowed as error:
        messages.error(request, str(error))
        return redirect("content:suggestions")
    messages.success(
        request, _("Declined. %(name)s will be told why.") % {"name": suggestion.person.name}
    )
    return redirect("content:suggestions")


# The studio: calendar, topics, sources, approval --------------------------------------------


@login_required
def calendar(request: AuthedRequest) -> HttpResponse:
    """What is published, scheduled and planned, by day and by week, with the empty days shown."""
    _require_editor(request)
    form = CalendarForm(request.GET)
    wanted: dict[str, Any] = form.cleaned_data if form.is_valid() else {}
    start = wanted.get("start") or timezone.localdate()
    count = wanted.get("weeks") or 4
    weeks = calendar_weeks(start=start, weeks=count)
    first = weeks[0].start
    context = {
        "weeks": weeks,
        "count": count,
        "today": timezone.localdate(),
        "previous": first - timedelta(weeks=count),
        "next": first + timedelta(weeks=count),
    }
    return render(request, "content/calendar.html", context)


@login_required
def topics(request: AuthedRequest) -> HttpResponse:
    """The topics posts can be about and people can follow."""
    _require_editor(request)
    form = TopicForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        topic_create(name=form.cleaned_data["name"])
        messages.success(request, _("The topic is added."))
        return redirect("content:topics")
    return render(request, "content/topics.html", {"form": form, "topics": topics_overview()})


@login_required
@require_POST
def topic_remove(request: AuthedRequest, topic_id: int) -> HttpResponse:
    _require_editor(request)
    topic = Topic.objects.filter(pk=topic_id).first()
    if topic is None:
        raise Http404
    topic_delete(topic=topic)
    messages.success(request, _("The topic is deleted."))
    return redirect("content:topics")


@login_required
def sources(request: AuthedRequest) -> HttpResponse:
    """Every content source, with the ones that keep failing shown as such."""
    _require_editor(request)
    return render(request, "content/sources.html", {"sources": sources_overview()})


def _source_fields(cleaned: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": cleaned["name"],
        "url": cleaned["url"],
        "interval_minutes": cleaned["interval_minutes"],
        "auto_publish": cleaned["auto_publish"],
        "daily_cap": cleaned["daily_cap"],
        "content_type": cleaned["content_type"],
        "audience": cleaned["audience"],
        "teams": list(cleaned["teams"]),
        "topics": list(cleaned["topics"]),
    }


@login_required
def source_new(request: AuthedRequest) -> HttpResponse:
    """Add a feed: it is read first, and the page shows what it would import."""
    _require_editor(request)
    form = SourceForm(request.POST or None)
    plan = None
    if request.method == "POST" and form.is_valid():
        try:
            parsed = feed_read(form.cleaned_data["url"])
        except FetchError as error:
            form.add_error("url", str(error))
        else:
            fields = _source_fields(form.cleaned_data)
            fields["name"] = (
                fields["name"].strip()
                or parsed.title
                or urlsplit(fields["url"]).hostname
                or fields["url"]
            )[:120]
            if "confirm" in request.POST:
                source = source_create(created_by=request.user, **fields)
                messages.success(request, _("The source is added; its entries arrive shortly."))
                return redirect("content:source_edit", source_id=source.pk)
            plan = entries_plan(
                source=None, entries=parsed.entries, cap=fields["daily_cap"], now=timezone.now()
            )
            # Bound again so the page shows the name taken from the feed.
            data = request.POST.copy()
            data["name"] = fields["name"]
            form = SourceForm(data)
    context = {"form": form, "plan": plan, "outcomes": SourceEntry.Outcome}
    return render(request, "content/source_new.html", context)


@login_required
def source_edit(request: AuthedRequest, source_id: int) -> HttpResponse:
    """A source's settings, its state and the entries it brought lately."""
    source = access_source_for_editing(request.user, source_id)
    names = ["name", "url", "is_active", "interval_minutes", "auto_publish", "daily_cap"]
    initial = {field: getattr(source, field) for field in [*names, "content_type", "audience"]}
    initial.update(teams=list(source.teams.all()), topics=list(source.topics.all()))
    form = SourceEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        source_update(
            source=source,
            is_active=form.cleaned_data["is_active"],
            **_source_fields(form.cleaned_data),
        )
        messages.success(request, _("The source is saved."))
        return redirect("content:source_edit", source_id=source.pk)
    entries = source.entries.select_related("post").order_by("-created_at", "-pk")[:50]
    context = {"source": source, "form": form, "entries": entries, "outcomes": SourceEntry.Outcome}
    return render(request, "content/source_edit.html", context)


@login_required
@require_POST
def source_poll_view(request: AuthedRequest, source_id: int) -> HttpResponse:
    """Read a source now instead of waiting for its next turn."""
    source = access_source_for_editing(request.user, source_id)
    result = source_poll(source_id=source.pk)
    if result.error:
        messages.error(
            request, _("The feed could not be read: %(error)s") % {"error": result.error}
        )
    elif result.not_modified:
        messages.success(request, _("Nothing new since the last check."))
    else:
        messages.success(
            request,
            _("%(imported)s new posts, %(duplicates)s already here, %(over)s over the daily cap.")
            % {
                "imported": result.imported,
                "duplicates": result.duplicates,
                "over": result.over_cap,
            },
        )
    return redirect("content:source_edit", source_id=source.pk)


@login_required
def approval(request: AuthedRequest) -> HttpResponse:
    """The approval steps posts go through before publishing (none: editors publish directly)."""
    if not can_manage_programme(request.user):
        raise Http404
    form = ApprovalStepForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        approval_step_add(name=form.cleaned_data["name"], approver=form.cleaned_data["approver"])
        messages.success(request, _("The step is added."))
        return redirect("content:approval")
    steps = ApprovalStep.objects.order_by("position")
    return render(request, "content/approval.html", {"form": form, "steps": steps})


@login_required
@require_POST
def approval_remove(request: AuthedRequest, step_id: int) -> HttpResponse:
    if not can_manage_programme(request.user):
        raise Http404
    step = ApprovalStep.objects.filter(pk=step_id).first()
    if step is None:
        raise Http404
    approval_step_remove(step=step)
    messages.success(request, _("The step is removed."))
    return redirect("content:approval")
