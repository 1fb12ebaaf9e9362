"""Any app server continues any session: nothing a request needs lives in one process.

Two gunicorn instances on two ports share the PostgreSQL test database, as two app
servers behind a load balancer share production's. The employee logs in through one,
then opens their preparation and saves an answer through the other, and the first
shows it. Sessions are in the database, the CSRF token in a cookie and the page, and
the catalogue each process keeps in memory is frozen (competencies/cache.py), so
either server can answer any request.
"""

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection

from competencies.models import Question
from reviews.models import Answer
from tests.conftest import PASSWORD

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.django_db(transaction=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def database_url() -> str:
    settings = connection.settings_dict
    user, host, port = settings["USER"], settings["HOST"] or "127.0.0.1", settings["PORT"]
    password = f":{urllib.parse.quote(settings['PASSWORD'])}" if settings["PASSWORD"] else ""
    return f"postgres://{user}{password}@{host}:{port or 5432}/{settings['NAME']}"


@pytest.fixture
def two_servers():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite is one file for one machine: several app servers need PostgreSQL")
    env = os.environ | {
        "DATABASE_URL": database_url(),
        "ENV_FILE": "",
        # DEBUG=1 only so that static files need no collectstatic; sessions, CSRF and
        # the database work as in production. One secret key, as every server has.
        "DEBUG": "1",
        "SECRET_KEY": "two-servers-test-key-the-same-on-both-servers-0123456789",
        "ALLOWED_HOSTS": "127.0.0.1",
        "CONN_MAX_AGE": "0",  # no connection left open when the test database is dropped
        "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
        "LOG_LEVEL": "WARNING",
    }
    ports = [free_port(), free_port()]
    servers = [
        subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "mus.wsgi", "-b", f"127.0.0.1:{port}", "-w", "1"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for port in ports
    ]
    try:
        for port, server in zip(ports, servers, strict=True):
            wait_for(port, server)
        yield [f"http://127.0.0.1:{port}" for port in ports]
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=30)


def wait_for(port: int, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"gunicorn stopped: {server.stderr.read().decode()}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"gunicorn did not listen on {port}")


class Browser:
    """Cookies by host, as a browser keeps them: the same for both ports."""

    def __init__(self):
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))

    def get(self, url: str) -> tuple[int, str]:
        with self.opener.open(url, timeout=30) as response:
            return response.status, response.read().decode()

    def post(self, url: str, data: dict, headers: dict | None = None) -> tuple[int, str]:
        request = urllib.request.Request(
            url, data=urllib.parse.urlencode(data).encode(), headers=headers or {}
        )
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()


def csrf_token(page: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


def test_log_in_on_one_server_and_continue_on_the_other(two_servers, review, employee):
    first, second = two_servers
    # The servers check passwords with production's hashers, not the tests' fast one.
    hasher = PBKDF2PasswordHasher()
    employee.user.password = hasher.encode(PASSWORD, hasher.salt())
    employee.user.save(update_fields=["password"])
    browser = Browser()
    _status, login_page = browser.get(f"{first}/login/")
    status, dashboard = browser.post(
        f"{first}/login/",
        {
            "username": employee.user.username,
            "password": PASSWORD,
            "csrfmiddlewaretoken": csrf_token(login_page),
        },
    )
    assert status == 200
    assert "Anne" in dashboard  # logged in, and redirected to the dashboard

    # The other server knows the session and shows the preparation.
    status, page = browser.get(f"{second}/reviews/{review.public_id}/prepare/")
    assert status == 200
    question = Question.objects.filter(theme__question_set=review.round.question_set).first()
    field = f"answer-{question.pk}"
    assert f'name="{field}"' in page

    # An htmx autosave through the second server, with the token the page carries.
    status, _fragment = browser.post(
        f"{second}/reviews/{review.public_id}/prepare/text/",
        {
            "field": field,
            field: "Skrevet via den anden server",
            f"{field}-version": "0",
            "csrfmiddlewaretoken": csrf_token(page),
        },
        headers={"HX-Request": "true"},
    )
    assert status == 200
    answer = Answer.objects.get(preparation__review=review, question=question)
    assert answer.text == "Skrevet via den anden server"

    # And the first server shows what the second saved.
    status, page = browser.get(f"{first}/reviews/{review.public_id}/prepare/")
    assert status == 200
    assert "Skrevet via den anden server" in page
