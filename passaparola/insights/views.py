from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone

from passaparola.insights.adoption import TABLES, adoption, table_rows
from passaparola.insights.at_risk import at_risk_details, at_risk_rows
from passaparola.insights.dashboard import (
    EXPORT_TABLES,
    SECTIONS,
    dashboard_for,
    dashboard_section,
    export_rows,
)
from passaparola.insights.exports import export_csv, report_export_record
from passaparola.insights.figures import scope_of
from passaparola.insights.filters import filters_from_request, period_from_request
from passaparola.insights.impact import impact_for
from passaparola.insights.leadership import leadership_figures
from passaparola.insights.privacy import group_size, individuals_visible
from passaparola.insights.report import (
    Report,
    closed_period,
    neighbours,
    period_from,
    report_filename,
    report_for,
    report_pdf,
)
from passaparola.people.access import (
    access_at_risk_teams,
    access_insights_by_person,
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
def dashboard_section_view(request: AuthedRequest, section: str) -> HttpResponse:
    """A section the dashboard loads after its figures; on its own page without htmx."""
    if section not in SECTIONS:
        raise Http404
    filters = filters_from_request(request)
    context = {"board": dashboard_section(filters, request.user, section), "filters": filters}
    if request.headers.get("HX-Request"):
        return render(request, "insights/_dashboard_section.html", context)
    return render(request, "insights/dashboard_section.html", context)


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


def _report_context(report: Report, error: str) -> dict[str, object]:
    older, newer = neighbours(report.period)
    return {"report": report, "older": older, "newer": newer, "error": error}


def _report_asked(request: AuthedRequest) -> tuple[Report, str, frozenset[int] | None]:
    """The report a request asks for, what was wrong with the address, and the teams covered.

    Managers, editors and leadership viewers read the whole programme, a team lead their own
    teams; anyone else gets a 404. A period the address gets wrong is named in the error, and
    the last closed one is shown instead.
    """
    teams = access_insights_by_person(request.user)
    cadence = programme_get().report_cadence
    error = ""
    try:
        period = period_from(request.GET, cadence=cadence)
    except ValidationError as refused:
        error = refused.messages[0]
        period = closed_period(cadence)
    return report_for(period, viewer=request.user, teams=teams), error, teams


@login_required
def report(request: AuthedRequest) -> HttpResponse:
    """The leadership report of a month or quarter, laid out for the screen and for paper."""
    found, error, _teams = _report_asked(request)
    context = _report_context(found, error)
    return render(request, "insights/report.html", context, status=400 if error else 200)


@login_required
def report_pdf_view(request: AuthedRequest) -> HttpResponse:
    """The same report as a PDF download (audited); a wrong period gets the page and its error."""
    found, error, teams = _report_asked(request)
    if error:
        context = _report_context(found, error)
        return render(request, "insights/report.html", context, status=400)
    pdf = report_pdf(found, programme=programme_get(), made_at=timezone.now())
    report_export_record(viewer=request.user, period=found.period, teams=teams)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{report_filename(found)}"'
    return response
