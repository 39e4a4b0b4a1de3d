"""Daily figures per post, person and network, and deleting raw clicks past retention."""

from datetime import date, datetime, timedelta

from django.utils import timezone

from passaparola.content.models import Post
from passaparola.content.services import post_create
from passaparola.sharing.models import ShortLink
from passaparola.sharing.services import shortlink_get_or_create
from passaparola.testing import BaseTestCase
from passaparola.tracking.models import Click, ClickRollup, Conversion
from passaparola.tracking.selectors import rollup_totals
from passaparola.tracking.services import clicks_rollup_and_prune, tracking_settings_update

TODAY = date(2026, 6, 30)


class RollupTests(BaseTestCase):
    post: Post
    alice_link: ShortLink
    bob_link: ShortLink

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.post = post_create(created_by=cls.erin, url="https://example.com/r", title="Report")
        cls.alice_link = shortlink_get_or_create(person=cls.alice, post=cls.post, network="x")
        cls.bob_link = shortlink_get_or_create(person=cls.bob, post=cls.post, network="linkedin")
        ShortLink.objects.update(created_at=timezone.make_aware(datetime(2026, 1, 1)))

    def add_click(self, link: ShortLink, day: date, visitor: str, bot: bool = False) -> None:
        at = timezone.make_aware(datetime.combine(day, datetime.min.time()) + timedelta(hours=9))
        Click.objects.create(link=link, created_at=at, is_bot=bot, visitor=visitor)

    def add_lead(self, link: ShortLink, day: date, key: str) -> None:
        at = timezone.make_aware(datetime.combine(day, datetime.min.time()) + timedelta(hours=10))
        Conversion.objects.create(
            key=key, link=link, source="api", state="confirmed", created_at=at
        )

    def figures(self, day: date) -> dict[tuple[int, str], tuple[int, int, int, int]]:
        return {
            (row.person_id, row.network): (
                row.human_clicks,
                row.unique_visitors,
                row.bot_visits,
                row.leads,
            )
            for row in ClickRollup.objects.filter(day=day)
        }

    def test_each_day_is_summed_per_post_person_and_network(self) -> None:
        day = TODAY - timedelta(days=3)
        self.add_click(self.alice_link, day, "v1")
        self.add_click(self.alice_link, day, "v1")
        self.add_click(self.alice_link, day, "v2")
        self.add_click(self.alice_link, day, "b1", bot=True)
        self.add_click(self.bob_link, day, "v3")
        self.add_lead(self.alice_link, day, "api:1")

        clicks_rollup_and_prune(today=TODAY)

        self.assertEqual(
            self.figures(day),
            {(self.alice.pk, "x"): (3, 2, 1, 1), (self.bob.pk, "linkedin"): (1, 1, 0, 0)},
        )

    def test_clicks_past_retention_are_deleted_after_being_summed(self) -> None:
        tracking_settings_update(fields={"retention_days": 30})
        old, recent = TODAY - timedelta(days=40), TODAY - timedelta(days=5)
        self.add_click(self.alice_link, old, "v1")
        self.add_click(self.alice_link, old, "b1", bot=True)
        self.add_click(self.alice_link, recent, "v2")

        days, deleted = clicks_rollup_and_prune(today=TODAY)

        self.assertEqual(deleted, 2)
        self.assertEqual(Click.objects.count(), 1)
        self.assertEqual(self.figures(old), {(self.alice.pk, "x"): (1, 1, 1, 0)})
        self.assertEqual(self.figures(recent), {(self.alice.pk, "x"): (1, 1, 0, 0)})
        self.assertEqual(days, 40)  # every day from the oldest click to yesterday

    def test_running_it_again_changes_nothing(self) -> None:
        tracking_settings_update(fields={"retention_days": 30})
        for offset in (45, 40, 3, 1):
            self.add_click(self.alice_link, TODAY - timedelta(days=offset), f"v{offset}")
        self.add_lead(self.bob_link, TODAY - timedelta(days=45), "api:2")

        clicks_rollup_and_prune(today=TODAY)
        first = list(ClickRollup.objects.order_by("day", "person").values())
        clicks_rollup_and_prune(today=TODAY)
        clicks_rollup_and_prune(today=TODAY + timedelta(days=1))
        again = list(ClickRollup.objects.filter(day__lt=TODAY).order_by("day", "person").values())

        strip = [{k: v for k, v in row.items() if k != "id"} for row in first]
        self.assertEqual(strip, [{k: v for k, v in row.items() if k != "id"} for row in again])
        self.assertEqual(rollup_totals(since=TODAY - timedelta(days=60))["human_clicks"], 4)
        self.assertEqual(rollup_totals(since=TODAY - timedelta(days=60))["leads"], 1)

    def test_today_is_left_raw_until_it_is_over(self) -> None:
        self.add_click(self.alice_link, TODAY, "v1")

        clicks_rollup_and_prune(today=TODAY)

        self.assertFalse(ClickRollup.objects.filter(day=TODAY).exists())
        self.assertEqual(Click.objects.count(), 1)

    def test_nothing_to_do_without_clicks(self) -> None:
        self.assertEqual(clicks_rollup_and_prune(today=TODAY), (0, 0))
