"""What MUS owes people by e-mail: one row per message part, sent at most once."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from organisation.models import Person
from reviews.models import Party, Review


class NoticeQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status=Notice.Status.PENDING)


class Notice(models.Model):
    """One thing one party of one review is to be told: the round opened, a reminder to
    prepare, the talk's time in their calendar.

    The row is the promise that it goes out at most once. ``(review, party, occasion)`` is
    unique, so the daily reminder run can be repeated without creating anything new; and a
    worker sends only the rows it claimed itself, moving them from pending to sending in
    one conditional update, so two workers never send the same row. A manager's notices
    of one kind and round travel together, as one e-mail listing the reviews.
    """

    class Kind(models.TextChoices):
        OPENED = "opened", _("Round opened")
        REMINDER = "reminder", _("Reminder to prepare")
        OVERDUE = "overdue", _("Preparation overdue")
        TALK = "talk", _("Time of the talk")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        SKIPPED = "skipped", _("Not needed any more")
        FAILED = "failed", _("Failed")

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="notices")
    party = models.CharField(max_length=10, choices=Party.choices)
    recipient = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    # What makes it once: "opened", the reminder's day ("2027-01-18"), or "talk-3" for the
    # third version of the talk's time.
    occasion = models.CharField(max_length=40)
    due_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    claim = models.CharField(max_length=32, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    # Why it was not sent: the mail server's refusal, or why it was no longer needed.
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["review", "party", "occasion"], name="one_notice_per_occasion"
            )
        ]
        indexes = [models.Index(fields=["status", "recipient"])]

    def __str__(self):
        return f"{self.review} · {self.party} · {self.occasion} · {self.status}"
