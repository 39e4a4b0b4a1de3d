from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from passaparola.governance.forms import AuditFilterForm, PolicyAcceptForm, PolicyForm
from passaparola.governance.selectors import (
    action_label,
    audit_actions,
    audit_actors,
    audit_search,
    change_rows,
    policy_current,
    policy_pending_for,
    policy_versions_with_counts,
)
from passaparola.governance.services import policy_accept, policy_publish
from passaparola.lib.redirects import next_url as next_url_of
from passaparola.lib.redirects import redirect_next
from passaparola.people.access import can_manage_programme
from passaparola.people.http import AuthedRequest
from passaparola.people.models import Person

AUDIT_PAGE_SIZE = 50


@login_required
def policy_view(request: AuthedRequest) -> HttpResponse:
    """The social media policy, with the form to accept its current version."""
    current = policy_current()
    pending = policy_pending_for(request.user) if current else None
    next_url = next_url_of(request, request.GET.get("next", ""))
    form = PolicyAcceptForm(initial={"version": current.number if current else 0, "next": next_url})
    return render(
        request,
        "governance/policy.html",
        {"policy": current, "pending": pending, "form": form},
    )


@login_required
@require_POST
def policy_accept_view(request: AuthedRequest) -> HttpResponse:
    """Accept the version of the policy the person has just read."""
    current = policy_current()
    form = PolicyAcceptForm(request.POST)
    if current is None:
        return redirect("governance:policy")
    if not form.is_valid():
        return render(
            request,
            "governance/policy.html",
            {"policy": current, "pending": policy_pending_for(request.user), "form": form},
            status=400,
        )
    if form.cleaned_data["version"] != current.number:
        # A newer version came out while the page was open: they must read that one.
        messages.error(request, _("A newer version of the policy was published. Please read it."))
        return redirect("governance:policy")
    policy_accept(person=request.user, version=current)
    messages.success(request, _("Thank you: you accepted the policy."))
    return redirect_next(request, candidate=form.cleaned_data["next"])


@login_required
def policy_admin(request: AuthedRequest) -> HttpResponse:
    """Publish a new version of the policy and see who accepted which version."""
    if not can_manage_programme(request.user):
        raise Http404
    current = policy_current()
    initial = {"title": current.title, "text": current.text} if current else {}
    form = PolicyForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        version = policy_publish(
            by=request.user,
            title=form.cleaned_data["title"],
            text=form.cleaned_data["text"],
            changes=form.cleaned_data["changes"],
        )
        messages.success(
            request,
            _("Version %(number)s is published; everyone is asked to accept it.")
            % {"number": version.number},
        )
        return redirect("governance:policy_admin")
    context = {
        "form": form,
        "versions": policy_versions_with_counts(),
        "people": Person.objects.filter(is_active=True).count(),
    }
    return render(request, "governance/policy_admin.html", context)


@login_required
def audit_log(request: AuthedRequest) -> HttpResponse:
    """Search who changed what and when."""
    if not can_manage_programme(request.user):
        raise Http404
    form = AuditFilterForm(request.GET or None, actors=audit_actors(), actions=audit_actions())
    page = None
    if not form.is_bound or form.is_valid():
        data = form.cleaned_data if form.is_bound else {}
        entries = audit_search(
            actor_id=data["actor"].pk if data.get("actor") else None,
            action=data.get("action", ""),
            since=data.get("since"),
            until=data.get("until"),
            target_type=data.get("target_type", ""),
            target_id=data.get("target_id", ""),
        )
        page = Paginator(entries, AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
        for entry in page.object_list:
            entry.label = action_label(entry.action)
            entry.rows = change_rows(entry.changes)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "governance/audit.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )
