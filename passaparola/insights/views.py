from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import render

from passaparola.insights.adoption import TABLES, adoption, table_rows
from passaparola.insights.at_risk import at_risk_details, at_risk_rows
from passaparola.insights.dashboard import EXPORT_TABLES, dashboard_for, export_rows
from passaparola.insights.exports import export_csv
from passaparola.insights.figures import scope_of
from passaparola.insights.filters import filters_from_request, period_from_request
from passaparola.insights.impact import impact_for
from passaparola.insights.leadership import leadership_figures
from passaparola.insights.privacy import group_size, individuals_visible
from passaparola.people.access import (
    access_at_risk_teams,
    access_person_by_person,
    insight_teams_for,
)
from passaparola.people.http import AuthedRequest
from passaparola.programme.selectors import programme_get
from passaparola.recognition.selectors import points_total, rank_of

AT_RISK_PAGE_SIZE = 50


@login_required
def dashboard(request: AuthedRequest) -> HttpResponse:
    """The programme's figures for a period and filters: managers, editors, leadership viewers,
    and team leads for their own teams."""
    filters = filters_from_request(request)
    return render(
        request, "insights/dashboard.html", {"board": dashboard_for(filters, request.user)}
    )


@login_required
def dashboard_export(request: AuthedRequest, table: str) -> StreamingHttpResponse:
    """One table of the dashboard, in the page's filters, as a CSV download (audited)."""
    if table not in EXPORT_TABLES:
        raise Http404
    filters = filters_from_request(request)
    header, rows = export_rows(filters, table, request.user)
    return export_csv(
        viewer=request.user,
        page="dashboard",
        table=table,
        filters=filters,
        header=header,
        rows=rows,
        excel=request.GET.get("excel") == "1",
    )


@login_required
def impact(request: AuthedRequest, person_id: int | None = None) -> HttpResponse:
    """What one person's sharing brought in a period; their own page, or one they may read.

    In privacy mode, someone who may not see individuals in the group they read gets a 404.
    """
    viewer = request.user
    person = viewer if person_id is None else access_person_by_person(viewer, person_id)
    if person.pk != viewer.pk and not individuals_visible(
        viewer, group_size(insight_teams_for(viewer))
    ):
        raise Http404
    filters = period_from_request(request)
    context = {
        "person": person,
        "is_self": person.pk == viewer.pk,
        "filters": filters,
        "impact": impact_for(person, filters),
        "points_all_time": points_total(person),
        "rank": rank_of(person, days=30),
    }
    return render(request, "insights/impact.html", context)


@login_required
def adoption_view(request: AuthedRequest) -> HttpResponse:
    """How far people got, from invitation to leads: overall, per wave and team, week by week."""
    filters = filters_from_request(request)
    context = {"filters": filters, "adoption": adoption(filters)}
    return render(request, "insights/adoption.html", context)


@login_required
def adoption_export(request: AuthedRequest, table: str) -> StreamingHttpResponse:
    """One table of the adoption page, in the page's filters, as a CSV download."""
    if table not in TABLES:
        raise Http404
    filters = filters_from_request(request)
    header, rows = table_rows(adoption(filters), table)
    return export_csv(
        viewer=request.user,
        page="adoption",
        table=table,
        filters=filters,
        header=header,
        rows=rows,
        excel=request.GET.get("excel") == "1",
    )


@login_required
def leadership(request: AuthedRequest) -> HttpResponse:
    """Leadership participation for a period and filters; a team lead sees their own teams."""
    filters = filters_from_request(request)
    context = {
        "filters": filters,
        "leadership": leadership_figures(scope_of(filters), viewer=request.user),
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
