"""Delete the reviews that ended more than N years ago, with everything in them.

Meant to run every night (cron, a systemd timer): each run deletes what has passed the
retention period since the last. See privacy.retention for what "ended" means.
"""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from privacy import retention


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


class Command(BaseCommand):
    help = (
        "Delete reviews that ended (were concluded, or their round closed) more than N "
        "years ago, with their preparations, agreements, reflections and trail, and the "
        "closed rounds this leaves empty. Says what it removed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--years",
            type=int,
            default=settings.RETENTION_YEARS,
            help="how many years a review is kept after it ended (default: RETENTION_YEARS, "
            f"now {settings.RETENTION_YEARS})",
        )
        parser.add_argument("--dry-run", action="store_true", help="only say what would be removed")

    def handle(self, *args: Any, years: int, dry_run: bool, **options: Any) -> None:
        if years < 1:
            raise CommandError("--years must be at least 1.")
        cutoff = retention.years_before(timezone.now(), years)
        reviews = retention.ended_before(cutoff)
        day = timezone.localtime(cutoff).date().isoformat()
        ago = f"{plural(years, 'year')} ago"
        removal = retention.measure(reviews, rounds_closed_before=cutoff)
        if not removal:
            self.stdout.write(f"No review ended before {day} ({ago}); nothing to do.")
            return
        if not dry_run:
            removal = retention.delete_reviews(
                reviews, f"apply_retention --years {years}: ended before {day}", cutoff
            )
        verb = "Would remove" if dry_run else "Removed"
        self.stdout.write(f"{verb} the reviews that ended before {day} ({ago}):")
        for name, count in removal.reviews_by_round.items():
            self.stdout.write(f"  {name}: {plural(count, 'review')}")
        parts = ", ".join(f"{count} {name}" for name, count in removal.parts.items())
        self.stdout.write(f"{verb} with them: {parts}.")
        if removal.rounds:
            self.stdout.write(f"{verb} the rounds left empty: {', '.join(removal.rounds)}.")
        if not dry_run:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Done: {plural(removal.reviews, 'review')} and "
                    f"{plural(len(removal.rounds), 'round')} removed."
                )
            )
