"""The audit log: who changed what and when, append-only, searchable by managers only."""

from datetime import timedelta
from typing import Any

from django.urls import reverse
from django.utils import timezone

from passaparola.audit.models import AuditEntry
from passaparola.audit.services import audit_record
from passaparola.testing import BaseTestCase
from passaparola.testing.clock import frozen


@frozen()
class AuditSearchTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        now = timezone.now()
        self.old = AuditEntry.objects.create(
            actor=self.erin, action="policy.published", created_at=now - timedelta(days=10)
        )
        self.recent = AuditEntry.objects.create(
            actor=self.adam,
            action="person.role_changed",
            target_type="person",
            target_id=str(self.bob.pk),
        )

    def rows(self, **query: Any) -> str:
        self.login(self.adam)
        response = self.client.get(reverse("governance:audit"), query)
        self.assertEqual(response.status_code, 200)
        return response.content.decode()

    def test_the_manager_sees_every_entry_newest_first(self) -> None:
        page = self.rows()

        self.assertLess(
            page.index('data-action="person.role_changed"'),
            page.index('data-action="policy.published"'),
        )
        self.assertIn("Role changed", page)
        self.assertIn("Erin Editor", page)

    def test_filters_by_actor_action_date_and_target(self) -> None:
        self.assertNotIn('data-action="policy.published"', self.rows(actor=self.adam.pk))
        self.assertNotIn('data-action="person.role_changed"', self.rows(action="policy.published"))
        since = (timezone.localdate() - timedelta(days=1)).isoformat()
        self.assertNotIn('data-action="policy.published"', self.rows(since=since))
        until = (timezone.localdate() - timedelta(days=5)).isoformat()
        self.assertNotIn('data-action="person.role_changed"', self.rows(until=until))
        by_target = self.rows(target_type="person", target_id=self.bob.pk)
        self.assertIn('data-action="person.role_changed"', by_target)
        self.assertNotIn('data-action="policy.published"', by_target)

    def test_a_bad_filter_gets_a_message_not_an_error(self) -> None:
        page = self.rows(since="2026-05-10", until="2026-05-01")

        self.assertIn("The start date comes after the end date.", page)

    def test_the_log_is_paginated(self) -> None:
        for number in range(60):
            audit_record(actor=self.adam, action="test.bulk", changes={"n": number})

        first = self.rows(action="test.bulk")
        second = self.rows(action="test.bulk", page=2)

        self.assertEqual(first.count('data-action="test.bulk"'), 50)
        self.assertEqual(second.count('data-action="test.bulk"'), 10)
        self.assertIn("action=test.bulk&amp;page=2", first)

    def test_only_programme_managers_read_the_log(self) -> None:
        for person in (self.alice, self.bob, self.charlie, self.lena, self.erin, self.vera):
            self.login(person)
            self.assertEqual(self.client.get(reverse("governance:audit")).status_code, 404)
        self.client.logout()
        self.assertEqual(self.client.get(reverse("governance:audit")).status_code, 302)
