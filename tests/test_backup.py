"""Backup and restore (docs/backup.md): back up, destroy, restore into a fresh database, find
the data again. On whichever database the suite runs on, and on SQLite always."""

import sqlite3
import uuid
from pathlib import Path

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.backends.sqlite3.base import DatabaseWrapper as SQLiteWrapper

from competencies.models import Question
from mus.backup import BackupError, backup, restore
from reviews.factories import AnswerFactory, PreparationFactory
from reviews.models import Answer

WRITTEN = "Det, jeg skrev før ulykken: æ, ø og å."


@pytest.fixture
def written_answer(review):
    preparation = PreparationFactory(review=review, party="employee")
    question = Question.objects.filter(theme__question_set=review.round.question_set).first()
    return AnswerFactory(preparation=preparation, question=question, text=WRITTEN)


@pytest.fixture
def fresh_database(tmp_path):
    """An empty database of the suite's kind, dropped afterwards."""
    settings_dict = dict(connection.settings_dict)
    if connection.vendor == "sqlite":
        settings_dict["NAME"] = str(tmp_path / "restored.sqlite3")
        yield settings_dict
        return
    settings_dict["NAME"] = f"{settings_dict['NAME']}_restore_{uuid.uuid4().hex[:8]}"
    admin = {"host": settings_dict["HOST"], "port": settings_dict["PORT"] or 5432}
    admin |= {"user": settings_dict["USER"], "password": settings_dict["PASSWORD"] or None}
    with psycopg.connect(dbname="postgres", autocommit=True, **admin) as server:
        server.execute(f'CREATE DATABASE "{settings_dict["NAME"]}"')
    yield settings_dict
    with psycopg.connect(dbname="postgres", autocommit=True, **admin) as server:
        server.execute(f'DROP DATABASE IF EXISTS "{settings_dict["NAME"]}" WITH (FORCE)')


def stored_answers(settings_dict) -> list[str]:
    query = "SELECT text FROM reviews_answer"
    if settings_dict["ENGINE"].endswith("sqlite3"):
        with sqlite3.connect(settings_dict["NAME"]) as restored:
            rows = restored.execute(query).fetchall()
        restored.close()
        return [row[0] for row in rows]
    with psycopg.connect(
        dbname=settings_dict["NAME"],
        host=settings_dict["HOST"],
        port=settings_dict["PORT"] or 5432,
        user=settings_dict["USER"],
        password=settings_dict["PASSWORD"] or None,
    ) as restored:
        return [row[0] for row in restored.execute(query)]


@pytest.mark.django_db(transaction=True)
def test_a_backup_restores_what_was_written_after_it_was_destroyed(
    written_answer, fresh_database, tmp_path
):
    written = backup(connection, tmp_path / "backups")
    Answer.objects.all().delete()  # the accident
    assert not Answer.objects.exists()

    restore(written, fresh_database)
    assert stored_answers(fresh_database) == [WRITTEN]


@pytest.mark.django_db(transaction=True)
def test_the_commands_back_up_and_refuse_to_restore_over_a_database_with_data(
    written_answer, tmp_path, capsys
):
    call_command("backup", output_dir=str(tmp_path))
    (written,) = tmp_path.iterdir()
    assert f"Backed up to {written}" in capsys.readouterr().out
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(written))  # into the suite's own database: refused
    assert Answer.objects.get().text == WRITTEN


@pytest.mark.django_db  # lets pytest-django allow a connection, here to a file of our own
def test_sqlite_backs_up_online_while_the_app_writes(tmp_path):
    """SQLite, also when the suite runs on PostgreSQL: a database in WAL mode, as the app
    runs it, copied while another connection has written but not checkpointed."""
    live = tmp_path / "mus.sqlite3"
    database = SQLiteWrapper({"NAME": str(live), **_sqlite_defaults()})
    writer = sqlite3.connect(live)
    writer.execute("PRAGMA journal_mode=WAL")
    writer.execute("CREATE TABLE reviews_answer (id integer primary key, text text)")
    writer.execute("INSERT INTO reviews_answer (text) VALUES (?)", (WRITTEN,))
    writer.commit()  # in the WAL file, not yet in the main file
    try:
        written = backup(database, tmp_path / "backups")
    finally:
        database.close()
    writer.execute("DELETE FROM reviews_answer")
    writer.commit()
    writer.close()

    fresh = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(tmp_path / "restored.sqlite3")}
    restore(written, fresh)
    assert stored_answers(fresh) == [WRITTEN]
    with pytest.raises(BackupError, match="not empty"):
        restore(written, fresh)
    with pytest.raises(BackupError, match="no backup file"):
        restore(Path(tmp_path / "missing.sqlite3"), {**fresh, "NAME": str(tmp_path / "x")})


def _sqlite_defaults() -> dict:
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "OPTIONS": {},
        "TIME_ZONE": None,
        "CONN_MAX_AGE": 0,
        "CONN_HEALTH_CHECKS": False,
        "AUTOCOMMIT": True,
        "ATOMIC_REQUESTS": False,
        "USER": "",
        "PASSWORD": "",
        "HOST": "",
        "PORT": "",
        "TEST": {},
    }
