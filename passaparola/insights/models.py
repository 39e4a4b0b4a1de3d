"""The insights read model: daily figures that outlive raw clicks and answer in milliseconds.

Insights read the other apps and never change them; these tables are insights' own, written
only by `insights/rollups.py` (the worker and the `insights_rebuild` command).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Measures(models.Model):
    """The figures the read model counts (`measures.MEASURES`; meanings on `DailyFigure`)."""

    shares = models.PositiveIntegerField(default=0)
    human_clicks = models.PositiveIntegerField(default=0)
    unique_visitors = models.PositiveIntegerField(default=0)
    bot_visits = models.PositiveIntegerField(default=0)
    leads = models.PositiveIntegerField(default=0)
    actions = models.PositiveIntegerField(default=0)
    points = models.IntegerField(default=0)

    class Meta:
        abstract = True


class DailyFigure(Measures):
    """What one person's sharing of one post on one network did on one day (programme time).

    - shares: shares recorded that day;
    - human_clicks and bot_visits: clicks on the person's short link, people and bots apart;
    - unique_visitors: human visitors counted once per short link per day (visitor hashes
      are salted per day, so nobody can be followed from one day to the next);
    - leads: confirmed leads recorded that day (a rejected lead no longer counts);
    - actions: steps the person took themselves that day (reading, sharing, reacting,
      suggesting, publishing...; what happened *to* them, a click or a lead, is not an action,
      nor is joining): a person with actions in a period was active in it;
    - points: ledger points earned that day (reversals subtract; redemptions are spending,
      not earning, and are left out). Points for something other than a post (a badge, a
      kudos) have no post and no network.
    """

    day = models.DateField()
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    post = models.ForeignKey(
        "content.Post", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    network = models.CharField(max_length=20, blank=True)

    class Meta:
        verbose_name = _("daily figures")
        verbose_name_plural = _("daily figures")
        indexes = [
            models.Index(fields=["day"], name="dailyfigure_day"),
            models.Index(fields=["person", "day"], name="dailyfigure_person_day"),
            models.Index(fields=["post", "day"], name="dailyfigure_post_day"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.person_id}/{self.post_id}/{self.network}"


class RolledDay(models.Model):
    """A day whose figures are built; its row is also the lock two builders take in turn."""

    day = models.DateField(primary_key=True)
    built_at = models.DateTimeField(default=timezone.now)
    # The raw clicks of the day were gone when it was last built: its click figures were
    # carried over from the previous build, not recounted.
    clicks_carried = models.BooleanField(default=False)
    # The highest id of each source table counted in this build (see `rollups.SOURCES`): the
    # pages read today's build and only the rows added after it.
    marks = models.JSONField(default=dict, blank=True)

    def __str__(self) -> str:
        return f"{self.day} built at {self.built_at}"


class RollupMark(models.Model):
    """How far the worker has read each source table (the highest id it has seen)."""

    source = models.CharField(max_length=40, primary_key=True)
    last_id = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.source} read up to {self.last_id}"


class DayTotal(Measures):
    """The whole programme's figures for one day on one network ("" for steps on none).

    The sum of the day's `DailyFigure` rows, kept beside them so that a year of whole-programme
    totals is a few hundred rows, whatever the number of people and clicks.
    """

    day = models.DateField()
    network = models.CharField(max_length=20, blank=True)

    class Meta:
        verbose_name = _("daily total")
        verbose_name_plural = _("daily totals")
        constraints = [
            models.UniqueConstraint(fields=["day", "network"], name="daytotal_day_network")
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.network or '-'}"


class Pack(models.Model):
    """One day's, or one closed month's, figures for every person or every post, packed.

    `data` holds a table of 32-bit integers, compressed: a row per person (or post) and
    network, with the columns of `insights.packs.COLUMNS`; `networks` names the networks the
    network column counts from. Whole-programme questions over long periods (who brought the
    most clicks this year, how many people took part) read one row per month.
    """

    class Of(models.TextChoices):
        PERSON = "person", _("person")
        POST = "post", _("post")

    class Span(models.TextChoices):
        DAY = "day", _("day")
        MONTH = "month", _("month")

    of = models.CharField(max_length=6, choices=Of.choices)
    span = models.CharField(max_length=5, choices=Span.choices)
    start = models.DateField()  # the day, or the month's first day
    networks = models.CharField(max_length=500, blank=True)
    size = models.PositiveIntegerField(default=0)
    data = models.BinaryField()

    class Meta:
        verbose_name = _("packed figures")
        verbose_name_plural = _("packed figures")
        constraints = [
            models.UniqueConstraint(fields=["of", "span", "start"], name="pack_of_span_start")
        ]

    def __str__(self) -> str:
        return f"{self.of} {self.span} {self.start}"
