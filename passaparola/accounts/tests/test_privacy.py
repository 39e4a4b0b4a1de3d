"""Downloading one's data, and erasing a person while the programme's figures stay the same."""

import json
from dataclasses import asdict
from datetime import timedelta
from typing import TYPE_CHECKING

from axes.models import AccessAttempt
from django.apps import apps
from django.contrib.auth.models import Group
from django.db.models import Model
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from passaparola.accounts.privacy import ANONYMISED, DELETED, KEPT, LINKED, person_erase
from passaparola.audit.models import AuditEntry
from passaparola.content.models import (
    Comment,
    DigestLog,
    PersonInterest,
    PostRevision,
    Suggestion,
    Topic,
)
from passaparola.governance.services import policy_accept, policy_publish
from passaparola.insights.origins import ClickOrigin
from passaparola.insights.selectors import programme_summary
from passaparola.invitations.models import Invitation
from passaparola.notifications.models import NotificationPreference
from passaparola.people.models import Person
from passaparola.recognition.models import Badge, BadgeAward, Challenge, ChallengeWinner, Kudos
from passaparola.sharing.models import (
    AudienceSize,
    Share,
    ShareEngagement,
    SharingPreference,
    ShortLink,
)
from passaparola.sharing.services import share_create
from passaparola.testing import BaseTestCase
from passaparola.tracking.models import Click
from passaparola.tracking.services import clicks_process

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse


class PrivacyTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.post = self.make_post()
        # Points follow the shares and clicks once their transactions commit.
        with self.captureOnCommitCallbacks(execute=True):
            self.share = share_create(
                person=self.alice, post=self.post, network="linkedin", text="Alice's own words"
            )
            share_create(person=self.bob, post=self.post, network="linkedin", text="Bob's words")
        link = ShortLink.objects.get(person=self.alice, network="linkedin")
        bob_link = ShortLink.objects.get(person=self.bob, network="linkedin")
        for number in range(5):
            Click.objects.create(
                link=link,
                visitor=f"visitor{number % 3}",
                user_agent="Mozilla/5.0 Alice's visitor",
                referrer_domain="alice-blog.example",
            )
        Click.objects.create(link=link, visitor="bot", is_bot=True, user_agent="LinkedInBot")
        Click.objects.create(link=bob_link, visitor="visitor1", user_agent="Mozilla/5.0")
        with self.captureOnCommitCallbacks(execute=True):
            clicks_process()
        version = policy_publish(by=self.adam, title="Policy", text="Be kind.")
        for person in Person.objects.all():
            policy_accept(person=person, version=version)
        topic = Topic.objects.create(name="Sustainability")
        PersonInterest.objects.create(person=self.alice, topic=topic)
        Comment.objects.create(post=self.post, person=self.alice, text="Alice says hi")
        Invitation.objects.create(
            email="alice@example.org", name="Alice Example", person=self.alice
        )


def figures() -> dict[str, object]:
    summary = asdict(programme_summary(days=30))
    # Names are personal data; everything counted must stay the same.
    summary["top_people"] = [row["human_clicks"] for row in summary["top_people"]]
    return summary


class ExportTests(PrivacyTestCase):
    def test_a_person_downloads_all_their_data_without_visitor_details(self) -> None:
        self.login(self.alice)

        response = self.client.get(reverse("accounts:account_export"))

        self.assertEqual(response["Content-Type"], "application/json")
        self.assertIn("attachment", response["Content-Disposition"])
        data = json.loads(response.content)
        self.assertEqual(data["profile"]["email"], "alice@example.org")
        self.assertEqual(data["teams"][0]["team_name"], "Sales")
        self.assertEqual([share["text"] for share in data["shares"]], ["Alice's own words"])
        self.assertEqual(len(data["clicks_on_my_links"]), 6)
        self.assertEqual(sum(1 for click in data["clicks_on_my_links"] if click["is_bot"]), 1)
        self.assertTrue(data["points"])
        self.assertTrue(data["activities"])
        self.assertEqual(data["policy_acceptances"][0]["version_number"], 1)
        self.assertEqual(data["interests"], ["Sustainability"])
        self.assertEqual(data["comments"][0]["text"], "Alice says hi")
        text = response.content.decode()
        self.assertNotIn("visitor0", text)
        self.assertNotIn("Mozilla", text)
        self.assertNotIn("Bob's words", text)
        entry = AuditEntry.objects.get(action="person.exported")
        self.assertEqual((entry.actor, entry.target_id), (self.alice, str(self.alice.pk)))

    def test_a_manager_downloads_a_persons_data_and_it_is_audited(self) -> None:
        self.login(self.adam)

        response = self.client.get(reverse("accounts:person_export", args=[self.alice.pk]))

        self.assertEqual(json.loads(response.content)["profile"]["name"], "Alice Example")
        entry = AuditEntry.objects.get(action="person.exported")
        self.assertEqual((entry.actor, entry.changes), (self.adam, {"by_self": False}))

    def test_nobody_else_can_download_someone_elses_data(self) -> None:
        for person in (self.bob, self.charlie, self.lena, self.erin, self.vera):
            self.login(person)
            response = self.client.get(reverse("accounts:person_export", args=[self.alice.pk]))
            self.assertEqual(response.status_code, 404, person)
        self.client.logout()
        self.assertEqual(self.client.get(reverse("accounts:account_export")).status_code, 302)
        self.assertFalse(AuditEntry.objects.filter(action="person.exported").exists())


class ErasureTests(PrivacyTestCase):
    def erase(self, person: Person, typed: str | None = None) -> "TestResponse":
        self.login(self.adam)
        return self.client.post(
            reverse("accounts:person_erase", args=[person.pk]), {"email": typed or person.email}
        )

    def test_erasure_removes_personal_data_and_keeps_the_dashboard_totals(self) -> None:
        before = figures()
        self.assertEqual(before["human_clicks"], 6)

        response = self.erase(self.alice)

        self.assertRedirects(response, reverse("accounts:directory"), fetch_redirect_response=False)
        self.assertEqual(figures(), before)
        alice = Person.objects.get(pk=self.alice.pk)
        self.assertNotIn("Alice", alice.name)
        self.assertNotIn("alice", alice.email)
        self.assertFalse(alice.is_active)
        self.assertFalse(alice.has_usable_password())
        self.assertEqual(Share.objects.get(pk=self.share.pk).text, "")
        self.assertEqual(Share.objects.filter(person=alice).count(), 1)
        self.assertFalse(Click.objects.filter(link__person=alice).exclude(user_agent="").exists())
        self.assertFalse(
            Click.objects.filter(link__person=alice).exclude(referrer_domain="").exists()
        )
        self.assertFalse(Comment.objects.filter(person=alice).exists())
        self.assertFalse(PersonInterest.objects.filter(person=alice).exists())
        self.assertFalse(Invitation.objects.filter(email__icontains="alice").exists())
        self.assertFalse(Invitation.objects.filter(name__icontains="alice").exists())
        # Bob's data is untouched.
        self.assertEqual(Share.objects.get(person=self.bob).text, "Bob's words")
        self.assertEqual(
            Click.objects.filter(link__person=self.bob, user_agent="Mozilla/5.0").count(), 1
        )

    def test_the_erasure_is_audited_without_the_erased_data(self) -> None:
        self.erase(self.alice)

        entry = AuditEntry.objects.get(action="person.erased")
        self.assertEqual((entry.actor, entry.target_id), (self.adam, str(self.alice.pk)))
        every_entry = json.dumps(list(AuditEntry.objects.values("changes", "target_id", "action")))
        for personal in ("Alice", "alice@example.org", "Alice's own words", "alice-blog"):
            self.assertNotIn(personal, every_entry)
        log = self.client.get(reverse("governance:audit")).content.decode()
        self.assertIn('data-action="person.erased"', log)
        self.assertNotIn("Alice Example", log)

    def test_failed_logins_recorded_against_the_address_are_erased(self) -> None:
        Client(REMOTE_ADDR="203.0.113.5").post(
            reverse("accounts:login"), {"email": "alice@example.org", "password": "wrong"}
        )
        self.assertTrue(AccessAttempt.objects.filter(username="alice@example.org").exists())

        self.erase(self.alice)

        self.assertFalse(AccessAttempt.objects.filter(username__icontains="alice").exists())

    def test_the_erased_person_can_no_longer_log_in(self) -> None:
        self.erase(self.alice)
        self.client.logout()

        response = self.client.post(
            reverse("accounts:login"), {"email": "alice@example.org", "password": "x"}
        )

        self.assertNotIn("_auth_user_id", self.client.session)
        self.assertEqual(response.status_code, 200)

    def test_the_manager_is_asked_to_confirm_first(self) -> None:
        self.login(self.adam)

        page = self.client.get(reverse("accounts:person_erase", args=[self.alice.pk]))

        self.assertContains(page, "Type the person")
        self.assertContains(page, "This cannot be undone.")
        self.assertEqual(Person.objects.get(pk=self.alice.pk).name, "Alice Example")

    def test_the_address_must_be_typed_to_confirm(self) -> None:
        response = self.erase(self.alice, typed="bob@example.org")

        self.assertContains(response, "This is not the person&#x27;s address.")
        self.assertEqual(Person.objects.get(pk=self.alice.pk).name, "Alice Example")

    def test_a_manager_cannot_erase_themselves(self) -> None:
        response = self.erase(self.adam)

        self.assertRedirects(
            response, reverse("accounts:person", args=[self.adam.pk]), fetch_redirect_response=False
        )
        self.assertTrue(Person.objects.get(pk=self.adam.pk).is_active)

    def test_nobody_but_a_programme_manager_can_erase(self) -> None:
        for person in (self.alice, self.bob, self.charlie, self.lena, self.erin, self.vera):
            self.login(person)
            url = reverse("accounts:person_erase", args=[self.bob.pk])
            self.assertEqual(self.client.get(url).status_code, 404)
            self.assertEqual(self.client.post(url, {"email": "bob@example.org"}).status_code, 404)
        self.assertEqual(Person.objects.get(pk=self.bob.pk).name, "Bob Example")
        self.assertFalse(AuditEntry.objects.filter(action="person.erased").exists())


def relations_to_person() -> dict[str, tuple[type[Model], str]]:
    """Return every relation from a model (through models included) to Person, by label."""
    found: dict[str, tuple[type[Model], str]] = {}
    for model in apps.get_models(include_auto_created=True):
        for field in model._meta.get_fields():
            if field.is_relation and not field.auto_created and field.related_model is Person:
                found[f"{model._meta.label}.{field.name}"] = (model, field.name)
    return found


class CoverageTests(PrivacyTestCase):
    """Every model linked to a person is in the export and erased, anonymised or kept on purpose."""

    def setUp(self) -> None:
        super().setUp()
        badge = Badge.objects.create(slug="privacy-test", rule=Badge.Rule.SHARES, threshold=1)
        BadgeAward.objects.create(person=self.alice, badge=badge)
        now = timezone.now()
        challenge = Challenge.objects.create(
            title="Share week",
            metric=Challenge.Metric.SHARES,
            goal=1,
            starts_at=now - timedelta(days=7),
            ends_at=now - timedelta(days=1),
            created_by=self.adam,
        )
        ChallengeWinner.objects.create(challenge=challenge, person=self.alice, progress=1)
        PostRevision.objects.create(post=self.post, person=self.alice, action="edited", note="typo")
        NotificationPreference.objects.create(person=self.alice, email_digest=False)
        DigestLog.objects.create(person=self.alice, period="weekly:2026-W48", since=now, until=now)
        SharingPreference.objects.create(person=self.alice, mastodon_instance="mastodon.social")
        AudienceSize.objects.create(person=self.alice, network="linkedin", size=850)
        Kudos.objects.create(sender=self.alice, recipient=self.bob, message="Thanks, Bob")
        Suggestion.objects.create(person=self.alice, url="https://example.com/a", text="Read it")
        self.alice.groups.add(Group.objects.create(name="Helpers"))
        ClickOrigin.objects.create(
            day=now.date(),
            person=self.alice,
            post=self.post,
            network="linkedin",
            referrer_domain="www.linkedin.com",
            country="IT",
            human_clicks=3,
        )
        native = share_create(person=self.alice, post=self.post, network="mastodon", text="Hi")
        ShareEngagement.objects.create(
            share=native,
            person=self.alice,
            post=self.post,
            network="mastodon",
            server="social.example",
            remote_id="103254962155278888",
            posted_at=now,
            likes=12,
            fetched_at=now,
            next_fetch_at=now + timedelta(hours=6),
            claim="a-run",
        )

    def linked_rows(self, person: Person) -> dict[str, int]:
        return {
            label: model._default_manager.filter(**{field: person}).count()
            for label, (model, field) in relations_to_person().items()
        }

    def test_every_relation_to_a_person_is_declared_for_export_and_erasure(self) -> None:
        relations = relations_to_person()

        self.assertEqual(sorted(set(relations) - set(LINKED)), [], "not declared in LINKED")
        self.assertEqual(sorted(set(LINKED) - set(relations)), [], "declared but gone")
        for label, linked in LINKED.items():
            with self.subTest(label):
                self.assertIn(linked.erasure, (DELETED, ANONYMISED, KEPT))
                if linked.erasure == KEPT:
                    self.assertTrue(linked.why, "a kept relation says why")
                model, _field = relations[label]
                names = {field.name for field in model._meta.concrete_fields}
                self.assertLessEqual(set(linked.cleared), names)
                self.assertEqual(bool(linked.cleared), linked.erasure == ANONYMISED)

    def test_the_export_lists_the_rows_of_every_relation(self) -> None:
        for person in (self.alice, self.adam):
            self.login(person)
            rows = self.linked_rows(person)  # before the export adds its own audit entry
            data = json.loads(self.client.get(reverse("accounts:account_export")).content)
            for label, count in rows.items():
                with self.subTest(person=person.name, relation=label):
                    section = LINKED[label].section
                    self.assertIn(section, data)
                    if count:
                        self.assertTrue(data[section], f"{count} rows, none exported")
        self.login(self.alice)
        data = json.loads(self.client.get(reverse("accounts:account_export")).content)
        self.assertEqual(data["badges"][0]["awarded_at"][:4], str(timezone.now().year))
        self.assertEqual(data["challenge_wins"][0]["challenge_title"], "Share week")
        self.assertEqual(data["post_revisions"][0]["note"], "typo")
        self.assertFalse(data["notification_preference"][0]["email_digest"])
        self.assertEqual(data["kudos_sent"][0]["message"], "Thanks, Bob")
        self.assertEqual(data["groups"], ["Helpers"])

    def test_erasure_deletes_anonymises_or_keeps_each_relation_as_declared(self) -> None:
        before = self.linked_rows(self.alice)
        self.assertTrue(
            all(
                before[label]
                for label in (
                    "recognition.BadgeAward.person",
                    "recognition.ChallengeWinner.person",
                    "content.PostRevision.person",
                    "notifications.NotificationPreference.person",
                    "content.DigestLog.person",
                )
            )
        )

        person_erase(person=self.alice, by=self.adam)

        after = self.linked_rows(self.alice)
        for label, (model, field) in relations_to_person().items():
            linked = LINKED[label]
            with self.subTest(label, erasure=linked.erasure):
                if linked.erasure == DELETED:
                    self.assertEqual(after[label], 0)
                elif linked.erasure == KEPT:
                    self.assertEqual(after[label], before[label])
                else:
                    rows = model._default_manager.filter(**{field: self.alice})
                    for name in linked.cleared:
                        self.assertFalse(rows.exclude(**{name: ""}).exists(), name)
