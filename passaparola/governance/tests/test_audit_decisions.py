from passaparola.audit.models import AuditEntry
from passaparola.content.models import ApprovalStep
from passaparola.content.services import approval_step_add, post_approve, post_return, post_submit
from passaparola.recognition.services import (
    points_award,
    reward_claim,
    reward_claim_approve,
    reward_claim_decline,
    reward_create,
)
from passaparola.testing import BaseTestCase


class AuditOfDecisionsTests(BaseTestCase):
    """Approvals of posts and reward claims leave a trace of who decided what."""

    def test_approving_and_returning_a_post_are_audited(self) -> None:
        approval_step_add(name="Legal", approver=ApprovalStep.Approver.EDITOR)
        post = self.make_post(publish=False)
        # Erin wrote it; nobody approves their own post, so Adam reviews.
        post_submit(post=post, by=self.erin)
        post_return(post=post, by=self.adam, note="Add the source")
        post_submit(post=post, by=self.erin)
        post_approve(post=post, by=self.adam, note="Fine now")

        entries = list(
            AuditEntry.objects.filter(target_id=str(post.pk)).values_list("action", "actor_id")
        )
        self.assertIn(("post.returned", self.adam.pk), entries)
        self.assertIn(("post.approved", self.adam.pk), entries)

    def test_deciding_reward_claims_is_audited(self) -> None:
        points_award(person=self.alice, action="share", points=100, key="test:alice")
        reward = reward_create(fields={"name": "Team lunch", "price": 30})
        approved = reward_claim(person=self.alice, reward=reward)
        declined = reward_claim(person=self.alice, reward=reward)

        reward_claim_approve(claim=approved, by=self.adam)
        reward_claim_decline(claim=declined, by=self.adam, note="One per quarter")

        actions = dict(
            AuditEntry.objects.filter(action__startswith="reward_claim.").values_list(
                "target_id", "action"
            )
        )
        self.assertEqual(
            actions,
            {str(approved.pk): "reward_claim.approved", str(declined.pk): "reward_claim.declined"},
        )
