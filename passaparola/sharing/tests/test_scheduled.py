"""Scheduled shares: queue, edit, cancel, stagger; only the owner sees and changes them."""

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils import timezone
from huey.contrib.djhuey import HUEY

from passaparola.sharing.models import ConnectedAccount, ScheduledShare, Share
from passaparola.sharing.selectors import suggested_times
from passaparola.sharing.services import (
    policy_get,
    policy_update,
    scheduled_shares_due,
    scheduled_shares_release_stale,
)
from passaparola.sharing.tasks import post_due_shares
from passaparola.sharing.tests.fakeapi import Reply
from passaparola.sharing.tests.native import NativeTestCase

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse


def local_input(when: datetime) -> str:
    return timezone.localtime(when).strftime("%Y-%m-%dT%H:%M")


class ScheduleTests(NativeTestCase):
    network = "x"

    def setUp(self) -> None:
        super().setUp()
        self.connect()
        self.tomorrow = (timezone.localtime() + timedelta(days=1)).replace(
            hour=10, minute=0, second=0, microsecond=0
        )
        self.api.on(
            "POST", "/2/tweets", Reply(201, {"data": {"id": "1445880548472328192", "text": "t"}})
        )

    def schedule(self, **data: str) -> "TestResponse":
        values = {"network": "x", "text": "Proud of this!", "when": local_input(self.tomorrow)}
        values.update(data)
        return self.client.post(reverse("sharing:schedule", args=[self.post.pk]), values)

    def test_a_person_queues_a_share_for_a_time_of_their_choice(self) -> None:
        policy_update(policy=policy_get(), fields={"disclosure": "#AcmeEmployee"})
        self.login(self.alice)

        response = self.schedule()

        self.assertRedirects(response, reverse("sharing:scheduled"))
        item = ScheduledShare.objects.get()
        self.assertEqual((item.person, item.network, item.status), (self.alice, "x", "queued"))
        self.assertEqual(item.text, "Proud of this!\n\n#AcmeEmployee")
        self.assertEqual(item.scheduled_for, self.tomorrow)
        self.assertFalse(self.api.requests)  # nothing goes out before its time
        self.assertFalse(Share.objects.exists())

    def test_post_now_goes_out_through_the_worker(self) -> None:
        self.login(self.alice)

        self.schedule(now="1", when="")

        item = ScheduledShare.objects.get()
        self.assertEqual(item.status, ScheduledShare.Status.SENT)
        self.assertEqual(len(self.api.calls("POST", "/2/tweets")), 1)

    def test_a_suggested_time_can_be_picked(self) -> None:
        self.login(self.alice)
        slot = suggested_times(person=self.alice, post=self.post)[0]

        self.schedule(when="", slot=slot.isoformat())

        self.assertEqual(ScheduledShare.objects.get().scheduled_for, slot)

    def test_scheduling_needs_a_connected_account(self) -> None:
        self.login(self.bob)

        response = self.schedule()

        self.assertContains(response, "Connect this network before scheduling.", status_code=400)
        self.assertFalse(ScheduledShare.objects.exists())

    def test_a_time_in_the_past_is_refused(self) -> None:
        self.login(self.alice)

        response = self.schedule(when=local_input(timezone.now() - timedelta(hours=2)))

        self.assertContains(response, "Pick a time in the future.", status_code=400)
        self.assertFalse(ScheduledShare.objects.exists())

    def test_a_blocked_term_is_refused_before_queueing(self) -> None:
        from passaparola.sharing.services import blocked_term_create

        blocked_term_create(kind="word", pattern="Globex", reason="no competitors", by=self.adam)
        self.login(self.alice)

        response = self.schedule(text="Globex is slow")

        self.assertContains(response, "no competitors", status_code=400)
        self.assertFalse(ScheduledShare.objects.exists())

    def test_the_scheduled_time_must_be_within_sharing_hours(self) -> None:
        policy_update(
            policy=policy_get(),
            fields={
                "hours_start": self.tomorrow.time(),
                "hours_end": (self.tomorrow + timedelta(hours=2)).time(),
            },
        )
        self.login(self.alice)

        refused = self.schedule(when=local_input(self.tomorrow + timedelta(hours=5)))
        accepted = self.schedule(when=local_input(self.tomorrow + timedelta(hours=1)))

        self.assertContains(refused, "Sharing is open from", status_code=400)
        self.assertEqual(accepted.status_code, 302)
        self.assertEqual(ScheduledShare.objects.count(), 1)

    def test_the_daily_cap_counts_shares_already_queued_for_that_day(self) -> None:
        policy_update(policy=policy_get(), fields={"daily_cap": 1})
        self.login(self.alice)
        self.schedule()

        response = self.schedule(when=local_input(self.tomorrow + timedelta(hours=1)))

        self.assertContains(response, "today&#x27;s limit of 1 share", status_code=400)
        self.assertEqual(ScheduledShare.objects.count(), 1)

    def test_the_owner_edits_the_text_and_time_until_it_goes_out(self) -> None:
        self.login(self.alice)
        self.schedule()
        item = ScheduledShare.objects.get()

        response = self.client.post(
            reverse("sharing:scheduled_edit", args=[item.pk]),
            {"text": "Even prouder", "when": local_input(self.tomorrow + timedelta(hours=2))},
        )

        self.assertRedirects(response, reverse("sharing:scheduled"))
        item.refresh_from_db()
        self.assertEqual(
            (item.text, item.scheduled_for), ("Even prouder", self.tomorrow + timedelta(hours=2))
        )

    def test_a_share_that_went_out_cannot_be_edited_or_cancelled(self) -> None:
        self.login(self.alice)
        self.schedule()
        item = ScheduledShare.objects.get()
        ScheduledShare.objects.filter(pk=item.pk).update(status=ScheduledShare.Status.SENT)

        self.client.post(
            reverse("sharing:scheduled_edit", args=[item.pk]),
            {"text": "Changed", "when": local_input(self.tomorrow)},
        )
        self.client.post(reverse("sharing:scheduled_cancel", args=[item.pk]))

        item.refresh_from_db()
        self.assertEqual((item.text, item.status), ("Proud of this!", "sent"))

    def test_the_owner_cancels_and_nothing_is_posted(self) -> None:
        self.login(self.alice)
        self.schedule()
        item = ScheduledShare.objects.get()

        self.client.post(reverse("sharing:scheduled_cancel", args=[item.pk]))
        ScheduledShare.objects.filter(pk=item.pk).update(scheduled_for=timezone.now())
        post_due_shares.call_local()

        item.refresh_from_db()
        self.assertEqual(item.status, ScheduledShare.Status.CANCELLED)
        self.assertFalse(self.api.requests)

    def test_a_teammate_and_an_outsider_cannot_see_edit_or_cancel_it(self) -> None:
        self.login(self.alice)
        self.schedule(text="Alice's words")
        item = ScheduledShare.objects.get()

        for person in (self.bob, self.charlie, self.adam):
            with self.subTest(person=person.name):
                self.login(person)
                self.assertNotContains(
                    self.client.get(reverse("sharing:scheduled")), "Alice&#x27;s words"
                )
                self.assertEqual(
                    self.client.get(reverse("sharing:scheduled_edit", args=[item.pk])).status_code,
                    404,
                )
                edit = self.client.post(
                    reverse("sharing:scheduled_edit", args=[item.pk]),
                    {"text": "hijacked", "when": local_input(self.tomorrow)},
                )
                self.assertEqual(edit.status_code, 404)
                cancel = self.client.post(reverse("sharing:scheduled_cancel", args=[item.pk]))
                self.assertEqual(cancel.status_code, 404)
        item.refresh_from_db()
        self.assertEqual((item.text, item.status), ("Alice's words", "queued"))

    def test_the_owner_sees_their_scheduled_shares(self) -> None:
        self.login(self.alice)
        self.schedule(text="Alice's words")

        response = self.client.get(reverse("sharing:scheduled"))

        self.assertContains(response, "Our new factory opens")
        self.assertContains(
            response, reverse("sharing:scheduled_edit", args=[ScheduledShare.objects.get().pk])
        )

    def test_the_worker_posts_due_shares_every_minute(self) -> None:
        self.login(self.alice)
        self.schedule()
        ScheduledShare.objects.update(scheduled_for=timezone.now() - timedelta(seconds=5))

        post_due_shares.call_local()

        self.assertEqual(ScheduledShare.objects.get().status, ScheduledShare.Status.SENT)

    def test_a_worker_killed_during_the_job_does_not_stop_the_next_runs(self) -> None:
        self.login(self.alice)
        self.schedule()
        ScheduledShare.objects.update(scheduled_for=timezone.now() - timedelta(seconds=5))
        # What a consumer killed mid-job leaves behind if the job took a Huey task lock.
        HUEY.lock_task("sharing-post-due").acquire()
        self.addCleanup(HUEY.flush_locks)

        post_due_shares.call_local()

        self.assertEqual(ScheduledShare.objects.get().status, ScheduledShare.Status.SENT)

    def test_running_the_job_twice_posts_a_due_share_once(self) -> None:
        self.login(self.alice)
        self.schedule()
        ScheduledShare.objects.update(scheduled_for=timezone.now() - timedelta(seconds=5))

        post_due_shares.call_local()
        post_due_shares.call_local()

        self.assertEqual(ScheduledShare.objects.get().status, ScheduledShare.Status.SENT)
        self.assertEqual(Share.objects.count(), 1)

    def test_a_share_left_going_out_by_a_dead_worker_is_requeued_as_uncertain(self) -> None:
        self.login(self.alice)
        self.schedule()
        ScheduledShare.objects.update(
            status=ScheduledShare.Status.POSTING,
            scheduled_for=timezone.now() - timedelta(minutes=30),
            claimed_at=timezone.now() - timedelta(minutes=20),
        )

        self.assertEqual(scheduled_shares_release_stale(), 1)

        item = ScheduledShare.objects.get()
        self.assertEqual((item.status, item.uncertain), ("queued", True))
        self.assertEqual(scheduled_shares_due(), [item.pk])

    def test_disconnecting_turns_queued_shares_into_failures_with_the_fallback(self) -> None:
        self.login(self.alice)
        self.schedule()
        account = ConnectedAccount.objects.get(person=self.alice)

        self.client.post(reverse("sharing:account_disconnect", args=[account.pk]))

        self.assertEqual(ScheduledShare.objects.get().status, ScheduledShare.Status.FAILED)
        page = self.open_post(self.post)
        self.assertContains(page, "Share with the link instead")


class StaggerTests(NativeTestCase):
    network = "x"

    def test_suggestions_keep_colleagues_apart(self) -> None:
        policy_update(policy=policy_get(), fields={"stagger_minutes": 15})
        bob_first = suggested_times(person=self.bob, post=self.post)[0]
        ScheduledShare.objects.create(
            person=self.bob, post=self.post, network="x", text="t", scheduled_for=bob_first
        )

        alice = suggested_times(person=self.alice, post=self.post)

        self.assertEqual(len(alice), 3)
        for slot in alice:
            self.assertGreaterEqual(abs(slot - bob_first), timedelta(minutes=15))
            self.assertGreater(slot, timezone.now())

    def test_suggestions_respect_sharing_hours(self) -> None:
        from datetime import time

        policy_update(policy=policy_get(), fields={"hours_start": time(9), "hours_end": time(10)})

        for slot in suggested_times(person=self.alice, post=self.post):
            self.assertEqual(timezone.localtime(slot).hour, 9)
