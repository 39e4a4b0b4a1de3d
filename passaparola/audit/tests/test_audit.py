"""The audit log: who changed what and when, append-only, searchable by managers only."""

from django.db import IntegrityError, connection, transaction
from django.db.utils import DatabaseError
from django.urls import reverse

from passaparola.audit.models import AuditEntry
from passaparola.audit.services import audit_record
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

        self.client.post(
            reverse("accounts:person_role", args=[self.alice.pk]), {"role": Role.EDITOR}
        )

        entry = AuditEntry.objects.get(action="person.role_changed")
        self.assertEqual((entry.target_type, entry.target_id), ("person", str(self.alice.pk)))
        self.assertEqual(entry.changes, {"role": {"old": "member", "new": "editor"}})
