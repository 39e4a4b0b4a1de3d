"""Load a living demo programme (Acme Voices) so every page has something real to show."""

import random
import time
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.db.models import Max, Sum
from django.utils import timezone

from passaparola.activity.models import Activity, Verb
from passaparola.content.models import Caption, Comment, Post, Reaction, Suggestion
from passaparola.insights.rollups import rollup_changed
from passaparola.lib.bots import is_bot
from passaparola.networks.catalogue import NETWORKS
from passaparola.notifications.models import Notification
from passaparola.people.models import Membership, Person, Role, Team
from passaparola.programme.models import Programme
from passaparola.programme.selectors import programme_get
from passaparola.recognition.listener import activities_process
from passaparola.recognition.models import (
    Action,
    BadgeAward,
    Challenge,
    PointsEntry,
    Reward,
    RewardClaim,
)
from passaparola.recognition.periods import period_start, utc_day
from passaparola.recognition.services import (
    RecognitionError,
    badges_create_defaults,
    challenge_close,
    challenge_create,
    journey_snapshot_take,
    kudos_send,
    reward_claim,
    reward_claim_approve,
    reward_claim_decline,
    reward_create,
    validation_messages_send,
)
from passaparola.sharing.models import Share, ShortLink
from passaparola.tracking.models import Click, ClickCursor, Conversion
from passaparola.tracking.services import clicks_process

DOMAIN = "demo.passaparola.test"
ADMIN_EMAIL = f"admin@{DOMAIN}"
# A public demo password, printed on purpose so a newcomer can log in.
PASSWORD = "demo-passaparola"  # noqa: S105
SEED = 2026
DAYS = 60

TEAMS = ["Sales", "Marketing", "Engineering", "Customer Success", "Leadership"]

# The people a newcomer logs in as come first: (name, email local part, role, team, language).
KEY_PEOPLE: list[tuple[str, str, str, str, str]] = [
    ("Giulia Romano", "admin", Role.ADMIN, "Marketing", "en"),
    ("Sanne de Vries", "editor", Role.EDITOR, "Marketing", ""),
    ("Oliver Bennett", "", Role.EDITOR, "Marketing", "en"),
    ("Margaret Ellis", "viewer", Role.VIEWER, "Leadership", "en"),
    ("Marco Bianchi", "lead", Role.LEAD, "Sales", "en"),
    ("Emma Visser", "", Role.LEAD, "Marketing", "nl"),
    ("James Whitfield", "", Role.LEAD, "Engineering", "en"),
    ("Chiara Esposito", "", Role.LEAD, "Customer Success", "it"),
    ("Pieter Jansen", "", Role.LEAD, "Leadership", "nl"),
    ("Lotte Bakker", "member", Role.MEMBER, "Sales", ""),
]

MEMBER_NAMES: dict[str, list[str]] = {
    "it": [
        "Alessandro Ricci", "Francesca Colombo", "Luca Marino", "Sofia Greco", "Matteo Bruno",
        "Elena Gallo", "Davide Conti", "Martina De Luca", "Andrea Mancini", "Valentina Costa",
        "Niccolò Fontana", "Federica Moretti", "Stefano Barbieri", "Giorgia Lombardi",
        "Simone Rinaldi", "Alessia Caruso", "Lorenzo Ferrara",
    ],
    "nl": [
        "Daan Smit", "Femke de Boer", "Thijs Mulder", "Anouk de Groot", "Bram Bos", "Eva Vos",
        "Sem Peters", "Iris Hendriks", "Ruben van Leeuwen", "Noor Dekker", "Jesse van Dijk",
        "Fleur Meijer", "Lars Brouwer", "Maartje de Wit", "Joost van den Berg", "Lieke Dijkstra",
    ],
    "en": [
        "Charlotte Hughes", "Harry Patel", "Amelia Walker", "George Thompson", "Isla Robinson",
        "Jack Wright", "Olivia Clarke", "Thomas Hall", "Grace Edwards", "William Turner",
        "Sophie Green", "Daniel Cooper", "Hannah Morgan", "Samuel Price", "Chloe Ward",
        "Benjamin Hayes", "Ava Mitchell",
    ],
}  # fmt: skip

# Members land in departments roughly as a mid-size software company is staffed.
TEAM_WEIGHTS = {
    "Sales": 14,
    "Marketing": 8,
    "Engineering": 16,
    "Customer Success": 10,
    "Leadership": 3,
}

COMPANY, INDUSTRY, EMPLOYEE = Post.Type.COMPANY, Post.Type.INDUSTRY, Post.Type.EMPLOYEE
ACME = "https://acme.example"
EXAMPLE = "https://example.com"

# (content type, title, description, url, target teams: empty means everyone)
POSTS: list[tuple[str, str, str, str, tuple[str, ...]]] = [
    (COMPANY, "Acme opens its new Amsterdam office on the IJ",
     "Eighty desks, a roof terrace and room to double the Benelux team by next year.",
     f"{ACME}/news/amsterdam-office", ()),
    (COMPANY, "Introducing Acme Route 5: planning that learns from every delivery",
     "Route 5 compares every plan with what really happened on the road and gets better each week.",
     f"{ACME}/product/route-5", ()),
    (COMPANY, "Acme named a Leader in the 2026 Warehouse Software Landscape",
     "Analysts scored us highest for ease of rollout and customer support.",
     f"{ACME}/news/leader-2026-landscape", ()),
    (COMPANY, "Q1 in numbers: 40 new customers and our best retention yet",
     "A look at the quarter: where we grew, what customers asked for, and what comes next.",
     f"{ACME}/news/q1-2026-results", ("Leadership", "Sales")),
    (COMPANY, "Acme and Ferrovie Nord partner on low-emission freight planning",
     "Together we will plan combined rail and road routes for shippers in northern Italy.",
     f"{ACME}/news/ferrovie-nord-partnership", ()),
    (COMPANY, "How Van Dijk Logistics cut empty kilometres by 18% with Acme",
     "A family carrier from Rotterdam on what changed after six months with Acme Route.",
     f"{ACME}/customers/van-dijk-logistics", ("Sales", "Customer Success")),
    (COMPANY, "Acme achieves ISO 27001 certification for all three offices",
     "Milan, Amsterdam and London passed the audit: what it means for our customers' data.",
     f"{ACME}/news/iso-27001", ()),
    (COMPANY, "Join us at LogiMAT 2026: hall 8, stand C42",
     "Come and see Route 5 live, and meet the team that built it.",
     f"{ACME}/events/logimat-2026", ()),
    (COMPANY, "Webinar: planning peak season without overtime",
     "Forty-five minutes with two of our customers on planning the busiest weeks of the year.",
     f"{ACME}/events/webinar-peak-season", ("Sales", "Customer Success")),
    (COMPANY, "Our 2025 sustainability report: where we met our goals and where we did not",
     "Emissions, travel, suppliers and the targets we missed, in plain numbers.",
     f"{ACME}/sustainability/report-2025", ()),
    (COMPANY, "Acme Route now speaks Italian, Dutch and German",
     "Planners and drivers can now use every screen of Route in their own language.",
     f"{ACME}/product/route-languages", ()),
    (COMPANY, "Customer story: how Northgate Foods ships 12,000 orders a day",
     "Chilled and frozen, from one warehouse, with two planners and Acme Dock.",
     f"{ACME}/customers/northgate-foods", ()),
    (COMPANY, "We are hiring 25 engineers in Milan and Amsterdam",
     "Backend, data and mobile roles, hybrid, with a relocation package.",
     f"{ACME}/careers/engineering-2026", ()),
    (COMPANY, "Acme joins the Open Logistics Data Initiative",
     "We are committing our route data formats to an open standard.",
     f"{ACME}/news/open-logistics-data", ()),
    (COMPANY, "New in Acme Dock: real-time yard visibility",
     "See every trailer on the yard, its dock slot and its waiting time, as it happens.",
     f"{ACME}/product/dock-yard-visibility", ()),
    (COMPANY, "Acme Connect returns to Milan on 14 May",
     "Our customer conference: talks, workshops and a dinner on the Navigli.",
     f"{ACME}/events/acme-connect-2026", ()),
    (INDUSTRY, "Five trends reshaping European last-mile delivery in 2026",
     "Parcel lockers, cargo bikes and low-emission zones are changing the last mile.",
     f"{EXAMPLE}/research/last-mile-trends-2026", ()),
    (INDUSTRY, "Why warehouse robots still need good planners",
     "Automation moves the bottleneck; it does not remove it.",
     f"{EXAMPLE}/insights/robots-need-planners", ()),
    (INDUSTRY, "The real cost of empty kilometres in road freight",
     "One truck in five drives empty in Europe. What that costs, and who pays.",
     f"{EXAMPLE}/analysis/empty-kilometres", ()),
    (INDUSTRY, "What the EU's new emissions reporting rules mean for shippers",
     "From 2026 shippers report transport emissions per shipment. A practical summary.",
     f"{EXAMPLE}/policy/eu-emissions-reporting", ()),
    (INDUSTRY, "Reshoring, nearshoring and the return of the regional warehouse",
     "Supply chains are getting shorter, and warehouses are moving closer to customers.",
     f"{EXAMPLE}/insights/regional-warehouses", ()),
    (INDUSTRY, "A practical guide to forecasting demand after a bad year",
     "How to stop last year's disruption from distorting next year's plan.",
     f"{EXAMPLE}/guides/forecasting-after-disruption", ()),
    (INDUSTRY, "Rail or road? The numbers behind intermodal freight",
     "Cost, time and emissions on six European corridors, compared.",
     f"{EXAMPLE}/analysis/intermodal-numbers", ()),
    (INDUSTRY, "How AI planning tools are changing the dispatcher's job",
     "Dispatchers spend less time on puzzles and more on exceptions and people.",
     f"{EXAMPLE}/insights/ai-and-dispatchers", ()),
    (INDUSTRY, "Cold chain logistics: lessons from the pharmaceutical industry",
     "What food distributors can borrow from the strictest supply chain there is.",
     f"{EXAMPLE}/insights/cold-chain-lessons", ()),
    (INDUSTRY, "The driver shortage is a planning problem too",
     "Better schedules keep drivers longer. The data from 40 European carriers.",
     f"{EXAMPLE}/research/driver-shortage-planning", ()),
    (INDUSTRY, "Benchmark: order accuracy across 300 European warehouses",
     "The median, the best, and what the best do differently.",
     f"{EXAMPLE}/research/order-accuracy-benchmark", ("Customer Success", "Engineering")),
    (INDUSTRY, "Green warehouses: what actually reduces energy use",
     "Solar roofs get the headlines; lighting, doors and scheduling get the savings.",
     f"{EXAMPLE}/insights/green-warehouses", ()),
    (INDUSTRY, "Returns are the new peak season",
     "Online returns now peak in January. How warehouses are adapting.",
     f"{EXAMPLE}/analysis/returns-peak", ()),
    (INDUSTRY, "Data sharing between shippers and carriers: a primer",
     "Which data to share, in what format, and how to keep control of it.",
     f"{EXAMPLE}/guides/shipper-carrier-data", ()),
    (EMPLOYEE, "A day in the life of a Customer Success manager in Milan",
     "Chiara on onboarding calls, warehouse visits and the best espresso near the office.",
     f"{ACME}/life/day-in-customer-success", ()),
    (EMPLOYEE, "Meet the team behind Acme Route's new planning engine",
     "Six engineers, two countries, one very large optimisation problem.",
     f"{ACME}/life/route-engine-team", ()),
    (EMPLOYEE, "From warehouse floor to product manager: Noor's story",
     "Noor started as a picker; today she decides what Acme Dock does next.",
     f"{ACME}/life/noor-story", ()),
    (EMPLOYEE, "What we learned from our first four-day hackathon",
     "Twenty-two projects, three of them already in the product.",
     f"{ACME}/life/hackathon-2026", ("Engineering",)),
    (EMPLOYEE, "Acme volunteers planted 2,000 trees in the Veluwe",
     "Sixty of us spent a Saturday with spades instead of laptops.",
     f"{ACME}/life/veluwe-trees", ()),
    (EMPLOYEE, "Why we made Friday afternoons meeting-free",
     "Six months in: what happened to focus, to meetings and to the rest of the week.",
     f"{ACME}/life/meeting-free-fridays", ()),
    (EMPLOYEE, "Our engineering interns on their first three months",
     "Four interns on shipping code to production in their second week.",
     f"{ACME}/life/interns-2026", ()),
    (EMPLOYEE, "Parents at Acme: how we rebuilt our parental leave policy",
     "Sixteen weeks for every parent, in every country we work in.",
     f"{ACME}/life/parental-leave", ()),
    (EMPLOYEE, "Sales kick-off 2026: the photos",
     "Two days in Amsterdam, one boat trip, and a new record for the quiz.",
     f"{ACME}/life/sales-kickoff-2026", ("Sales",)),
    (EMPLOYEE, "Ask an engineer: how we test route plans before they reach a driver",
     "Simulated days, replayed traffic and a very patient test fleet.",
     f"{ACME}/life/testing-route-plans", ()),
]  # fmt: skip

DRAFTS: list[tuple[str, str, str, str, tuple[str, ...]]] = [
    (COMPANY, "Acme Route 5.1 release notes",
     "Faster re-planning, a new driver app and forty smaller improvements.",
     f"{ACME}/product/route-5-1", ()),
    (EMPLOYEE, "Behind the scenes of our London office move",
     "Boxes, plants and one lost coffee machine.",
     f"{ACME}/life/london-office-move", ()),
]  # fmt: skip

CAPTIONS: dict[str, list[str]] = {
    COMPANY: [
        "Big news from us at Acme: {title}",
        "Proud of the team that made this happen. {title}",
        "If you work in logistics, this one is worth a look.",
    ],
    INDUSTRY: [
        "A good read on where our industry is heading: {title}",
        "I keep coming back to this question. Curious what others in logistics think.",
        "Interesting numbers in here, especially for anyone who plans freight.",
    ],
    EMPLOYEE: [
        "This is why I like working at Acme.",
        "Meet some of my colleagues: {title}",
        "A look behind the scenes at Acme.",
    ],
}

HUMAN_AGENTS = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.4 Safari/605.1.15",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Mobile Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.67",
    "Mozilla/5.0 (Linux; Android 13; SM-S911B) AppleWebKit/537.36 (KHTML, like Gecko) "
    "SamsungBrowser/24.0 Chrome/117.0.0.0 Mobile Safari/537.36",
]

BOT_AGENTS = {
    "linkedin": (
        "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)"
    ),
    "facebook": "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
    "x": "Twitterbot/1.0",
    "slack": "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
    "whatsapp": "WhatsApp/2.23.20.0 A",
    "mastodon": "http.rb/5.1.1 (Mastodon/4.2.1; +https://mastodon.social/) Bot",
}

# Where people click from on each network; WhatsApp and many mail apps send no referrer.
REFERRERS = {
    "linkedin": ["www.linkedin.com", "www.linkedin.com", "lnkd.in"],
    "x": ["t.co"],
    "facebook": ["l.facebook.com", "m.facebook.com", "lm.facebook.com"],
    "whatsapp": [""],
    "email": ["", "", "mail.google.com", "outlook.live.com"],
}

# How often people pick each network when they share, LinkedIn first as in the seed articles.
NETWORK_WEIGHTS = {"linkedin": 45, "x": 12, "facebook": 10, "whatsapp": 18, "email": 15}
# How many visits a share brings on each network, relative to LinkedIn.
NETWORK_REACH = {"linkedin": 1.0, "x": 0.6, "facebook": 0.8, "whatsapp": 1.2, "email": 0.7}


@dataclass(frozen=True)
class Stage:
    """How much a person at one stage of the advocacy journey reads, shares and draws.

    The names are the journey's stages (recognition/journey.py, docs/journey.md); the ranges
    and the totals (`min_clicks`, `max_clicks`) keep each person inside their stage's
    thresholds with the default settings, so the demo shows every stage.
    """

    name: str
    people: int
    views: tuple[int, int] = (0, 0)
    interactions: tuple[int, int] = (0, 0)
    shares: tuple[int, int] = (0, 0)
    networks: tuple[int, int] = (1, 1)
    clicks: tuple[int, int] = (0, 0)
    min_clicks: int = 0
    max_clicks: int | None = None
    leads: tuple[int, int] = (0, 0)
    suggestions: tuple[int, int] = (0, 0)


# Many observers and readers, few ambassadors and influencers, as in a real programme.
STAGES = {
    stage.name: stage
    for stage in [
        Stage("observer", 12),
        Stage("reader", 11, views=(2, 10)),
        Stage("engaged", 6, views=(12, 25), interactions=(1, 5)),
        Stage("sharer", 8, views=(5, 15), interactions=(0, 2), shares=(1, 3)),
        Stage(
            "light_bulb", 7, views=(8, 20), interactions=(0, 2), shares=(2, 5), networks=(1, 2),
            clicks=(0, 3), min_clicks=1,
        ),
        Stage(
            "multi_channel", 5, views=(10, 25), interactions=(0, 3), shares=(5, 8),
            networks=(3, 4), clicks=(0, 2), min_clicks=1, max_clicks=24,
        ),
        Stage(
            "visible", 3, views=(15, 30), interactions=(1, 3), shares=(10, 14), networks=(3, 5),
            clicks=(2, 8), min_clicks=25, max_clicks=99,
        ),
        Stage(
            "conversation", 3, views=(15, 30), interactions=(1, 4), shares=(10, 14),
            networks=(3, 5), clicks=(3, 8), min_clicks=25, max_clicks=99, leads=(1, 2),
        ),
        Stage(
            "ambassador", 2, views=(20, 35), interactions=(2, 6), shares=(15, 22),
            networks=(4, 5), clicks=(5, 12), min_clicks=100, max_clicks=299, leads=(1, 2),
        ),
        Stage(
            "creator", 1, views=(20, 35), interactions=(2, 6), shares=(15, 22), networks=(4, 5),
            clicks=(5, 12), min_clicks=100, max_clicks=299, leads=(1, 2), suggestions=(1, 1),
        ),
        Stage(
            "influencer", 2, views=(25, 40), interactions=(3, 8), shares=(20, 32),
            networks=(5, 5), clicks=(10, 25), min_clicks=300, leads=(3, 5), suggestions=(1, 2),
        ),
    ]
}  # fmt: skip

COMMENTS = [
    "Great to see this out!",
    "Sharing this with my network today.",
    "Our customers asked about exactly this last week.",
    "Proud of the team behind this.",
    "Useful read, thanks for posting.",
]

# The stages of the people a newcomer logs in as, in the order of KEY_PEOPLE.
KEY_STAGES = [
    "multi_channel",  # admin: the programme manager leads by example
    "light_bulb",  # editor@
    "sharer",
    "reader",  # viewer@
    "visible",  # lead@
    "multi_channel",
    "sharer",
    "light_bulb",
    "reader",
    "influencer",  # member@: plenty of activity to show on the personal pages
]


def _email(name: str, local: str) -> str:
    if not local:
        ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
        local = ".".join(ascii_name.lower().split())
    return f"{local}@{DOMAIN}"


@dataclass
class Demo:
    """Builds the demo rows in memory with a seeded random source, then bulk-inserts them."""

    rng: random.Random
    now: datetime
    programme: Programme
    teams: dict[str, Team] = field(default_factory=dict)
    people: list[Person] = field(default_factory=list)
    stage_of: dict[int, Stage] = field(default_factory=dict)
    person_teams: dict[int, set[str]] = field(default_factory=dict)
    posts: list[Post] = field(default_factory=list)
    post_teams: dict[int, tuple[str, ...]] = field(default_factory=dict)
    captions: dict[int, list[str]] = field(default_factory=dict)
    activities: list[Activity] = field(default_factory=list)
    reactions: list[Reaction] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)

    def _between(self, start: datetime, mean_hours: float, cap_hours: float) -> datetime:
        """Return a moment after `start`, usually soon, never later than now."""
        delay = timedelta(hours=min(self.rng.expovariate(1 / mean_hours), cap_hours))
        moment = start + delay
        if moment >= self.now:
            # Too late for the demo's "now": land somewhere between start and now instead.
            moment = start + (self.now - start) * self.rng.uniform(0.05, 0.95)
        return moment

    def load(self) -> None:
        """Create teams, people, posts, then two months of reads, shares, clicks and leads,
        then recognition: points, badges, challenges, rewards, kudos and messages."""
        self._teams()
        self._people()
        self._posts()
        links = self._views_and_shares()
        human_clicks = self._clicks(links)
        self._leads(links, human_clicks)
        self._suggestions()
        Reaction.objects.bulk_create(self.reactions, batch_size=2000)
        Comment.objects.bulk_create(self.comments, batch_size=2000)
        Activity.objects.bulk_create(self.activities, batch_size=2000)
        self.counts["activities"] = len(self.activities)
        self._recognition()

    def _teams(self) -> None:
        for name in TEAMS:
            self.teams[name], _created = Team.objects.get_or_create(name=name)
        self.counts["teams"] = len(self.teams)

    def _people(self) -> None:
        # One hash for everyone: hashing 60 times would take most of the load time.
        password = make_password(PASSWORD)
        rows: list[tuple[str, str, str, str, str]] = list(KEY_PEOPLE)
        members = [(name, lang) for lang, names in MEMBER_NAMES.items() for name in names]
        self.rng.shuffle(members)
        for name, lang in members:
            # Some people leave the language blank and read in the programme's default.
            language = "" if self.rng.random() < 0.2 else lang
            team = self.rng.choices(list(TEAM_WEIGHTS), weights=list(TEAM_WEIGHTS.values()))[0]
            rows.append((name, "", Role.MEMBER, team, language))
        stages = [name for name, stage in STAGES.items() for _ in range(stage.people)]
        for taken in KEY_STAGES:
            stages.remove(taken)
        self.rng.shuffle(stages)
        stages = KEY_STAGES + stages
        people = []
        for (name, local, role, _team, language), stage in zip(rows, stages, strict=True):
            # Observers are often the latest to join; the rest joined before the demo's two months.
            days_ago = self.rng.randint(5, 90) if stage == "observer" else self.rng.randint(61, 95)
            people.append(
                Person(
                    email=_email(name, local),
                    name=name,
                    role=role,
                    language=language,
                    password=password,
                    # Like createsuperuser, so the demo admin can open the Django admin too.
                    is_staff=role == Role.ADMIN,
                    is_superuser=role == Role.ADMIN,
                    date_joined=self.now - timedelta(days=days_ago, hours=self.rng.randint(0, 9)),
                )
            )
        self.people = Person.objects.bulk_create(people)
        memberships = []
        for person, (_name, _local, role, team, _language), stage in zip(
            self.people, rows, stages, strict=True
        ):
            self.stage_of[person.pk] = STAGES[stage]
            names = {team}
            memberships.append(
                Membership(person=person, team=self.teams[team], is_lead=role == Role.LEAD)
            )
            # About one member in six also belongs to a second team (location, project).
            if role == Role.MEMBER and self.rng.random() < 0.18:
                second = self.rng.choice([t for t in TEAMS if t != team])
                names.add(second)
                memberships.append(Membership(person=person, team=self.teams[second]))
            self.person_teams[person.pk] = names
        Membership.objects.bulk_create(memberships)
        self.counts["people"] = len(self.people)
        self.counts["memberships"] = len(memberships)

    def _posts(self) -> None:
        editors = [person for person in self.people if person.role == Role.EDITOR]
        order = list(POSTS)
        self.rng.shuffle(order)
        posts: list[Post] = []
        specs: list[tuple[str, str, str, str, tuple[str, ...]]] = []
        local_now = timezone.localtime(self.now)
        for index, spec in enumerate(order):
            # Spread publishing over the two months, on working hours, oldest first.
            days_ago = DAYS - 1 - round(index * (DAYS - 2) / (len(order) - 1))
            day = local_now - timedelta(days=days_ago)
            published = day.replace(hour=self.rng.randint(8, 17), minute=self.rng.randint(0, 59))
            published = min(published, self.now - timedelta(hours=2))
            created = published - timedelta(hours=self.rng.randint(2, 72))
            posts.append(self._post(spec, editors, Post.State.PUBLISHED, created, published))
            specs.append(spec)
        for spec in DRAFTS:
            created = self.now - timedelta(
                days=self.rng.randint(1, 4), hours=self.rng.randint(1, 8)
            )
            posts.append(self._post(spec, editors, Post.State.DRAFT, created, None))
            specs.append(spec)
        self.posts = Post.objects.bulk_create(posts)
        through: list[Any] = []  # the generated model behind Post.teams
        captions: list[Caption] = []
        for post, (content_type, title, _desc, _url, teams) in zip(self.posts, specs, strict=True):
            self.post_teams[post.pk] = teams
            through.extend(
                Post.teams.through(post_id=post.pk, team_id=self.teams[name].pk) for name in teams
            )
            texts = [
                text.format(title=title)
                for text in self.rng.sample(CAPTIONS[content_type], self.rng.randint(1, 3))
            ]
            self.captions[post.pk] = texts
            captions.extend(Caption(post=post, text=text) for text in texts)
            if post.published_at is not None:
                self.activities.append(
                    Activity(
                        person_id=post.created_by_id,
                        verb=Verb.POST_PUBLISHED,
                        post=post,
                        created_at=post.published_at,
                    )
                )
        Post.teams.through.objects.bulk_create(through)
        Caption.objects.bulk_create(captions)
        self.counts["posts"] = len(POSTS)
        self.counts["drafts"] = len(DRAFTS)
        self.counts["captions"] = len(captions)

    def _post(
        self,
        spec: tuple[str, str, str, str, tuple[str, ...]],
        editors: list[Person],
        state: str,
        created: datetime,
        published: datetime | None,
    ) -> Post:
        content_type, title, description, url, teams = spec
        return Post(
            url=url,
            title=title,
            description=description,
            content_type=content_type,
            state=state,
            audience=Post.Audience.TEAMS if teams else Post.Audience.EVERYONE,
            created_by=self.rng.choice(editors),
            created_at=created,
            published_at=published,
        )

    def _feed(self, person: Person) -> list[Post]:
        """Return the published posts this person's feed shows."""
        mine = self.person_teams[person.pk]
        return [
            post
            for post in self.posts
            if post.published_at is not None
            and (not self.post_teams[post.pk] or mine.intersection(self.post_teams[post.pk]))
        ]

    def _views_and_shares(self) -> list[ShortLink]:
        links: list[ShortLink] = []
        shares: list[Share] = []
        shared: list[tuple[Activity, ShortLink]] = []
        for person in self.people:
            stage = self.stage_of[person.pk]
            feed = self._feed(person)
            read = self.rng.sample(feed, min(len(feed), self.rng.randint(*stage.views)))
            for post in read:
                assert post.published_at is not None
                self._activity(person, Verb.POST_VIEWED, post, "", self._view_time(post))
            self._interactions(person, read, self.rng.randint(*stage.interactions))
            if not stage.shares[1]:
                continue
            networks = self._networks(stage)
            wanted = self.rng.randint(*stage.shares)
            # Cover every chosen network first, so multi-channel people really use 3 or more.
            plan = networks + self.rng.choices(
                networks,
                weights=[NETWORK_WEIGHTS[network] for network in networks],
                k=max(0, wanted - len(networks)),
            )
            used: set[tuple[int, str]] = set()
            for network in plan:
                # One short link per person, post and network: look for a post not yet used.
                candidates = (self.rng.choice(feed) for _ in range(8))
                found = next((p for p in candidates if (p.pk, network) not in used), None)
                if found is None:
                    continue
                post = found
                used.add((post.pk, network))
                assert post.published_at is not None
                at = self._between(post.published_at, mean_hours=30, cap_hours=24 * 7)
                # People read a post just before sharing it.
                viewed = max(post.published_at, at - timedelta(minutes=self.rng.randint(1, 30)))
                self._activity(person, Verb.POST_VIEWED, post, "", viewed)
                activity = self._activity(person, Verb.SHARE_CREATED, post, network, at)
                link = ShortLink(person=person, post=post, network=network, created_at=at)
                shared.append((activity, link))
                text = (
                    self.rng.choice(self.captions[post.pk]) if NETWORKS[network].takes_text else ""
                )
                links.append(link)
                shares.append(
                    Share(
                        link=link,
                        person=person,
                        post=post,
                        network=network,
                        text=text,
                        created_at=at,
                    )
                )
        # Saving the shares after their links fills in the link ids Django now knows.
        ShortLink.objects.bulk_create(links, batch_size=1000)
        Share.objects.bulk_create(shares, batch_size=1000)
        # A share names its short link, as share_create does: recognition gives the points.
        for activity, link in shared:
            activity.source_id = link.pk
        self.counts["shares"] = len(shares)
        return links

    def _interactions(self, person: Person, read: list[Post], count: int) -> None:
        """React to or comment on some of the posts a person read, as colleagues do."""
        for post in self.rng.sample(read, min(len(read), count)):
            assert post.published_at is not None
            at = self._between(post.published_at, mean_hours=24, cap_hours=24 * 5)
            if self.rng.random() < 0.3:
                text = self.rng.choice(COMMENTS)
                self.comments.append(Comment(post=post, person=person, text=text, created_at=at))
                self._activity(person, Verb.COMMENT, post, "", at)
            else:
                kind = self.rng.choice(list(Reaction.Kind))
                self.reactions.append(Reaction(post=post, person=person, kind=kind, created_at=at))
                self._activity(person, Verb.REACTION, post, "", at)

    def _view_time(self, post: Post) -> datetime:
        assert post.published_at is not None
        return self._between(post.published_at, mean_hours=20, cap_hours=24 * 10)

    def _networks(self, stage: Stage) -> list[str]:
        """Pick the networks a person shares to, favouring the popular ones."""
        wanted = self.rng.randint(*stage.networks)
        pool = dict(NETWORK_WEIGHTS)
        chosen: list[str] = []
        while len(chosen) < wanted:
            network = self.rng.choices(list(pool), weights=list(pool.values()))[0]
            chosen.append(network)
            del pool[network]
        return chosen

    def _activity(
        self,
        person: Person,
        verb: str,
        post: Post,
        network: str,
        at: datetime,
        *,
        source_id: int | None = None,
        unique_visitor: bool = False,
    ) -> Activity:
        activity = Activity(
            person=person,
            verb=verb,
            post=post,
            network=network,
            created_at=at,
            source_id=source_id,
            unique_visitor=unique_visitor,
        )
        self.activities.append(activity)
        return activity

    def _visitor(self) -> str:
        return f"{self.rng.getrandbits(128):032x}"

    def _clicks(self, links: list[ShortLink]) -> dict[int, list[Click]]:
        """Create human and bot visits; return the human ones per link."""
        drawing = [link for link in links if self.stage_of[link.person_id].clicks[1]]
        mine: dict[int, list[Click]] = {}
        links_of: dict[int, list[ShortLink]] = {}
        for link in drawing:
            stage = self.stage_of[link.person_id]
            count = round(self.rng.randint(*stage.clicks) * NETWORK_REACH[link.network])
            mine.setdefault(link.person_id, []).extend(self._human_clicks(link, count))
            links_of.setdefault(link.person_id, []).append(link)
        # Keep each person's visits inside their stage: a light bulb goes on with the first
        # visit, and a multi-channel sharer has not yet become visible.
        for person_id, person_links in links_of.items():
            stage = self.stage_of[person_id]
            clicks = mine[person_id]
            while len(clicks) < stage.min_clicks:
                wanted = min(stage.min_clicks - len(clicks), 20)
                clicks.extend(self._human_clicks(self.rng.choice(person_links), wanted))
            if stage.max_clicks is not None and len(clicks) > stage.max_clicks:
                self.rng.shuffle(clicks)
                del clicks[stage.max_clicks :]
        clicks = [click for person_clicks in mine.values() for click in person_clicks]
        humans = len(clicks)
        # Preview fetchers visit as soon as a link is posted; email has none.
        for link in drawing:
            agent = BOT_AGENTS.get(link.network)
            if agent and self.rng.random() < 0.85:
                at = link.created_at + timedelta(seconds=self.rng.randint(2, 90))
                clicks.append(self._bot_click(link, agent, min(at, self.now)))
        # Links pasted in Slack or on Mastodon bring more bots: about a quarter of all visits.
        others = list(BOT_AGENTS.values())
        while drawing and len(clicks) - humans < round(humans / 3):
            link = self.rng.choice(drawing)
            at = self._between(link.created_at, mean_hours=48, cap_hours=24 * 20)
            clicks.append(self._bot_click(link, self.rng.choice(others), at))
        clicks.sort(key=lambda click: click.created_at)
        Click.objects.bulk_create(clicks, batch_size=2000)
        by_link: dict[int, list[Click]] = {}
        seen: set[tuple[int, str]] = set()
        for click in clicks:
            if click.is_bot:
                continue
            link = click.link
            by_link.setdefault(link.pk, []).append(click)
            # As the click worker does: the visitor's first click on the link is a new visitor.
            first = (link.pk, click.visitor) not in seen
            seen.add((link.pk, click.visitor))
            self._activity(
                link.person,
                Verb.CLICK_RECEIVED,
                link.post,
                link.network,
                click.created_at,
                source_id=click.pk,
                unique_visitor=first,
            )
        self.counts["human_clicks"] = humans
        self.counts["bot_clicks"] = len(clicks) - humans
        return by_link

    def _leads(self, links: list[ShortLink], human_clicks: dict[int, list[Click]]) -> None:
        """Some visits become leads, reported by the company's server after a while."""
        conversions: list[Conversion] = []
        for person in self.people:
            stage = self.stage_of[person.pk]
            if not stage.leads[1]:
                continue
            clicked = [
                link for link in links if link.person_id == person.pk and link.pk in human_clicks
            ]
            for _ in range(self.rng.randint(*stage.leads)):
                link = self.rng.choice(clicked)
                click = self.rng.choice(human_clicks[link.pk])
                at = self._between(click.created_at, mean_hours=6, cap_hours=72)
                number = len(conversions) + 1
                conversions.append(
                    Conversion(
                        key=f"api:demo-{number}",
                        link=link,
                        external_id=f"demo-{number}",
                        source=Conversion.Source.API,
                        state=Conversion.State.CONFIRMED,
                        created_at=at,
                        confirmed_at=at,
                    )
                )
        Conversion.objects.bulk_create(conversions)
        for conversion in conversions:
            link = conversion.link
            self._activity(
                link.person,
                Verb.CONVERSION,
                link.post,
                link.network,
                conversion.created_at,
                source_id=conversion.pk,
            )
        self.counts["leads"] = len(conversions)

    def _suggestions(self) -> None:
        """Content creators suggested some of the employee stories, which editors published."""
        stories = [
            post
            for post in self.posts
            if post.content_type == EMPLOYEE and post.published_at is not None
        ]
        self.rng.shuffle(stories)
        editors = [person for person in self.people if person.role == Role.EDITOR]
        suggestions = []
        for person in self.people:
            stage = self.stage_of[person.pk]
            for _ in range(self.rng.randint(*stage.suggestions)):
                post = stories.pop()
                assert post.published_at is not None
                made = post.published_at - timedelta(days=self.rng.randint(3, 10))
                decided = post.published_at - timedelta(hours=self.rng.randint(2, 30))
                Post.objects.filter(pk=post.pk).update(suggested_by=person)
                suggestions.append(
                    Suggestion(
                        person=person,
                        url=post.url,
                        state=Suggestion.State.ACCEPTED,
                        decided_by=self.rng.choice(editors),
                        decided_at=decided,
                        post=post,
                        created_at=made,
                    )
                )
                self._activity(person, Verb.SUGGESTION_MADE, post, "", made)
                self._activity(person, Verb.SUGGESTION_ACCEPTED, post, "", decided)
        Suggestion.objects.bulk_create(suggestions)
        self.counts["suggestions"] = len(suggestions)

    def _recognition(self) -> None:
        """Give the points and badges the activities earned, then set up challenges, rewards,
        kudos, last week's messages and the journey's history."""
        badges_create_defaults()
        # Points for every activity, by the same path as the platform's (with its daily caps),
        # and every badge reached.
        while activities_process():
            pass
        admin = next(person for person in self.people if person.role == Role.ADMIN)
        self._challenges(admin)
        self._rewards(admin)
        self._kudos()
        last_week = period_start("week", utc_day(self.now)) - timedelta(days=7)
        validation_messages_send(week_start=last_week)
        # The journey's history: one snapshot a week for two months, and today's.
        for weeks in range(8, 0, -1):
            journey_snapshot_take(day=utc_day(self.now - timedelta(weeks=weeks)))
        journey_snapshot_take(day=utc_day(self.now))
        # Demo addresses do not exist: keep the messages in the platform, send no email.
        Notification.objects.filter(emailed_at__isnull=True).update(email_wanted=False)
        self.counts["points"] = (
            PointsEntry.objects.exclude(action=Action.REDEMPTION).aggregate(total=Sum("points"))[
                "total"
            ]
            or 0
        )
        self.counts["badges"] = BadgeAward.objects.count()

    def _challenges(self, admin: Person) -> None:
        launch = [
            post
            for post in self.posts
            if post.url.startswith(f"{ACME}/product/") and post.published_at is not None
        ]
        done = challenge_create(
            by=admin,
            fields={
                "title": "Customer stories month",
                "description": "Bring ten visits to our customer stories and case studies.",
                "metric": Challenge.Metric.CLICKS,
                "goal": 10,
                "team": self.teams["Sales"],
                "starts_at": self.now - timedelta(days=50),
                "ends_at": self.now - timedelta(days=20),
                "reward_points": 100,
            },
            posts=[],
        )
        challenge_close(challenge_id=done.pk)
        challenge_create(
            by=admin,
            fields={
                "title": "Route 5 launch fortnight",
                "description": "Share the Route 5 and Acme Dock launch posts five times in two "
                "weeks, on the networks where your customers are.",
                "metric": Challenge.Metric.SHARES,
                "goal": 5,
                "starts_at": self.now - timedelta(days=6),
                "ends_at": self.now + timedelta(days=8),
                "reward_points": 150,
                "reward_text": "A Route 5 hoodie",
            },
            posts=launch,
        )
        challenge_create(
            by=admin,
            fields={
                "title": "LogiMAT week: 300 visits together",
                "description": "All of us together: 300 visits to our LogiMAT posts.",
                "metric": Challenge.Metric.CLICKS,
                "goal": 300,
                "scope": Challenge.Scope.TOGETHER,
                "starts_at": self.now + timedelta(days=12),
                "ends_at": self.now + timedelta(days=19),
                "reward_text": "Team breakfast at every office",
            },
            posts=[],
        )
        self.counts["challenges"] = 3

    def _rewards(self, admin: Person) -> None:
        catalogue = {
            name: reward_create(
                fields={"name": name, "description": description, "price": price, "stock": stock}
            )
            for name, description, price, stock in [
                ("Acme mug", "The orange one everybody wants.", 150, 25),
                ("Route 5 hoodie", "Grey, soft, with the Route 5 logo.", 400, 10),
                ("A tree planted in your name", "With our partner in the Veluwe.", 250, None),
                ("Lunch with the CEO", "An hour, your questions.", 1200, 2),
                ("Ticket to Acme Connect", "Our customer conference in Milan.", 2000, 1),
            ]
        }
        member = next(p for p in self.people if p.email == f"member@{DOMAIN}")
        lead = next(p for p in self.people if p.email == f"lead@{DOMAIN}")
        approved = self._claim(member, catalogue["Route 5 hoodie"])
        if approved:
            reward_claim_approve(claim=approved, by=admin)
        self._claim(member, catalogue["A tree planted in your name"])
        self._claim(lead, catalogue["Acme mug"])
        ambassador = next(p for p in self.people if self.stage_of[p.pk].name == "ambassador")
        declined = self._claim(ambassador, catalogue["Acme mug"])
        if declined:
            reward_claim_decline(
                claim=declined, by=admin, note="You already have one from the launch party."
            )
        self.counts["rewards"] = len(catalogue)

    def _claim(self, person: Person, reward: Reward) -> RewardClaim | None:
        try:
            return reward_claim(person=person, reward=reward)
        except RecognitionError:
            return None  # not enough points with another seed: the demo goes on without it

    def _kudos(self) -> None:
        lead = next(p for p in self.people if p.email == f"lead@{DOMAIN}")
        sales = [
            p
            for p in self.people
            if "Sales" in self.person_teams[p.pk]
            and p.pk != lead.pk
            and self.stage_of[p.pk].clicks[1]
        ]
        for person in sales[:2]:
            kudos_send(
                sender=lead,
                recipient=person,
                message="Your shares brought us real visits this month. Thank you!",
            )

    def _human_clicks(self, link: ShortLink, count: int) -> list[Click]:
        clicks = []
        visitors: list[str] = []
        for _ in range(count):
            # Some people come back to the same link; most visitors are new.
            visitor = self.rng.choice(visitors) if visitors and self.rng.random() < 0.12 else ""
            visitor = visitor or self._visitor()
            visitors.append(visitor)
            agent = self.rng.choice(HUMAN_AGENTS)
            clicks.append(
                Click(
                    link=link,
                    created_at=self._between(link.created_at, mean_hours=20, cap_hours=24 * 12),
                    is_bot=is_bot(agent),
                    visitor=visitor,
                    referrer_domain=self.rng.choice(REFERRERS[link.network]),
                    user_agent=agent,
                )
            )
        return clicks

    def _bot_click(self, link: ShortLink, agent: str, at: datetime) -> Click:
        return Click(
            link=link,
            created_at=at,
            is_bot=is_bot(agent),
            visitor=self._visitor(),
            referrer_domain="",
            user_agent=agent,
        )


class Command(BaseCommand):
    help = "Load the Acme Voices demo programme: people, posts and two months of activity."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--seed", type=int, default=SEED, help="Random seed (the default is reproducible)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        """Load the demo once; a second run only says it is already there."""
        if Person.objects.filter(email=ADMIN_EMAIL).exists():
            self.stdout.write(f"The demo is already loaded ({ADMIN_EMAIL} exists); nothing to do.")
            self._logins()
            return
        started = time.perf_counter()
        with transaction.atomic():
            # Record the activities of real clicks waiting for the worker first (their points
            # follow from them), so moving the cursor past the demo's clicks below skips
            # nothing but demo clicks.
            while clicks_process():
                pass
            programme = programme_get()
            programme.name, programme.company = "Acme Voices", "Acme"
            programme.utm_campaign = "acme-advocacy"
            programme.save(update_fields=["name", "company", "utm_campaign", "updated_at"])
            demo = Demo(
                rng=random.Random(options["seed"]),  # noqa: S311 - reproducible data, not secrets
                now=timezone.now(),
                programme=programme,
            )
            demo.load()
            # The demo already holds the activities (and so the points) of its clicks.
            last = Click.objects.aggregate(last=Max("pk"))["last"] or 0
            ClickCursor.objects.update_or_create(name="points", defaults={"last_click_id": last})
        # The insights pages read the daily figures: build them now rather than at the
        # worker's next run, so the dashboard is full from the first visit.
        rollup_changed()
        elapsed = time.perf_counter() - started
        counts = demo.counts
        self.stdout.write(
            self.style.SUCCESS(f"Loaded the Acme Voices demo in {elapsed:.1f} seconds:")
        )
        self.stdout.write(
            f"  {counts['people']} people in {counts['teams']} teams, "
            f"{counts['posts']} published posts and {counts['drafts']} drafts "
            f"({counts['captions']} captions),\n"
            f"  {counts['shares']} shares, {counts['human_clicks']} human clicks and "
            f"{counts['bot_clicks']} bot visits, {counts['leads']} leads, "
            f"{counts['activities']} activities, {counts['points']} points,\n"
            f"  {counts['badges']} badges earned, {counts['challenges']} challenges and "
            f"{counts['rewards']} rewards."
        )
        self._logins()

    def _logins(self) -> None:
        self.stdout.write("Demo logins (password for all: " + PASSWORD + "):")
        for role in ["admin", "editor", "lead", "member", "viewer"]:
            self.stdout.write(f"  {role:<7} {role}@{DOMAIN}")
