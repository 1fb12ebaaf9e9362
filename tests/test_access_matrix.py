"""Every URL of the app, requested as each persona an attacker could be.

Objects one may not see answer 404 (their existence is not confirmed); HR's own
pages answer 403 to everyone else; anonymous visitors are sent to the login page.
"""

import datetime

import pytest
from django.urls import resolve, reverse

from reviews.factories import GoalFactory
from reviews.models import Goal
from tests import sweep

PERSONAS = [
    "anonymous",
    "employee",
    "colleague",
    "manager",
    "other_manager",
    "senior_manager",
    "hr",
    "superuser",
]
HR = {"hr", "superuser"}


@pytest.fixture
def world(review, colleague, manager, other_manager, senior_manager, hr_user, superuser):
    # The talk has a time, so that its calendar file exists for those who may have it.
    review.talk_at = datetime.datetime(2027, 2, 16, 9, 0, tzinfo=datetime.UTC)
    review.talk_place = "Mødelokale 2"
    review.save()
    return {
        "anonymous": None,
        "employee": review.employee.user,
        "colleague": colleague.user,
        "manager": manager.user,
        "other_manager": other_manager.user,
        "senior_manager": senior_manager.user,
        "hr": hr_user,
        "superuser": superuser,
    }


def expected_for_hr_object(persona, ok):
    if persona == "anonymous":
        return "login"
    return ok if persona in HR else 404


def hr_page(persona):
    if persona == "anonymous":
        return "login"
    return 200 if persona in HR else 403


def party_page(persona):
    if persona == "anonymous":
        return "login"
    return 200 if persona in {"employee", "manager"} else 404


def employee_only(persona):
    if persona == "anonymous":
        return "login"
    return 200 if persona == "employee" else 404


def record_before_conclusion(persona):
    if persona == "anonymous":
        return "login"
    return 403 if persona in {"employee", "manager", *HR} else 404


def party_write(persona, ok):
    if persona == "anonymous":
        return "login"
    return ok if persona in {"employee", "manager"} else 404


def manager_write(persona, ok):
    """The manager's own action on a review: the employee sees the review but is refused."""
    if persona == "anonymous":
        return "login"
    return {"manager": ok, "employee": 403}.get(persona, 404)


def manager_or_back(persona, ok):
    if persona == "anonymous":
        return "login"
    return {"manager": ok, "employee": 302}.get(persona, 404)


def everyone(status):
    return lambda p: "login" if p == "anonymous" else status


def cases(review):
    round_pk, uuid = review.round.pk, review.public_id
    goal = (
        Goal.objects.filter(review=review, title="Et mål").first()
        or GoalFactory(review=review, title="Et mål")
    ).pk
    return [
        ("GET", reverse("login"), lambda p: 200 if p == "anonymous" else 302),
        ("GET", reverse("password_change_done"), everyone(200)),
        ("GET", reverse("dashboard"), lambda p: "login" if p == "anonymous" else 200),
        ("GET", reverse("round_list"), hr_page),
        ("GET", reverse("round_create"), hr_page),
        ("GET", reverse("round_detail", args=[round_pk]), lambda p: expected_for_hr_object(p, 200)),
        ("POST", reverse("round_open", args=[round_pk]), lambda p: expected_for_hr_object(p, 302)),
        # The confirmations: an open round is not opened again (back to it); closing asks.
        (
            "GET",
            reverse("round_open_confirm", args=[round_pk]),
            lambda p: expected_for_hr_object(p, 302),
        ),
        (
            "GET",
            reverse("round_close_confirm", args=[round_pk]),
            lambda p: expected_for_hr_object(p, 200),
        ),
        # Starting the talk asks the manager first; the employee is sent back to the review.
        ("GET", reverse("talk_start_confirm", args=[uuid]), lambda p: manager_or_back(p, 200)),
        ("GET", reverse("talk_end_confirm", args=[uuid]), lambda p: party_write(p, 302)),
        (
            "POST",
            reverse("round_export", args=[round_pk]),
            lambda p: expected_for_hr_object(p, 302),  # nothing concluded: a message
        ),
        # Without htmx the progress is the round's page; a zip that does not exist: 404.
        ("GET", reverse("round_jobs", args=[round_pk]), lambda p: expected_for_hr_object(p, 302)),
        (
            "GET",
            reverse("round_export_download", args=[round_pk, 999999]),
            lambda p: expected_for_hr_object(p, 404),
        ),
        (
            "POST",
            reverse("round_participants", args=[round_pk]),
            lambda p: expected_for_hr_object(p, 200),  # an empty form: the page with its errors
        ),
        (
            "POST",
            reverse("round_reminders", args=[round_pk]),
            lambda p: expected_for_hr_object(p, 302),  # (an empty schedule: no reminders)
        ),
        (
            "GET",
            reverse("review_move", args=[round_pk, uuid]),
            lambda p: expected_for_hr_object(p, 200),
        ),
        ("GET", reverse("review_detail", args=[uuid]), party_page),
        ("GET", reverse("prepare", args=[uuid]), party_page),
        ("GET", reverse("prepare_share_confirm", args=[uuid]), party_page),
        ("GET", reverse("reflection", args=[uuid]), party_page),
        ("GET", reverse("talk_ics", args=[uuid]), party_page),
        ("GET", reverse("talk_time", args=[uuid]), lambda p: manager_write(p, 200)),
        # An empty form: the page again with its errors, nothing sent.
        ("POST", reverse("talk_time", args=[uuid]), lambda p: manager_write(p, 200)),
        ("POST", reverse("talk_time_cancel", args=[uuid]), lambda p: manager_write(p, 302)),
        # The place as typed, with nothing posted: not what the page sends (400).
        ("POST", reverse("talk_place", args=[uuid]), lambda p: manager_write(p, 400)),
        # Who has opened my MUS: the employee's own, not even their manager's.
        ("GET", reverse("review_trail", args=[uuid]), employee_only),
        # The record exists once the review is concluded: 403 before, 404 for strangers.
        ("GET", reverse("review_pdf", args=[uuid]), record_before_conclusion),
        # The talk has not begun: its page sends the parties back to the review.
        ("GET", reverse("talk", args=[uuid]), lambda p: party_write(p, 302)),
        ("GET", reverse("talk_projector", args=[uuid]), lambda p: party_write(p, 302)),
        ("POST", reverse("talk_focus", args=[uuid]), lambda p: party_write(p, 302)),
        ("POST", reverse("talk_end", args=[uuid]), lambda p: party_write(p, 302)),
        ("POST", reverse("talk_confirm", args=[uuid]), lambda p: party_write(p, 302)),
        ("POST", reverse("goal_add", args=[uuid]), lambda p: party_write(p, 200)),
        ("POST", reverse("reflection_share", args=[uuid]), lambda p: party_write(p, 302)),
        (
            "GET",
            reverse("review_reopen", args=[round_pk, uuid]),
            lambda p: expected_for_hr_object(p, 200),
        ),
        # Writes by a party with an empty or unknown field: refused, but only after access.
        ("POST", reverse("prepare_text", args=[uuid]), lambda p: party_write(p, 404)),
        ("POST", reverse("prepare_level", args=[uuid]), lambda p: party_write(p, 404)),
        ("POST", reverse("prepare_take_back", args=[uuid]), lambda p: party_write(p, 302)),
        (
            "GET",
            reverse("catalogue_guide_pdf", args=[review.round.catalogue_id]),
            lambda p: "login" if p == "anonymous" else 200,
        ),
        # HR's insight: the round's progress, focus map and their files; the MED report.
        *(
            ("GET", reverse(name, args=[round_pk]), lambda p: expected_for_hr_object(p, 200))
            for name in sweep.ROUND_REPORTS
        ),
        ("GET", reverse("focus_latest"), lambda p: hr_page(p) if p not in HR else 302),
        ("GET", reverse("med_latest"), lambda p: hr_page(p) if p not in HR else 302),
        *(
            ("GET", reverse(name, args=[review.round.talks_start.year]), hr_page)
            for name in ("med_report", "med_pdf", "med_xlsx")
        ),
        ("GET", reverse("password_change"), lambda p: "login" if p == "anonymous" else 200),
        # The language switch is for everyone, logged in or not; it answers with a redirect.
        ("POST", reverse("set_language"), lambda p: 302),
        # One's own data: everyone logged in has some, if only their login.
        ("GET", reverse("privacy"), everyone(200)),
        ("GET", reverse("personal_data_export"), everyone(200)),
        ("GET", reverse("admin:index"), admin_page),
        ("GET", reverse("admin:competencies_catalogue_changelist"), admin_page),
        ("GET", reverse("admin:reviews_round_changelist"), admin_page),
        ("POST", reverse("set_language"), lambda p: 302),
        ("GET", "/favicon.ico", lambda p: 302),
        # Writes on a goal before the talk: refused, or (no text posted) a 400.
        ("POST", reverse("goal_edit", args=[uuid, goal]), lambda p: party_write(p, 400)),
        ("POST", reverse("goal_accept", args=[uuid, goal]), lambda p: party_write(p, 302)),
        ("POST", reverse("goal_status", args=[uuid, goal]), lambda p: party_write(p, 302)),
        ("POST", reverse("goal_delete", args=[uuid, goal]), lambda p: party_write(p, 302)),
        # No field the party may write yet: refused outright.
        ("POST", reverse("talk_text", args=[uuid]), lambda p: party_write(p, 403)),
        # The writes that change what the pages above show come last.
        ("POST", reverse("prepare_share", args=[uuid]), lambda p: party_write(p, 302)),
        ("POST", reverse("talk_start", args=[uuid]), lambda p: party_write(p, 302)),
        # A closed round refuses HR's handling of its reviews: closed after those pages.
        ("POST", reverse("round_close", args=[round_pk]), lambda p: expected_for_hr_object(p, 302)),
        ("POST", reverse("logout_everywhere"), lambda p: "login"),
        ("POST", reverse("logout"), lambda p: "login"),
    ]


def admin_page(persona):
    # Django admin sends everyone who is not staff to its own login page.
    return 200 if persona in HR else "admin_login"


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_url_answers_each_persona_as_the_table_says(client, world, review, persona):
    if world[persona]:
        client.force_login(world[persona])
    failures = []
    for method, url, expect in cases(review):
        response = client.get(url) if method == "GET" else client.post(url)
        expected = expect(persona)
        if expected in ("login", "admin_login"):
            login = reverse("login") if expected == "login" else reverse("admin:login")
            ok = response.status_code == 302 and response["Location"].startswith(login)
        else:
            ok = response.status_code == expected
        if not ok:
            failures.append(f"{method} {url}: {response.status_code}, expected {expected}")
    assert not failures, "\n".join(failures)


def test_the_manager_sees_no_content_of_their_own_managers_review(client, senior_manager, review):
    # Karen manages Mette; Mette's own review (if any) is Karen's, but Anne's is not.
    client.force_login(senior_manager.user)
    assert client.get(reverse("review_detail", args=[review.public_id])).status_code == 404


def test_review_urls_carry_an_unguessable_id(review):
    url = reverse("review_detail", args=[review.public_id])
    assert str(review.public_id) in url
    assert len(str(review.public_id)) == 36
    assert f"/{review.pk}/" not in url


def test_a_made_up_id_is_a_404_like_any_other_review(client, employee, review):
    client.force_login(employee.user)
    url = reverse("review_detail", args=["00000000-0000-4000-8000-000000000000"])
    assert client.get(url).status_code == 404


# Pages whose answer to each persona is not about access to anything of the app's own,
# and writes that change the review under the matrix's feet (talk_start) or need a goal:
# those are checked persona by persona in test_talk.py and test_prepare.py. Any other URL
# must be in cases().
NOT_IN_THE_MATRIX = (
    {"login", "logout", "password_change_done", "set_language", "favicon"}
    | {
        "talk_start",
        "talk_text",
        "prepare_share",
        "goal_edit",
        "goal_accept",
        "goal_delete",
        "goal_status",
    }
    | {
        # Single sign-on and SCIM read no review: tests/test_sso_*.py and tests/test_scim.py.
        "sso_refused",
        "oidc_login",
        "oidc_authentication_callback",
        "saml2_login",
        "saml2_acs",
        "saml2_metadata",
        "saml2_logout",
        "saml2_ls",
        "scim_users",
        "scim_user",
    }
)


def test_every_named_url_of_the_app_is_in_the_matrix(review):
    """A new URL fails here until it is added to cases(), rather than going unchecked."""
    covered = {
        resolve(url.partition("?")[0]).url_name or url.lstrip("/") for _m, url, _e in cases(review)
    }
    assert not sweep.missing(covered | NOT_IN_THE_MATRIX), "add these URLs to cases()"


@pytest.mark.parametrize(
    "name", ["round_open", "round_participants", "round_close", "round_export"]
)
def test_hr_writes_need_post(client, hr_user, review, name):
    client.force_login(hr_user)
    assert client.get(reverse(name, args=[review.round.pk])).status_code == 405


def test_the_admin_offers_no_review_contents_to_anyone(client, superuser, review):
    client.force_login(superuser)
    index = client.get(reverse("admin:index")).content.decode()
    for model in ("review", "preparation", "answer", "mark", "goal", "focusarea"):
        assert f"/admin/reviews/{model}/" not in index
        assert client.get(f"/admin/reviews/{model}/").status_code == 404
