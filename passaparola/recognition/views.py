from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from passaparola.lib.http import AuthedRequest
from passaparola.people.models import Team
from passaparola.recognition.selectors import PERIODS, leaderboard, points_total, rank_of


@login_required
def leaderboard_view(request: AuthedRequest) -> HttpResponse:
    """Who brought the most this week, month, quarter or ever; your own rank always shown."""
    period = request.GET.get("period", "month")
    if period not in PERIODS:
        period = "month"
    days = PERIODS[period]
    teams = list(Team.objects.all())
    team_id = None
    team_param = request.GET.get("team", "")
    if team_param.isdigit() and any(team.pk == int(team_param) for team in teams):
        team_id = int(team_param)
    context = {
        "standings": leaderboard(days=days, team_id=team_id),
        "period": period,
        "periods": list(PERIODS),
        "teams": teams,
        "team_id": team_id,
        "my_points": points_total(request.user, days),
        "my_rank": rank_of(request.user, days=days),
    }
    return render(request, "recognition/leaderboard.html", context)
