"""Issue 16, point 8: the talk compares two views, and the meeting room's screen shows one
section at a time in large type."""

import pytest
from playwright.sync_api import expect

from reviews.models import Answer, Preparation
from tests.browser.conftest import WIDTHS, assert_accessible, log_in, screenshot
from tests.conftest import make_mark as mark

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def talking(review):
    from reviews import talk
    from reviews.access import access_to

    for name, employee, manager in (
        ("Faglighed", "strong", "focus"),
        ("Politik", "focus", "focus"),
        ("Helhed", "fine", "strong"),
    ):
        mark(review, "employee", name, employee)
        mark(review, "manager", name, manager)
    question = review.round.question_set.themes.first().questions.first()
    for party, text in (("employee", "Jeg har løftet driften."), ("manager", "Anne har løftet.")):
        preparation = Preparation.objects.get(review=review, party=party)
        Answer.objects.create(preparation=preparation, question=question, text=text)
    talk.start_talk(access_to(review.manager.user, review))
    return review


def test_the_talk_side_by_side_and_on_the_projector(browser, live_server, talking):
    mette = browser.new_context(locale="da-DK").new_page()
    log_in(mette, live_server, "mette")
    mette.goto(f"{live_server.url}/reviews/{talking.public_id}/talk/")
    expect(mette.get_by_role("heading", name="Jeres svar side om side")).to_be_visible()
    expect(mette.get_by_role("row", name="Jeg har løftet driften.")).to_contain_text(
        "Anne har løftet."
    )
    expect(mette.get_by_text("Medarbejderens hjul", exact=True)).to_be_visible()
    expect(mette.get_by_text("Lederens hjul", exact=True)).to_be_visible()
    expect(mette.locator("#focus")).to_contain_text(
        "Politik (begge har markeret den som fokusområde)"
    )
    assert_accessible(mette)
    for label, width in WIDTHS.items():
        mette.set_viewport_size({"width": width, "height": 1000})
        screenshot(mette, f"talk-side-by-side-{label}")
        assert mette.evaluate("document.documentElement.scrollWidth") <= width

    mette.get_by_role("link", name="Vis på mødelokalets skærm").click()
    for section in ("Jeres to blik", "Jeres svar", "Fokusområder og mål"):
        mette.get_by_role("link", name=section, exact=True).click()
        expect(mette.get_by_role("link", name=section, exact=True)).to_have_attribute(
            "aria-current", "page"
        )
        assert_accessible(mette)
        for label, width in WIDTHS.items():
            mette.set_viewport_size({"width": width, "height": 1000})
            screenshot(mette, f"projector-{section.split()[-1].lower()}-{label}")
            assert mette.evaluate("document.documentElement.scrollWidth") <= width
    mette.context.close()
