"""A shared PC: after logging out, Back must not bring the confidential page up again.

Without ``Cache-Control: no-store`` Chromium shows the page again from its back/forward
cache without asking the server; with it, Back asks again and the server, which no
longer knows the browser, answers with the login page. Playwright switches the
back/forward cache off by default: here it is on, as in the browser of a shared PC.
"""

import pytest
from playwright.sync_api import expect

from reviews import access, preparation
from tests.browser.conftest import log_in, screenshot
from tests.browser.test_prepare_journey import FIRST_QUESTION, open_preparation

pytestmark = pytest.mark.django_db(transaction=True)

CONFIDENTIAL = "Jeg overvejer at søge væk fra afdelingen."


@pytest.fixture
def everyday_page(browser_type, browser_type_launch_args, browser_context_args):
    """A page in a Chromium with its back/forward cache, as people have it."""
    browser = browser_type.launch(
        **browser_type_launch_args, ignore_default_args=["--disable-back-forward-cache"]
    )
    yield browser.new_context(**browser_context_args).new_page()
    browser.close()


def test_back_after_logging_out_does_not_show_the_preparation_again(
    everyday_page, live_server, review, employee
):
    page = everyday_page
    question = review.round.question_set.themes.first().questions.first()
    preparation.save_answer(access.access_to(employee.user, review), question, CONFIDENTIAL, 0)
    log_in(page, live_server, "anne")
    open_preparation(page, live_server, review)
    expect(page.get_by_label(FIRST_QUESTION)).to_have_value(CONFIDENTIAL)

    page.get_by_role("button", name="Log ud").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Log ind i MUS")
    # A page restored from the back/forward cache fires no load event: wait for less.
    page.go_back(wait_until="commit")

    prepare = f"/reviews/{review.public_id}/prepare/"
    expect(page).to_have_url(f"{live_server.url}/login/?next={prepare}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Log ind i MUS")
    screenshot(page, "back-after-logout")
    assert CONFIDENTIAL not in page.content()
