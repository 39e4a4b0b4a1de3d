"""Leadership participation: the people marked as leadership, as their own group.

The seeds say leaders must lead by example; this shows whether they do: how many of them
took part in the period, what they shared, and what it brought. Read from the daily figures
(closed days) and today's raw rows, through the same helpers as the rest of the dashboard.
"""

from collections import defaultdict
from dataclasses import dataclass, field, replace

from django.db.models import Sum

from passaparola.content.models import Post
from passaparola.insights import figures
from passaparola.insights.figures import Scope
from passaparola.insights.privacy import individuals_visible, own_rows
from passaparola.insights.rollups import Figures
from passaparola.people.access import insight_teams_for
from passaparola.people.models import Person
from passaparola.people.selectors import people_in_teams

TOP_POSTS = 5
SUMMED = ("shares", "human_clicks", "leads", "actions")


@dataclass
class LeaderRow:
    person: Person
    shares: int = 0
    human_clicks: int = 0
    leads: int = 0
    actions: int = 0


@dataclass
class Leadership:
    people: int = 0  # people marked as leadership, in the teams looked at
    active: int = 0  # of them, who took a step themselves in the period
    sharing: int = 0  # of them, who shared
    shares: int = 0
    posts: int = 0  # different posts they shared
    human_clicks: int = 0
    leads: int = 0
    top_posts: list[tuple[Post, int]] = field(default_factory=list)  # most shared by them
    rows: list[LeaderRow] = field(default_factory=list)  # who took part; privacy permitting
    individuals_hidden: bool = False

    @property
    def inactive(self) -> int:
        return self.people - self.active


def _teams_for(viewer: Person, scope: Scope) -> set[int] | None:
    """The teams the viewer may read within the scope's filter (None: every team)."""
    allowed = insight_teams_for(viewer)
    if allowed is None:
        return set(scope.teams) or None
    return allowed & set(scope.teams) if scope.teams else allowed


@figures.one_reading()
def leadership_figures(scope: Scope, *, viewer: Person) -> Leadership:
    """Return the leadership group's figures for the scope, within the viewer's teams."""
    teams = _teams_for(viewer, scope)
    leaders_qs = people_in_teams(teams).filter(is_leadership=True)
    if scope.people:
        leaders_qs = leaders_qs.filter(pk__in=scope.people)
    leaders = {person.pk: person for person in leaders_qs.order_by("name")}
    result = Leadership(people=len(leaders))
    if not leaders:
        # Never ask with an empty people filter: it means everyone.
        return result
    # The leaders are the filter; their teams are already taken into account.
    scope = replace(scope, teams=(), people=tuple(sorted(leaders)))
    per_person: dict[int, Figures] = defaultdict(Figures)
    per_post: dict[int, int] = defaultdict(int)
    closed = figures.read_rows(scope)
    for row in closed.values("person_id").annotate(**{name: Sum(name) for name in SUMMED}):
        for name in SUMMED:
            setattr(per_person[row["person_id"]], name, row[name] or 0)
    for shared in (
        closed.filter(shares__gt=0, post_id__isnull=False)
        .values("post_id")
        .annotate(n=Sum("shares"))
    ):
        per_post[shared["post_id"]] += shared["n"]
    today = figures.today_groups(scope)
    if today is not None:
        for (person_id, today_post, _network), found in today.groups.items():
            mine = per_person[person_id]
            for name in SUMMED:
                setattr(mine, name, getattr(mine, name) + getattr(found, name))
            if today_post is not None and found.shares:
                per_post[today_post] += found.shares
    rows = [
        LeaderRow(leaders[pk], found.shares, found.human_clicks, found.leads, found.actions)
        for pk, found in per_person.items()
        if pk in leaders and (found.actions or found.shares)
    ]
    rows.sort(key=lambda row: (-row.shares, -row.human_clicks, row.person.name))
    result.active = len(rows)
    result.sharing = sum(1 for row in rows if row.shares)
    for name in ("shares", "human_clicks", "leads"):
        setattr(result, name, sum(getattr(found, name) for found in per_person.values()))
    result.posts = len(per_post)
    ranked = sorted(per_post.items(), key=lambda item: (-item[1], item[0]))[:TOP_POSTS]
    titles = Post.objects.in_bulk([post_id for post_id, _shares in ranked])
    result.top_posts = [(titles[pk], shares) for pk, shares in ranked if pk in titles]
    result.individuals_hidden = not individuals_visible(viewer, len(leaders))
    result.rows = own_rows(
        viewer, rows, group_size=len(leaders), person_of=lambda row: row.person.pk
    )
    return result
