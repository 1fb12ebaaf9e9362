from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from mus.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "Restore a backup into the database DATABASE_URL names, which must be fresh "
        "(without tables); then run migrate. See docs/backup.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("backup_file", type=Path)

    def handle(self, *args, backup_file, **options):
        connection.close()  # the restore works on the database directly
        try:
            restore(backup_file, connection.settings_dict)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Restored {backup_file} into {connection.settings_dict['NAME']}.")
