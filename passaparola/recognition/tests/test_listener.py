"""Recognition listens: activities become points in one place, with the scheme's weights, daily
caps and unique-visitor extra, once each, and corrections when a step is taken back."""

from datetime import UTC, datetime, timedelta
from unittest import mock, skipUnless

import time_machine
from django.db import connection, transaction
from django.db.models import Sum
from django.test import TransactionTestCase

from passaparola.activity.models import Activity, Verb
from passaparola.content.services import comment_create, reaction_toggle
from passaparola.invitations.services import invitation_create, person_join
from passaparola.people.services import person_create
from passaparola.recognition.listener import activities_process, activities_score
from passaparola.recognition.models import Action, PointsEntry, RecognitionCursor
from passaparola.recognition.selectors import points_total, points_totals_check
from passaparola.recognition.services import points_award, scheme_get, scheme_update
from passaparola.recognition.tests.helpers import act, link_for, visits
from passaparola.recognition.tests.test_ledger import run_together
from passaparola.sharing.models import Share
from passaparola.sharing.services import share_create
from passaparola.testing import BaseTestCase
from passaparola.tracking.models import Click, Conversion
from passaparola.tracking.services import clicks_process, lead_from_server, lead_reject

MORNING = datetime(2026, 11, 18, 9, 0, tzinfo=UTC)


def ledger() -> list[tuple[str, int, bool]]:
    return list(PointsEntry.objects.order_by("key").values_list("key", "points", "capped"))


def points_of(person_id: int, action: str) -> int:
    entries = PointsEntry.objects.filter(person_id=person_id, action=action)
    return entries.aggregate(total=Sum("points"))["total"] or 0


@time_machine.travel(MORNING + timedelta(hours=8), tick=False)
class ClickPointsTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.post = self.make_post()
        self.link = link_for(self.alice, self.post, "linkedin")

    def work(self) -> None:
        """What the click worker runs: the click step, then recognition once it commits."""
        with self.captureOnCommitCallbacks(execute=True):
            while clicks_process():
                pass

    def test_two_hundred_human_clicks_in_a_day_earn_no_more_than_the_daily_cap(self) -> None:
        scheme_update(scheme=scheme_get(), fields={"points_click": 2, "cap_click": 100})
        visits(self.link, 200, at=MORNING)

        self.work()

        self.assertEqual(points_of(self.alice.pk, Action.CLICK), 100)
        clicks = PointsEntry.objects.filter(action=Action.CLICK)
        # Every click keeps its line (and its key), the ones past the cap with what fitted.
        self.assertEqual(clicks.count(), 200)
        self.assertEqual(clicks.filter(capped=False).count(), 50)
        self.assertEqual(clicks.filter(capped=True, points=0).count(), 150)

    def test_the_cap_counts_what_the_day_already_holds_and_starts_again_the_next_day(self) -> None:
        scheme_update(scheme=scheme_get(), fields={"points_click": 2, "cap_click": 10})
        points_award(person=self.alice, action=Action.CLICK, key="earlier", at=MORNING)
        points_award(person=self.alice, action=Action.CLICK, key="earlier-2", at=MORNING)
        visits(self.link, 5, at=MORNING + timedelta(hours=1))
        visits(self.link, 2, at=MORNING + timedelta(days=1))
        visits(link_for(self.bob, self.post), 5, at=MORNING)

        self.work()

        self.assertEqual(points_of(self.alice.pk, Action.CLICK), 10 + 4)
        self.assertEqual(points_of(self.bob.pk, Action.CLICK), 10)

    def test_the_catch_up_job_applies_the_same_cap_when_the_signal_was_missed(self) -> None:
        scheme_update(scheme=scheme_get(), fields={"points_click": 2, "cap_click": 100})
        visits(self.link, 200, at=MORNING)
        clicks_process()  # committed, but the receiver never ran (as after a crash)
        self.assertFalse(PointsEntry.objects.exists())

        activities_process()

        self.assertEqual(points_of(self.alice.pk, Action.CLICK), 100)

    def test_processing_the_same_activities_again_changes_nothing(self) -> None:
        visits(self.link, 30, at=MORNING)
        with self.captureOnCommitCallbacks(execute=True):
            share_create(person=self.alice, post=self.post, network="linkedin")
        self.work()
        activities_process()
        before = ledger()

        self.assertEqual(activities_score(activities=list(Activity.objects.all())), 0)
        RecognitionCursor.objects.filter(name="badges").update(last_id=0)
        activities_process()

        self.assertEqual(ledger(), before)

    def test_a_visitor_earns_the_unique_visitor_extra_once_per_link_and_day(self) -> None:
        scheme_update(scheme=scheme_get(), fields={"points_unique_click": 1})
        first = Click.objects.create(link=self.link, visitor="a" * 32, created_at=MORNING)
        Click.objects.create(link=self.link, visitor="a" * 32, created_at=MORNING)
        self.work()
        # A later round sees the visitor was already counted.
        Click.objects.create(link=self.link, visitor="a" * 32, created_at=MORNING)
        Click.objects.create(link=self.link, visitor="a" * 32, is_bot=True, created_at=MORNING)
        other = Click.objects.create(link=self.link, visitor="b" * 32, created_at=MORNING)
        self.work()

        unique = PointsEntry.objects.filter(action=Action.UNIQUE_CLICK)
        self.assertEqual(
            sorted(unique.values_list("key", "points")),
            sorted([(f"unique:{first.pk}", 1), (f"unique:{other.pk}", 1)]),
        )
        self.assertEqual(PointsEntry.objects.filter(action=Action.CLICK).count(), 4)

    def test_bot_visits_earn_nothing(self) -> None:
        visits(self.link, 5, at=MORNING, bot=True)

        self.work()
        activities_process()

        self.assertFalse(PointsEntry.objects.exists())

    def test_network_weights_scale_the_points_of_each_action(self) -> None:
        scheme_update(
            scheme=scheme_get(),
            fields={
                "points_share": 10,
                "points_click": 2,
                "points_unique_click": 0,
                "network_weights": {"linkedin": 150, "email": 50},
            },
        )
        visits(self.link, 1, at=MORNING)
        visits(link_for(self.alice, self.post, "email"), 1, at=MORNING)
        with self.captureOnCommitCallbacks(execute=True):
            for network in ("linkedin", "email", "x"):
                share_create(person=self.alice, post=self.post, network=network)
        self.work()

        self.assertEqual(
            sorted(PointsEntry.objects.values_list("action", "network", "points")),
            [
                ("click", "email", 1),
                ("click", "linkedin", 3),
                ("share", "email", 5),
                ("share", "linkedin", 15),
                ("share", "x", 10),
            ],
        )


class ImmediatePointsTests(BaseTestCase):
    """What people do in the platform earns its points when the request commits, as before."""

    def setUp(self) -> None:
        super().setUp()
        self.post = self.make_post()

    def test_a_share_a_reaction_a_comment_and_an_accepted_invitation_earn_points_at_once(
        self,
    ) -> None:
        invitation = invitation_create(by=self.adam, email="nina@acme.example")

        with self.captureOnCommitCallbacks(execute=True):
            share_create(person=self.alice, post=self.post, network="linkedin")
        with self.captureOnCommitCallbacks(execute=True):
            reaction_toggle(post=self.post, person=self.alice, kind="like")
        with self.captureOnCommitCallbacks(execute=True):
            comment_create(post=self.post, person=self.alice, text="Great news")
        with self.captureOnCommitCallbacks(execute=True):
            nina = person_join(email="nina@acme.example", name="Nina", via="invitation")

        self.assertEqual(
            sorted(self.alice.points_entries.values_list("action", "points")),
            [("comment", 2), ("reaction", 1), ("share", 10)],
        )
        self.assertEqual(
            list(nina.points_entries.values_list("action", "key", "points")),
            [("invitation_accepted", f"invitation:{invitation.pk}", 10)],
        )

    def test_sharing_a_post_again_on_the_same_network_earns_nothing_more(self) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            share_create(person=self.alice, post=self.post, network="linkedin")
            share_create(person=self.alice, post=self.post, network="linkedin")
        with self.captureOnCommitCallbacks(execute=True):
            share_create(person=self.alice, post=self.post, network="linkedin")

        self.assertEqual(points_total(self.alice), 10)

    def test_a_step_rolled_back_earns_nothing(self) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            try:
                with transaction.atomic():
                    share_create(person=self.alice, post=self.post, network="linkedin")
                    raise RuntimeError("the request failed")
            except RuntimeError:
                pass

        self.assertFalse(Share.objects.exists())
        self.assertFalse(PointsEntry.objects.exists())

    def test_a_listener_that_fails_never_undoes_the_step_and_the_job_catches_up(self) -> None:
        broken = mock.patch(
            "passaparola.recognition.listener.activities_score", side_effect=RuntimeError("down")
        )
        with (
            broken,
            self.assertLogs("django.test", "ERROR"),
            self.captureOnCommitCallbacks(execute=True),
        ):
            share_create(person=self.alice, post=self.post, network="linkedin")
        self.assertTrue(Share.objects.exists())
        self.assertFalse(PointsEntry.objects.exists())

        activities_process()

        self.assertEqual(points_total(self.alice), 10)

    def test_activities_recorded_before_they_named_their_source_earn_nothing_twice(
        self,
    ) -> None:
        # Shares, clicks and leads of old activities were awarded where they happened.
        act(self.alice, Verb.SHARE_CREATED, network="linkedin", post=self.post)
        act(self.alice, Verb.CLICK_RECEIVED, 3, network="linkedin", post=self.post)
        act(self.alice, Verb.CONVERSION, network="linkedin", post=self.post)

        activities_process()

        self.assertFalse(PointsEntry.objects.exists())


class LeadPointsTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        from passaparola.tracking.services import api_token_create

        self.post = self.make_post()
        self.link = link_for(self.alice, self.post, "linkedin")
        self.token, _secret = api_token_create(name="CRM", by=self.adam)

    def test_a_confirmed_lead_earns_points_and_a_rejected_one_takes_them_back_once(
        self,
    ) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            result = lead_from_server(
                token=self.token, external_id="order-1", link_code=self.link.code
            )
        conversion = result.conversion
        lead = PointsEntry.objects.get(key=f"lead:{conversion.pk}")
        self.assertEqual((lead.person, lead.points), (self.alice, 25))

        with self.captureOnCommitCallbacks(execute=True):
            self.assertTrue(lead_reject(conversion=conversion))
        with self.captureOnCommitCallbacks(execute=True):
            self.assertFalse(lead_reject(conversion=conversion))
        activities_process()

        correction = PointsEntry.objects.get(action=Action.REVERSAL)
        self.assertEqual(
            (correction.points, correction.reverses, correction.key, correction.created_at),
            (-25, lead, f"reversal:{lead.pk}", lead.created_at),
        )
        self.assertEqual(points_total(self.alice), 0)
        self.assertEqual(Conversion.objects.get().state, Conversion.State.REJECTED)


@skipUnless(connection.vendor == "postgresql", "concurrent writers need PostgreSQL")
class ConcurrentScoringTests(TransactionTestCase):
    """The receiver and the catch-up job may score overlapping activities at the same time."""

    def test_overlapping_scorings_write_each_line_once_and_keep_the_cap(self) -> None:
        alice = person_create(email="alice@example.org", name="Alice")
        scheme_update(scheme=scheme_get(), fields={"points_click": 2, "cap_click": 20})
        activities = Activity.objects.bulk_create(
            Activity(
                person=alice,
                verb=Verb.CLICK_RECEIVED,
                network="linkedin",
                created_at=MORNING,
                source_id=1000 + number,
                unique_visitor=number % 3 == 0,
            )
            for number in range(45)
        )

        results = run_together(
            4, lambda i: activities_score(activities=activities[i * 10 : i * 10 + 15])
        )

        self.assertFalse([r for r in results if isinstance(r, Exception)], results)
        self.assertEqual(PointsEntry.objects.filter(action=Action.CLICK).count(), 45)
        self.assertEqual(points_of(alice.pk, Action.CLICK), 20)
        self.assertEqual(PointsEntry.objects.filter(action=Action.UNIQUE_CLICK).count(), 15)
        self.assertEqual(points_totals_check(), [])
