from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from passaparola.lib.http import AuthedRequest
from passaparola.people.access import can_manage_programme
from passaparola.programme.forms import ProgrammeForm
from passaparola.programme.services import programme_get, programme_update


@login_required
def settings_view(request: AuthedRequest) -> HttpResponse:
    """Branding and rules of the programme, for its managers."""
    if not can_manage_programme(request.user):
        raise Http404
    programme = programme_get()
    form = ProgrammeForm(request.POST or None, request.FILES or None, instance=programme)
    if request.method == "POST" and form.is_valid():
        changed = {name: form.cleaned_data[name] for name in form.changed_data}
        if changed:
            # Work on a fresh copy: the form has already written into `programme`.
            programme_update(programme=programme_get(), fields=changed)
        messages.success(request, _("The programme settings are saved."))
        return redirect("programme:settings")
    return render(request, "programme/settings.html", {"form": form})


def brand_css(request: AuthedRequest) -> HttpResponse:
    """The programme's colour as a stylesheet, so pages need no inline styles."""
    colour = programme_get().primary_colour
    response = HttpResponse(f":root {{ --primary: {colour}; }}\n", content_type="text/css")
    response["Cache-Control"] = "public, max-age=300"
    return response
