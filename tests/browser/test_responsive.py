"""The main pages on a 360 px phone, a tablet, a laptop and a 1920 px projector.

Screenshots land in artifacts/screenshots/ (out of git) to be looked at; no page may
scroll sideways.
"""

import pytest
from django.urls import reverse

from mus.management.commands.seed_demo import DEMO_PASSWORD
from tests.browser.conftest import WIDTHS, log_in, screenshot
from tests.browser.world import build_world

pytestmark = pytest.mark.django_db(transaction=True)


def main_pages(world):
    reviews = world["reviews"]
    return {
        None: [("login", reverse("login")), ("error-404", "/findes-ikke/")],
        "anne": [
            ("dashboard-employee", reverse("dashboard")),
            ("prepare-shared", reverse("prepare", args=[reviews["anne"].public_id])),
            ("trail", reverse("review_trail", args=[world["last_year"].public_id])),
            ("privacy", reverse("privacy")),
        ],
        "erik": [("prepare-empty", reverse("prepare", args=[reviews["erik"].public_id]))],
        "mette": [
            ("dashboard-manager", reverse("dashboard")),
            ("review-manager", reverse("review_detail", args=[reviews["anne"].public_id])),
            ("talk-manager", reverse("talk", args=[reviews["bo"].public_id])),
            ("reflection", reverse("reflection", args=[reviews["bo"].public_id])),
            ("talk-time", reverse("talk_time", args=[reviews["anne"].public_id])),
        ],
        "dorte": [("talk-concluded", reverse("talk", args=[reviews["dorte"].public_id]))],
        "hr": [
            ("dashboard-hr", reverse("dashboard")),
            ("round-hr", reverse("round_detail", args=[world["rounds"]["open"].pk])),
            ("round-new", reverse("round_create")),
            ("progress", reverse("round_progress", args=[world["rounds"]["open"].pk])),
            ("focus-map", reverse("round_focus", args=[world["rounds"]["closed"].pk])),
            (
                "med-report",
                reverse("med_report", args=[world["rounds"]["closed"].talks_start.year]),
            ),
        ],
    }


@pytest.mark.parametrize("username", [None, "anne", "erik", "mette", "dorte", "hr"])
def test_main_pages_at_every_width(browser, live_server, username):
    pages = main_pages(build_world())[username]
    page = browser.new_context(locale="da-DK").new_page()
    if username:
        log_in(page, live_server, username, DEMO_PASSWORD)
    too_wide = []
    for name, url in pages:
        for label, width in WIDTHS.items():
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(live_server.url + url)
            screenshot(page, f"{name}-{label}")
            scroll_width = page.evaluate("document.documentElement.scrollWidth")
            if scroll_width > width:
                too_wide.append(f"{name} at {width} px is {scroll_width} px wide")
    # Printed on paper: the preparation and the talk without navigation or buttons.
    page.emulate_media(media="print")
    page.set_viewport_size({"width": 794, "height": 1123})  # A4 at 96 dpi
    for name, url in pages:
        if name.startswith(("prepare", "talk")):
            page.goto(live_server.url + url)
            screenshot(page, f"{name}-print")
            assert page.get_by_role("button").first.is_hidden()
    page.context.close()
    assert not too_wide
