from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from passaparola.lib.bounds import id_param
from passaparola.lib.charts import Bar
from passaparola.people.access import can_manage_programme, can_view_insights
from passaparola.people.http import AuthedRequest
from passaparola.people.models import Team
from passaparola.recognition import journey
from passaparola.recognition.forms import (
    BadgeForm,
    ChallengeForm,
    DeclineForm,
    JourneySettingsForm,
    KudosForm,
    PointsSchemeForm,
    PreferencesForm,
    RewardForm,
)
from passaparola.recognition.models import RewardClaim
from passaparola.recognition.periods import period_start, utc_day
from passaparola.recognition.selectors import (
    access_badge_for_managing,
    access_challenge_by_person,
    access_challenge_for_managing,
    access_claim_by_owner,
    access_claim_for_managing,
    access_kudos_recipient,
    access_nudge_recipient,
    access_reward_by_person,
    access_reward_for_managing,
    badge_catalogue,
    badges_of,
    can_send_kudos,
    challenge_view,
    challenges_visible_to,
    claims_for_managers,
    claims_of,
    journey_distribution,
    journey_history,
    journey_of,
    leaderboard,
    period_navigation,
    points_available,
    points_balance,
    points_history,
    points_reserved,
    points_total,
    rank_of,
    resolve_period,
    rewards_catalogue,
    team_board,
    team_week,
)
from passaparola.recognition.services import (
    RecognitionError,
    badge_create,
    badge_update,
    badges_create_defaults,
    challenge_create,
    challenge_update,
    journey_settings_get,
    journey_settings_update,
    kudos_send,
    leaderboard_visibility_set,
    participation_pause,
    participation_resume,
    personal_nudge_send,
    reward_claim,
    reward_claim_approve,
    reward_claim_cancel,
    reward_claim_decline,
    reward_create,
    reward_update,
    scheme_get,
    scheme_update,
)


def _require_manager(request: AuthedRequest) -> None:
    if not can_manage_programme(request.user):
        raise Http404


# ---------------------------------------------------------------------------------------------
# Boards


@login_required
def leaderboard_view(request: AuthedRequest) -> HttpResponse:
    """Who brought the most this week, month, quarter or ever; your own rank always shown."""
    period, start = resolve_period(request.GET.get("period"), request.GET.get("start"))
    teams = list(Team.objects.all())
    team_id = id_param(request.GET.get("team"))
    if not any(team.pk == team_id for team in teams):
        team_id = None
    by_teams = request.GET.get("view") == "teams"
    me = request.user
    context = {
        "period": period,
        "start": start,
        "is_current": start == period_start(period, utc_day()),
        "navigation": period_navigation(period, start),
        "periods": ["week", "month", "quarter", "all"],
        "teams": teams,
        "team_id": team_id,
        "by_teams": by_teams,
        "standings": [] if by_teams else leaderboard(period=period, start=start, team_id=team_id),
        "team_standings": team_board(period=period, start=start) if by_teams else [],
        "my_points": points_total(me, period=period, start=start),
        "my_rank": rank_of(me, period=period, start=start, team_id=team_id),
        "off_board": me.hide_from_leaderboards or me.is_paused,
    }
    return render(request, "recognition/leaderboard.html", context)


@login_required
def points_view(request: AuthedRequest) -> HttpResponse:
    """A person's own ledger: every line that gave or took points."""
    me = request.user
    context = {
        "entries": points_history(me, limit=100),
        "earned": points_total(me, period="all"),
        "balance": points_balance(me),
    }
    return render(request, "recognition/points.html", context)


@login_required
def preferences_view(request: AuthedRequest) -> HttpResponse:
    """Hide from the boards, or pause taking part altogether."""
    me = request.user
    form = PreferencesForm(
        # An empty POST is a real answer here: both boxes unticked.
        request.POST if request.method == "POST" else None,
        initial={"hide_from_leaderboards": me.hide_from_leaderboards, "paused": me.is_paused},
    )
    if request.method == "POST" and form.is_valid():
        hidden = form.cleaned_data["hide_from_leaderboards"]
        if hidden != me.hide_from_leaderboards:
            leaderboard_visibility_set(person=me, hidden=hidden)
        paused = form.cleaned_data["paused"]
        if paused and not me.is_paused:
            participation_pause(person=me)
        elif not paused and me.is_paused:
            participation_resume(person=me)
        messages.success(request, _("Your preferences are saved."))
        return redirect("recognition:preferences")
    return render(request, "recognition/preferences.html", {"form": form})


# ---------------------------------------------------------------------------------------------
# The journey


@login_required
def journey_view(request: AuthedRequest) -> HttpResponse:
    """Where you stand on the advocacy journey, and the one next step."""
    settings = journey_settings_get()
    context = {
        "journey": journey_of(request.user, settings),
        "badges": [view for view in badges_of(request.user) if view.awarded_at],
    }
    return render(request, "recognition/journey.html", context)


@login_required
def journey_overview(request: AuthedRequest) -> HttpResponse:
    """How many people stand at each stage, and how that moved (for managers and leadership)."""
    if not can_view_insights(request.user):
        raise Http404
    settings = journey_settings_get()
    days, history = journey_history(limit=8)
    if days and days[-1] == utc_day():
        current = {row.stage: row.counts[-1] for row in history}
        as_of = days[-1]
    else:
        current, as_of = journey_distribution(settings), None
    total = sum(current.values()) or 1
    top = max(current.values()) or 1
    bars = []
    for index, stage in enumerate(journey.ORDER):
        # A label column, then bars up to 270 units; the SVG is 440 units wide.
        bars.append(
            Bar(
                label=str(journey.Stage(stage).label),
                value=current[stage],
                x=130,
                y=index * 24 + 4,
                width=round(270 * current[stage] / top, 2),
                height=18,
            )
        )
    context = {
        "bars": bars,
        "rows": [
            {
                "stage": stage,
                "label": journey.Stage(stage).label,
                "people": current[stage],
                "share": round(100 * current[stage] / total),
            }
            for stage in journey.ORDER
        ],
        "as_of": as_of,
        "days": days,
        "history": history,
        "chart_height": len(journey.ORDER) * 24 + 8,
    }
    return render(request, "recognition/journey_overview.html", context)


# ---------------------------------------------------------------------------------------------
# Badges


@login_required
def badges_view(request: AuthedRequest) -> HttpResponse:
    """The badges you earned, and the ones still ahead."""
    views = badges_of(request.user)
    context = {
        "earned": [view for view in views if view.awarded_at],
        "ahead": [view for view in views if not view.awarded_at],
    }
    return render(request, "recognition/badges.html", context)


@login_required
def badge_catalogue_view(request: AuthedRequest) -> HttpResponse:
    """The catalogue of badges, for programme managers."""
    _require_manager(request)
    return render(request, "recognition/badge_catalogue.html", {"badges": badge_catalogue()})


@login_required
@require_POST
def badge_defaults_view(request: AuthedRequest) -> HttpResponse:
    """Put back the built-in badges that were removed."""
    _require_manager(request)
    created = badges_create_defaults()
    messages.success(request, _("%(count)s built-in badges were added.") % {"count": created})
    return redirect("recognition:badge_catalogue")


@login_required
def badge_new(request: AuthedRequest) -> HttpResponse:
    """Add a badge to the catalogue."""
    _require_manager(request)
    form = BadgeForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        badge_create(fields=form.cleaned_data)
        messages.success(request, _("The badge is in the catalogue."))
        return redirect("recognition:badge_catalogue")
    return render(request, "recognition/form.html", {"form": form, "title": _("New badge")})


@login_required
def badge_edit(request: AuthedRequest, badge_id: int) -> HttpResponse:
    """Change a badge of the catalogue."""
    badge = access_badge_for_managing(request.user, badge_id)
    form = BadgeForm(request.POST or None, request.FILES or None, instance=badge)
    if request.method == "POST" and form.is_valid():
        changed = {name: form.cleaned_data[name] for name in form.changed_data}
        if changed:
            badge_update(badge=access_badge_for_managing(request.user, badge_id), fields=changed)
        messages.success(request, _("The badge is saved."))
        return redirect("recognition:badge_catalogue")
    return render(request, "recognition/form.html", {"form": form, "title": _("Edit badge")})


# ---------------------------------------------------------------------------------------------
# Challenges


@login_required
def challenges_view(request: AuthedRequest) -> HttpResponse:
    """The challenges for you: running, coming and past."""
    now = timezone.now()
    challenges = list(challenges_visible_to(request.user))
    context = {
        "running": [
            challenge_view(c, request.user) for c in challenges if c.starts_at <= now < c.ends_at
        ],
        "upcoming": [c for c in challenges if now < c.starts_at],
        "past": [c for c in challenges if c.ends_at <= now][:20],
    }
    return render(request, "recognition/challenges.html", context)


@login_required
def challenge_detail(request: AuthedRequest, challenge_id: int) -> HttpResponse:
    """One challenge: your progress, everyone's, and who met the goal."""
    challenge = access_challenge_by_person(request.user, challenge_id)
    return render(
        request, "recognition/challenge.html", {"view": challenge_view(challenge, request.user)}
    )


def _challenge_fields(form: ChallengeForm) -> dict[str, object]:
    return {name: value for name, value in form.cleaned_data.items() if name != "posts"}


@login_required
def challenge_new(request: AuthedRequest) -> HttpResponse:
    """Set a new challenge."""
    _require_manager(request)
    now = timezone.localtime().replace(second=0, microsecond=0)
    form = ChallengeForm(
        request.POST or None, initial={"starts_at": now, "ends_at": now + timedelta(days=14)}
    )
    if request.method == "POST" and form.is_valid():
        challenge = challenge_create(
            by=request.user,
            fields=_challenge_fields(form),
            posts=list(form.cleaned_data["posts"]),
        )
        messages.success(request, _("The challenge is set."))
        return redirect("recognition:challenge", challenge.pk)
    return render(request, "recognition/form.html", {"form": form, "title": _("New challenge")})


@login_required
def challenge_edit(request: AuthedRequest, challenge_id: int) -> HttpResponse:
    """Change a challenge that has not closed."""
    challenge = access_challenge_for_managing(request.user, challenge_id)
    form = ChallengeForm(request.POST or None, instance=challenge)
    if request.method == "POST" and form.is_valid():
        try:
            challenge_update(
                challenge=access_challenge_for_managing(request.user, challenge_id),
                fields=_challenge_fields(form),
                posts=list(form.cleaned_data["posts"]),
            )
        except RecognitionError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The challenge is saved."))
        return redirect("recognition:challenge", challenge_id)
    return render(request, "recognition/form.html", {"form": form, "title": _("Edit challenge")})


# ---------------------------------------------------------------------------------------------
# Rewards


@login_required
def rewards_view(request: AuthedRequest) -> HttpResponse:
    """The rewards catalogue, your points to spend and your claims."""
    me = request.user
    context = {
        "rewards": rewards_catalogue(),
        "balance": points_balance(me),
        "reserved": points_reserved(me),
        "available": points_available(me),
        "claims": claims_of(me)[:50],
    }
    return render(request, "recognition/rewards.html", context)


@login_required
@require_POST
def reward_claim_view(request: AuthedRequest, reward_id: int) -> HttpResponse:
    """Claim a reward; a programme manager approves it."""
    reward = access_reward_by_person(request.user, reward_id)
    try:
        reward_claim(person=request.user, reward=reward)
    except RecognitionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Your claim is sent. You will hear when it is approved."))
    return redirect("recognition:rewards")


@login_required
@require_POST
def claim_cancel_view(request: AuthedRequest, claim_id: int) -> HttpResponse:
    """Withdraw your own claim while it waits."""
    claim = access_claim_by_owner(request.user, claim_id)
    try:
        reward_claim_cancel(claim=claim, person=request.user)
    except RecognitionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Your claim is withdrawn."))
    return redirect("recognition:rewards")


@login_required
def reward_catalogue_view(request: AuthedRequest) -> HttpResponse:
    """Every reward, for programme managers."""
    _require_manager(request)
    return render(
        request,
        "recognition/reward_catalogue.html",
        {"rewards": rewards_catalogue(include_inactive=True)},
    )


@login_required
def reward_new(request: AuthedRequest) -> HttpResponse:
    """Add a reward to the catalogue."""
    _require_manager(request)
    form = RewardForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        reward_create(fields=form.cleaned_data)
        messages.success(request, _("The reward is in the catalogue."))
        return redirect("recognition:reward_catalogue")
    return render(request, "recognition/form.html", {"form": form, "title": _("New reward")})


@login_required
def reward_edit(request: AuthedRequest, reward_id: int) -> HttpResponse:
    """Change a reward."""
    reward = access_reward_for_managing(request.user, reward_id)
    form = RewardForm(request.POST or None, instance=reward)
    if request.method == "POST" and form.is_valid():
        changed = {name: form.cleaned_data[name] for name in form.changed_data}
        if changed:
            reward_update(
                reward=access_reward_for_managing(request.user, reward_id), fields=changed
            )
        messages.success(request, _("The reward is saved."))
        return redirect("recognition:reward_catalogue")
    return render(request, "recognition/form.html", {"form": form, "title": _("Edit reward")})


@login_required
def claims_view(request: AuthedRequest) -> HttpResponse:
    """Claims waiting for a decision, and the decided ones."""
    _require_manager(request)
    context = {
        "pending": claims_for_managers(state=RewardClaim.State.PENDING),
        "decided": claims_for_managers().exclude(state=RewardClaim.State.PENDING)[:100],
        "decline_form": DeclineForm(),
    }
    return render(request, "recognition/claims.html", context)


@login_required
@require_POST
def claim_approve_view(request: AuthedRequest, claim_id: int) -> HttpResponse:
    """Approve a claim: the points are deducted once and the stock goes down by one."""
    claim = access_claim_for_managing(request.user, claim_id)
    try:
        reward_claim_approve(claim=claim, by=request.user)
    except RecognitionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The claim is approved."))
    return redirect("recognition:claims")


@login_required
@require_POST
def claim_decline_view(request: AuthedRequest, claim_id: int) -> HttpResponse:
    """Decline a claim, with a reason the person sees."""
    claim = access_claim_for_managing(request.user, claim_id)
    form = DeclineForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The reason can be at most 300 characters."))
        return redirect("recognition:claims")
    try:
        reward_claim_decline(claim=claim, by=request.user, note=form.cleaned_data["note"])
    except RecognitionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The claim is declined."))
    return redirect("recognition:claims")


# ---------------------------------------------------------------------------------------------
# Kudos


@login_required
def kudos_view(request: AuthedRequest) -> HttpResponse:
    """For team leads: what your people did this week, and a way to thank them."""
    if not can_send_kudos(request.user):
        raise Http404
    until = timezone.now()
    since = until - timedelta(days=7)
    rows = team_week(request.user, since=since, until=until)
    if can_manage_programme(request.user):
        rows = [row for row in rows if row.visits or row.shares][:50]
    context = {"rows": rows, "since": since.date(), "form": KudosForm()}
    return render(request, "recognition/kudos.html", context)


@login_required
@require_POST
def kudos_send_view(request: AuthedRequest, person_id: int) -> HttpResponse:
    """Send kudos to a member of a team you lead."""
    recipient = access_kudos_recipient(request.user, person_id)
    form = KudosForm(request.POST)
    if not form.is_valid():
        messages.error(request, str(form.errors["message"][0]))
        return redirect("recognition:kudos")
    try:
        kudos_send(sender=request.user, recipient=recipient, message=form.cleaned_data["message"])
    except RecognitionError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("Your kudos are on their way to %(name)s.") % {"name": recipient.name}
        )
    return redirect("recognition:kudos")


@login_required
@require_POST
def nudge_send(request: AuthedRequest, person_id: int) -> HttpResponse:
    """Send someone on the people at risk page one friendly private message."""
    person = access_nudge_recipient(request.user, person_id)
    try:
        personal_nudge_send(person=person, by=request.user)
    except RecognitionError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("A friendly message is on its way to %(name)s.") % {"name": person.name}
        )
    return redirect("insights:at_risk")


# ---------------------------------------------------------------------------------------------
# Settings


@login_required
def settings_view(request: AuthedRequest) -> HttpResponse:
    """The points scheme and the journey thresholds, for programme managers."""
    _require_manager(request)
    context = {
        "scheme_form": PointsSchemeForm(instance=scheme_get()),
        "journey_form": JourneySettingsForm(instance=journey_settings_get()),
    }
    return render(request, "recognition/settings.html", context)


@login_required
@require_POST
def scheme_save(request: AuthedRequest) -> HttpResponse:
    """Save the points scheme."""
    _require_manager(request)
    form = PointsSchemeForm(request.POST, instance=scheme_get())
    if not form.is_valid():
        context = {
            "scheme_form": form,
            "journey_form": JourneySettingsForm(instance=journey_settings_get()),
        }
        return render(request, "recognition/settings.html", context, status=400)
    changed = form.changed_fields()
    if changed:
        # A fresh copy: the form has already written into its instance.
        scheme_update(scheme=scheme_get(), fields=changed)
    messages.success(request, _("The points scheme is saved."))
    return redirect("recognition:settings")


@login_required
@require_POST
def journey_settings_save(request: AuthedRequest) -> HttpResponse:
    """Save the journey thresholds."""
    _require_manager(request)
    form = JourneySettingsForm(request.POST, instance=journey_settings_get())
    if not form.is_valid():
        context = {"scheme_form": PointsSchemeForm(instance=scheme_get()), "journey_form": form}
        return render(request, "recognition/settings.html", context, status=400)
    changed = {name: form.cleaned_data[name] for name in form.changed_data}
    if changed:
        journey_settings_update(settings=journey_settings_get(), fields=changed)
    messages.success(request, _("The journey thresholds are saved."))
    return redirect("recognition:settings")
