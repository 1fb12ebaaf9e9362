"""Security headers on every kind of response: pages, fragments, PDFs, errors, admin, static.

The URLs come from the URL resolver (tests/sweep.py): a new URL without an entry in
VISITS fails the sweep. Each is requested as someone who gets the real thing (a page,
an htmx fragment, a PDF), and the headers that go out are checked, together with the
HTML itself: no inline style, no inline handler, no script or style without the nonce.
Every response but a static file must also be kept by no cache (no-store, private).
"""

import datetime
import re
from dataclasses import dataclass, field
from pathlib import Path
from unittest import mock

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from competencies.models import Question
from hr.models import RoundJob
from reviews.models import Goal
from tests import sweep
from tests.conftest import PASSWORD, make_round
from tests.test_review_pdf import conclude

pytestmark = pytest.mark.django_db


@dataclass
class Visit:
    persona: str | None
    method: str = "GET"
    args: str = ""  # which objects the URL names: see Sweep.args
    status: int = 200
    data: dict = field(default_factory=dict)
    htmx: bool = False
    download: bool = False  # a file, not a page


# In the order they are requested: the writes late, so that the pages before them see
# the data as the fixtures made it.
VISITS = {
    "login": Visit(None),
    "dashboard": Visit("employee"),
    "review_detail": Visit("employee", args="concluded"),
    "prepare": Visit("colleague", args="open"),
    "prepare_share_confirm": Visit("colleague", args="open"),
    "talk": Visit("employee", args="concluded"),
    "reflection": Visit("employee", args="concluded"),
    "talk_projector": Visit("employee", args="concluded"),
    "review_pdf": Visit("employee", args="concluded", download=True),
    "review_trail": Visit("employee", args="concluded"),
    "catalogue_guide_pdf": Visit("employee", args="catalogue", download=True),
    "privacy": Visit("employee"),
    "personal_data_export": Visit("employee", download=True),
    "password_change": Visit("employee"),
    "password_change_done": Visit("employee"),
    "round_list": Visit("hr"),
    "round_create": Visit("hr"),
    "round_detail": Visit("hr", args="round"),
    # The confirmations before a step that cannot be undone (a page, or back if not due).
    "round_open_confirm": Visit("hr", args="round", status=302),
    "round_close_confirm": Visit("hr", args="round"),
    "talk_start_confirm": Visit("manager", args="open"),
    "talk_end_confirm": Visit("manager", args="concluded", status=302),
    # HR's insight: the progress tree, the focus map, the MED report, and their files.
    "round_progress": Visit("hr", args="round"),
    "round_progress_csv": Visit("hr", args="round", download=True),
    "round_progress_xlsx": Visit("hr", args="round", download=True),
    "round_overdue_csv": Visit("hr", args="round", download=True),
    "round_focus": Visit("hr", args="round"),
    "round_focus_csv": Visit("hr", args="round", download=True),
    "round_focus_xlsx": Visit("hr", args="round", download=True),
    "focus_latest": Visit("hr", status=302),
    "med_latest": Visit("hr", status=302),
    "med_report": Visit("hr", args="year"),
    "med_pdf": Visit("hr", args="year", download=True),
    "med_xlsx": Visit("hr", args="year", download=True),
    # The talk's time: the manager's form, and the calendar file for either party.
    "talk_time": Visit("manager", args="open"),
    # The place saved as the manager types it (htmx), not sent.
    "talk_place": Visit(
        "manager",
        "POST",
        "open",
        data={"field": "place", "place": "Mødelokale 2", "place-version": "0"},
        htmx=True,
    ),
    "talk_ics": Visit("colleague", args="open", download=True),
    "review_move": Visit("hr", args="round open"),
    "review_reopen": Visit("hr", args="round concluded"),
    # htmx fragments of the preparation.
    "prepare_text": Visit("colleague", "POST", "open", data={"text": True}, htmx=True),
    "prepare_level": Visit("colleague", "POST", "open", data={"level": True}, htmx=True),
    "prepare_share": Visit("colleague", "POST", "open", 302),
    "prepare_take_back": Visit("colleague", "POST", "open", 302),
    # Writes of the talk on a concluded review: refused, with the page or a message.
    "talk_start": Visit("manager", "POST", "concluded", 302),
    "talk_focus": Visit("manager", "POST", "concluded", 302),
    "talk_text": Visit("manager", "POST", "concluded", 403),
    "talk_end": Visit("manager", "POST", "concluded", 302),
    "talk_confirm": Visit("employee", "POST", "concluded", 302),
    "goal_add": Visit("manager", "POST", "concluded", 200),  # the form with its errors
    "goal_edit": Visit("manager", "POST", "concluded goal", 400),  # no text of the goal
    "goal_accept": Visit("employee", "POST", "concluded goal", 302),
    "goal_status": Visit("employee", "POST", "concluded goal", 302),
    "goal_delete": Visit("manager", "POST", "concluded goal", 302),
    "reflection_share": Visit("employee", "POST", "concluded", 302),
    "round_participants": Visit("hr", "POST", "other_round", 200),  # the form with its errors
    "round_open": Visit("hr", "POST", "other_round", 302),
    "round_export": Visit("hr", "POST", "round", 302),
    "round_jobs": Visit("hr", args="round", htmx=True),
    "round_export_download": Visit("hr", args="round export", download=True),
    "round_reminders": Visit("hr", "POST", "other_round", 302),  # an empty schedule: none
    "talk_time_cancel": Visit("manager", "POST", "open", 302),
    "round_close": Visit("hr", "POST", "other_round", 302),
    "set_language": Visit(None, "POST", status=302, data={"language": "da"}),
    "favicon": Visit(None, status=302),
    "logout_everywhere": Visit("employee", "POST", status=302),
    "logout": Visit("employee", "POST", status=302),
    # Single sign-on and SCIM, as they answer with neither configured.
    "sso_refused": Visit(None, status=403),
    "oidc_login": Visit(None, status=404),
    "oidc_authentication_callback": Visit(None, status=404),
    "saml2_login": Visit(None, status=404),
    "saml2_acs": Visit(None, "POST", status=404),
    "saml2_metadata": Visit(None, status=404),
    "saml2_logout": Visit(None, status=404),
    "saml2_ls": Visit(None, status=404),
    "scim_users": Visit(None, status=401),
    "scim_user": Visit(None, args="user", status=401),
}

PERMISSIONS_OFF = ["camera", "microphone", "geolocation", "payment", "usb", "serial", "hid"]


def csp_directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {
        name: values
        for name, *values in (part.split() for part in header.split(";") if part.strip())
    }


def assert_security_headers(response, what: str):
    csp = csp_directives(response)
    nonce = None
    for directive in ("script-src", "style-src"):
        sources = csp[directive]
        assert "'self'" in sources, what
        assert "'unsafe-inline'" not in sources and "'unsafe-eval'" not in sources, what
        assert all(s == "'self'" or s.startswith("'nonce-") for s in sources), (what, sources)
        nonce = next((s[7:-1] for s in sources if s.startswith("'nonce-")), nonce)
    assert csp["default-src"] == ["'self'"], what
    assert csp["frame-ancestors"] == ["'none'"], what
    assert csp["object-src"] == ["'none'"] and csp["base-uri"] == ["'none'"], what
    assert csp["form-action"] == ["'self'"], what
    assert "style-src-attr" not in csp and "script-src-attr" not in csp, what
    assert response["X-Frame-Options"] == "DENY", what
    assert response["Referrer-Policy"] == "same-origin", what
    assert response["X-Content-Type-Options"] == "nosniff", what
    assert response["Cross-Origin-Opener-Policy"] == "same-origin", what
    policy = response["Permissions-Policy"]
    for feature in PERMISSIONS_OFF:
        assert f"{feature}=()" in policy, (what, feature)
    if response.get("Content-Type", "").startswith("text/html"):
        assert_no_inline_code(response.content.decode(), nonce, what)


def assert_not_stored(response, what: str):
    """No browser or proxy may keep a copy: Back after logging out must ask the server."""
    directives = {d.strip().split("=")[0] for d in response.get("Cache-Control", "").split(",")}
    assert {"no-store", "private"} <= directives, (what, response.get("Cache-Control"))
    assert "public" not in directives, what


INLINE = [
    (re.compile(r"<[a-z][^>]*\sstyle\s*=", re.I), "a style attribute"),
    (re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I), "an inline event handler"),
    (re.compile(r"javascript:", re.I), "a javascript: URL"),
]


def assert_no_inline_code(html: str, nonce: str | None, what: str):
    for pattern, name in INLINE:
        found = pattern.search(html)
        assert not found, f"{what} has {name}: {found and found.group(0)}"
    for tag in re.findall(r"<(?:script|style)\b[^>]*>", html, re.I):
        if tag.lower().startswith("<script") and " src=" in tag:
            continue
        assert nonce and f'nonce="{nonce}"' in tag, f"{what}: {tag} without the nonce"


class Sweep:
    def __init__(self, client, world):
        self.client, self.world = client, world

    def args(self, spec: str) -> list:
        objects = {
            "open": self.world["open"].public_id,
            "concluded": self.world["concluded"].public_id,
            "round": self.world["concluded"].round_id,
            "other_round": self.world["other_round"].pk,
            "catalogue": self.world["concluded"].round.catalogue_id,
            "goal": self.world["goal"].pk,
            "year": self.world["concluded"].round.talks_start.year,
            "export": self.world["export"].pk,
            "user": self.world["employee"].pk,
        }
        return [objects[name] for name in spec.split()]

    def data(self, visit: Visit) -> dict:
        if visit.data.get("text"):
            question = self.world["question"]
            name = f"answer-{question.pk}"
            return {"field": name, name: "Et svar", f"{name}-version": "0"}
        if visit.data.get("level"):
            competence = self.world["open"].round.catalogue.competences.first()
            return {"key": f"c{competence.pk}", "level": "strong"}
        return visit.data

    def request(self, name: str, visit: Visit):
        self.client.logout()
        if visit.persona:
            self.client.force_login(self.world[visit.persona])
        url = reverse(name, args=self.args(visit.args))
        headers = {"HX-Request": "true"} if visit.htmx else {}
        send = self.client.get if visit.method == "GET" else self.client.post
        return send(url, self.data(visit), headers=headers)


def finished_export(round_, settings) -> RoundJob:
    """A round's zip of PDFs as a worker leaves it, ready for HR to download."""
    job = RoundJob.objects.create(
        round=round_,
        kind=RoundJob.Kind.EXPORT,
        status=RoundJob.Status.DONE,
        planned=True,
        archive="sweep.zip",
        expires_at=timezone.now() + datetime.timedelta(days=1),
    )
    Path(settings.EXPORT_DIR).mkdir(parents=True, exist_ok=True)
    (Path(settings.EXPORT_DIR) / "sweep.zip").write_bytes(b"PK\x05\x06" + bytes(18))
    return job


@pytest.fixture
def world(
    client, review, employee, manager, colleague, hr_user, kl_catalogue, kl_questions, settings
):
    concluded = conclude(client, review, employee, manager)
    open_review = concluded.round.reviews.get(employee=colleague)
    # The colleague's talk has a time, so that its calendar file exists.
    open_review.talk_at = datetime.datetime(2027, 2, 16, 9, 0, tzinfo=datetime.UTC)
    open_review.save()
    return {
        "employee": employee.user,
        "colleague": colleague.user,
        "manager": manager.user,
        "hr": hr_user,
        "concluded": concluded,
        "open": open_review,
        "goal": Goal.objects.filter(review=concluded).first(),
        "question": Question.objects.filter(
            theme__question_set=concluded.round.question_set
        ).first(),
        "other_round": make_round(kl_catalogue, kl_questions, name="MUS 2028"),
        "export": finished_export(concluded.round, settings),
    }


def test_the_sweep_names_every_url():
    assert not sweep.missing(VISITS), "add these URLs to VISITS"


def test_every_page_type_sends_the_security_headers(client, world):
    sweeper = Sweep(client, world)
    for name, visit in VISITS.items():
        response = sweeper.request(name, visit)
        assert response.status_code == visit.status, (name, response.status_code)
        assert_security_headers(response, name)
        assert_not_stored(response, name)


def test_pdfs_go_out_with_the_headers_too(client, world):
    response = Sweep(client, world).request("review_pdf", VISITS["review_pdf"])
    assert response["Content-Type"] == "application/pdf"
    assert_security_headers(response, "review_pdf")


def test_error_pages_send_the_headers(client, world):
    client.force_login(world["employee"])
    not_found = client.get(reverse("review_detail", args=["00000000-0000-4000-8000-000000000000"]))
    forbidden = client.get(reverse("round_list"))
    assert (not_found.status_code, forbidden.status_code) == (404, 403)
    client.raise_request_exception = False
    with mock.patch("mus.views.progress.reviews_as_employee", side_effect=RuntimeError):
        failed = client.get(reverse("dashboard"))
    assert failed.status_code == 500
    for response, what in [(not_found, "404"), (forbidden, "403"), (failed, "500")]:
        assert_security_headers(response, what)
        assert_not_stored(response, what)


def test_answers_of_the_middleware_are_not_stored_either(client, world, settings):
    # Not from a view: the login redirect, a refused CSRF token, the lockout, the HTTPS
    # redirect. Each passes back through NoStoreMiddleware, first in the chain.
    confidential = reverse("prepare", args=[world["open"].public_id])
    to_login = client.get(confidential)
    assert to_login.status_code == 302 and to_login["Location"].startswith("/login/")
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(world["colleague"])
    refused = csrf_client.post(confidential + "share/")
    assert refused.status_code == 403
    for _ in range(settings.AXES_FAILURE_LIMIT):
        locked = client.post(reverse("login"), {"username": "anne", "password": "wrong"})
    assert locked.status_code == 429
    settings.SECURE_SSL_REDIRECT = True
    to_https = Client().get(reverse("login"))
    assert to_https.status_code == 301 and to_https["Location"].startswith("https://")
    for response, what in [
        (to_login, "login redirect"),
        (refused, "CSRF refusal"),
        (locked, "lockout"),
        (to_https, "HTTPS redirect"),
    ]:
        assert_not_stored(response, what)


def test_static_files_send_the_headers(client, settings):
    # WhiteNoise serves them, ahead of Django's views; the tests have none collected.
    settings.WHITENOISE_USE_FINDERS = settings.WHITENOISE_AUTOREFRESH = True
    response = client.get("/static/css/mus.css")
    assert response.status_code == 200
    assert_security_headers(response, "static file")
    # The same for everyone: a browser may keep it.
    assert "no-store" not in response.get("Cache-Control", "")


def test_django_admin_sends_the_headers_and_no_inline_code(client, superuser):
    client.force_login(superuser)
    for url in sweep.admin_pages():
        response = client.get(url)
        assert response.status_code in (200, 403), url
        assert_security_headers(response, url)
        assert_not_stored(response, url)
    client.logout()
    login = client.get(reverse("admin:login"))
    assert_security_headers(login, "admin login")
    assert_not_stored(login, "admin login")


def test_cookies_are_secure_and_http_only_in_production(client, employee, settings):
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    page = client.get(reverse("login"), secure=True)
    token = page.cookies["csrftoken"].value
    response = client.post(
        reverse("login"),
        {"username": "anne", "password": PASSWORD, "csrfmiddlewaretoken": token},
        secure=True,
    )
    assert response.status_code == 302
    for name in ("sessionid", "csrftoken"):
        cookie = client.cookies[name]
        assert cookie["secure"] and cookie["httponly"], name
        assert cookie["samesite"] == "Lax", name


def test_hsts_on_https_in_production(client, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = settings.SECURE_HSTS_PRELOAD = True
    response = client.get(reverse("login"), secure=True)
    assert response["Strict-Transport-Security"] == ("max-age=31536000; includeSubDomains; preload")
