"""The whole cycle with the keyboard alone, and again with JavaScript switched off.

The keyboard journeys only press keys (Tab, Shift+Tab, Enter, Space, arrows, typing):
no click, no fill. Locators are only read, to know where the focus is. At every Tab
stop the focused element must show a visible focus ring.
"""

import datetime

import pytest
from playwright.sync_api import expect

from reviews.models import Answer, FocusArea, Goal, Mark, Preparation, Reflection, Review
from tests.browser.conftest import log_in

pytestmark = pytest.mark.django_db(transaction=True)

FIRST_QUESTION = "Hvilke resultater og præstationer har jeg opnået det seneste år?"

# The focused element's ring: its own outline, or the outline its label draws around it.
FOCUS_RING = """el => {
  const ring = e => { const s = getComputedStyle(e);
    return s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2; };
  return ring(el) || (el.closest('label') && ring(el.closest('label')));
}"""


class Keyboard:
    """A person with a keyboard and no mouse; remembers any Tab stop without a focus ring."""

    def __init__(self, page):
        self.page = page
        self.unringed = []

    def tab_to(self, locator, limit=250, backwards=False):
        for _ in range(limit):
            if locator.evaluate("el => el === document.activeElement"):
                return
            self.page.keyboard.press("Shift+Tab" if backwards else "Tab")
            focused = self.page.locator(":focus")
            if focused.count() and not focused.evaluate(FOCUS_RING):
                self.unringed.append(focused.evaluate("el => el.outerHTML.slice(0, 120)"))
        raise AssertionError(f"Tab never reached {locator}")

    def press(self, locator, key="Enter"):
        self.tab_to(locator)
        self.page.keyboard.press(key)

    def type_into(self, locator, text):
        self.tab_to(locator)
        self.page.keyboard.type(text)

    def log_in(self, live_server, username):
        self.page.goto(f"{live_server.url}/login/")
        self.type_into(self.page.get_by_label("Brugernavn"), username)
        self.page.keyboard.press("Tab")
        self.page.keyboard.type("correct horse battery staple")
        self.page.keyboard.press("Enter")
        expect(self.page.get_by_role("heading", level=1)).to_contain_text("Hej")


def test_the_whole_cycle_with_the_keyboard_alone(browser, live_server, review):
    anne = Keyboard(browser.new_context(locale="da-DK").new_page())
    mette = Keyboard(browser.new_context(locale="da-DK").new_page())
    faglighed = review.round.catalogue.competences.get(name="Faglighed")
    politik = review.round.catalogue.competences.get(name="Politik")

    # The employee prepares: an answer, a mark on the wheel, a note, and shares.
    anne.log_in(live_server, "anne")
    anne.press(anne.page.get_by_role("link", name="Forbered dig"))
    expect(anne.page.get_by_role("heading", level=1)).to_have_text("Din forberedelse")
    anne.type_into(anne.page.get_by_label(FIRST_QUESTION), "Skrevet uden mus.")
    expect(anne.page.locator("#announcer")).to_have_text("Gemt")
    anne.tab_to(anne.page.locator(f"#levels-c{faglighed.pk} input:checked"))
    anne.page.keyboard.press("ArrowLeft")  # "not marked" → "focus area"
    expect(anne.page.locator("#announcer")).to_have_text("Faglighed: fokusområde")
    # The radio group was redrawn; the focus stays on the choice just made.
    expect(anne.page.locator(f"#level-c{faglighed.pk}-focus")).to_be_focused()
    note = anne.page.locator(f"#id-note-c{faglighed.pk}")
    anne.type_into(note, "Vil gerne blive bedre.")
    expect(anne.page.locator(f"#state-note-c{faglighed.pk}")).to_contain_text("Gemt")
    anne.press(anne.page.get_by_role("button", name="Del min forberedelse"))
    anne.press(anne.page.get_by_role("button", name="Ja, del min forberedelse"))
    expect(anne.page.get_by_text("Din forberedelse er delt")).to_be_visible()

    # The manager prepares, shares, starts the talk, agrees a focus area and a goal.
    mette.log_in(live_server, "mette")
    mette.press(mette.page.get_by_role("link", name="Anne Andersen"))
    mette.press(mette.page.get_by_role("link", name="Forbered dig"))
    mette.type_into(mette.page.get_by_label(FIRST_QUESTION), "Anne har løftet opgaven.")
    expect(mette.page.locator("#announcer")).to_have_text("Gemt")
    mette.tab_to(mette.page.locator(f"#levels-c{politik.pk} input:checked"))
    mette.page.keyboard.press("ArrowLeft")
    expect(mette.page.locator("#announcer")).to_have_text("Politik: fokusområde")
    mette.press(mette.page.get_by_role("button", name="Del min forberedelse"))
    mette.press(mette.page.get_by_role("button", name="Ja, del min forberedelse"))
    expect(mette.page.get_by_text("Din forberedelse er delt")).to_be_visible()
    mette.press(mette.page.get_by_role("link", name=f"{review.round} · Anne Andersen"))
    mette.press(mette.page.get_by_role("link", name="Start samtalen"))
    mette.press(mette.page.get_by_role("button", name="Start samtalen"))
    expect(mette.page.get_by_role("heading", name="Jeres to blik side om side")).to_be_visible()
    mette.press(mette.page.get_by_role("checkbox", name="Politik"), " ")
    mette.press(mette.page.get_by_role("button", name="Gem fokusområder"))
    expect(mette.page.get_by_role("checkbox", name="Politik")).to_be_checked()
    mette.type_into(mette.page.get_by_label("Mål", exact=True), "Formidle til politikerne")
    # Headless Chromium lays out a date field month first whatever the context's locale
    # (a Danish desktop Chromium shows dd.mm.åååå): keys go in the order the field shows.
    mette.type_into(mette.page.get_by_label("Hvornår").last, "11252027")
    expect(mette.page.get_by_label("Hvornår").last).to_have_value("2027-11-25")
    mette.press(mette.page.get_by_role("button", name="Tilføj mål"))
    expect(mette.page.get_by_text("Venter på Annes accept")).to_be_visible()
    mette.type_into(
        mette.page.get_by_role("textbox", name="Opsummering af det aftalte"), "Vi aftalte et mål."
    )
    mette.press(mette.page.get_by_role("button", name="Gem", exact=True))
    # Each step waits for its page: two people at once on the test server's one SQLite
    # connection would otherwise collide.
    expect(mette.page.locator(".message")).to_have_text("Gemt.")

    # The employee accepts the goal's wording.
    anne.page.goto(f"{live_server.url}/reviews/{review.public_id}/talk/")
    anne.press(anne.page.get_by_role("button", name="Acceptér målet"))
    expect(anne.page.get_by_text("Aftalt af begge")).to_be_visible()

    mette.page.reload()
    mette.press(mette.page.get_by_role("link", name="Samtalen er holdt"))
    mette.press(mette.page.get_by_role("button", name="Samtalen er holdt"))
    expect(mette.page.locator(".state--talk_held")).to_be_visible()

    # After the talk: the employee's reflections, then the confirmation.
    anne.page.reload()
    anne.press(anne.page.get_by_role("link", name="Refleksioner efter MUS"))
    anne.type_into(anne.page.get_by_label("Rolle/funktion"), "Mere ansvar for formidlingen.")
    anne.press(anne.page.get_by_role("button", name="Gem", exact=True))
    expect(anne.page.get_by_label("Rolle/funktion")).to_have_value("Mere ansvar for formidlingen.")
    anne.page.goto(f"{live_server.url}/reviews/{review.public_id}/talk/")
    anne.type_into(anne.page.get_by_label("Det, jeg er uenig i (valgfrit)"), "Intet.")
    anne.press(anne.page.get_by_role("button", name="Bekræft og afslut"))
    expect(anne.page.get_by_role("heading", name="Afsluttet")).to_be_visible()

    concluded = Review.objects.get(pk=review.pk)
    assert (concluded.state, concluded.summary) == ("concluded", "Vi aftalte et mål.")
    assert Answer.objects.filter(preparation__party="employee").get().text == "Skrevet uden mus."
    assert Mark.objects.get(preparation__party="employee", competence=faglighed).level == "focus"
    mark = Mark.objects.get(preparation__party="employee", competence=faglighed)
    assert mark.note == "Vil gerne blive bedre."
    assert FocusArea.objects.get(review=review).competence == politik
    goal = Goal.objects.get()
    assert goal.is_agreed and goal.due == datetime.date(2027, 11, 25)
    assert Reflection.objects.get(party="employee").role == "Mere ansvar for formidlingen."
    anne.page.context.close()
    mette.page.context.close()
    assert not anne.unringed + mette.unringed, "Focus without a visible ring"


def test_htmx_keeps_focus_and_announces_the_wheel_click(page, live_server, review):
    log_in(page, live_server, "anne")
    page.goto(f"{live_server.url}/reviews/{review.public_id}/prepare/")
    kommuner = review.round.catalogue.competences.get(name="Kommuner")
    page.locator(".wheel__field--strong", has=page.locator("title", has_text="Kommuner:")).click()
    expect(page.locator("#announcer")).to_have_text("Kommuner: stærk kompetence")
    expect(page.locator(f"#level-c{kommuner.pk}-strong")).to_be_checked()
    answer = page.get_by_label(FIRST_QUESTION)
    answer.focus()
    page.keyboard.type("Jeg skriver videre")
    expect(page.locator("#announcer")).to_have_text("Gemt")
    expect(answer).to_be_focused()  # the swap of the field's state leaves the writer in place
    page.keyboard.type(" uden afbrydelse.")
    expect(answer).to_have_value("Jeg skriver videre uden afbrydelse.")


def test_the_whole_cycle_without_javascript(browser, live_server, review):
    anne = browser.new_context(java_script_enabled=False, locale="da-DK").new_page()
    mette = browser.new_context(java_script_enabled=False, locale="da-DK").new_page()
    faglighed = review.round.catalogue.competences.get(name="Faglighed")

    log_in(anne, live_server, "anne")
    anne.get_by_role("link", name="Forbered dig").click()
    anne.get_by_label(FIRST_QUESTION).fill("Uden JavaScript")
    anne.locator(f"#level-c{faglighed.pk}-strong").check()
    anne.locator(f"#id-note-c{faglighed.pk}").fill("En note")
    anne.get_by_role("button", name="Gem", exact=True).click()
    expect(anne.get_by_text("Din forberedelse er gemt.")).to_be_visible()
    expect(anne.locator(".wheel title").first).to_contain_text("Faglighed: stærk kompetence")
    anne.get_by_role("button", name="Del min forberedelse").click()
    anne.get_by_role("button", name="Ja, del min forberedelse").click()
    expect(anne.get_by_text("Din forberedelse er delt")).to_be_visible()

    log_in(mette, live_server, "mette")
    mette.get_by_role("link", name="Anne Andersen").click()
    mette.get_by_role("link", name="Forbered dig").click()
    mette.locator(f"#level-c{faglighed.pk}-fine").check()
    mette.get_by_role("button", name="Gem", exact=True).click()
    mette.get_by_role("button", name="Del min forberedelse").click()
    mette.get_by_role("button", name="Ja, del min forberedelse").click()
    mette.goto(f"{live_server.url}/reviews/{review.public_id}/")
    mette.get_by_role("link", name="Start samtalen").click()
    mette.get_by_role("button", name="Start samtalen").click()
    mette.get_by_role("checkbox", name="Politik").check()
    mette.get_by_role("button", name="Gem fokusområder").click()
    mette.get_by_label("Mål", exact=True).fill("Uden JavaScript")
    mette.get_by_label("Hvornår").last.fill("2027-11-25")
    mette.get_by_role("button", name="Tilføj mål").click()
    mette.get_by_role("textbox", name="Opsummering af det aftalte").fill("Vi aftalte et mål.")
    mette.get_by_role("button", name="Gem", exact=True).click()

    anne.goto(f"{live_server.url}/reviews/{review.public_id}/talk/")
    anne.get_by_role("button", name="Acceptér målet").click()
    expect(anne.get_by_text("Aftalt af begge")).to_be_visible()

    mette.goto(f"{live_server.url}/reviews/{review.public_id}/talk/")
    mette.get_by_role("link", name="Samtalen er holdt").click()
    mette.get_by_role("button", name="Samtalen er holdt").click()
    anne.goto(f"{live_server.url}/reviews/{review.public_id}/reflection/")
    anne.get_by_label("Rolle/funktion").fill("Uden JavaScript")
    anne.get_by_role("button", name="Gem", exact=True).click()
    anne.get_by_role("button", name="Del mine refleksioner").click()
    anne.goto(f"{live_server.url}/reviews/{review.public_id}/talk/")
    anne.get_by_role("button", name="Bekræft og afslut").click()

    expect(anne.get_by_role("heading", name="Afsluttet")).to_be_visible()
    concluded = Review.objects.get(pk=review.pk)
    assert (concluded.state, concluded.summary) == ("concluded", "Vi aftalte et mål.")
    assert Goal.objects.get().is_agreed
    assert Preparation.objects.filter(shared_at__isnull=False).count() == 2
    mark = Mark.objects.get(preparation__party="employee", competence=faglighed)
    assert (mark.level, mark.note) == ("strong", "En note")
    assert Reflection.objects.get(party="employee").shared_at is not None
    anne.context.close()
    mette.context.close()
