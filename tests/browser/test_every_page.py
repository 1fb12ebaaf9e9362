"""Every page, for every persona, in every state they meet it, has zero axe violations.

The pages are found from the URL resolver: a URL that is neither swept here nor named
in NOT_PAGES (with the reason it is not a page) fails ``test_the_sweep_covers_every_url``,
so a page someone adds is swept, or its absence is a decision written down.
"""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.db import OperationalError
from django.test import RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.views import defaults
from playwright.sync_api import expect

from mus import views
from mus.management.commands.seed_demo import DEMO_PASSWORD
from reviews.models import Answer
from tests import validate
from tests.browser.conftest import assert_accessible, log_in, page_weight, write_weights
from tests.browser.world import PERSONAS, build_world


@dataclass(frozen=True)
class Visit:
    url_name: str | None  # None: a URL that is not in the resolver (the 404 page)
    args: Callable[[dict], list] = lambda world: []
    state: str = ""
    query: str = ""
    act: Callable | None = None  # what the person does on the page before it is checked
    path: str = ""  # a literal path instead of a URL name
    # False: the page as it works without JavaScript (htmx not loaded). Axe itself runs as
    # JavaScript in the page, so a context with JavaScript switched off cannot be checked.
    htmx: bool = True
    via: str = ""  # the page whose form posts to url_name, when url_name is POST only

    def url(self, world) -> str:
        if self.path:
            return self.path
        return reverse(self.via or self.url_name, args=self.args(world)) + self.query


def review(name):
    return lambda world: [world["reviews"][name].public_id]


def last_year(world):
    return [world["last_year"].public_id]


def round_(kind):
    return lambda world: [world["rounds"][kind].pk]


def in_round(kind, name):
    return lambda world: [world["rounds"][kind].pk, world["reviews"][name].public_id]


def concluded_in_round(world):
    return [world["rounds"]["open"].pk, world["reviews"]["dorte"].public_id]


def submit(button_name):
    """Submit a form as it is (empty or wrong), to see the page with its errors."""

    def act(page, world):
        page.get_by_role("button", name=button_name, exact=True).click()
        expect(page.locator(".field__errors, .form-errors").first).to_be_visible()

    return act


def wrong_login(page, world):
    page.get_by_label("Brugernavn").fill("anne")
    page.get_by_label("Adgangskode").fill("forkert")
    page.get_by_role("button", name="Log ind").click()
    expect(page.locator(".form-errors")).to_be_visible()


def conflicting_save(page, world):
    """Two windows: the text changed meanwhile, and the plain form shows both versions."""
    field = page.locator("textarea[name^=answer-]").first
    field.fill("Skrevet i dette vindue")
    answer = Answer.objects.filter(preparation__party="manager").first()
    answer.save_text("text", "Skrevet i et andet vindue", answer.text_version)
    page.get_by_role("button", name="Gem", exact=True).click()
    expect(page.locator(".conflict-note")).to_be_visible()


def too_many_fields(page, world):
    """More query fields than Django accepts: a 400 Bad Request."""
    response = page.goto(page.url.split("?")[0] + "?" + "&".join(["x=1"] * 1100))
    assert response.status == 400


def server_error(page, world):
    """The 500 page exactly as Django's handler renders it, served at a URL of the site."""
    html = defaults.server_error(RequestFactory().get("/")).content
    origin = page.url.split("/login/")[0]
    page.route(f"{origin}/fejl/", lambda route: route.fulfill(status=500, body=html))
    page.goto(f"{origin}/fejl/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Noget gik galt")


def database_unreachable(page, world):
    """The 503 page exactly as the handler renders it while the database cannot be reached."""
    try:
        raise OperationalError("the database system is shutting down")
    except OperationalError:
        html = views.server_error(RequestFactory().get("/nede/")).content
    origin = page.url.split("/login/")[0]
    page.route(f"{origin}/nede/", lambda route: route.fulfill(status=503, body=html))
    page.goto(f"{origin}/nede/")
    expect(page.get_by_role("heading", level=1)).to_have_text("MUS er utilgængelig et øjeblik")


def wrong_reminder_days(page, world):
    """A reminder schedule that is not a list of days: the round page with the error."""
    page.locator("#id_reminder_days_before").fill("snart")
    submit("Gem planen for påmindelser")(page, world)


def year_of(kind):
    return lambda world: [world["rounds"][kind].talks_start.year]


def expired_form(page, world):
    """A form sent without its CSRF cookie (it expired, or came from elsewhere): 403."""
    page.context.clear_cookies()
    page.get_by_label("Brugernavn").fill("anne")
    page.get_by_label("Adgangskode").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log ind").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Formularen var udløbet")


ANONYMOUS = [
    Visit("login"),
    Visit("login", state="wrong password", act=wrong_login),
    Visit(None, path="/findes-ikke/", state="404"),
    Visit("login", state="400", act=too_many_fields),
    Visit("login", state="403 expired form (CSRF)", act=expired_form),
    Visit("login", state="500", act=server_error),
    Visit("login", state="503 database unreachable", act=database_unreachable),
]

PAGES: dict[str, list[Visit]] = {
    "anonymous": ANONYMOUS,
    "employee": [
        Visit("dashboard"),
        Visit("review_detail", review("anne"), "shared"),
        Visit("prepare", review("anne"), "after sharing"),
        Visit("review_detail", last_year, "concluded last year"),
        Visit("talk", last_year, "concluded last year"),
        Visit("reflection", last_year, "concluded, nothing written"),
        Visit("review_trail", review("anne"), "who has opened my MUS"),
        Visit("review_trail", last_year, "only others", query="?others=1"),
        Visit("privacy"),
        Visit("password_change"),
        Visit("password_change", state="errors", act=submit("Skift adgangskode")),
        Visit("round_list", state="403 for a non-HR user"),
        Visit("review_detail", review("bo"), "404 for someone else's review"),
    ],
    "employee_not_started": [
        Visit("dashboard", state="not started"),
        Visit("prepare", review("erik"), "before anything is written"),
        Visit("prepare", review("erik"), "without JavaScript", htmx=False),
        Visit("prepare_share_confirm", review("erik"), "asked before sharing"),
    ],
    "employee_in_talk": [
        Visit("dashboard", state="talk under way"),
        Visit("talk", review("bo"), "under way, a goal to accept"),
        Visit("prepare", review("bo"), "both preparations open"),
        Visit("reflection", review("bo"), "writing"),
    ],
    "employee_after_talk": [
        Visit("talk", review("carl"), "held, to confirm"),
    ],
    "employee_concluded": [
        Visit("dashboard", state="concluded"),
        Visit("talk", review("dorte"), "concluded"),
        Visit("reflection", review("dorte"), "shared"),
    ],
    "manager": [
        Visit("dashboard", state="leads five reviews"),
        Visit("review_detail", review("anne"), "can start the talk"),
        Visit("prepare", review("anne"), "before sharing, the employee has shared"),
        Visit("prepare", review("anne"), "two windows conflict", act=conflicting_save),
        Visit("prepare_share_confirm", review("anne"), "asked before sharing"),
        Visit("talk", review("bo"), "under way"),
        Visit("goal_add", review("bo"), "errors", via="talk", act=submit("Tilføj mål")),
        Visit("talk", review("bo"), "without JavaScript", htmx=False),
        Visit("reflection", review("bo"), "writing"),
        Visit("talk_time", review("anne"), "no time yet"),
        Visit("talk_time", review("anne"), "errors", act=submit("Gem og send invitationen")),
        Visit("talk", review("carl"), "held, waiting for the employee"),
        Visit("talk_start_confirm", review("anne"), "asked before the talk starts"),
        Visit("talk_end_confirm", review("bo"), "asked before the talk is held"),
        Visit("talk_projector", review("bo"), "on the meeting room's screen"),
        Visit("password_change_done"),
    ],
    "other_manager": [
        Visit("talk", review("dorte"), "concluded, goal status"),
        Visit("reflection", review("dorte"), "the employee's shared"),
    ],
    "senior_manager": [
        Visit("dashboard", state="leads managers"),
    ],
    "hr": [
        Visit("dashboard", state="HR and employee"),
        Visit("round_list"),
        Visit("round_create"),
        Visit("round_create", state="errors", act=submit("Opret runde")),
        Visit("round_detail", round_("open"), "open"),
        Visit("round_detail", round_("open"), "found a review", query="?employee=1007"),
        Visit("round_detail", round_("open"), "no one found", query="?employee=9999"),
        Visit("round_detail", round_("closed"), "closed"),
        Visit("round_detail", round_("draft"), "draft"),
        Visit("round_open_confirm", round_("draft"), "asked before opening"),
        Visit("round_close_confirm", round_("open"), "asked before closing"),
        Visit(
            "round_reminders",
            round_("open"),
            "errors",
            via="round_detail",
            act=wrong_reminder_days,
        ),
        Visit("round_progress", round_("open"), "the department tree"),
        Visit("round_progress", round_("closed"), "closed"),
        Visit("round_focus", round_("open"), "few agreed: numbers withheld"),
        Visit("round_focus", round_("closed")),
        Visit("med_report", year_of("open")),
        Visit("med_report", year_of("closed"), "last year"),
        Visit(
            "round_participants",
            round_("draft"),
            "errors",
            via="round_detail",
            act=submit("Tilføj deltagere"),
        ),
        Visit("review_move", in_round("open", "anne")),
        Visit("review_move", in_round("open", "anne"), "errors", act=submit("Skift leder")),
        Visit("review_reopen", concluded_in_round),
        Visit("review_reopen", concluded_in_round, "errors", act=submit("Genåbn")),
    ],
    "superuser": [
        Visit("dashboard", state="no employee profile"),
        Visit("round_detail", round_("open"), "open"),
    ],
}

# URLs that are not pages one looks at, and why they are not swept as such.
NOT_PAGES = {
    "logout": "POST only; answers with a redirect to the login page",
    "set_language": "POST only; answers with a redirect back",
    "favicon": "the icon, not a page",
    # Single sign-on and SCIM: off here; with a provider, tests/browser/test_sso_journey.py
    # walks the login, the refusal page and logging out (axe on each).
    "sso_refused": "the refusal after single sign-on: tests/browser/test_sso_journey.py",
    "oidc_login": "a redirect to the OpenID provider",
    "oidc_authentication_callback": "the provider's answer: a redirect",
    "saml2_login": "a redirect to the SAML identity provider",
    "saml2_acs": "POST only, from the identity provider; a redirect",
    "saml2_metadata": "SAML metadata (XML), not a page",
    "saml2_logout": "a redirect on to the SAML IdP's single logout: test_sso_journey.py",
    "saml2_ls": "the IdP's logout messages, answered with redirects: test_sso_journey.py",
    "scim_users": "SCIM's JSON API for Entra ID",
    "scim_user": "SCIM's JSON API for Entra ID",
    "round_open": "POST only; redirects to the round",
    "round_export": "POST only; redirects to the round",
    "round_jobs": "the htmx fragment of the round's page that shows the bulk work's progress",
    "round_export_download": "a zip file (tests/test_round_jobs.py)",
    "round_close": "POST only; redirects to the round",
    "review_pdf": "a PDF (tests/test_review_pdf.py)",
    "catalogue_guide_pdf": "a PDF (tests/test_guide_pdf.py)",
    "talk_start": "POST only; redirects to the talk",
    "talk_focus": "POST only; redirects to the talk",
    "talk_text": "POST only; redirects to the talk",
    "talk_end": "POST only; redirects to the talk",
    "talk_confirm": "POST only; redirects to the talk",
    "goal_edit": "POST only; htmx fragments inside the talk, its errors are the talk page",
    "goal_accept": "POST only; redirects to the talk",
    "goal_delete": "POST only; redirects to the talk",
    "goal_status": "POST only; redirects to the talk",
    "prepare_text": "htmx fragment inside the preparation (tests/browser/test_htmx_announces.py)",
    "prepare_level": "htmx fragment inside the preparation (tests/browser/test_htmx_announces.py)",
    "prepare_share": "POST only; redirects to the preparation",
    "prepare_take_back": "POST only; redirects to the preparation",
    "reflection_share": "POST only; redirects to the reflections",
    "logout_everywhere": "POST only; answers with a redirect to the login page",
    "personal_data_export": "a zip file (tests/test_personal_data.py)",
    "talk_ics": "a calendar file (tests/test_talk_time.py)",
    "talk_time_cancel": "POST only; redirects to the review",
    "talk_place": "htmx fragment inside the talk's time (test_nothing_lost_journey.py)",
    "focus_latest": "redirects to the newest round's focus map",
    "med_latest": "redirects to the newest year's MED report",
    "med_pdf": "a PDF (tests/test_med_report.py)",
    "med_xlsx": "a spreadsheet (tests/test_med_report.py)",
    "round_progress_csv": "a CSV file (tests/test_progress_tree.py)",
    "round_progress_xlsx": "a spreadsheet (tests/test_progress_tree.py)",
    "round_overdue_csv": "a CSV file (tests/test_progress_tree.py)",
    "round_focus_csv": "a CSV file (tests/test_focus_map.py)",
    "round_focus_xlsx": "a spreadsheet (tests/test_focus_map.py)",
}


def url_names(patterns=None, namespace="") -> set[str]:
    """Every named URL of the project outside Django admin (swept by test_admin_pages)."""
    names = set()
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace != "admin":
                names |= url_names(entry.url_patterns, entry.namespace or namespace)
        elif isinstance(entry, URLPattern):
            names.add(f"{namespace}:{entry.name}" if namespace else entry.name)
    return names


def test_the_sweep_covers_every_url():
    swept = {visit.url_name for visits in PAGES.values() for visit in visits}
    missing = url_names() - swept - set(NOT_PAGES)
    assert not missing, (
        f"New URLs that no persona visits in tests/browser/test_every_page.py: {sorted(missing)}."
        " Add a Visit for each persona who opens it, or name it in NOT_PAGES with the reason."
    )
    assert not set(NOT_PAGES) - url_names(), "NOT_PAGES names a URL that no longer exists"


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("persona", list(PAGES))
def test_every_page_is_accessible_and_valid(browser, live_server, persona, tmp_path):
    """axe-core on each page in each state; the Nu Html Checker on the HTML each page and
    each htmx fragment was served as; pa11y (HTML_CodeSniffer, WCAG2AA) on each page."""
    world = build_world()
    failures, weights = [], []
    contexts = {}
    fragments = []  # htmx's responses, validated wrapped in a page
    served = []  # (file, url) of each page's HTML as served
    pages_for_pa11y = {}

    def page_for(htmx):
        if htmx not in contexts:
            context = browser.new_context(locale="da-DK")
            if not htmx:
                context.route("**/htmx*.js", lambda route: route.abort())
            page = context.new_page()
            page.on("response", lambda response: htmx_fragment(response, fragments))
            if persona != "anonymous":
                log_in(page, live_server, PERSONAS[persona], DEMO_PASSWORD)
                expect(page.get_by_role("heading", level=1)).to_be_visible()
            contexts[htmx] = page
        return contexts[htmx]

    for number, visit in enumerate(PAGES[persona]):
        page = page_for(visit.htmx)
        url = visit.url(world)
        response = page.goto(live_server.url + url)
        if response is not None and "text/html" in response.headers.get("content-type", ""):
            path = tmp_path / f"page-{number}.html"
            path.write_text(response.text())
            served.append((path, url))
            if visit.htmx and not visit.act and response.ok:
                pages_for_pa11y[live_server.url + url] = cookie_header(page)
        if visit.act:
            visit.act(page, world)
        label = f"{persona} · {visit.url_name or visit.path} · {visit.state or 'page'}"
        weights.append((label, page_weight(page)))
        try:
            assert_accessible(page)
        except AssertionError as violations:
            failures.append(f"{label} ({url}):\n{violations}")
    fragment_files = write_fragments(fragments, tmp_path)
    for page in contexts.values():
        page.context.close()
    write_weights(persona, weights)
    names = {str(path.name): url for path, url in served}
    for error in validate.vnu([path for path, _url in served] + fragment_files):
        file = error.partition(":")[0]
        failures.append(f"Nu Html Checker, {names.get(file, file)}: {error}")
    for url, issues in validate.pa11y(list(pages_for_pa11y.items())).items():
        for issue in issues:
            if issue["type"] == "error":
                failures.append(f"pa11y, {url}: {issue['code']}: {issue['message']}")
            else:
                validate.note_warning(persona, url, issue)
    assert not failures, "\n\n".join(failures)


def htmx_fragment(response, fragments) -> None:
    """Keep htmx's HTML responses, read once the page is done with them."""
    if response.request.headers.get("hx-request") and "text/html" in response.headers.get(
        "content-type", ""
    ):
        fragments.append(response)


def write_fragments(responses, folder) -> list:
    """Each htmx fragment in a page of its own, as the checker validates whole documents."""
    files = []
    for number, response in enumerate(responses):
        try:
            body = response.text()
        except Exception:
            continue
        if not body.strip() or body.lstrip().lower().startswith("<!doctype"):
            continue
        path = folder / f"fragment-{number}.html"
        path.write_text(
            '<!doctype html><html lang="da"><head><meta charset="utf-8"><title>htmx</title>'
            f"</head><body>{body}</body></html>"
        )
        files.append(path)
    return files


def cookie_header(page) -> str:
    return "; ".join(f"{c['name']}={c['value']}" for c in page.context.cookies())


ENGLISH_PAGES = [
    ("mette", "dashboard", lambda world: []),
    ("mette", "prepare", review("anne")),
    ("mette", "talk", review("bo")),
    ("dorte", "talk", review("dorte")),
    ("dorte", "reflection", review("dorte")),
    ("hr", "round_detail", round_("open")),
]
# Danish words of the interface that must not show in the English one. The catalogue's own
# text (competences, questions, "betyder, at …") is Danish content and stays Danish.
DANISH_UI_WORDS = ["Forbered", "Samtalen", "Gem ", "Næste skridt", "Overblik", "Log ud", "Mål"]


@pytest.mark.django_db(transaction=True)
def test_the_english_interface_is_complete_and_accessible(browser, live_server):
    world = build_world()
    failures = []
    pages = {}
    for username, url_name, args in ENGLISH_PAGES:
        if username not in pages:
            context = browser.new_context(locale="en-GB")
            context.add_cookies(
                [{"name": "django_language", "value": "en", "url": live_server.url}]
            )
            pages[username] = page = context.new_page()
            page.goto(f"{live_server.url}/login/")
            page.get_by_label("Username").fill(username)
            page.get_by_label("Password").fill(DEMO_PASSWORD)
            page.get_by_role("button", name="Log in").click()
        page = pages[username]
        page.goto(live_server.url + reverse(url_name, args=args(world)))
        expect(page.locator("html")).to_have_attribute("lang", "en")
        chrome = " ".join(
            page.locator(
                "header, h1, h2, label, button, .next-step, .lead, th[scope=col], .state"
            ).all_inner_texts()
        )
        leaked = [word for word in DANISH_UI_WORDS if word in chrome]
        if leaked:
            failures.append(f"{username} {url_name}: Danish in the English UI: {leaked}")
        try:
            assert_accessible(page)
        except AssertionError as violations:
            failures.append(f"{username} {url_name} (English):\n{violations}")
    for page in pages.values():
        page.context.close()
    assert not failures, "\n\n".join(failures)
