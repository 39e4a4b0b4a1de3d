from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from passaparola.insights.at_risk import at_risk_details, at_risk_rows
from passaparola.insights.figures import Scope
from passaparola.insights.leadership import leadership_figures
from passaparola.insights.privacy import group_size, individuals_visible
from passaparola.insights.selectors import person_summary, programme_summary
from passaparola.people.access import (
    access_at_risk_teams,
    access_insight_teams,
    access_person_by_person,
    can_view_insights,
)
from passaparola.people.http import AuthedRequest
from passaparola.programme.selectors import programme_get
from passaparola.recognition.selectors import points_total, rank_of

LEADERSHIP_DAYS = 30
AT_RISK_PAGE_SIZE = 50


@login_required
def dashboard(request: AuthedRequest) -> HttpResponse:
    """The programme's last 30 days, for managers, editors and leadership."""
    if not can_view_insights(request.user):
        raise Http404
    return render(request, "insights/dashboard.html", {"summary": programme_summary(days=30)})


@login_required
def impact(request: AuthedRequest, person_id: int | None = None) -> HttpResponse:
    """What one person's sharing brought; their own page, or one they may read."""
    person = request.user if person_id is None else access_person_by_person(request.user, person_id)
    context = {
        "person": person,
        "is_self": person.pk == request.user.pk,
        "summary": person_summary(person, days=30),
        "points_all_time": points_total(person),
        "rank": rank_of(person, days=30),
    }
    return render(request, "insights/impact.html", context)


@login_required
def leadership(request: AuthedRequest) -> HttpResponse:
    """Leadership participation over the last 30 days; a team lead sees their own teams."""
    teams = access_insight_teams(request.user)
    today = timezone.localdate()
    scope = Scope(start=today - timedelta(days=LEADERSHIP_DAYS - 1), end=today)
    context = {
        "leadership": leadership_figures(scope, viewer=request.user),
        "days": LEADERSHIP_DAYS,
        "teams": teams,
    }
    return render(request, "insights/leadership.html", context)


@login_required
def at_risk(request: AuthedRequest) -> HttpResponse:
    """People who shared in their first weeks and went quiet, with a friendly message to send:
    everyone for the programme manager, the teams they lead for a team lead."""
    teams = access_at_risk_teams(request.user)
    programme = programme_get()
    # Read once: counting and then slicing the grouped query would run it twice.
    rows = list(at_risk_rows(teams, programme=programme, viewer=request.user))
    hidden = teams is not None and not individuals_visible(request.user, group_size(teams))
    page = Paginator(rows, AT_RISK_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "programme": programme,
        "teams": teams,
        "page": page,
        "people": [] if hidden else at_risk_details(page.object_list),
        "total": page.paginator.count,
        "individuals_hidden": hidden,
    }
    return render(request, "insights/at_risk.html", context)
