"""Backing up the database and restoring it into a fresh one: see docs/backup.md.

PostgreSQL is dumped with ``pg_dump --format=custom`` (one compressed file, restored
with ``pg_restore``); its client must be of the server's major version or newer.
SQLite is copied with its online backup API, which is safe while the app runs: a
consistent snapshot, never a half-written page.
"""

import os
import sqlite3
import subprocess
from datetime import datetime
from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db.backends.base.base import BaseDatabaseWrapper


class BackupError(Exception):
    pass


def _is_sqlite(settings_dict: dict[str, Any]) -> bool:
    return bool(settings_dict["ENGINE"] == "django.db.backends.sqlite3")


def _postgres_environment(settings_dict: dict[str, Any]) -> dict[str, str]:
    """Connection settings for the PostgreSQL client programs, as libpq reads them."""
    environment = dict(os.environ)
    for variable, key in [
        ("PGHOST", "HOST"),
        ("PGPORT", "PORT"),
        ("PGUSER", "USER"),
        ("PGPASSWORD", "PASSWORD"),
        ("PGDATABASE", "NAME"),
    ]:
        if settings_dict.get(key):
            environment[variable] = str(settings_dict[key])
    return environment


def _run(command: list[str], environment: dict[str, str] | None = None) -> str:
    try:
        done = subprocess.run(command, env=environment, capture_output=True, text=True)
    except FileNotFoundError:
        raise BackupError(
            f"{command[0]} is not installed (apt-get install postgresql-client)."
        ) from None
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip()}")
    return done.stdout


def backup(connection: BaseDatabaseWrapper, directory: Path) -> Path:
    """Write a backup of the database into ``directory`` and check that it can be read."""
    directory.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    if connection.vendor == "sqlite":
        target = directory / f"mus-{stamp}.sqlite3"
        connection.ensure_connection()
        with sqlite3.connect(target) as copy:
            connection.connection.backup(copy)
            (result,) = copy.execute("PRAGMA integrity_check").fetchone()
        copy.close()
        if result != "ok":
            raise BackupError(f"The copy {target} failed its integrity check: {result}")
        return target
    if connection.vendor == "postgresql":
        target = directory / f"mus-{stamp}.dump"
        environment = _postgres_environment(connection.settings_dict)
        _run(["pg_dump", "--format=custom", "--no-owner", f"--file={target}"], environment)
        _run(["pg_restore", "--list", str(target)])  # the archive reads back whole
        return target
    raise ImproperlyConfigured(f"No backup for the {connection.vendor} database.")


def _has_tables(settings_dict: dict[str, Any]) -> bool:
    if _is_sqlite(settings_dict):
        name = str(settings_dict["NAME"])
        is_uri = name.startswith("file:")  # e.g. the test suite's in-memory database
        if not is_uri and not Path(name).exists():
            return False
        with sqlite3.connect(name, uri=is_uri) as database:
            tables = database.execute("SELECT count(*) FROM sqlite_master WHERE type='table'")
            (count,) = tables.fetchone()
        database.close()
        return int(count) > 0
    listed = _run(
        [
            "psql",
            "--no-psqlrc",
            "--tuples-only",
            "--command",
            "SELECT count(*) FROM pg_tables "
            "WHERE schemaname NOT IN ('pg_catalog', 'information_schema')",
        ],
        _postgres_environment(settings_dict),
    )
    return int(listed.strip() or 0) > 0


def restore(backup_file: Path, settings_dict: dict) -> None:
    """Restore a backup into the (empty) database ``settings_dict`` describes.

    Never into one that has tables: a restore that overwrote the live data by
    mistake would be the worst outcome of all. Create a fresh database, restore into
    it, check it, then point DATABASE_URL at it.
    """
    if not backup_file.is_file():
        raise BackupError(f"There is no backup file {backup_file}.")
    if _has_tables(settings_dict):
        raise BackupError(
            f"The database {settings_dict['NAME']} is not empty. Restore into a fresh one."
        )
    if _is_sqlite(settings_dict):
        if backup_file.suffix != ".sqlite3":
            raise BackupError("This is not an SQLite backup (mus-….sqlite3).")
        Path(settings_dict["NAME"]).parent.mkdir(parents=True, exist_ok=True)
        with sqlite3.connect(backup_file) as source, sqlite3.connect(settings_dict["NAME"]) as to:
            source.backup(to)
        source.close()
        to.close()
        return
    _run(
        [
            "pg_restore",
            "--no-owner",
            "--exit-on-error",
            "--single-transaction",
            f"--dbname={settings_dict['NAME']}",
            str(backup_file),
        ],
        _postgres_environment(settings_dict),
    )
