"""The demo command: what a newcomer relies on when they first open the platform."""

import re
from io import StringIO

from django.core.management import call_command
from django.db.models import Count, Max, Q, QuerySet
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from passaparola.activity.models import Activity, Verb
from passaparola.content.models import Post
from passaparola.lib.bots import is_bot
from passaparola.people.models import Membership, Person, Role, Team
from passaparola.programme.services import programme_get
from passaparola.recognition.models import PointsEntry
from passaparola.sharing.models import Share, ShortLink
from passaparola.sharing.networks import NETWORKS
from passaparola.tracking.models import Click, ClickCursor
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
                reverse("people:login"), {"email": email, "password": password.group(1)}
            )
            assert response.status_code == 302, email
            self.client.logout()

    def test_second_run_changes_nothing(self) -> None:
        before = _counts()
        out = StringIO()
        call_command("demo", stdout=out)
        assert "already loaded" in out.getvalue()
        assert _counts() == before
