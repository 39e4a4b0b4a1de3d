"""The points ledger: the scheme decides, awards happen once, corrections are new lines, the
database refuses edits and keeps the totals in step, also with concurrent writers."""

import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from unittest import skipUnless

from django.db import IntegrityError, connection, connections, transaction
from django.test import TransactionTestCase
from django.utils import timezone

from passaparola.people.models import Person
from passaparola.people.services import person_create
from passaparola.recognition.models import Action, PointsEntry, PointsTotal, Reward, RewardClaim
from passaparola.recognition.periods import ALL_TIME_START, period_start
from passaparola.recognition.selectors import points_total, points_totals_check
from passaparola.recognition.services import (
    RecognitionError,
    points_award,
    points_for,
    points_reverse,
    points_totals_rebuild,
    reward_claim,
    reward_claim_approve,
    scheme_get,
    scheme_update,
)
from passaparola.testing import BaseTestCase
from passaparola.testing.clock import frozen


@frozen()
class SchemeTests(BaseTestCase):
    def test_the_scheme_decides_the_points_of_each_action(self) -> None:
        scheme = scheme_get()

        self.assertEqual(points_for(action="share"), scheme.points_share)
        self.assertEqual(points_for(action="lead"), 25)
        self.assertEqual(points_for(action="comment"), 2)
        self.assertEqual(points_for(action="suggestion_accepted"), 15)
        self.assertEqual(points_for(action="invitation_accepted"), 10)
        self.assertEqual(points_for(action="network_connected"), 5)
        self.assertEqual(points_for(action="unknown"), 0)

    def test_a_network_weight_scales_the_points(self) -> None:
        scheme_update(
            scheme=scheme_get(),
            fields={"points_share": 10, "network_weights": {"linkedin": 150, "email": 50}},
        )

        self.assertEqual(points_for(action="share", network="linkedin"), 15)
        self.assertEqual(points_for(action="share", network="email"), 5)
        self.assertEqual(points_for(action="share", network="x"), 10)

    def test_an_award_without_points_takes_them_from_the_scheme(self) -> None:
        scheme_update(scheme=scheme_get(), fields={"points_lead": 40})

        entry = points_award(person=self.alice, action="lead", key="lead:1", network="x")

        assert entry is not None
        self.assertEqual(entry.points, 40)

    def test_the_daily_cap_cuts_points_but_still_records_the_action(self) -> None:
        scheme_update(scheme=scheme_get(), fields={"points_click": 2, "cap_click": 5})

        entries = [points_award(person=self.alice, action="click", key=f"c{i}") for i in range(4)]

        self.assertEqual([entry.points for entry in entries if entry], [2, 2, 1, 0])
        self.assertEqual([entry.capped for entry in entries if entry], [False, False, True, True])
        self.assertEqual(points_total(self.alice, period="week"), 5)

    def test_the_cap_is_per_person_and_per_day(self) -> None:
        scheme_update(scheme=scheme_get(), fields={"points_click": 2, "cap_click": 2})
        yesterday = timezone.now() - timedelta(days=1)

        points_award(person=self.alice, action="click", key="a1")
        points_award(person=self.alice, action="click", key="a2", at=yesterday)
        points_award(person=self.bob, action="click", key="b1")

        self.assertEqual(
            list(PointsEntry.objects.order_by("key").values_list("key", "points")),
            [("a1", 2), ("a2", 2), ("b1", 2)],
        )

    def test_the_scheme_starts_from_the_programme_settings(self) -> None:
        self.assertEqual(scheme_get().points_share, 10)
        self.assertEqual(scheme_get().points_click, 2)


@frozen()
class LedgerTests(BaseTestCase):
    def test_the_same_key_awards_once(self) -> None:
        first = points_award(person=self.alice, action="share", points=10, key="share:1")
        second = points_award(person=self.alice, action="share", points=10, key="share:1")

        self.assertIsNotNone(first)
        self.assertIsNone(second)
        self.assertEqual(PointsEntry.objects.count(), 1)
        self.assertEqual(points_total(self.alice), 10)

    def test_a_failed_award_inside_a_transaction_leaves_the_transaction_usable(self) -> None:
        points_award(person=self.alice, action="share", points=10, key="share:1")

        with transaction.atomic():
            points_award(person=self.alice, action="share", points=10, key="share:1")
            points_award(person=self.bob, action="share", points=3, key="share:2")

        self.assertEqual(PointsEntry.objects.count(), 2)

    def test_the_database_refuses_to_change_a_ledger_line(self) -> None:
        entry = points_award(person=self.alice, action="share", points=10, key="share:1")
        assert entry is not None

        with self.assertRaises(IntegrityError), transaction.atomic():
            PointsEntry.objects.filter(pk=entry.pk).update(points=1000)
        with self.assertRaises(IntegrityError), transaction.atomic():
            entry.person = self.bob
            entry.save()

        self.assertEqual(PointsEntry.objects.get().points, 10)
        self.assertEqual(points_total(self.alice), 10)

    def test_the_database_refuses_a_reversal_that_references_nothing(self) -> None:
        with self.assertRaises(IntegrityError), transaction.atomic():
            PointsEntry.objects.create(
                person=self.alice, action=Action.REVERSAL, points=-5, key="loose"
            )

    def test_a_reversal_is_a_new_opposite_line_and_happens_once(self) -> None:
        entry = points_award(person=self.alice, action="click", points=2, key="click:9")
        assert entry is not None

        reversal = points_reverse(entry=entry, reason="bot")
        again = points_reverse(key="click:9", reason="bot")

        assert reversal is not None
        self.assertIsNone(again)
        self.assertEqual(
            (reversal.points, reversal.reverses, reversal.key, reversal.note),
            (-2, entry, f"reversal:{entry.pk}", "bot"),
        )
        self.assertEqual(reversal.created_at, entry.created_at)
        self.assertEqual(PointsEntry.objects.get(pk=entry.pk).points, 2)
        self.assertEqual(points_total(self.alice), 0)
        self.assertEqual(points_totals_check(), [])

    def test_corrections_and_redemptions_cannot_be_corrected(self) -> None:
        entry = points_award(person=self.alice, action="click", points=2, key="click:9")
        reversal = points_reverse(entry=entry)

        with self.assertRaises(RecognitionError):
            points_reverse(entry=reversal)
        with self.assertRaises(RecognitionError):
            points_reverse(key="no-such-key")

    def test_totals_follow_every_period_of_an_award(self) -> None:
        moment = datetime(2026, 3, 31, 23, 30, tzinfo=UTC)  # a Tuesday, end of Q1

        points_award(person=self.alice, action="share", points=7, key="k", at=moment)

        totals = set(PointsTotal.objects.values_list("period", "start", "points"))
        self.assertEqual(
            totals,
            {
                ("w", period_start("week", moment.date()), 7),
                ("m", moment.date().replace(day=1), 7),
                ("q", moment.date().replace(month=1, day=1), 7),
                ("a", ALL_TIME_START, 7),
            },
        )

    def test_bulk_inserts_and_deletes_keep_the_totals_in_step(self) -> None:
        now = timezone.now()
        PointsEntry.objects.bulk_create(
            [
                PointsEntry(
                    person=self.alice, action="click", points=2, key=f"b{i}", created_at=now
                )
                for i in range(5)
            ]
            + [PointsEntry(person=self.bob, action="click", points=2, key="b0", created_at=now)],
            ignore_conflicts=True,
        )
        self.assertEqual(points_total(self.alice), 10)
        self.assertEqual(points_total(self.bob), 0)

        PointsEntry.objects.filter(key__in=["b0", "b1"]).delete()

        self.assertEqual(points_total(self.alice), 6)
        self.assertEqual(points_totals_check(), [])

    def test_spending_points_does_not_lower_the_totals(self) -> None:
        points_award(person=self.alice, action="share", points=50, key="s")
        points_award(person=self.alice, action=Action.REDEMPTION, points=-30, key="claim:1")

        self.assertEqual(points_total(self.alice), 50)
        self.assertEqual(points_totals_check(), [])

    def test_the_check_finds_a_total_that_drifted_and_the_rebuild_repairs_it(self) -> None:
        points_award(person=self.alice, action="share", points=10, key="s")
        PointsTotal.objects.filter(person=self.alice, period="w").update(points=99)

        drift = points_totals_check()
        rows = points_totals_rebuild()

        self.assertEqual(len(drift), 1)
        self.assertEqual(drift[0][:2], (self.alice.pk, "w"))
        self.assertEqual(rows, 4)
        self.assertEqual(points_totals_check(), [])
        self.assertEqual(points_total(self.alice, period="week"), 10)

    def test_erasing_a_person_takes_their_ledger_and_totals(self) -> None:
        points_award(person=self.alice, action="share", points=10, key="s")
        entry = points_award(person=self.alice, action="click", points=2, key="c")
        points_reverse(entry=entry)

        Person.objects.filter(pk=self.alice.pk).delete()

        self.assertFalse(PointsEntry.objects.exists())
        self.assertFalse(PointsTotal.objects.exists())


def run_together(count: int, work: Callable[[int], object]) -> list[object]:
    """Run `work(i)` in `count` threads released at once, each with its own connection."""
    barrier = threading.Barrier(count)
    results: list[object] = [None] * count

    def run(index: int) -> None:
        try:
            barrier.wait()
            results[index] = work(index)
        except Exception as error:
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@skipUnless(connection.vendor == "postgresql", "concurrent writers need PostgreSQL")
class ConcurrentWritersTests(TransactionTestCase):
    """Threads with their own database connections, released together."""

    def setUp(self) -> None:
        self.alice = person_create(email="alice@example.org", name="Alice")
        self.bob = person_create(email="bob@example.org", name="Bob")

    def test_concurrent_awards_of_one_key_write_one_line(self) -> None:
        results = run_together(
            8,
            lambda i: points_award(person=self.alice, action="share", points=10, key="share:42"),
        )

        self.assertFalse([r for r in results if isinstance(r, Exception)], results)
        self.assertEqual(sum(1 for r in results if isinstance(r, PointsEntry)), 1)
        self.assertEqual(PointsEntry.objects.filter(key="share:42").count(), 1)
        self.assertEqual(points_total(self.alice), 10)
        self.assertEqual(points_totals_check(), [])

    def test_concurrent_awards_for_one_person_all_reach_the_totals(self) -> None:
        results = run_together(
            8,
            lambda i: [
                points_award(
                    person=self.alice if n % 2 else self.bob,
                    action="share",
                    points=3,
                    key=f"t{i}:{n}",
                )
                for n in range(10)
            ],
        )

        self.assertFalse([r for r in results if isinstance(r, Exception)], results)
        self.assertEqual(points_total(self.alice), 120)
        self.assertEqual(points_total(self.bob), 120)
        self.assertEqual(points_totals_check(), [])

    def test_concurrent_awards_never_exceed_the_daily_cap(self) -> None:
        scheme_update(scheme=scheme_get(), fields={"points_click": 2, "cap_click": 7})

        results = run_together(
            8, lambda i: points_award(person=self.alice, action="click", key=f"click:{i}")
        )

        self.assertFalse([r for r in results if isinstance(r, Exception)], results)
        self.assertEqual(PointsEntry.objects.filter(person=self.alice).count(), 8)
        self.assertEqual(points_total(self.alice), 7)

    def test_concurrent_corrections_of_one_line_write_one_correction(self) -> None:
        entry = points_award(person=self.alice, action="click", points=2, key="click:1")

        results = run_together(6, lambda i: points_reverse(entry=entry, reason="bot"))

        self.assertFalse([r for r in results if isinstance(r, Exception)], results)
        self.assertEqual(PointsEntry.objects.filter(action=Action.REVERSAL).count(), 1)
        self.assertEqual(points_total(self.alice), 0)

    def test_concurrent_approvals_never_take_the_stock_below_zero(self) -> None:
        reward = Reward.objects.create(name="Mug", price=10, stock=2)
        admin = person_create(email="adam@example.org", name="Adam", role="admin")
        people = [person_create(email=f"p{i}@example.org", name=f"P{i}") for i in range(6)]
        claims = []
        for person in people:
            points_award(person=person, action="share", points=10, key=f"s{person.pk}")
            claims.append(reward_claim(person=person, reward=reward))

        results = run_together(6, lambda i: reward_claim_approve(claim=claims[i], by=admin))

        approved = [r for r in results if isinstance(r, RewardClaim)]
        refused = [r for r in results if isinstance(r, RecognitionError)]
        self.assertEqual((len(approved), len(refused)), (2, 4), results)
        self.assertEqual(Reward.objects.get().stock, 0)
        self.assertEqual(PointsEntry.objects.filter(action=Action.REDEMPTION).count(), 2)

    def test_concurrent_approvals_of_one_claim_deduct_once(self) -> None:
        reward = Reward.objects.create(name="Mug", price=10)
        admin = person_create(email="adam@example.org", name="Adam", role="admin")
        points_award(person=self.alice, action="share", points=50, key="s")
        claim = reward_claim(person=self.alice, reward=reward)

        results = run_together(5, lambda i: reward_claim_approve(claim=claim, by=admin))

        self.assertEqual(sum(1 for r in results if isinstance(r, RewardClaim)), 1, results)
        self.assertEqual(PointsEntry.objects.filter(key=f"claim:{claim.pk}").count(), 1)
