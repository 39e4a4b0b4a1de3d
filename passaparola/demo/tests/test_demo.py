"""The demo command: what a newcomer relies on when they first open the platform."""

import re
from io import StringIO

from django.core.management import call_command
from django.db.models import Count, Max, Q, QuerySet, Sum
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from passaparola.activity.models import Activity, Verb
from passaparola.content.models import Post
from passaparola.insights.models import DailyFigure
from passaparola.lib.bots import is_bot
from passaparola.networks.catalogue import NETWORKS
from passaparola.notifications.models import Notification
from passaparola.people.models import Membership, Person, Role, Team
from passaparola.programme.selectors import programme_get
from passaparola.recognition import journey
from passaparola.recognition.models import (
    Action,
    BadgeAward,
    Challenge,
    ChallengeWinner,
    JourneySnapshot,
    PointsEntry,
    Reward,
    RewardClaim,
)
from passaparola.recognition.selectors import (
    challenge_view,
    journey_of,
    journey_stages,
    points_totals_check,
)
from passaparola.recognition.services import journey_settings_get
from passaparola.sharing.models import Share, ShortLink
from passaparola.testing.clock import frozen
from passaparola.tracking.models import Click, ClickCursor, Conversion
from passaparola.tracking.services import clicks_process

LOGIN_LINE = re.compile(r"^\s+(admin|editor|lead|member|viewer)\s+(\S+@demo\.passaparola\.test)$")


def _counts() -> dict[str, int]:
    return {
        model.__name__: model._default_manager.count()
        for model in [
            Person,
            Team,
            Membership,
            Post,
            ShortLink,
            Share,
            Click,
            Activity,
            PointsEntry,
        ]
    }


def _per_person(queryset: QuerySet, field: str = "person") -> dict[int, int]:
    return dict(queryset.values_list(field).annotate(n=Count("pk")))


@frozen()
class DemoTests(TestCase):
    output: str

    @classmethod
    def setUpTestData(cls) -> None:
        out = StringIO()
        call_command("demo", stdout=out)
        cls.output = out.getvalue()

    def test_programme_is_branded(self) -> None:
        programme = programme_get()
        assert (programme.name, programme.company) == ("Acme Voices", "Acme")
        assert programme.utm_campaign == "acme-advocacy"

    def test_people_roles_and_teams(self) -> None:
        assert Person.objects.count() == 60
        assert Team.objects.count() == 5
        roles = dict(Person.objects.values_list("role").annotate(n=Count("pk")))
        assert roles == {
            Role.ADMIN: 1,
            Role.EDITOR: 2,
            Role.VIEWER: 1,
            Role.LEAD: 5,
            Role.MEMBER: 51,
        }
        assert Membership.objects.filter(is_lead=True).values("team").distinct().count() == 5
        assert Membership.objects.get(person__email="lead@demo.passaparola.test").is_lead
        assert Person.objects.annotate(n=Count("memberships")).filter(n__gt=1).exists()
        assert not Person.objects.annotate(n=Count("memberships")).filter(n=0).exists()
        languages = set(Person.objects.values_list("language", flat=True))
        assert languages == {"", "en", "it", "nl"}

    def test_posts_published_over_two_months_with_drafts(self) -> None:
        now = timezone.now()
        published = Post.objects.filter(state=Post.State.PUBLISHED)
        assert published.count() == 40
        assert Post.objects.filter(state=Post.State.DRAFT, published_at=None).count() == 2
        assert not published.filter(Q(published_at=None) | Q(published_at__gt=now)).exists()
        oldest = published.order_by("published_at").first()
        assert oldest is not None and oldest.published_at is not None
        assert (now - oldest.published_at).days >= 55
        assert set(published.values_list("content_type", flat=True)) == set(Post.Type.values)
        targeted = published.filter(audience=Post.Audience.TEAMS)
        assert targeted.exists()
        assert not targeted.filter(teams=None).exists()
        assert published.filter(audience=Post.Audience.EVERYONE).count() > targeted.count()
        assert not Post.objects.exclude(created_by__role=Role.EDITOR).exists()
        captions = published.annotate(n=Count("captions")).values_list("n", flat=True)
        assert min(captions) >= 1 and max(captions) <= 3

    def test_shares_on_several_networks(self) -> None:
        networks = set(Share.objects.values_list("network", flat=True))
        assert len(networks) >= 3 and networks <= set(NETWORKS)
        for share in Share.objects.select_related("link")[:50]:
            assert (share.link.person_id, share.link.post_id) == (share.person_id, share.post_id)
            assert share.link.network == share.network
        assert Share.objects.count() == ShortLink.objects.count()

    def test_the_dashboard_figures_are_built_with_the_demo(self) -> None:
        # The insights pages read the daily figures: a newcomer sees them on the first visit.
        figures = DailyFigure.objects.aggregate(shares=Sum("shares"), clicks=Sum("human_clicks"))
        assert figures["shares"] == Share.objects.count()
        assert figures["clicks"] == Click.objects.filter(is_bot=False).count()

    def test_human_and_bot_clicks(self) -> None:
        now = timezone.now()
        humans = Click.objects.filter(is_bot=False).count()
        bots = Click.objects.filter(is_bot=True).count()
        assert humans and bots
        assert 0.2 <= bots / (humans + bots) <= 0.3
        for click in Click.objects.select_related("link")[:300]:
            assert click.is_bot == is_bot(click.user_agent)
            assert re.fullmatch(r"[0-9a-f]{32}", click.visitor)
            assert click.link.created_at <= click.created_at <= now
        assert not Activity.objects.filter(created_at__gt=now).exists()
        assert not Share.objects.filter(created_at__gt=now).exists()

    def test_every_human_click_has_points_and_an_activity(self) -> None:
        human_keys = {
            f"click:{pk}" for pk in Click.objects.filter(is_bot=False).values_list("pk", flat=True)
        }
        click_keys = set(
            PointsEntry.objects.filter(action=PointsEntry.Action.CLICK).values_list(
                "key", flat=True
            )
        )
        assert human_keys == click_keys
        share_keys = set(
            PointsEntry.objects.filter(action=PointsEntry.Action.SHARE).values_list(
                "key", flat=True
            )
        )
        assert share_keys == {
            f"share:{pk}" for pk in ShortLink.objects.values_list("pk", flat=True)
        }
        received = Activity.objects.filter(verb=Verb.CLICK_RECEIVED).count()
        assert received == len(human_keys)

    def test_background_job_does_not_reprocess_demo_clicks(self) -> None:
        cursor = ClickCursor.objects.get(name="points")
        assert cursor.last_click_id == Click.objects.aggregate(m=Max("pk"))["m"]
        entries = PointsEntry.objects.count()
        assert clicks_process() == 0
        assert PointsEntry.objects.count() == entries

    def test_every_activity_pattern_is_present(self) -> None:
        # One grouped query per measure: annotating them all at once multiplies the joins.
        acts = _per_person(Activity.objects.all())
        views = _per_person(Activity.objects.filter(verb=Verb.POST_VIEWED))
        shares = _per_person(Share.objects.all())
        clicks = _per_person(Click.objects.filter(is_bot=False), "link__person")
        networks = dict(
            Share.objects.values_list("person").annotate(n=Count("network", distinct=True))
        )
        people = list(Person.objects.values_list("pk", flat=True))
        assert any(not acts.get(pk) for pk in people)  # observer
        assert any(views.get(pk) and acts[pk] == views[pk] for pk in people)  # reader
        assert any(shares.get(pk) and not clicks.get(pk) for pk in people)  # sharer
        assert clicks  # light bulb and beyond
        assert max(networks.values()) >= 3  # multi-channel
        assert max(clicks.values()) >= 100  # ambassador, influencer
        member = Person.objects.get(email="member@demo.passaparola.test")
        assert shares[member.pk] >= 10 and clicks[member.pk] >= 50

    def test_printed_logins_work(self) -> None:
        logins = {
            match[1]: match[2]
            for line in self.output.splitlines()
            if (match := LOGIN_LINE.match(line))
        }
        assert set(logins) == {"admin", "editor", "lead", "member", "viewer"}
        password = re.search(r"password for all: (\S+)\)", self.output)
        assert password is not None
        for role, email in logins.items():
            assert Person.objects.get(email=email).role == role
            response = self.client.post(
                reverse("accounts:login"), {"email": email, "password": password.group(1)}
            )
            assert response.status_code == 302, email
            self.client.logout()

    def test_second_run_changes_nothing(self) -> None:
        before = _counts()
        out = StringIO()
        call_command("demo", stdout=out)
        assert "already loaded" in out.getvalue()
        assert _counts() == before

    def test_people_stand_at_every_stage_of_the_journey_with_a_next_step(self) -> None:
        settings = journey_settings_get()
        stages = journey_stages(settings)

        self.assertEqual(set(stages.values()), set(journey.ORDER))
        people = Person.objects.in_bulk(list(stages))
        for stage in journey.ORDER:
            person = people[next(pk for pk, value in stages.items() if value == stage)]
            step = journey_of(person, settings).next_step
            with self.subTest(stage=stage):
                if stage == journey.Stage.INFLUENCER:
                    self.assertEqual(step.requirements, [])
                else:
                    self.assertEqual(step.stage, journey.ORDER[journey.ORDER.index(stage) + 1])
                    self.assertTrue(step.requirements)
                self.assertTrue(str(step.text))
        member = Person.objects.get(email="member@demo.passaparola.test")
        self.assertEqual(stages[member.pk], journey.Stage.INFLUENCER)
        self.login_as("member")
        page = self.client.get(reverse("recognition:journey"))
        self.assertContains(page, 'data-stage="influencer"')

    def test_the_journey_has_two_months_of_weekly_snapshots(self) -> None:
        days = sorted(set(JourneySnapshot.objects.values_list("day", flat=True)))

        self.assertEqual(len(days), 9)
        self.assertEqual(days[-1], timezone.now().date())
        self.assertEqual(JourneySnapshot.objects.filter(day=days[-1]).count(), 11)
        self.login_as("admin")
        self.assertContains(
            self.client.get(reverse("recognition:journey_overview")), "How it moved"
        )

    def test_engagement_leads_and_suggestions_earn_points_and_badges(self) -> None:
        self.assertTrue(Conversion.objects.filter(state=Conversion.State.CONFIRMED).exists())
        self.assertEqual(
            PointsEntry.objects.filter(action=Action.LEAD).count(), Conversion.objects.count()
        )
        for action in (Action.REACTION, Action.COMMENT, Action.SUGGESTION_ACCEPTED):
            self.assertTrue(PointsEntry.objects.filter(action=action).exists(), action)
        earned = set(BadgeAward.objects.values_list("badge__slug", flat=True))
        self.assertTrue(
            {"first-share", "first-visit", "ten-shares", "hundred-visits", "first-lead"} <= earned
        )
        self.assertEqual(points_totals_check(), [])

    def test_a_challenge_runs_one_has_winners_and_one_is_coming(self) -> None:
        now = timezone.now()
        running = Challenge.objects.get(starts_at__lte=now, ends_at__gt=now)
        self.assertTrue(running.posts.exists())
        self.assertTrue(ChallengeWinner.objects.filter(challenge__ends_at__lt=now).exists())
        self.assertTrue(Challenge.objects.filter(starts_at__gt=now).exists())
        member = Person.objects.get(email="member@demo.passaparola.test")
        self.assertEqual(challenge_view(running, member).is_participant, True)

    def test_rewards_have_claims_in_every_state_and_the_points_balance(self) -> None:
        self.assertEqual(Reward.objects.count(), 5)
        states = set(RewardClaim.objects.values_list("state", flat=True))
        self.assertEqual(
            states,
            {RewardClaim.State.APPROVED, RewardClaim.State.PENDING, RewardClaim.State.DECLINED},
        )
        approved = RewardClaim.objects.get(state=RewardClaim.State.APPROVED)
        self.assertTrue(PointsEntry.objects.filter(key=f"claim:{approved.pk}").exists())

    def test_people_find_kudos_badges_and_last_weeks_message_in_the_platform(self) -> None:
        kinds = set(Notification.objects.values_list("kind", flat=True))

        self.assertTrue({"kudos", "badge", "validation", "lead_prompt", "reward"} <= kinds)
        self.assertFalse(Notification.objects.filter(email_wanted=True).exists())

    def login_as(self, role: str) -> None:
        self.client.force_login(Person.objects.get(email=f"{role}@demo.passaparola.test"))
