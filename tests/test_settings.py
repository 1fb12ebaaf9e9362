"""Settings come from the environment, with production defaults that pass `check --deploy`."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def run_manage(*args, **environment):
    env = {
        "PATH": os.environ["PATH"],
        "HOME": os.environ.get("HOME", "/tmp"),
        "DJANGO_SETTINGS_MODULE": "mus.settings",
        "ENV_FILE": "",  # a developer's .env (DEBUG=1) must not hide production's defaults
        **environment,
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def production(**extra):
    return {
        "SECRET_KEY": "a-production-secret-" + "x7Kq9mZt2Lw8Rb4Nc6Vd1Hs3Jf5Gp0Ya" * 2,
        "ALLOWED_HOSTS": "mus.example.dk",
        "SITE_URL": "https://mus.example.dk",
        "DATABASE_URL": "sqlite:////tmp/mus-deploy-check.sqlite3",
        **extra,
    }


def test_check_deploy_is_clean_in_production():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **production())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_warns_while_emails_would_link_to_no_public_address():
    env = production()
    del env["SITE_URL"]
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **env)
    assert result.returncode != 0
    assert "notifications.W001" in result.stderr


def test_tasks_wait_in_the_database_for_the_worker_by_default():
    code = "from django.conf import settings as s; print(s.TASKS['default']['BACKEND'])"
    result = run_manage("shell", "--no-imports", "-c", code, **production())
    assert result.stdout.strip() == "django_tasks_db.DatabaseBackend", result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    env = production()
    del env["SECRET_KEY"]
    result = run_manage("check", **env)
    assert result.returncode != 0
    assert "Set SECRET_KEY" in result.stderr


@pytest.mark.parametrize(
    ("url", "engine", "name"),
    [
        (
            "sqlite:////tmp/mus-settings-test/db.sqlite3",
            "django.db.backends.sqlite3",
            "/tmp/mus-settings-test/db.sqlite3",
        ),
        ("postgres://mus:pw@db.example.dk:5432/mus", "django.db.backends.postgresql", "mus"),
    ],
)
def test_database_url_picks_the_database(url, engine, name):
    code = (
        "from django.conf import settings as s; d = s.DATABASES['default']; "
        "print(d['ENGINE'], d['NAME'])"
    )
    result = run_manage("shell", "--no-imports", "-c", code, **production(DATABASE_URL=url))
    assert result.stdout.split() == [engine, name], result.stderr


def test_sqlite_lives_in_the_data_folder_by_default():
    code = "from django.conf import settings as s; print(s.DATABASES['default']['NAME'])"
    result = run_manage("shell", "--no-imports", "-c", code, DEBUG="1")
    assert result.stdout.strip() == str(ROOT / "data" / "mus.sqlite3"), result.stderr


def test_smtp_from_email_url():
    code = "from django.conf import settings as s; print(s.MAILERS['default'])"
    result = run_manage(
        "shell",
        "--no-imports",
        "-c",
        code,
        **production(EMAIL_URL="smtp+tls://mus:pw@smtp.example.dk:587"),
    )
    assert "smtp.EmailBackend" in result.stdout
    assert "'host': 'smtp.example.dk'" in result.stdout
    assert "'use_tls': True" in result.stdout


def test_production_sends_hsts_and_secure_cookies_by_default():
    """Production's own defaults, not the tests' settings: a request over HTTPS.

    Only the static files' storage is swapped, as nothing was collected for the manifest.
    """
    code = (
        "from django.conf import settings as s; from django.test import Client; "
        "from django.test.utils import override_settings; "
        "plain = {**s.STORAGES, 'staticfiles': s.STORAGES['default']}; "
        "with_plain_storage = override_settings(STORAGES=plain); with_plain_storage.enable(); "
        "r = Client(HTTP_HOST='mus.example.dk').get('/login/', secure=True); "
        "print(r.status_code); print(r['Strict-Transport-Security']); "
        "c = r.cookies['csrftoken']; print(bool(c['secure']), bool(c['httponly'])); "
        "print(s.SESSION_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.SESSION_COOKIE_SAMESITE)"
    )
    result = run_manage("shell", "--no-imports", "-c", code, **production())
    assert result.stdout.split("\n")[:4] == [
        "200",
        "max-age=31536000; includeSubDomains; preload",
        "True True",
        "True True Lax",
    ], result.stdout + result.stderr
