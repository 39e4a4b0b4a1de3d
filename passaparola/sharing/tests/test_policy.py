"""The sharing policy page: programme managers only."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from passaparola.sharing.models import BlockedTerm
from passaparola.sharing.services import blocked_term_create, policy_get
from passaparola.testing import BaseTestCase


class PolicyPageTests(BaseTestCase):
    def test_it_requires_login(self) -> None:
        response = self.client.get(reverse("sharing:policy"))

        self.assertEqual(response.status_code, 302)

    def test_only_programme_managers_see_it(self) -> None:
        for person in (self.alice, self.erin, self.vera, self.lena):
            with self.subTest(person=person.name):
                self.login(person)
                self.assertEqual(self.client.get(reverse("sharing:policy")).status_code, 404)
                response = self.client.post(reverse("sharing:policy"), {"disclosure": "#Hacked"})
                self.assertEqual(response.status_code, 404)
        self.assertEqual(policy_get().disclosure, "")

    def test_a_manager_sets_disclosure_caps_and_hours(self) -> None:
        self.login(self.adam)

        response = self.client.post(
            reverse("sharing:policy"),
            {
                "disclosure": "#AcmeEmployee",
                "daily_cap": "3",
                "weekly_cap": "10",
                "hours_start": "08:00",
                "hours_end": "19:30",
                "identical_threshold": "5",
                "stagger_minutes": "20",
            },
        )

        self.assertRedirects(response, reverse("sharing:policy"))
        policy = policy_get()
        self.assertEqual(
            (policy.disclosure, policy.daily_cap, policy.weekly_cap), ("#AcmeEmployee", 3, 10)
        )
        self.assertEqual(policy.hours_end.strftime("%H:%M"), "19:30")  # type: ignore[union-attr]
        self.assertFalse(policy.weekends)

    def test_half_set_hours_are_refused(self) -> None:
        self.login(self.adam)

        response = self.client.post(
            reverse("sharing:policy"),
            {
                "hours_start": "08:00",
                "daily_cap": "0",
                "weekly_cap": "0",
                "identical_threshold": "5",
                "stagger_minutes": "15",
            },
        )

        self.assertContains(response, "Set both the start and the end", status_code=400)
        self.assertIsNone(policy_get().hours_start)

    def test_a_manager_blocks_a_term_with_a_reason(self) -> None:
        self.login(self.adam)

        response = self.client.post(
            reverse("sharing:policy"),
            {
                "add_term": "1",
                "kind": "word",
                "pattern": "Globex",
                "reason": "we do not name competitors",
            },
        )

        self.assertRedirects(response, reverse("sharing:policy"))
        term = BlockedTerm.objects.get()
        self.assertEqual((term.kind, term.pattern, term.created_by), ("word", "Globex", self.adam))

    def test_the_same_term_in_any_case_is_refused_and_changes_nothing(self) -> None:
        blocked_term_create(kind="word", pattern="Globex", reason="competitor", by=self.adam)
        self.login(self.adam)

        for kind, pattern in (("word", "GLOBEX"), ("phrase", " globex "), ("word", "Globex")):
            with self.subTest(pattern):
                response = self.client.post(
                    reverse("sharing:policy"),
                    {"add_term": "1", "kind": kind, "pattern": pattern, "reason": "again"},
                )
                self.assertContains(
                    response, "This word, phrase or pattern is blocked already.", status_code=400
                )
        self.assertEqual(list(BlockedTerm.objects.values_list("reason", flat=True)), ["competitor"])
        blocked_term_create(kind="word", pattern="Ärger", reason="r", by=self.adam)
        with self.assertRaises(ValidationError):
            blocked_term_create(kind="word", pattern="ÄRGER", reason="r", by=self.adam)
        with self.assertRaises(IntegrityError), transaction.atomic():
            BlockedTerm.objects.create(kind="phrase", pattern="gLoBeX", reason="r")

    def test_a_dangerous_pattern_is_refused_on_save(self) -> None:
        self.login(self.adam)

        response = self.client.post(
            reverse("sharing:policy"),
            {"add_term": "1", "kind": "pattern", "pattern": "(a+)+b", "reason": "test"},
        )

        self.assertContains(response, "Nested repetition", status_code=400)
        self.assertFalse(BlockedTerm.objects.exists())

    def test_a_manager_removes_a_term_and_others_cannot(self) -> None:
        term = blocked_term_create(kind="word", pattern="Globex", reason="r", by=self.adam)
        self.login(self.alice)
        self.assertEqual(
            self.client.post(reverse("sharing:term_delete", args=[term.pk])).status_code, 404
        )
        self.login(self.adam)

        self.client.post(reverse("sharing:term_delete", args=[term.pk]))

        self.assertFalse(BlockedTerm.objects.exists())
