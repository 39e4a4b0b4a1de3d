import secrets

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from passaparola.content.models import Post
from passaparola.content.selectors import access_post_by_person
from passaparola.lib.crypto import DecryptionError
from passaparola.lib.pkce import new_verifier
from passaparola.lib.redirects import leave_for, redirect_next
from passaparola.networks.base import AuthExpired, ProviderError
from passaparola.networks.catalogue import NETWORKS
from passaparola.networks.providers import PROVIDERS, provider_for
from passaparola.people.access import can_manage_programme
from passaparola.people.http import AuthedRequest
from passaparola.sharing import guardrails, tasks
from passaparola.sharing.audience import audience_sizes_of
from passaparola.sharing.forms import (
    AudienceForm,
    BlockedTermForm,
    BlueskyConnectForm,
    MastodonInstanceForm,
    PolicyForm,
    ScheduleEditForm,
    ScheduleForm,
    ShareForm,
)
from passaparola.sharing.guardrails import Problem
from passaparola.sharing.models import BlockedTerm
from passaparola.sharing.selectors import (
    access_account_by_person,
    access_scheduled_share_by_person,
    account_views,
    composer_check,
    scheduled_shares_of,
    suggested_times,
)
from passaparola.sharing.services import (
    GuardrailError,
    account_connect,
    account_disconnect,
    audience_sizes_set,
    blocked_term_create,
    blocked_term_delete,
    mastodon_client,
    mastodon_instance_of,
    mastodon_server_get_or_register,
    policy_get,
    policy_update,
    preference_set_mastodon,
    scheduled_share_cancel,
    scheduled_share_create,
    scheduled_share_update,
    share_checked_create,
    short_url,
    shortlink_get_or_create,
    shortlinks_create,
)

OAUTH_SESSION_KEY = "sharing_oauth"
# Django refuses to redirect to longer addresses (HttpResponseRedirect's MAX_URL_LENGTH).
MAX_SHARE_URL = 16_000


def _published_post(request: AuthedRequest, post_id: int) -> Post:
    post = access_post_by_person(request.user, post_id)
    if post.state != Post.State.PUBLISHED:
        raise Http404
    return post


def _form_problems(form: ShareForm | ScheduleForm) -> list[Problem]:
    errors = [str(error) for errors in form.errors.values() for error in errors]
    return [Problem("invalid", error) for error in errors]


def _refused(
    request: AuthedRequest, post: Post, network: str, problems: list[Problem], status: int = 400
) -> HttpResponse:
    """Explain why nothing was shared; offer to go ahead when only nudges stood in the way."""
    only_nudges = bool(problems) and all(not problem.blocking for problem in problems)
    if request.headers.get("HX-Request"):
        text = "\n".join(str(problem.message) for problem in problems)
        return HttpResponse(text, status=status, content_type="text/plain; charset=utf-8")
    return render(
        request,
        "sharing/refused.html",
        {
            "post": post,
            "network": NETWORKS.get(network),
            "problems": problems,
            "only_nudges": only_nudges,
            "fields": request.POST,
            "action": request.path,
            "needs_instance": any(problem.code == "instance" for problem in problems),
        },
        status=status,
    )


@login_required
@require_POST
def share(request: AuthedRequest, post_id: int, network: str) -> HttpResponse:
    """Check the share, record it, then open the network's composer with the person's link."""
    if network not in NETWORKS:
        raise Http404
    post = _published_post(request, post_id)
    form = ShareForm(request.POST)
    if not form.is_valid():
        return _refused(request, post, network, _form_problems(form))
    data = form.cleaned_data
    text = guardrails.compose_text(
        data["text"], hashtags=data["hashtags"], disclosure=policy_get().disclosure
    )
    instance = ""
    if NETWORKS[network].needs_instance:
        instance = data["instance"] or mastodon_instance_of(request.user)
        if not instance:
            problem = Problem("instance", _("Tell us your Mastodon server first."))
            return _refused(request, post, network, [problem])
    link = short_url(shortlink_get_or_create(person=request.user, post=post, network=network))
    target = NETWORKS[network].share_url(link=link, text=text, title=post.title, instance=instance)
    if len(target) > MAX_SHARE_URL:
        problem = Problem(
            "too_long", _("Your text is too long to pass along in a link: shorten it.")
        )
        return _refused(request, post, network, [problem])
    try:
        share_checked_create(
            person=request.user,
            post=post,
            network=network,
            text=text,
            accept_nudges=data["accept_nudges"],
        )
    except GuardrailError as refusal:
        return _refused(request, post, network, refusal.problems)
    if instance:
        preference_set_mastodon(person=request.user, instance=instance)
    if network == "copy":
        if request.headers.get("HX-Request"):
            return HttpResponse(_("Your link is copied. Paste it wherever you like."))
        messages.success(request, _("Your link is ready to copy below."))
        return redirect("content:post", post_id=post.pk)
    return leave_for(request, target, str(NETWORKS[network].label))


@login_required
@require_POST
def panel(request: AuthedRequest, post_id: int) -> HttpResponse:
    """Make the person's short links for the post, then show the share panel."""
    post = _published_post(request, post_id)
    shortlinks_create(person=request.user, post=post)
    if request.headers.get("HX-Request"):
        return render(request, "sharing/_share_panel_fragment.html", {"post": post})
    return redirect("content:post", post_id=post.pk)


@login_required
@require_POST
def check(request: AuthedRequest, post_id: int) -> HttpResponse:
    """The composer's authoritative count per network and the guardrails, as a fragment."""
    post = _published_post(request, post_id)
    shortlinks_create(person=request.user, post=post)
    text = request.POST.get("text", "")[: guardrails.MAX_TEXT]
    hashtags = request.POST.get("hashtags", "")[:300]
    result = composer_check(person=request.user, post=post, text=text, hashtags=hashtags)
    return render(request, "sharing/_check.html", {"result": result, "post": post})


@login_required
@require_POST
def mastodon_instance(request: AuthedRequest) -> HttpResponse:
    """Remember the person's Mastodon server, asked once."""
    form = MastodonInstanceForm(request.POST)
    if form.is_valid():
        preference_set_mastodon(person=request.user, instance=form.cleaned_data["instance"])
        messages.success(request, _("Your Mastodon server is saved."))
    else:
        messages.error(request, " ".join(str(e) for e in form.errors.get("instance", [])))
    return redirect_next(request, "sharing:accounts")


# Scheduled shares


@login_required
def schedule_new(request: AuthedRequest, post_id: int) -> HttpResponse:
    """Queue a share to be posted for the person, now or at a time they pick."""
    post = _published_post(request, post_id)
    initial = {"network": request.GET.get("network", ""), "text": request.GET.get("text", "")}
    form = ScheduleForm(request.POST or None, initial=initial)
    problems: list[Problem] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        text = guardrails.compose_text(
            data["text"], hashtags=data["hashtags"], disclosure=policy_get().disclosure
        )
        try:
            scheduled = scheduled_share_create(
                person=request.user,
                post=post,
                network=data["network"],
                text=text,
                at=data["at"],
                accept_nudges=data["accept_nudges"],
            )
        except GuardrailError as refusal:
            problems = refusal.problems
        else:
            if scheduled.scheduled_for <= timezone.now():
                tasks.post_scheduled_share(scheduled.pk)
                messages.success(request, _("It is going out now."))
            else:
                when = formats.date_format(
                    timezone.localtime(scheduled.scheduled_for), "DATETIME_FORMAT"
                )
                messages.success(request, _("Scheduled for %(when)s.") % {"when": when})
            return redirect("sharing:scheduled")
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "sharing/schedule.html",
        {
            "post": post,
            "form": form,
            "problems": problems,
            "only_nudges": bool(problems) and all(not p.blocking for p in problems),
            "suggestions": suggested_times(person=request.user, post=post),
        },
        status=status,
    )


@login_required
def scheduled(request: AuthedRequest) -> HttpResponse:
    """The person's scheduled shares: coming, posted and failed."""
    return render(
        request,
        "sharing/scheduled.html",
        {"shares": scheduled_shares_of(request.user), "networks": NETWORKS},
    )


@login_required
def scheduled_edit(request: AuthedRequest, scheduled_id: int) -> HttpResponse:
    """Change the text or time of a share until it goes out."""
    item = access_scheduled_share_by_person(request.user, scheduled_id)
    if not item.is_editable:
        messages.error(request, _("This share has already gone out or was cancelled."))
        return redirect("sharing:scheduled")
    form = ScheduleEditForm(
        request.POST or None,
        initial={"text": item.text, "when": timezone.localtime(item.scheduled_for)},
    )
    problems: list[Problem] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        text = guardrails.compose_text(
            data["text"], hashtags=data["hashtags"], disclosure=policy_get().disclosure
        )
        try:
            scheduled_share_update(
                scheduled=item, text=text, at=data["when"], accept_nudges=data["accept_nudges"]
            )
        except GuardrailError as refusal:
            problems = refusal.problems
        else:
            messages.success(request, _("The scheduled share is updated."))
            return redirect("sharing:scheduled")
    return render(
        request,
        "sharing/scheduled_edit.html",
        {
            "item": item,
            "form": form,
            "problems": problems,
            "only_nudges": bool(problems) and all(not p.blocking for p in problems),
            "suggestions": suggested_times(person=request.user, post=item.post),
        },
        status=400 if problems or (request.method == "POST" and form.errors) else 200,
    )


@login_required
@require_POST
def scheduled_cancel(request: AuthedRequest, scheduled_id: int) -> HttpResponse:
    """Cancel a share that has not gone out yet."""
    item = access_scheduled_share_by_person(request.user, scheduled_id)
    if scheduled_share_cancel(scheduled=item):
        messages.success(request, _("The scheduled share is cancelled; nothing was posted."))
    else:
        messages.error(request, _("Too late to cancel: this share has already started going out."))
    return redirect("sharing:scheduled")


# Connected accounts


def _callback_url(network: str) -> str:
    return settings.SITE_URL + reverse("sharing:account_callback", args=[network])


@login_required
def accounts(request: AuthedRequest) -> HttpResponse:
    """The person's connected networks, with nudges before tokens lapse, and their audiences."""
    return _accounts_page(request, AudienceForm(sizes=audience_sizes_of(request.user.pk)))


def _accounts_page(request: AuthedRequest, audience_form: AudienceForm) -> HttpResponse:
    return render(
        request,
        "sharing/accounts.html",
        {
            "views": account_views(request.user),
            "mastodon_form": MastodonInstanceForm(
                initial={"instance": mastodon_instance_of(request.user)}
            ),
            "bluesky_form": BlueskyConnectForm(),
            "audience_form": audience_form,
        },
        status=400 if audience_form.is_bound else 200,
    )


@login_required
@require_POST
def audience(request: AuthedRequest) -> HttpResponse:
    """The person's own follower and connection counts, for the estimated reach."""
    form = AudienceForm(request.POST, sizes=audience_sizes_of(request.user.pk))
    if not form.is_valid():
        return _accounts_page(request, form)
    audience_sizes_set(person=request.user, sizes=form.sizes())
    messages.success(request, _("Your audience sizes are saved."))
    return redirect(f"{reverse('sharing:accounts')}#audience")


def _remember_oauth(request: AuthedRequest, network: str, verifier: str, server: str = "") -> str:
    state = secrets.token_urlsafe(24)
    pending = request.session.get(OAUTH_SESSION_KEY, {})
    # Keep only a few pending authorisations: a person may have started in two tabs.
    pending = dict(list(pending.items())[-4:])
    pending[state] = {"network": network, "verifier": verifier, "server": server}
    request.session[OAUTH_SESSION_KEY] = pending
    return state


@login_required
@require_POST
def account_connect_view(request: AuthedRequest, network: str) -> HttpResponse:
    """Start connecting a network: send the person to it, or sign in with an app password."""
    provider = provider_for(network)
    if provider is None or not provider.is_available():
        raise Http404
    if network == "bluesky":
        return _connect_bluesky(request)
    verifier = new_verifier()
    redirect_uri = _callback_url(network)
    try:
        if network == "mastodon":
            form = MastodonInstanceForm(request.POST)
            if not form.is_valid():
                messages.error(request, " ".join(str(e) for e in form.errors.get("instance", [])))
                return redirect("sharing:accounts")
            domain = form.cleaned_data["instance"]
            server = mastodon_server_get_or_register(domain=domain, redirect_uri=redirect_uri)
            preference_set_mastodon(person=request.user, instance=domain)
            client = mastodon_client(server)
        else:
            client = provider.client()
    except (ProviderError, DecryptionError):
        messages.error(request, _("We could not reach that server. Check its name and try again."))
        return redirect("sharing:accounts")
    state = _remember_oauth(request, network, verifier, client.server)
    url = provider.authorization_url(
        client=client, state=state, redirect_uri=redirect_uri, verifier=verifier
    )
    return leave_for(request, url, str(NETWORKS[network].label), schemes=("https", "http"))


def _connect_bluesky(request: AuthedRequest) -> HttpResponse:
    provider = PROVIDERS["bluesky"]
    form = BlueskyConnectForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "sharing/accounts.html",
            {
                "views": account_views(request.user),
                "mastodon_form": MastodonInstanceForm(),
                "bluesky_form": form,
            },
            status=400,
        )
    try:
        credentials = provider.login(
            identifier=form.cleaned_data["handle"],
            password=form.cleaned_data["app_password"],
            server=settings.SHARING_BLUESKY_SERVICE,
        )
    except AuthExpired:
        messages.error(request, _("Bluesky did not accept this handle and app password."))
        return redirect("sharing:accounts")
    except ProviderError:
        messages.error(request, _("Bluesky could not be reached. Try again in a moment."))
        return redirect("sharing:accounts")
    account_connect(person=request.user, network="bluesky", credentials=credentials)
    messages.success(request, _("Bluesky is connected."))
    return redirect("sharing:accounts")


@login_required
def account_callback(request: AuthedRequest, network: str) -> HttpResponse:
    """Finish connecting a network when it sends the person back with a code."""
    provider = provider_for(network)
    if provider is None or provider.connect_kind != "oauth":
        raise Http404
    pending = request.session.get(OAUTH_SESSION_KEY, {})
    state = request.GET.get("state", "")
    started = pending.pop(state, None) if state else None
    request.session[OAUTH_SESSION_KEY] = pending
    if started is None or started.get("network") != network:
        messages.error(request, _("This connection attempt expired. Please start again."))
        return redirect("sharing:accounts")
    if request.GET.get("error") or not request.GET.get("code"):
        messages.error(request, _("The network did not give us access, so nothing changed."))
        return redirect("sharing:accounts")
    try:
        if network == "mastodon":
            server = mastodon_server_get_or_register(
                domain=started["server"], redirect_uri=_callback_url(network)
            )
            client = mastodon_client(server)
        else:
            client = provider.client()
        credentials = provider.exchange(
            client=client,
            code=request.GET["code"],
            redirect_uri=_callback_url(network),
            verifier=started["verifier"],
        )
    except (ProviderError, DecryptionError):
        messages.error(request, _("The network did not confirm the connection. Please try again."))
        return redirect("sharing:accounts")
    account_connect(person=request.user, network=network, credentials=credentials)
    messages.success(request, _("%(network)s is connected.") % {"network": provider.label})
    return redirect("sharing:accounts")


@login_required
@require_POST
def account_disconnect_view(request: AuthedRequest, account_id: int) -> HttpResponse:
    """Forget a connected account and its tokens."""
    account = access_account_by_person(request.user, account_id)
    account_disconnect(account=account)
    messages.success(request, _("Disconnected. Your tokens are deleted."))
    return redirect("sharing:accounts")


# The programme's policy


def _require_manager(request: AuthedRequest) -> None:
    if not can_manage_programme(request.user):
        raise Http404


@login_required
def policy(request: AuthedRequest) -> HttpResponse:
    """Disclosure, caps, hours and blocked terms, for programme managers."""
    _require_manager(request)
    current = policy_get()
    adding = "add_term" in request.POST
    policy_form = PolicyForm(None if adding else request.POST or None, instance=current)
    term_form = BlockedTermForm(request.POST if adding else None)
    if request.method == "POST" and adding and term_form.is_valid():
        data = term_form.cleaned_data
        try:
            blocked_term_create(
                kind=data["kind"], pattern=data["pattern"], reason=data["reason"], by=request.user
            )
        except ValidationError as error:  # the same term, added by someone else meanwhile
            term_form.add_error("pattern", error)
        else:
            messages.success(request, _("The blocked term is added."))
            return redirect("sharing:policy")
    if request.method == "POST" and not adding and policy_form.is_valid():
        changed = {name: policy_form.cleaned_data[name] for name in policy_form.changed_data}
        if changed:
            policy_update(policy=policy_get(), fields=changed)
        messages.success(request, _("The sharing policy is saved."))
        return redirect("sharing:policy")
    return render(
        request,
        "sharing/policy.html",
        {
            "policy_form": policy_form,
            "term_form": term_form,
            "terms": BlockedTerm.objects.order_by("kind", "pattern"),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def term_delete(request: AuthedRequest, term_id: int) -> HttpResponse:
    """Remove a blocked term."""
    _require_manager(request)
    term = BlockedTerm.objects.filter(pk=term_id).first()
    if term is None:
        raise Http404
    blocked_term_delete(term=term)
    messages.success(request, _("The blocked term is removed."))
    return redirect("sharing:policy")
