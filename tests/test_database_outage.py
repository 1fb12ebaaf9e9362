"""While the database cannot be reached: a calm 503 with Retry-After, never a 500, and
the next request after it works again.

An outage is made by having the connection refuse to connect: every query fails with
what Django raises then, wherever it runs. For a logged-in user the first one is the
session, read through request.user in the locale middleware before any view, and the
session middleware fails again on the way out; for the login, axes' check in the view.
"""

import socket
import threading
import time
from unittest import mock

import psycopg
import pytest
from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.exceptions import SessionInterrupted
from django.core.handlers.wsgi import WSGIHandler
from django.db import DatabaseError, InterfaceError, OperationalError, connection, connections
from django.test import RequestFactory
from django.urls import reverse

from mus import views
from reviews.models import Answer
from tests.conftest import PASSWORD
from tests.test_headers import assert_not_stored, assert_security_headers

pytestmark = pytest.mark.django_db

HEADING = "MUS er utilgængelig et øjeblik"


def shutting_down() -> OperationalError:
    return OperationalError(
        'connection failed: connection to server at "127.0.0.1", port 5432 failed: '
        "FATAL:  the database system is shutting down"
    )


def unreachable(error=shutting_down):
    """The database cannot be reached: every connection attempt fails with a new ``error()``."""

    def refuse(*args, **kwargs):
        raise error()

    return mock.patch.object(connections["default"], "ensure_connection", side_effect=refuse)


def assert_calm_503(response, what: str):
    assert response.status_code == 503, (what, response.status_code)
    assert response["Retry-After"] == str(views.RETRY_AFTER_SECONDS), what
    page = response.content.decode()
    assert f"<h1>{HEADING}</h1>" in page, what
    assert "Prøv igen om lidt." in page, what
    assert '<html lang="da">' in page, what
    assert "Noget gik galt" not in page, what  # the 500 page
    assert_security_headers(response, what)
    assert_not_stored(response, what)


@pytest.fixture
def calm_client(client):
    # The test client re-raises a request's exception by default; a browser gets the page.
    client.raise_request_exception = False
    return client


def question_field(review):
    question = review.round.question_set.themes.first().questions.first()
    name = f"answer-{question.pk}"
    return {"field": name, name: "Skrevet under nedbruddet", f"{name}-version": "0"}


def test_every_kind_of_request_gets_the_503_page(calm_client, review, employee):
    prepare = reverse("prepare", args=[review.public_id])
    answer = question_field(review)
    calm_client.force_login(employee.user)
    with unreachable():
        answers = {
            "a page (the session, read in middleware)": calm_client.get(reverse("dashboard")),
            "a page behind login": calm_client.get(prepare),
            "an htmx autosave": calm_client.post(
                reverse("prepare_text", args=[review.public_id]),
                answer,
                headers={"HX-Request": "true"},
            ),
            "a file": calm_client.get(reverse("personal_data_export")),
            "Django admin": calm_client.get(reverse("admin:index")),
        }
    calm_client.logout()
    with unreachable():
        answers["the login (axes, in the view)"] = calm_client.post(
            reverse("login"), {"username": "anne", "password": PASSWORD}
        )
    for what, response in answers.items():
        assert_calm_503(response, what)
    assert not Answer.objects.filter(text="Skrevet under nedbruddet").exists()


@pytest.mark.parametrize(
    "error",
    [
        shutting_down,
        lambda: InterfaceError("connection already closed"),
        # psycopg's own, should one ever escape Django's wrapping of it.
        lambda: psycopg.OperationalError("server closed the connection unexpectedly"),
    ],
    ids=["OperationalError", "InterfaceError", "psycopg's OperationalError"],
)
def test_each_error_of_an_unreachable_database_is_a_503(calm_client, employee, error):
    calm_client.force_login(employee.user)
    with unreachable(error):
        response = calm_client.get(reverse("dashboard"))
    assert_calm_503(response, type(error()).__name__)


def test_the_database_gone_after_the_view_answered_is_a_503_too(calm_client, review, employee):
    """The view has answered; then saving the session fails. Django reports that as
    SessionInterrupted, a 400 ("Bad request"), as for a session ended meanwhile."""
    calm_client.force_login(employee.user)

    def session_save_fails(execute, sql, params, many, context):
        if sql.startswith("UPDATE") and "django_session" in sql:
            raise shutting_down()
        return execute(sql, params, many, context)

    with connection.execute_wrapper(session_save_fails):
        response = calm_client.get(reverse("review_detail", args=[review.public_id]))
    assert_calm_503(response, "the session's save")


def test_a_session_ended_meanwhile_is_still_a_400():
    """Logged out in another tab while this request ran: Django's SessionInterrupted."""
    try:
        try:
            raise DatabaseError("Forced update did not affect any rows.")
        except DatabaseError:
            raise UpdateError from None
    except UpdateError as update:
        interrupted = SessionInterrupted("The request's session was deleted.")
        interrupted.__context__ = update
    response = views.bad_request(RequestFactory().get("/"), interrupted)
    assert response.status_code == 400
    assert "Retry-After" not in response


def test_the_next_request_after_the_outage_works_and_the_user_is_still_logged_in(
    calm_client, review, employee
):
    calm_client.force_login(employee.user)
    with unreachable():
        assert calm_client.get(reverse("dashboard")).status_code == 503
    # The session cookie was neither dropped nor replaced while the session could not be read.
    response = calm_client.get(reverse("dashboard"))
    assert response.status_code == 200
    assert "Hej, Anne Andersen" in response.content.decode()
    saved = calm_client.post(
        reverse("prepare_text", args=[review.public_id]),
        question_field(review),
        headers={"HX-Request": "true"},
    )
    assert saved.status_code == 200
    assert Answer.objects.filter(text="Skrevet under nedbruddet").exists()


def test_a_page_asked_for_offers_to_try_again_a_form_sent_does_not(calm_client, employee):
    calm_client.force_login(employee.user)
    with unreachable():
        page = calm_client.get(reverse("privacy") + "?x=1").content.decode()
        sent = calm_client.post(reverse("logout_everywhere")).content.decode()
    assert f'<a class="button button--primary" href="{reverse("privacy")}?x=1">Prøv igen' in page
    assert "Prøv igen</a>" not in sent


def test_the_503_page_reads_neither_user_nor_session_nor_database(django_assert_num_queries):
    class Untouchable:
        def __getattr__(self, name):
            raise AssertionError(f"the 503 page read {name}")

    request = RequestFactory().get("/", headers={"Cookie": "django_language=en"})
    request.user = request.session = Untouchable()
    with django_assert_num_queries(0):
        try:
            raise shutting_down()
        except OperationalError:
            response = views.server_error(request)
    assert response.status_code == 503
    # The language the browser chose with the switch, read from its cookie.
    assert "<h1>MUS is unavailable for a moment</h1>" in response.content.decode()


def test_any_other_error_is_still_the_500_page(calm_client, employee):
    calm_client.force_login(employee.user)
    with mock.patch("mus.views.progress.reviews_as_employee", side_effect=RuntimeError):
        response = calm_client.get(reverse("dashboard"))
    assert response.status_code == 500
    assert "Noget gik galt" in response.content.decode()
    assert "Retry-After" not in response


@pytest.mark.django_db(transaction=True)
def test_a_connection_the_database_dropped_is_replaced_before_the_next_request(client, employee):
    """CONN_HEALTH_CHECKS: a persistent connection that PostgreSQL ended (as a restart does
    to every connection) is noticed when the next request begins, and a new one opened."""
    if connection.vendor != "postgresql":
        pytest.skip("persistent connections and their health checks: PostgreSQL")
    client.force_login(employee.user)
    handler = WSGIHandler()  # the real handler: request_started and _finished manage connections
    cookie = f"sessionid={client.cookies['sessionid'].value}"

    def dashboard() -> int:
        environ = RequestFactory().get("/", headers={"Cookie": cookie}).environ
        response = handler(environ, lambda status, headers: None)
        response.close()  # request_finished: what is done with the connection after a request
        return response.status_code

    persistent = {"CONN_MAX_AGE": 60, "CONN_HEALTH_CHECKS": True}
    with mock.patch.dict(connection.settings_dict, persistent):
        connection.close()
        assert dashboard() == 200
        pid = connection.connection.info.backend_pid  # kept open for the next request
        with psycopg.connect(**connection.get_connection_params()) as other:
            other.execute("SELECT pg_terminate_backend(%s)", [pid])
        assert dashboard() == 200
        assert connection.connection.info.backend_pid != pid
    connection.close()


@pytest.mark.django_db(transaction=True)
def test_a_database_host_that_does_not_answer_is_a_503_within_seconds(calm_client, employee):
    """Not refused, just silent (a host gone from the network): connect_timeout ends the
    wait, for the session's read and for the session middleware's second try."""
    if connection.vendor != "postgresql":
        pytest.skip("a database reached over the network: PostgreSQL")
    timeout = connection.settings_dict["OPTIONS"]["connect_timeout"]
    calm_client.force_login(employee.user)
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()  # the kernel completes the handshake; nothing ever answers
        # Without a timeout the wait would never end: closing the socket ends it, too late.
        threading.Timer(4 * timeout, silent.close).start()
        elsewhere = {"HOST": "127.0.0.1", "PORT": str(silent.getsockname()[1])}
        with mock.patch.dict(connection.settings_dict, elsewhere):
            connection.close()
            started = time.monotonic()
            response = calm_client.get(reverse("dashboard"))
            took = time.monotonic() - started
    connection.close()
    assert_calm_503(response, "a silent database host")
    assert took < 2 * timeout + 3


def test_the_load_tests_urlconf_answers_the_same_503(calm_client, employee, settings):
    """make loadtest serves the app through bench.urls (the app's URLs and a bare view):
    its database restart must meet the same 503, not Django's default 500."""
    settings.ROOT_URLCONF = "bench.urls"
    calm_client.force_login(employee.user)
    with unreachable():
        assert_calm_503(calm_client.get(reverse("dashboard")), "a page")
        assert_calm_503(calm_client.get("/bench/bare/"), "the bare view")
