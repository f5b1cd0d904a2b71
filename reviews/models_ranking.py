"""The ranking snapshot: each call's ranking as last computed, and whether it is still current.

reviews.ranking.call_ranking computes a call's whole ranking in one query; at
thousands of applications that costs more than a page may. The snapshot keeps
its numbers, one row per ranked application with its place in both orders, so
a page reads only its own rows (reviews.ranking_snapshot keeps it current).
Texts (title, reference number, applicant, status) are not copied: pages join
the application for the rows they show, so they are never stale.
"""

from decimal import Decimal

from django.db import models

from applicants.models import Application
from core.models import ChangeCounted
from grants.models import GrantCall

ORDER_SUFFIXES = ("final", "normalised")


class RankingEntry(models.Model):
    """One application's numbers in its call's ranking, and its place in each order."""

    call = models.ForeignKey(GrantCall, on_delete=models.CASCADE, related_name="+")
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="+")
    reviews = models.PositiveIntegerField(default=0)
    assigned_reviewers = models.PositiveIntegerField(default=0)
    reviews_expected = models.PositiveIntegerField(default=0)
    mean = models.FloatField(null=True)
    spread = models.FloatField(null=True)
    final_score = models.FloatField(null=True)
    normalised = models.FloatField(null=True)
    flagged = models.BooleanField(default=False)
    below_threshold = models.BooleanField(default=False)
    # Scored, with every expected review in (the page's "unscored or incomplete" filter).
    complete = models.BooleanField(default=False)
    position_final = models.PositiveIntegerField()
    running_total_final = models.DecimalField(max_digits=14, decimal_places=2)
    above_line_final = models.BooleanField(default=False)
    position_normalised = models.PositiveIntegerField()
    running_total_normalised = models.DecimalField(max_digits=14, decimal_places=2)
    above_line_normalised = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["call", "application"], name="ranking_entry_once")
        ]
        indexes = [
            models.Index(fields=["call", "position_final"], name="ranking_by_final"),
            models.Index(fields=["call", "position_normalised"], name="ranking_by_normalised"),
        ]

    def __str__(self) -> str:
        return f"{self.call_id}: {self.application_id} #{self.position_final}"


class RankingState(ChangeCounted):
    """Whether a call's snapshot is current, and the figures the ranking's pages show above it.

    Every event that changes the ranking counts a change (core.models.ChangeCounted); a
    rebuild notes the count it read before computing. The snapshot is current when the two
    are equal.
    """

    call = models.OneToOneField(
        GrantCall, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    # When a rebuild was last queued: a page queues another if it is long overdue.
    queued_at = models.DateTimeField(null=True)
    row_count = models.PositiveIntegerField(default=0)
    flagged_count = models.PositiveIntegerField(default=0)
    below_threshold_count = models.PositiveIntegerField(default=0)
    reviews_submitted = models.PositiveIntegerField(default=0)
    reviews_expected = models.PositiveIntegerField(default=0)
    line_after_final = models.PositiveIntegerField(null=True)
    above_line_count_final = models.PositiveIntegerField(default=0)
    requested_above_line_final = models.DecimalField(
        max_digits=14, decimal_places=2, default=Decimal("0.00")
    )
    budget_runs_out_final = models.BooleanField(default=False)
    line_after_normalised = models.PositiveIntegerField(null=True)
    above_line_count_normalised = models.PositiveIntegerField(default=0)
    requested_above_line_normalised = models.DecimalField(
        max_digits=14, decimal_places=2, default=Decimal("0.00")
    )
    budget_runs_out_normalised = models.BooleanField(default=False)
    # Applications in review with fewer live reviewers than the call asks, counted at the
    # rebuild (reviews.selectors.applications_short_of_reviewers): the coordinators' start
    # page reads it while the state is current.
    short_of_reviewers = models.PositiveIntegerField(default=0)
