from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import render

from passaparola.insights.adoption import TABLES, adoption, table_rows
from passaparola.insights.dashboard import EXPORT_TABLES, dashboard_for, export_rows
from passaparola.insights.exports import export_csv
from passaparola.insights.filters import filters_from_request
from passaparola.insights.selectors import person_summary
from passaparola.people.access import access_person_by_person
from passaparola.people.http import AuthedRequest
from passaparola.recognition.selectors import points_total, rank_of


@login_required
def dashboard(request: AuthedRequest) -> HttpResponse:
    """The programme's figures for a period and filters: managers, editors, leadership viewers,
    and team leads for their own teams."""
    filters = filters_from_request(request)
    return render(request, "insights/dashboard.html", {"board": dashboard_for(filters)})


@login_required
def dashboard_export(request: AuthedRequest, table: str) -> StreamingHttpResponse:
    """One table of the dashboard, in the page's filters, as a CSV download (audited)."""
    if table not in EXPORT_TABLES:
        raise Http404
    filters = filters_from_request(request)
    header, rows = export_rows(filters, table)
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
