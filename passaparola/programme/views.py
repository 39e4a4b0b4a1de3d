from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from passaparola.audit.services import audit_record, diff
from passaparola.people.access import can_manage_programme
from passaparola.people.http import AuthedRequest
from passaparola.programme.forms import GoalsForm, InsightSettingsForm, ProgrammeForm, RatesForm
from passaparola.programme.selectors import programme_get, programme_icon, rates_get
from passaparola.programme.services import programme_update, rates_update


@login_required
def settings_view(request: AuthedRequest) -> HttpResponse:
    """Branding and rules of the programme, for its managers."""
    if not can_manage_programme(request.user):
        raise Http404
    programme = programme_get()
    form = ProgrammeForm(request.POST or None, request.FILES or None, instance=programme)
    if request.method == "POST" and form.is_valid():
        _save_changes(request, form.cleaned_data, form.changed_data, "programme.settings_changed")
        messages.success(request, _("The programme settings are saved."))
        return redirect("programme:settings")
    context = {"form": form, "insight_form": InsightSettingsForm(instance=programme_get())}
    return render(request, "programme/settings.html", context)


@login_required
@require_POST
def insight_settings_save(request: AuthedRequest) -> HttpResponse:
    """Save when people count as at risk, privacy mode and the leadership report's cadence;
    on the settings page."""
    if not can_manage_programme(request.user):
        raise Http404
    form = InsightSettingsForm(request.POST, instance=programme_get())
    if not form.is_valid():
        context = {"form": ProgrammeForm(instance=programme_get()), "insight_form": form}
        return render(request, "programme/settings.html", context, status=400)
    _save_changes(
        request, form.cleaned_data, form.changed_data, "programme.insight_settings_changed"
    )
    messages.success(request, _("The people at risk, privacy and report settings are saved."))
    return redirect("programme:settings")


@login_required
def goals_view(request: AuthedRequest) -> HttpResponse:
    """The programme's goals: target audience, time asked, shares and leads a month."""
    if not can_manage_programme(request.user):
        raise Http404
    form = GoalsForm(request.POST or None, instance=programme_get())
    if request.method == "POST" and form.is_valid():
        _save_changes(request, form.cleaned_data, form.changed_data, "programme.goals_changed")
        messages.success(request, _("The goals are saved."))
        return redirect("programme:goals")
    return render(request, "programme/goals.html", {"form": form})


@login_required
def rates_view(request: AuthedRequest) -> HttpResponse:
    """What a click and a thousand impressions are worth per network: earned media value."""
    if not can_manage_programme(request.user):
        raise Http404
    form = RatesForm(request.POST or None, currency=programme_get().currency, rates=rates_get())
    if request.method == "POST" and form.is_valid():
        rates_update(by=request.user, currency=form.cleaned_data["currency"], rates=form.rates())
        messages.success(request, _("The rates are saved."))
        return redirect("programme:rates")
    return render(
        request,
        "programme/rates.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )


def _save_changes(
    request: AuthedRequest, cleaned: dict[str, object], names: list[str], action: str
) -> None:
    changed = {name: cleaned[name] for name in names}
    if not changed:
        return
    # Work on a fresh copy: the form has already written into its instance.
    fresh = programme_get()
    before = {name: getattr(fresh, name) for name in changed}
    programme_update(programme=fresh, fields=changed)
    after = {name: getattr(fresh, name) for name in changed}
    audit_record(actor=request.user, action=action, target=fresh, changes=diff(before, after))


def brand_css(request: AuthedRequest) -> HttpResponse:
    """The programme's colour as a stylesheet, so pages need no inline styles."""
    colour = programme_get().primary_colour
    response = HttpResponse(f":root {{ --primary: {colour}; }}\n", content_type="text/css")
    response["Cache-Control"] = "public, max-age=300"
    return response


def favicon(request: HttpRequest) -> HttpResponse:
    """The icon browsers ask every site for at /favicon.ico (and pages link to)."""
    response = HttpResponse(programme_icon(), content_type="image/png")
    # Pages link to it with the settings' version in the address, so a day of caching is safe.
    response["Cache-Control"] = "public, max-age=86400"
    return response
