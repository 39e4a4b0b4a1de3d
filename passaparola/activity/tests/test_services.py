"""Recording activities, and telling whoever listens once they are committed."""

from collections.abc import Sequence
from typing import Any

from django.db import transaction

from passaparola.activity.models import Activity, Verb
from passaparola.activity.services import activities_record_many, activity_record
from passaparola.activity.signals import activities_recorded
from passaparola.testing import BaseTestCase


class RecordingTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.heard: list[list[tuple[str, int | None]]] = []
        activities_recorded.connect(self.listen, dispatch_uid="activity-tests")
        self.addCleanup(activities_recorded.disconnect, dispatch_uid="activity-tests")

    def listen(self, sender: object, *, activities: Sequence[Activity], **kwargs: Any) -> None:
        self.heard.append([(activity.verb, activity.source_id) for activity in activities])

    def test_an_activity_is_announced_once_its_transaction_commits(self) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            activity_record(person=self.alice, verb=Verb.SHARE_CREATED, source_id=7)
            self.assertEqual(self.heard, [])

        self.assertEqual(self.heard, [[("share_created", 7)]])

    def test_many_activities_are_recorded_in_bulk_and_announced_together(self) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            created = activities_record_many(
                activities=[
                    Activity(person=self.alice, verb=Verb.CLICK_RECEIVED, source_id=number)
                    for number in (1, 2, 3)
                ]
            )

        self.assertEqual(len(created), 3)
        self.assertEqual(Activity.objects.filter(verb=Verb.CLICK_RECEIVED).count(), 3)
        self.assertEqual(
            self.heard, [[("click_received", 1), ("click_received", 2), ("click_received", 3)]]
        )
        self.assertEqual(activities_record_many(activities=[]), [])

    def test_a_rolled_back_step_is_never_announced(self) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            try:
                with transaction.atomic():
                    activity_record(person=self.alice, verb=Verb.COMMENT)
                    raise RuntimeError("the request failed")
            except RuntimeError:
                pass

        self.assertEqual(self.heard, [])
        self.assertFalse(Activity.objects.filter(verb=Verb.COMMENT).exists())
