"""The audit log: who changed what and when, append-only, searchable by managers only."""

from datetime import timedelta
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.utils import DatabaseError
from django.urls import reverse
from django.utils import timezone

from passaparola.governance.models import AuditEntry
from passaparola.governance.services import audit_record
from passaparola.people.models import Role
from passaparola.testing import BaseTestCase


class AuditRecordTests(BaseTestCase):
    def test_saving_the_programme_settings_records_old_and_new_values(self) -> None:
        self.login(self.adam)
        form = self.client.get(reverse("programme:settings")).context["form"]
        data = {name: value for name, value in form.initial.items() if value is not None}
        data.pop("logo", None)
        data.update(name="Acme Voices", allowed_email_domains="acme.example")

        self.client.post(reverse("programme:settings"), data)

        entry = AuditEntry.objects.get(action="programme.settings_changed")
        self.assertEqual(entry.actor, self.adam)
        self.assertEqual(entry.changes["name"], {"old": "Passaparola", "new": "Acme Voices"})
        self.assertEqual(entry.changes["allowed_email_domains"], {"old": "", "new": "acme.example"})
        self.assertEqual(set(entry.changes), {"name", "allowed_email_domains"})

    def test_an_unchanged_save_records_nothing(self) -> None:
        self.login(self.adam)
        form = self.client.get(reverse("programme:settings")).context["form"]
        data = {name: value for name, value in form.initial.items() if value is not None}
        data.pop("logo", None)

        self.client.post(reverse("programme:settings"), data)

        self.assertFalse(AuditEntry.objects.exists())

    def test_passwords_tokens_and_secrets_never_reach_the_log(self) -> None:
        entry = audit_record(
            actor=self.adam,
            action="test.secret",
            changes={
                "password": "hunter2",
                "access_token": "abc",
                "client_secret": {"old": "a", "new": "b"},
                "nested": {"api_key": "k", "colour": "red"},
                "name": "fine",
            },
        )

        text = str(entry.changes)
        for secret in ("hunter2", "abc", "'a'", "'b'", "'k'"):
            self.assertNotIn(secret, text)
        self.assertEqual(entry.changes["name"], "fine")
        self.assertEqual(entry.changes["nested"]["colour"], "red")

    def test_entries_cannot_be_changed_or_deleted(self) -> None:
        entry = audit_record(actor=self.adam, action="test.thing", changes={"a": 1})

        with self.assertRaises(TypeError):
            entry.save()
        with self.assertRaises(TypeError):
            entry.delete()
        with self.assertRaises(TypeError):
            AuditEntry.objects.filter(pk=entry.pk).update(action="other")
        with self.assertRaises(TypeError):
            AuditEntry.objects.all().delete()
        # Even raw SQL cannot rewrite history: a database trigger refuses it.
        with (
            self.assertRaises((IntegrityError, DatabaseError)),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(
                "UPDATE governance_auditentry SET action = %s WHERE id = %s", ["x", entry.pk]
            )
        self.assertEqual(AuditEntry.objects.get(pk=entry.pk).action, "test.thing")

    def test_a_role_change_is_recorded(self) -> None:
        self.login(self.adam)

        self.client.post(reverse("people:person_role", args=[self.alice.pk]), {"role": Role.EDITOR})

        entry = AuditEntry.objects.get(action="person.role_changed")
        self.assertEqual((entry.target_type, entry.target_id), ("person", str(self.alice.pk)))
        self.assertEqual(entry.changes, {"role": {"old": "member", "new": "editor"}})


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
