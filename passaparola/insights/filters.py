"""The period and filters of every insights page, read from the address so a view can be shared.

Every value is optional and checked: one that is not valid, or names something the viewer may
not see, is left out and shown with its error; the page then shows the rest. Never a 500.
"""

from dataclasses import dataclass, field
from typing import Any, cast
from urllib.parse import urlencode

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from passaparola.content.models import Post, Topic
from passaparola.insights import periods
from passaparola.insights.periods import Period
from passaparola.lib.bounds import FIRST_DAY, DayField, IdField
from passaparola.networks.catalogue import NETWORKS
from passaparola.people.access import access_insights_by_person
from passaparola.people.http import AuthedRequest
from passaparola.people.models import Membership, Person, Team

# The names each filter has in the address; the same on every insights page.
PERIOD_PARAMS = ("period", "start", "end", "compare")
PARAMS = (*PERIOD_PARAMS, "team", "network", "topic", "type", "post", "person")


class DateInput(forms.DateInput):
    input_type = "date"


class PeriodForm(forms.Form):
    """The period and the comparison of an insights page (a GET form): one person's impact."""

    period = forms.ChoiceField(label=_("Period"), required=False)
    start = DayField(label=_("From"), required=False, widget=DateInput)
    end = DayField(label=_("To"), required=False, widget=DateInput)
    compare = forms.BooleanField(label=_("Compare with the previous period"), required=False)

    # Whose figures the page may count: None for everyone (a period alone filters nobody out).
    teams: frozenset[int] | None = None
    post_title = ""
    person_name = ""

    def __init__(self, data: Any = None, *, today: Any = None) -> None:
        super().__init__(data)
        self.today = today
        cast(forms.ChoiceField, self.fields["period"]).choices = [
            *((key, label) for key, label in periods.PRESETS.items()),
            (periods.CUSTOM, periods.CUSTOM_LABEL),
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        key = data.get("period") or (periods.CUSTOM if start or end else periods.DEFAULT)
        if key == periods.CUSTOM:
            if "start" in self.errors or "end" in self.errors:
                data["period"] = ""
            elif start is None or end is None:
                self.add_error("end" if start else "start", _("Choose both days of the range."))
                data["period"] = ""
            else:
                try:
                    data["custom"] = periods.custom(start, end)
                except ValidationError as error:
                    self.add_error("end", error)
                    data["period"] = ""
        return data

    def chosen_period(self) -> Period:
        """Return the period asked for, or the default one when that was not valid."""
        data = getattr(self, "cleaned_data", {})
        if data.get("custom") is not None:
            return cast(Period, data["custom"])
        key = data.get("period")
        return periods.preset(key if key in periods.PRESETS else periods.DEFAULT, today=self.today)


class InsightFilterForm(PeriodForm):
    """Period, comparison and filters of an insights page (a GET form)."""

    team = IdField(label=_("Team"), required=False, widget=forms.Select)
    network = forms.ChoiceField(label=_("Network"), required=False)
    topic = IdField(label=_("Topic"), required=False, widget=forms.Select)
    type = forms.ChoiceField(label=_("Content type"), required=False)
    post = IdField(required=False, widget=forms.HiddenInput)
    person = IdField(required=False, widget=forms.HiddenInput)

    def __init__(
        self, data: Any = None, *, teams: frozenset[int] | None = None, today: Any = None
    ) -> None:
        super().__init__(data, today=today)
        # None: the whole programme; a set: a team lead, who reads only the teams they lead.
        self.teams = teams
        team_rows = Team.objects.order_by("name").values_list("pk", "name")
        if teams is not None:
            team_rows = team_rows.filter(pk__in=teams)
        all_teams = _("All my teams") if teams is not None else _("All teams")
        self.fields["team"].widget.choices = [("", all_teams), *team_rows]
        self._choices("network").choices = [
            ("", _("All networks")),
            *((key, network.label) for key, network in NETWORKS.items()),
        ]
        self.fields["topic"].widget.choices = [
            ("", _("All topics")),
            *Topic.objects.order_by("name").values_list("pk", "name"),
        ]
        self._choices("type").choices = [("", _("All content types")), *Post.Type.choices]

    def _choices(self, name: str) -> forms.ChoiceField:
        return cast(forms.ChoiceField, self.fields[name])

    def clean_team(self) -> int | None:
        team: int | None = self.cleaned_data.get("team")
        choices = {value for value, _label in self.fields["team"].widget.choices}
        if team is not None and team not in choices:
            raise ValidationError(_("Choose one of the teams in the list."), code="invalid_choice")
        return team

    def clean_topic(self) -> int | None:
        topic: int | None = self.cleaned_data.get("topic")
        choices = {value for value, _label in self.fields["topic"].widget.choices}
        if topic is not None and topic not in choices:
            raise ValidationError(_("Choose one of the topics in the list."), code="invalid_choice")
        return topic

    def clean_post(self) -> int | None:
        post: int | None = self.cleaned_data.get("post")
        if post is not None:
            title = Post.objects.filter(pk=post).values_list("title", flat=True).first()
            if title is None:
                raise ValidationError(_("There is no such post."), code="invalid_choice")
            self.post_title = title
        return post

    def clean_person(self) -> int | None:
        person: int | None = self.cleaned_data.get("person")
        if person is not None:
            people = Person.objects.filter(pk=person, is_active=True)
            if self.teams is not None:
                led = Membership.objects.filter(team_id__in=self.teams).values("person_id")
                people = people.filter(pk__in=led)
            name = people.values_list("name", flat=True).first()
            if name is None:
                raise ValidationError(_("There is no such person among yours."), "invalid_choice")
            self.person_name = name
        return person


@dataclass(frozen=True)
class InsightFilters:
    """What an insights page shows: a period, what to compare with, and who and what to count.

    Empty tuples mean "no filter". `team_ids` holds the chosen team or, for a team lead who
    chose none, every team they lead: it always bounds whom the page may count.
    """

    period: Period
    previous: Period | None = None
    team_ids: tuple[int, ...] = ()
    networks: tuple[str, ...] = ()
    topic_ids: tuple[int, ...] = ()
    content_types: tuple[str, ...] = ()
    post_ids: tuple[int, ...] = ()
    person_ids: tuple[int, ...] = ()
    # True for a team lead: the page counts only their teams' people.
    team_lead_view: bool = False
    form: PeriodForm | None = field(default=None, compare=False, repr=False)

    @property
    def query(self) -> str:
        """Return the query string that asks for these filters again (for links and exports)."""
        pairs: list[tuple[str, str]] = []
        if self.period.key == periods.CUSTOM:
            pairs += [
                ("start", self.period.start.isoformat()),
                ("end", self.period.end.isoformat()),
            ]
        elif self.period.key != periods.DEFAULT:
            pairs.append(("period", self.period.key))
        if self.previous is not None:
            pairs.append(("compare", "on"))
        chosen = self._chosen()
        for name in ("team", "network", "topic", "type", "post", "person"):
            if chosen.get(name) not in (None, ""):
                pairs.append((name, str(chosen[name])))
        return urlencode(pairs)

    @property
    def chips(self) -> list[dict[str, str]]:
        """Return the post and person filters, set from links, each with a link that drops it."""
        form = self.form
        chips = []
        for name, values, label, text in (
            ("post", self.post_ids, _("Post"), form.post_title if form else ""),
            ("person", self.person_ids, _("Person"), form.person_name if form else ""),
        ):
            if values:
                query = "&".join(
                    pair for pair in self.query.split("&") if not pair.startswith(f"{name}=")
                )
                chips.append({"label": str(label), "text": text, "query": query})
        return chips

    def _chosen(self) -> dict[str, Any]:
        single = {
            "network": self.networks,
            "topic": self.topic_ids,
            "type": self.content_types,
            "post": self.post_ids,
            "person": self.person_ids,
        }
        chosen: dict[str, Any] = {name: values[0] for name, values in single.items() if values}
        if self.team_ids and not (self.team_lead_view and len(self.team_ids) > 1):
            chosen["team"] = self.team_ids[0]
        return chosen

    def described(self) -> dict[str, object]:
        """Return the filters as plain values for the audit log (ids, never names)."""
        return {
            "period": self.period.key,
            "start": self.period.start.isoformat(),
            "end": self.period.end.isoformat(),
            "compare": self.previous is not None,
            **{name: value for name, value in self._chosen().items()},
            "team_lead_view": self.team_lead_view,
        }


def filters_from_form(form: PeriodForm) -> InsightFilters:
    """Return the filters of a form, leaving out every value it refused."""
    # Run the checks; a form with errors keeps, in cleaned_data, the values it accepted.
    form.is_valid()
    data: dict[str, Any] = getattr(form, "cleaned_data", {})
    period = form.chosen_period()
    previous = period.previous() if data.get("compare") else None
    if previous is not None and previous.start < FIRST_DAY:
        previous = None
    team = data.get("team")
    if team is not None:
        team_ids: tuple[int, ...] = (team,)
    elif form.teams is not None:
        team_ids = tuple(sorted(form.teams))
    else:
        team_ids = ()
    return InsightFilters(
        period=period,
        previous=previous,
        team_ids=team_ids,
        networks=(data["network"],) if data.get("network") else (),
        topic_ids=(data["topic"],) if data.get("topic") is not None else (),
        content_types=(data["type"],) if data.get("type") else (),
        post_ids=(data["post"],) if data.get("post") is not None else (),
        person_ids=(data["person"],) if data.get("person") is not None else (),
        team_lead_view=form.teams is not None,
        form=form,
    )


def filters_from_request(request: AuthedRequest) -> InsightFilters:
    """Return the filters an insights page was asked for; Http404 for those who read none."""
    teams = access_insights_by_person(request.user)
    data = {name: request.GET[name] for name in PARAMS if name in request.GET}
    form = InsightFilterForm(data or None, teams=teams)
    return filters_from_form(form)


def period_from_request(request: AuthedRequest) -> InsightFilters:
    """Return the period (and comparison) a person's impact page was asked for.

    Only the period: the page is about one person, whom the view has already checked.
    """
    data = {name: request.GET[name] for name in PERIOD_PARAMS if name in request.GET}
    return filters_from_form(PeriodForm(data or None))
