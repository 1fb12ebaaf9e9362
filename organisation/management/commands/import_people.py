"""Import people, their logins, departments and managers from HR's CSV export.

All or nothing: a faulty file is refused with every faulty line listed. The format and
what is matched, updated and never deleted are in docs/import_people.md.
"""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from organisation.importing import Outcome, RejectedFile, import_people


class Command(BaseCommand):
    help = (
        "Create or update people, logins, departments and managers from HR's CSV export "
        "(format: docs/import_people.md). A faulty file changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="the CSV file (UTF-8, ; or , separated)")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="check the file and report what would change, without changing anything",
        )

    def handle(
        self, *args: Any, file: Path, dry_run: bool = False, verbosity: int = 1, **options: Any
    ) -> None:
        try:
            data = file.read_bytes()
        except FileNotFoundError:
            raise CommandError(f"{file}: no such file.") from None
        except OSError as error:
            raise CommandError(f"{file} cannot be read: {error.strerror}.") from None

        try:
            outcome = import_people(data, dry_run=dry_run)
        except RejectedFile as rejection:
            raise CommandError(rejection.describe(file.name)) from None

        if verbosity:
            self.report(file.name, outcome, dry_run)

    def report(self, name: str, outcome: Outcome, dry_run: bool) -> None:
        if outcome.ignored_columns:
            # Most likely extra columns of the HR export, but possibly a misspelt one.
            self.stderr.write(
                self.style.WARNING(
                    f"{name}: ignored the columns {', '.join(outcome.ignored_columns)} "
                    "(not used by the import)."
                )
            )
        departments = outcome.departments_created
        counts = (
            f"{outcome.created} created, {outcome.updated} updated, "
            f"{outcome.unchanged} unchanged; {departments} new "
            f"{'department' if departments == 1 else 'departments'}"
        )
        if dry_run:
            self.stdout.write(
                f"{name} checked, nothing changed (--dry-run). It would give: {counts}."
            )
        else:
            self.stdout.write(self.style.SUCCESS(f"{name} imported: {counts}."))
