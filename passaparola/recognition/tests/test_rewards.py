"""The rewards catalogue: claims, approvals that deduct once, stock, history for both sides."""

from django.urls import reverse

from passaparola.notifications.models import Notification
from passaparola.recognition.models import Action, PointsEntry, Reward, RewardClaim
from passaparola.recognition.selectors import points_available, points_balance, points_total
from passaparola.recognition.services import points_award, reward_claim
from passaparola.testing import BaseTestCase


class RewardTests(BaseTestCase):
    def setUp(self) -> None:
        self.mug = Reward.objects.create(name="Acme mug", price=40, stock=1)
        self.day = Reward.objects.create(name="Extra day off", price=500)
        points_award(person=self.alice, action="share", points=100, key="alice")

    def claim(self, person: object, reward: Reward) -> object:
        self.login(person)  # type: ignore[arg-type]
        return self.client.post(reverse("recognition:reward_claim", args=[reward.pk]))

    def test_a_person_with_enough_points_claims_a_reward(self) -> None:
        response = self.claim(self.alice, self.mug)

        self.assertRedirects(response, reverse("recognition:rewards"))  # type: ignore[arg-type]
        claim = RewardClaim.objects.get()
        self.assertEqual((claim.person, claim.reward, claim.price), (self.alice, self.mug, 40))
        self.assertEqual(claim.state, RewardClaim.State.PENDING)
        self.assertEqual(points_available(self.alice), 60)
        self.assertTrue(Notification.objects.filter(person=self.adam, kind="reward").exists())

    def test_a_claim_beyond_the_available_points_is_refused_with_a_message(self) -> None:
        response = self.claim(self.alice, self.day)

        self.assertFalse(RewardClaim.objects.exists())
        page = self.client.get(response["Location"])  # type: ignore[index]
        self.assertContains(page, "This reward costs 500 points and you have 100 available.")

    def test_points_held_by_a_waiting_claim_cannot_be_claimed_twice(self) -> None:
        Reward.objects.filter(pk=self.mug.pk).update(stock=None)
        self.claim(self.alice, self.mug)
        self.claim(self.alice, self.mug)
        self.claim(self.alice, self.mug)

        self.assertEqual(RewardClaim.objects.count(), 2)

    def test_an_inactive_reward_cannot_be_claimed(self) -> None:
        Reward.objects.filter(pk=self.mug.pk).update(is_active=False)

        response = self.claim(self.alice, self.mug)

        self.assertEqual(response.status_code, 404)  # type: ignore[attr-defined]
        self.assertFalse(RewardClaim.objects.exists())

    def test_approval_deducts_the_points_once_and_takes_one_from_stock(self) -> None:
        claim = reward_claim(person=self.alice, reward=self.mug)
        self.login(self.adam)

        first = self.client.post(reverse("recognition:claim_approve", args=[claim.pk]))
        second = self.client.post(
            reverse("recognition:claim_approve", args=[claim.pk]), follow=True
        )

        self.assertRedirects(first, reverse("recognition:claims"))
        self.assertContains(second, "This claim was already decided.")
        claim.refresh_from_db()
        self.assertEqual((claim.state, claim.decided_by), (RewardClaim.State.APPROVED, self.adam))
        entries = PointsEntry.objects.filter(action=Action.REDEMPTION)
        self.assertEqual(list(entries.values_list("key", "points")), [(f"claim:{claim.pk}", -40)])
        self.assertEqual(Reward.objects.get(pk=self.mug.pk).stock, 0)
        self.assertEqual(points_balance(self.alice), 60)
        # Spending never lowers a place on the boards.
        self.assertEqual(points_total(self.alice), 100)
        self.assertTrue(
            Notification.objects.filter(
                person=self.alice, title="Your reward “Acme mug” is approved"
            ).exists()
        )

    def test_the_last_item_goes_to_the_first_approval_only(self) -> None:
        points_award(person=self.bob, action="share", points=100, key="bob")
        first = reward_claim(person=self.alice, reward=self.mug)
        second = reward_claim(person=self.bob, reward=self.mug)
        self.login(self.adam)

        self.client.post(reverse("recognition:claim_approve", args=[first.pk]))
        response = self.client.post(reverse("recognition:claim_approve", args=[second.pk]))

        self.assertContains(self.client.get(response["Location"]), "This reward is out of stock.")
        second.refresh_from_db()
        self.assertEqual(second.state, RewardClaim.State.PENDING)
        self.assertFalse(PointsEntry.objects.filter(key=f"claim:{second.pk}").exists())
        self.assertEqual(Reward.objects.get(pk=self.mug.pk).stock, 0)

    def test_a_decline_frees_the_points_and_tells_the_person_why(self) -> None:
        claim = reward_claim(person=self.alice, reward=self.mug)
        self.login(self.adam)

        self.client.post(
            reverse("recognition:claim_decline", args=[claim.pk]), {"note": "Mugs are gone"}
        )

        claim.refresh_from_db()
        self.assertEqual((claim.state, claim.note), (RewardClaim.State.DECLINED, "Mugs are gone"))
        self.assertEqual(points_available(self.alice), 100)
        self.assertFalse(PointsEntry.objects.filter(action=Action.REDEMPTION).exists())
        self.login(self.alice)
        self.assertContains(self.client.get(reverse("recognition:rewards")), "Mugs are gone")

    def test_a_person_withdraws_their_own_waiting_claim_but_not_someone_elses(self) -> None:
        points_award(person=self.bob, action="share", points=100, key="bob")
        mine = reward_claim(person=self.alice, reward=self.mug)
        theirs = reward_claim(person=self.bob, reward=self.mug)
        self.login(self.alice)

        own = self.client.post(reverse("recognition:claim_cancel", args=[mine.pk]))
        other = self.client.post(reverse("recognition:claim_cancel", args=[theirs.pk]))

        self.assertRedirects(own, reverse("recognition:rewards"))
        self.assertEqual(other.status_code, 404)
        mine.refresh_from_db()
        theirs.refresh_from_db()
        self.assertEqual(mine.state, RewardClaim.State.CANCELLED)
        self.assertEqual(theirs.state, RewardClaim.State.PENDING)

    def test_members_leads_and_editors_cannot_approve_or_decline_claims(self) -> None:
        claim = reward_claim(person=self.alice, reward=self.mug)
        for person in (self.alice, self.bob, self.lena, self.erin, self.vera):
            self.login(person)
            for name in ("recognition:claim_approve", "recognition:claim_decline"):
                response = self.client.post(reverse(name, args=[claim.pk]))
                self.assertEqual(response.status_code, 404, (person, name))
            self.assertEqual(self.client.get(reverse("recognition:claims")).status_code, 404)
        claim.refresh_from_db()
        self.assertEqual(claim.state, RewardClaim.State.PENDING)

    def test_both_sides_see_the_history(self) -> None:
        claim = reward_claim(person=self.alice, reward=self.mug)
        self.login(self.adam)
        self.client.post(reverse("recognition:claim_approve", args=[claim.pk]))

        manager = self.client.get(reverse("recognition:claims"))
        self.login(self.alice)
        person = self.client.get(reverse("recognition:rewards"))
        self.login(self.bob)
        teammate = self.client.get(reverse("recognition:rewards"))

        self.assertContains(manager, f'<tr data-claim="{claim.pk}">')
        self.assertContains(manager, "Alice Example")
        self.assertContains(person, f'<tr data-claim="{claim.pk}">')
        self.assertContains(person, "Approved")
        self.assertNotContains(teammate, f'data-claim="{claim.pk}"')


class RewardCatalogueTests(BaseTestCase):
    def test_the_manager_adds_and_changes_a_reward(self) -> None:
        self.login(self.adam)

        created = self.client.post(
            reverse("recognition:reward_new"),
            {"name": "Conference ticket", "description": "", "price": "800", "stock": "2",
             "is_active": "on"},
        )  # fmt: skip
        reward = Reward.objects.get()
        changed = self.client.post(
            reverse("recognition:reward_edit", args=[reward.pk]),
            {"name": "Conference ticket", "price": "900", "stock": "", "is_active": ""},
        )

        self.assertRedirects(created, reverse("recognition:reward_catalogue"))
        self.assertRedirects(changed, reverse("recognition:reward_catalogue"))
        reward.refresh_from_db()
        self.assertEqual((reward.price, reward.stock, reward.is_active), (900, None, False))

    def test_a_negative_stock_or_a_free_reward_is_refused(self) -> None:
        self.login(self.adam)

        response = self.client.post(
            reverse("recognition:reward_new"), {"name": "Mug", "price": "0", "stock": "-1"}
        )

        self.assertEqual(response.status_code, 200)
        self.assertFalse(Reward.objects.exists())

    def test_only_the_manager_edits_the_catalogue(self) -> None:
        reward = Reward.objects.create(name="Mug", price=10)
        for person in (self.alice, self.lena, self.erin, self.vera):
            self.login(person)
            for url in (
                reverse("recognition:reward_catalogue"),
                reverse("recognition:reward_new"),
                reverse("recognition:reward_edit", args=[reward.pk]),
            ):
                self.assertEqual(self.client.get(url).status_code, 404, (person, url))
            response = self.client.post(
                reverse("recognition:reward_edit", args=[reward.pk]), {"name": "Free", "price": 1}
            )
            self.assertEqual(response.status_code, 404)
        self.assertEqual(Reward.objects.get().price, 10)
