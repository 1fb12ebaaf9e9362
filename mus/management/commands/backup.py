from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from mus.backup import BackupError, backup


class Command(BaseCommand):
    help = "Back up the database (pg_dump, or SQLite's online backup) and check the copy."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output-dir", default="backups", help="where to write it (default: backups/)"
        )

    def handle(self, *args, output_dir, **options):
        try:
            written = backup(connection, Path(output_dir))
        except BackupError as error:
            raise CommandError(str(error)) from error
        size = written.stat().st_size
        self.stdout.write(f"Backed up to {written} ({size / 1_000_000:.1f} MB), checked.")
